"""A project's life against the region's budget, and the programme's rules (in memory)."""

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from eventsourcing.persistence import StoredEvent

from services.funding.adapters.public_events import to_public
from services.funding.application.commands import (
    Approval,
    Disbursement,
    PaymentRequest,
    PriorityCheck,
    ProofOfUse,
    Recovery,
    Reduction,
    Step,
    Vote,
)
from services.funding.application.funding import FundingApplication
from services.funding.domain.rules import (
    NotEnoughMoney,
    ProjectRuleBroken,
    RegionUnknown,
    StepOutOfOrder,
)
from shared.events import contract_for, v2
from shared.idempotency import Idempotency, IdempotencyKeyReused
from shared.programme import BERLIN
from tests.unit.funding_world import (
    EUR,
    NBANK,
    POPO,
    RM,
    SCORES,
    SG,
    approved,
    feed,
    funded_world,
    proposal,
    propose,
    public_events,
    submitted,
)


def budget(funding: FundingApplication, fund: str = "EFRE") -> dict[str, int]:
    [b] = [b for b in funding.budgets("heidefinition") if b.fund == fund]
    return b.model_dump(exclude={"region_id", "fund", "version", "held_cuts"})


def test_funding_learns_the_regions_budgets_from_their_events_once() -> None:
    regions, funding = funded_world()
    assert budget(funding, "EFRE")["allocated_cents"] == 6_000_000 * EUR
    assert budget(funding, "ESF+")["available_cents"] == 2_000_000 * EUR
    # Redelivered at the same offsets: recognised by the stored position.
    everything = list(public_events(regions))
    assert feed(funding, everything) == 0
    # Republished by a relay after a crash, at new offsets: recognised by the region's version.
    versions = [b.version for b in funding.budgets("heidefinition")]
    feed(funding, everything, first_offset=len(everything))
    assert [b.version for b in funding.budgets("heidefinition")] == versions
    # A later adjustment arrives and is applied.
    regions.adjust_budget(
        "heidefinition", fund="EFRE", amount_cents=5_000_000 * EUR, reason="Umschichtung",
        meta=NBANK,
    )  # fmt: skip
    feed(funding, list(public_events(regions, start=10)), first_offset=100)
    assert budget(funding, "EFRE")["allocated_cents"] == 5_000_000 * EUR


def test_a_project_from_proposal_to_closure(funding: FundingApplication) -> None:
    pid = approved(funding)
    project = funding.get_project(pid)
    assert project.operation_code == "ZRN-HEIDEFINITION-0001"
    # Celle (03351) lies in the transition region: 60 %, rounded down to the cent.
    assert project.grant_cents == 600_000 * EUR
    assert budget(funding)["available_cents"] == 5_400_000 * EUR

    funding.request_payment(
        pid, PaymentRequest(declared_expenditure_cents=500000 * EUR, note=None), RM
    )
    funding.disburse(pid, Disbursement(amount_cents=300000 * EUR, note="1. Rate"), NBANK)
    funding.accept_proof_of_use(
        pid, ProofOfUse(eligible_expenditure_cents=500000 * EUR, note=None), NBANK
    )
    closed = funding.close_project(pid, Step(note="Verwendungsnachweis geprüft"), NBANK)
    assert (closed.stage, closed.disbursed_cents, closed.grant_cents) == (
        "closed",
        300_000 * EUR,
        300_000 * EUR,
    )
    assert budget(funding) == {
        "allocated_cents": 6_000_000 * EUR,
        "committed_cents": 600_000 * EUR,
        "disbursed_cents": 300_000 * EUR,
        "released_cents": 300_000 * EUR,
        "recovered_cents": 0,
        "available_cents": 5_700_000 * EUR,
    }


def test_the_grant_is_eligible_cost_times_the_rate_rounded_down(
    funding: FundingApplication,
) -> None:
    pid = approved(funding, eligible_cost_cents=33_333_33, total_cost_cents=40_000_00, kind="study")
    assert funding.get_project(pid).grant_cents == 19_999_99  # 60 % of 33,333.33 = 19,999.998


@pytest.mark.parametrize(
    ("overrides", "error", "message"),
    [
        ({"eligible_cost_cents": 99_999_99}, ProjectRuleBroken, "minimum size"),
        ({"eligible_cost_cents": 24_999_99, "kind": "study"}, ProjectRuleBroken, "25.000,00 €"),
        ({"end_date": date(2028, 1, 2)}, ProjectRuleBroken, "at most 36 months, not 37"),
        ({"start_date": date(2026, 6, 1), "end_date": date(2029, 1, 31)}, ProjectRuleBroken, "end"),
        ({"end_date": date(2024, 12, 31)}, ProjectRuleBroken, "ends before it starts"),
        ({"handlungsfeld": "HF6"}, ProjectRuleBroken, "HF6 is not one of HeiDefinition's"),
        ({"handlungsfeld": "HF4"}, ProjectRuleBroken, "HF4 is financed from ESF+"),
        ({"applicant_kind": "company"}, ProjectRuleBroken, "only inside a consortium"),
        ({"location_ags": "03159"}, ProjectRuleBroken, "03159 is not a district of HeiDefinition"),
        ({"eligible_cost_cents": 2_000_000 * EUR}, ProjectRuleBroken, "cannot exceed the total"),
    ],
)
def test_proposals_follow_the_programme_rules(
    funding: FundingApplication, overrides: dict[str, Any], error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        propose(funding, **overrides)
    assert funding.region_projects("heidefinition") == []


def test_a_region_funding_has_not_heard_of_has_no_projects() -> None:
    funding = FundingApplication(env=POPO)
    with pytest.raises(RegionUnknown, match="not \\(yet\\) known to funding"):
        funding.propose_project(region_id="heidefinition", meta=RM, **proposal())


def test_steps_out_of_order_are_conflicts(funding: FundingApplication) -> None:
    pid = propose(funding)
    vote = {"votes_for": 5, "votes_against": 0, "abstentions": 0, "voted_on": date(2025, 2, 1),
            "scores": SCORES}  # fmt: skip
    with pytest.raises(StepOutOfOrder, match="vote needs a project that is priority_checked"):
        funding.record_vote(pid, Vote(note=None, **vote), SG)  # type: ignore[arg-type]
    with pytest.raises(StepOutOfOrder, match="payment request needs a project that is approved"):
        funding.request_payment(pid, PaymentRequest(declared_expenditure_cents=1, note=None), RM)
    funding.record_priority_check(
        pid, PriorityCheck(passed=True, other_programme=None, note=None), RM
    )
    rejected = funding.record_vote(
        pid, Vote(note="zu teuer", **{**vote, "votes_for": 2, "votes_against": 3}), SG
    )
    assert rejected.stage == "rejected"
    with pytest.raises(StepOutOfOrder):
        funding.submit(pid, Step(note=None), RM)


def test_a_project_another_programme_should_fund_goes_no_further(
    funding: FundingApplication,
) -> None:
    pid = propose(funding)
    state = funding.record_priority_check(
        pid, PriorityCheck(passed=False, other_programme="GRW", note=None), RM
    )
    assert state.stage == "referred_elsewhere"


def test_no_commitment_beyond_the_budget(funding: FundingApplication) -> None:
    for _ in range(10):  # 10 x 600,000 = the whole EFRE budget of 6 m
        approved(funding)
    with pytest.raises(NotEnoughMoney, match="has 0,00 € available"):
        approved(funding)
    assert budget(funding)["available_cents"] == 0


def test_no_disbursement_beyond_what_is_requested_and_committed(
    funding: FundingApplication,
) -> None:
    pid = approved(funding)
    funding.request_payment(
        pid, PaymentRequest(declared_expenditure_cents=100000 * EUR, note=None), RM
    )
    with pytest.raises(NotEnoughMoney, match=r"60\.000,00 € of the commitment is requested"):
        funding.disburse(pid, Disbursement(amount_cents=60000 * EUR + 1, note=None), NBANK)
    with pytest.raises(NotEnoughMoney, match=r"the commitment has 540\.000,00 € left"):
        funding.request_payment(
            pid, PaymentRequest(declared_expenditure_cents=1000000 * EUR, note=None), RM
        )


def test_withdrawal_reduction_and_recovery_give_money_back(funding: FundingApplication) -> None:
    withdrawn = approved(funding)
    funding.withdraw(withdrawn, Step(note="Antragsteller zieht zurück"), RM)
    reduced = approved(funding)
    funding.reduce(reduced, Reduction(grant_cents=400000 * EUR, note="Kostenreduzierung"), NBANK)
    recovered = approved(funding)
    funding.request_payment(
        recovered, PaymentRequest(declared_expenditure_cents=100000 * EUR, note=None), RM
    )
    funding.disburse(recovered, Disbursement(amount_cents=60000 * EUR, note=None), NBANK)
    with pytest.raises(StepOutOfOrder, match="recover it first"):
        funding.withdraw(recovered, Step(note=None), RM)
    funding.recover(recovered, Recovery(amount_cents=10000 * EUR, note="Rückforderung"), NBANK)
    b = budget(funding)
    assert b["released_cents"] == 600_000 * EUR + 200_000 * EUR
    assert b["recovered_cents"] == 10_000 * EUR
    # 6 m - 3 x 600,000 committed + 800,000 released + 10,000 recovered
    assert b["available_cents"] == 5_010_000 * EUR


def test_a_retried_command_is_applied_once(funding: FundingApplication) -> None:
    pid = approved(funding)
    funding.request_payment(
        pid, PaymentRequest(declared_expenditure_cents=100000 * EUR, note=None), RM
    )
    idem = Idempotency.of("pay-1", "nbank-7", "POST disburse", {"amount_cents": 10})
    first = funding.disburse(pid, Disbursement(amount_cents=10, note=None), NBANK, idem)
    again = funding.disburse(pid, Disbursement(amount_cents=10, note=None), NBANK, idem)
    assert again == first and funding.get_project(pid).disbursed_cents == 10
    other = Idempotency.of("pay-1", "nbank-7", "POST disburse", {"amount_cents": 20})
    with pytest.raises(IdempotencyKeyReused, match="different request"):
        funding.disburse(pid, Disbursement(amount_cents=20, note=None), NBANK, other)


def test_a_retry_racing_its_own_first_attempt_gets_the_first_result(
    funding: FundingApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client that gave up waiting sends the command again while the first attempt is
    still running; the first saves between the retry's look for a result and its step.
    The retry then finds the step taken, and must answer with the first result instead
    of 'order of steps' (found by the database outage test)."""
    pid = submitted(funding)
    idem = Idempotency.of("approve-1", "nbank-7", "POST approval", {})
    first = funding.approve(pid, Approval(note=None), NBANK, idem)
    looked, looks = funding.prior, []

    def look(i: Idempotency) -> dict[str, Any] | None:
        looks.append(i)  # the retry's first look comes before the first attempt's save
        return None if len(looks) == 1 else looked(i)

    monkeypatch.setattr(funding, "prior", look)
    assert funding.approve(pid, Approval(note=None), NBANK, idem) == first


def test_the_lifecycle_is_published_without_the_contact_person(funding: FundingApplication) -> None:
    pid = approved(funding)
    funding.request_payment(
        pid, PaymentRequest(declared_expenditure_cents=100000 * EUR, note=None), RM
    )
    funding.disburse(pid, Disbursement(amount_cents=60000 * EUR, note=None), NBANK)
    public = [ce for e in funding.project_history(pid) for ce in to_public(e)]
    assert [ce.type.split(".")[-2] for ce in public] == [
        "ProjectProposed",
        "PriorityCheckRecorded",
        "ProjectEndorsed",
        "ApplicationSubmitted",
        "FundsCommitted",
        "PaymentRequested",
        "FundsDisbursed",
    ]
    for ce in public:
        contract = contract_for(ce.type)
        assert contract is not None
        contract.model_validate(ce.data)
        assert "Mustermann" not in ce.model_dump_json()
        assert ce.data["region_id"] == "heidefinition"
    committed = public[4].data
    assert (committed["amount_cents"], committed["funding_rate"], committed["fund"]) == (
        600_000 * EUR,
        "0.60",
        "EFRE",
    )


def test_a_grant_decision_records_its_date_and_refuses_one_in_the_future(
    funding: FundingApplication,
) -> None:
    pid = submitted(funding)
    tomorrow = datetime.now(BERLIN).date() + timedelta(days=1)
    with pytest.raises(ProjectRuleBroken, match="lies in the future"):
        funding.approve(pid, Approval(decided_on=tomorrow, note=None), NBANK)
    funding.approve(pid, Approval(decided_on=date(2025, 3, 14), note=None), NBANK)
    [ce] = [
        ce for e in funding.project_history(pid) for ce in to_public(e) if "Committed" in ce.type
    ]
    assert ce.type == v2.FundsCommittedV3.event_type()
    assert ce.data["decided_on"] == "2025-03-14"


def test_a_commitment_stored_before_v2_is_upcast_when_read(funding: FundingApplication) -> None:
    """A Project.Approved event stored as version 1 (no decision date): eventsourcing's
    upcasting gives it the day it was recorded, and it is published with the decision date
    (FundsCommitted v3: v2's date, and the actor's role and organisation)."""
    pid = approved(funding)
    [stored] = [s for s in funding.recorder.select_events(pid) if s.topic.endswith(".Approved")]
    state = funding.mapper.transcoder.decode(stored.state)
    assert state.pop("class_version") == 2
    del state["decided_on"]
    as_v1 = StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=funding.mapper.transcoder.encode(state),
    )
    event = funding.mapper.to_domain_event(as_v1)
    assert event.decided_on == event.timestamp.astimezone(BERLIN).date()
    [ce] = to_public(event)
    assert ce.type == v2.FundsCommittedV3.event_type()
    v2.FundsCommittedV3.model_validate(ce.data)
