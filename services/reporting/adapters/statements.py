"""Each public event as the SQL statement that applies it to the read models.

A statement is (sql, args). The projection runs a batch's statements in the order of the
events, sending consecutive statements of the same SQL together (`executemany`), so one
aggregate's events are applied in order and a batch costs a few round trips.
"""

from collections.abc import Callable
from typing import Any

from services.funding.domain.rules import funding_rate
from shared.events import PublicEvent, v1
from shared.money import apply_rate

Statement = tuple[str, tuple[Any, ...]]

TRANSITION = "033"


def category(location_ags: str | None) -> str:
    return (
        "transition" if location_ags and location_ags.startswith(TRANSITION) else "more_developed"
    )


def region_category(p: v1.MembersRecordedV1) -> str:
    """Where the lead partner lies; without one, transition only if every district does."""
    keys = {m.name: m.kreisschluessel for m in p.members}
    lead = keys.get(p.lead_partner) if p.lead_partner else None
    if lead:
        return category(lead)
    districts = [k for k in keys.values() if k]
    return (
        "transition"
        if districts and all(k.startswith(TRANSITION) for k in districts)
        else "more_developed"
    )


def _stage(stage: str) -> Callable[[Any, Any], Statement]:
    return lambda p, e: (
        "UPDATE project_view SET stage = $2, updated_at = $3 WHERE project_id = $1",
        (p.project_id, stage, e.time),
    )


def _add(column: str, extra: str = "") -> Callable[[Any, Any], Statement]:
    return lambda p, e: (
        f"UPDATE project_view SET {column} = {column} + $2, updated_at = $3{extra} "
        "WHERE project_id = $1",
        (p.project_id, p.amount_cents, e.time),
    )


def _proposed(p: v1.ProjectProposedV1, e: Any) -> Statement:
    planned = apply_rate(p.eligible_cost_cents, funding_rate(p.location_ags))
    return (
        "INSERT INTO project_view (project_id, operation_code, region_id, title, purpose, "
        "applicant_name, applicant_kind, handlungsfeld, fund, location_ags, category, kind, "
        "start_date, end_date, total_cost_cents, eligible_cost_cents, planned_grant_cents, "
        "stage, proposed_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
        "$11, $12, $13, $14, $15, $16, $17, 'proposed', $18, $18)",
        (
            p.project_id, p.operation_code, p.region_id, p.title, p.purpose, p.applicant_name,
            p.applicant_kind, p.handlungsfeld, p.fund, p.location_ags, category(p.location_ags),
            p.kind, p.start_date, p.end_date, p.total_cost_cents, p.eligible_cost_cents,
            planned, e.time,
        ),
    )  # fmt: skip


def _allocation(p: v1.BudgetAllocatedV1 | v1.BudgetAdjustedV1, e: Any) -> Statement:
    return (
        "INSERT INTO region_allocation (region_id, fund, allocated_cents) VALUES ($1, $2, $3) "
        "ON CONFLICT (region_id, fund) DO UPDATE SET allocated_cents = EXCLUDED.allocated_cents",
        (p.region_id, p.fund, p.amount_cents),
    )


STATEMENTS: dict[type[PublicEvent], Callable[[Any, Any], Statement]] = {
    v1.ProgrammeOpenedV1: lambda p, e: (
        "INSERT INTO programme_view (programme_id, name, envelope_cents) VALUES ($1, $2, $3)",
        (p.programme_id, p.programme_name, p.envelope_cents),
    ),
    v1.RegionRecognisedV1: lambda p, e: (
        "INSERT INTO region_view (region_id, name, arl, recognised_on, recognised_at, "
        "recognised_by, announced_budget_cents) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        (
            p.region_id,
            p.region_name,
            p.arl,
            p.recognised_on,
            p.occurred_at,
            p.actor.subject,
            p.announced_budget_cents,
        ),
    ),
    v1.MembersRecordedV1: lambda p, e: (
        "UPDATE region_view SET category = $2 WHERE region_id = $1",
        (p.region_id, region_category(p)),
    ),
    v1.ZukunftskonzeptAdoptedV1: lambda p, e: (
        "UPDATE region_view SET handlungsfelder = $2 WHERE region_id = $1",
        (p.region_id, list(p.handlungsfelder)),
    ),
    v1.BudgetAllocatedV1: _allocation,
    v1.BudgetAdjustedV1: _allocation,
    v1.ProjectProposedV1: _proposed,
    v1.PriorityCheckRecordedV1: lambda p, e: _stage(
        "priority_checked" if p.outcome == "passed" else "referred_elsewhere"
    )(p, e),
    v1.ProjectEndorsedV1: _stage("endorsed"),
    v1.ProjectRejectedV1: _stage("rejected"),
    v1.ApplicationSubmittedV1: _stage("submitted"),
    v1.GrantRefusedV1: _stage("refused"),
    v1.FundsCommittedV1: lambda p, e: (
        "UPDATE project_view SET stage = 'approved', committed_cents = committed_cents + $2, "
        "selected_at = $3, updated_at = $3 WHERE project_id = $1",
        (p.project_id, p.amount_cents, e.time),
    ),
    v1.PaymentRequestedV1: lambda p, e: (
        "UPDATE project_view SET requested_cents = requested_cents + $2, "
        "declared_expenditure_cents = declared_expenditure_cents + $4, updated_at = $3 "
        "WHERE project_id = $1",
        (p.project_id, p.amount_cents, e.time, p.declared_expenditure_cents),
    ),
    v1.FundsDisbursedV1: _add("disbursed_cents"),
    v1.FundsReleasedV1: _add("released_cents"),
    v1.FundsRecoveredV1: _add("recovered_cents"),
    v1.ProofOfUseAcceptedV1: lambda p, e: (
        "UPDATE project_view SET stage = 'proof_accepted', eligible_expenditure_cents = $2, "
        "updated_at = $3 WHERE project_id = $1",
        (p.project_id, p.eligible_expenditure_cents, e.time),
    ),
    v1.ProjectClosedV1: _stage("closed"),
    v1.ProjectWithdrawnV1: _stage("withdrawn"),
}


def statement_for(payload: PublicEvent | None, envelope: Any) -> Statement | None:
    if payload is None:
        return None
    make = STATEMENTS.get(type(payload))
    return make(payload, envelope) if make else None
