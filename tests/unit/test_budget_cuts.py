"""A budget cut never makes available money negative (issue 13, rule 1), funding's half:
funding holds a cut the regions service asks for only while what is committed fits in
the new allocation, and commits no more than the cut leaves until the cut is applied,
cancelled or lapses (in memory, fed with the regions application's real events)."""

import re
from uuid import UUID, uuid4

import pytest

from services.funding.application.budget_cuts import CutCancel, CutReserve, cancel_cut, reserve_cut
from services.funding.application.commands import Approval
from services.funding.application.funding import FundingApplication
from services.funding.domain.budget import BudgetCutRefused
from services.funding.domain.rules import NotEnoughMoney
from services.regions.application.regions import RegionsApplication
from shared.es import meta
from tests.unit.funding_world import (
    EUR,
    MINISTRY,
    NBANK,
    approved,
    feed,
    funded_world,
    public_events,
    submitted,
)

REGIONS_SERVICE = meta({"role": "service", "subject": "regions"}, "c-cut")
TOPIC = "zr.regions.events#0"
REFUSAL = (
    "budget cut: 600.000,00 € are committed in the EFRE budget of heidefinition; "
    "the budget cannot go below that"
)


def efre(funding: FundingApplication) -> dict[str, int]:
    [b] = [b for b in funding.budgets("heidefinition") if b.fund == "EFRE"]
    return {"allocated": b.allocated_cents, "available": b.available_cents}


def reserve(
    funding: FundingApplication, regions: RegionsApplication, euros: int, cut_id: UUID | None = None
) -> bool:
    """The regions service's request: cut EFRE to `euros`, computed on the region as it is."""
    command = CutReserve(
        amount_cents=euros * EUR,
        reason="Umschichtung",
        based_on=regions.get_region("heidefinition").version,
    )
    cut = cut_id or uuid4()
    return reserve_cut(funding, "heidefinition", "EFRE", cut, command, REGIONS_SERVICE).held


def adjust(regions: RegionsApplication, funding: FundingApplication, euros: int) -> None:
    """The ministry's adjustment recorded in regions, and funding learning it from the feed."""
    since = regions.recorder.max_notification_id() or 0
    regions.adjust_budget(
        "heidefinition", fund="EFRE", amount_cents=euros * EUR, reason="Umschichtung",
        meta=MINISTRY,
    )  # fmt: skip
    news = list(public_events(regions, start=since + 1))
    feed(funding, news, first_offset=(funding.position(TOPIC) or 0) + 1)


def test_a_cut_below_what_is_committed_is_refused_naming_the_amount() -> None:
    regions, funding = funded_world()
    approved(funding)  # 600,000 euros committed of 6 million
    version = funding.budgets("heidefinition")[0].version
    with pytest.raises(BudgetCutRefused, match=re.escape(REFUSAL)):
        reserve(funding, regions, 1)
    assert efre(funding) == {"allocated": 6_000_000 * EUR, "available": 5_400_000 * EUR}
    assert funding.budgets("heidefinition")[0].version == version  # nothing recorded


def test_a_cut_to_exactly_what_is_committed_is_held_and_then_applied() -> None:
    regions, funding = funded_world()
    approved(funding)
    assert reserve(funding, regions, 600_000)
    # While the cut is under way, nothing is left to commit, though 6 million are allocated.
    assert efre(funding) == {"allocated": 6_000_000 * EUR, "available": 0}
    late = submitted(funding)
    with pytest.raises(NotEnoughMoney, match="has 0,00 € available"):
        funding.approve(late, Approval(note="Bescheid"), NBANK)
    # The regions service records the cut; funding applies it and the hold is closed.
    adjust(regions, funding, 600_000)
    assert efre(funding) == {"allocated": 600_000 * EUR, "available": 0}
    adjust(regions, funding, 1_000_000)  # a raise counts in full: no cut holds it back
    assert efre(funding)["available"] == 400_000 * EUR


def test_an_approval_after_a_held_cut_commits_no_more_than_the_cut_leaves() -> None:
    regions, funding = funded_world()
    cut = uuid4()
    assert reserve(funding, regions, 1_000_000, cut)
    approved(funding)  # 600,000 of the 1 million the cut leaves
    second = submitted(funding)
    with pytest.raises(NotEnoughMoney, match=re.escape("has 400.000,00 € available")):
        funding.approve(second, Approval(note="Bescheid"), NBANK)
    assert efre(funding) == {"allocated": 6_000_000 * EUR, "available": 400_000 * EUR}
    # The budget's view names the hold (an operator finds one left behind).
    assert funding.budgets("heidefinition")[0].held_cuts == {str(cut): 1_000_000 * EUR}
    # The regions service could not record the cut and cancels it: the money is back.
    state = cancel_cut(
        funding, "heidefinition", "EFRE", cut, CutCancel(note="not recorded"), REGIONS_SERVICE
    )
    assert not state.held and state.available_cents == 5_400_000 * EUR
    funding.approve(second, Approval(note="Bescheid"), NBANK)
    assert efre(funding)["available"] == 4_800_000 * EUR


def test_a_cut_left_behind_lapses_when_the_next_allocation_is_applied() -> None:
    """A cut regions never recorded (it crashed after funding held it) only holds money
    back, and only until funding applies the region's next change of that budget."""
    regions, funding = funded_world()
    assert reserve(funding, regions, 1_000_000)
    assert efre(funding)["available"] == 1_000_000 * EUR
    adjust(regions, funding, 7_000_000)
    assert efre(funding) == {"allocated": 7_000_000 * EUR, "available": 7_000_000 * EUR}


def test_a_cut_computed_before_a_change_funding_has_applied_is_not_held() -> None:
    """Regions cannot save such a cut (its region has moved on): it asks again."""
    regions, funding = funded_world()
    stale = regions.get_region("heidefinition").version
    adjust(regions, funding, 5_000_000)
    command = CutReserve(amount_cents=1_000_000 * EUR, reason="Umschichtung", based_on=stale)
    state = reserve_cut(funding, "heidefinition", "EFRE", uuid4(), command, REGIONS_SERVICE)
    assert not state.held and state.available_cents == 5_000_000 * EUR


def test_the_same_cut_asked_for_twice_is_held_once() -> None:
    regions, funding = funded_world()
    cut = uuid4()
    assert reserve(funding, regions, 1_000_000, cut)
    version = funding.budgets("heidefinition")[0].version
    assert reserve(funding, regions, 1_000_000, cut)
    assert funding.budgets("heidefinition")[0].version == version


def test_a_cut_of_a_budget_funding_has_not_learnt_is_refused() -> None:
    _, funding = funded_world()
    command = CutReserve(amount_cents=1, reason="Umschichtung", based_on=1)
    with pytest.raises(BudgetCutRefused, match="funding has not learnt the EFRE budget of jadebay"):
        reserve_cut(funding, "jadebay", "EFRE", uuid4(), command, REGIONS_SERVICE)
