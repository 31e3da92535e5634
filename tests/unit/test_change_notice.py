"""Rule: NBank changes an approved project by a change notice (Änderungsbescheid), with a
reason: its end date, its cost and its grant, within the programme's limits (at most 36
months, the end by 2028-12-31), decided before the project ends and not in the future;
the grant never above the eligible cost x the rate, never below what was requested, and
the difference committed on or released to the region's budget."""

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from services.funding.application.commands import (
    Approval,
    Disbursement,
    GrantAmendment,
    PaymentRequest,
)
from services.funding.application.funding import FundingApplication
from services.funding.domain.rules import NotEnoughMoney, ProjectRuleBroken, StepOutOfOrder
from tests.unit.funding_world import (
    EUR,
    NBANK,
    RM,
    approved,
    available,
    propose,
    submitted,
)


def amend(funding: FundingApplication, pid: object, **change: object) -> object:
    body = GrantAmendment(note="Änderungsantrag vom 2. Mai", **change)  # type: ignore[arg-type]
    return funding.amend_grant(pid, body, NBANK)  # type: ignore[arg-type]


def test_an_extension_within_the_programmes_limits(funding: FundingApplication) -> None:
    pid = approved(funding)  # 2025-01-01 to 2027-06-30
    state = amend(funding, pid, end_date=date(2027, 12, 31))
    assert state.end_date == date(2027, 12, 31)  # type: ignore[attr-defined]
    with pytest.raises(ProjectRuleBroken, match="at most 36 months, not 37"):
        amend(funding, pid, end_date=date(2028, 1, 1))
    late = approved(funding, start_date=date(2026, 6, 1), end_date=date(2028, 6, 30))
    with pytest.raises(ProjectRuleBroken, match="projects end by 2028-12-31"):
        amend(funding, late, end_date=date(2029, 3, 31))


def test_a_change_notice_is_decided_before_the_end_and_not_in_the_future(
    funding: FundingApplication,
) -> None:
    pid = approved(funding)
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(ProjectRuleBroken, match="lies in the future"):
        amend(funding, pid, end_date=date(2027, 9, 30), decided_on=tomorrow)
    ended = submitted(funding, start_date=date(2025, 1, 1), end_date=date(2026, 6, 30))
    funding.approve(ended, Approval(decided_on=date(2025, 3, 1), note=None), NBANK)  # type: ignore[arg-type]
    with pytest.raises(ProjectRuleBroken, match="ended on 2026-06-30"):
        amend(funding, ended, end_date=date(2026, 9, 30), decided_on=date(2026, 7, 1))
    amend(funding, ended, end_date=date(2026, 9, 30), decided_on=date(2026, 6, 30))
    # Dated before the grant's last decision, or moving the end before the notice: refused.
    with pytest.raises(ProjectRuleBroken, match="before the grant's last decision of 2026-06-30"):
        amend(funding, ended, end_date=date(2026, 8, 31), decided_on=date(2026, 6, 29))
    with pytest.raises(ProjectRuleBroken, match="cannot end on 2026-06-29, before the notice"):
        amend(funding, ended, end_date=date(2026, 6, 29), decided_on=date(2026, 6, 30))


def test_a_higher_cost_raises_the_grant_from_the_budget(funding: FundingApplication) -> None:
    pid = approved(funding)  # 600,000 € committed of 1,000,000.01 € eligible at 60 %
    before = available(funding)
    state = amend(
        funding, pid, total_cost_cents=1_500_000 * EUR, eligible_cost_cents=1_400_000 * EUR
    )
    assert state.grant_cents == 840_000 * EUR  # type: ignore[attr-defined]
    assert available(funding) == before - 240_000 * EUR
    with pytest.raises(NotEnoughMoney, match="cannot be committed"):
        amend(funding, pid, total_cost_cents=20_000_000 * EUR, eligible_cost_cents=11_000_000 * EUR)
    with pytest.raises(ProjectRuleBroken, match="at most the eligible cost x the rate"):
        amend(funding, pid, grant_cents=840_000 * EUR + 1)


def test_a_lower_grant_is_released_but_never_below_what_was_requested(
    funding: FundingApplication,
) -> None:
    pid = approved(funding)
    request = PaymentRequest(declared_expenditure_cents=500_000 * EUR, note=None)
    funding.request_payment(pid, request, RM)  # type: ignore[arg-type]
    funding.disburse(pid, Disbursement(amount_cents=100_000 * EUR, note=None), NBANK)  # type: ignore[arg-type]
    before = available(funding)
    with pytest.raises(ProjectRuleBroken, match=r"below what was requested, 300\.000,00 €"):
        amend(funding, pid, grant_cents=299_999 * EUR)
    state = amend(funding, pid, grant_cents=400_000 * EUR)
    assert state.grant_cents == 400_000 * EUR  # type: ignore[attr-defined]
    assert available(funding) == before + 200_000 * EUR


def test_a_change_notice_needs_a_reason_a_change_and_an_approved_project(
    funding: FundingApplication,
) -> None:
    with pytest.raises(ValidationError):
        GrantAmendment(end_date=date(2027, 9, 30))  # type: ignore[call-arg]
    pid = approved(funding)
    with pytest.raises(ProjectRuleBroken, match="changes nothing"):
        amend(funding, pid, end_date=date(2027, 6, 30))
    proposed = propose(funding)
    with pytest.raises(StepOutOfOrder, match="order of steps"):
        amend(funding, proposed, end_date=date(2027, 9, 30))
