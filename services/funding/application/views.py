"""What the funding service answers with: plain, validated values built from aggregates.

A natural person's name (the contact person) is never part of a view.
"""

from datetime import date
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, Field

from services.funding.domain.budget import RegionBudget
from services.funding.domain.project import Project


class Scored(BaseModel):
    criterion: str
    points: int
    max_points: int


class ProjectState(BaseModel):
    project_id: UUID
    operation_code: str
    region_id: str
    title: str
    purpose: str
    applicant_name: str
    applicant_kind: str
    handlungsfeld: str
    fund: str
    location_ags: str
    start_date: date
    end_date: date
    total_cost_cents: int
    eligible_cost_cents: int
    kind: str
    funding_rate: Decimal
    stage: str
    grant_cents: int
    committed_cents: int
    released_cents: int
    requested_cents: int
    disbursed_cents: int
    recovered_cents: int
    payment_requests: int
    eligible_expenditure_cents: int | None
    # The proof of use's reconciliation: the final grant (none before it), the final payment
    # still due, and what of a recovery claim (Rückforderung) is open.
    final_grant_cents: int | None = None
    final_payment_cents: int = 0
    open_claim_cents: int = 0
    # The steering group's scoring (Projektbewertung) with its vote; none before it.
    scores: list[Scored] = []
    version: int


class BudgetState(BaseModel):
    region_id: str
    fund: str
    allocated_cents: int
    committed_cents: int
    disbursed_cents: int
    released_cents: int
    recovered_cents: int
    available_cents: int
    # Cuts held while the regions service records them (cut id: the new allocation), so an
    # operator can find one left behind (docs/operations.md).
    held_cuts: dict[str, int] = {}
    version: int


class ContactPerson(BaseModel):
    contact_person: str | None = Field(description="the name, if there is one and not erased")
    erased: bool = Field(description="the name was erased (its key deleted): unreadable for good")


def project_state(p: Project) -> ProjectState:
    return ProjectState(
        project_id=p.id,
        operation_code=p.operation_code,
        region_id=p.region_id,
        title=p.title,
        purpose=p.purpose,
        applicant_name=p.applicant_name,
        applicant_kind=p.applicant_kind,
        handlungsfeld=p.handlungsfeld,
        fund=p.fund,
        location_ags=p.location_ags,
        start_date=p.start_date,
        end_date=p.end_date,
        total_cost_cents=p.total_cost_cents,
        eligible_cost_cents=p.eligible_cost_cents,
        kind=p.kind,
        funding_rate=p.funding_rate,
        stage=p.stage,
        grant_cents=p.net_committed,
        committed_cents=p.committed,
        released_cents=p.released,
        requested_cents=p.requested,
        disbursed_cents=p.disbursed,
        recovered_cents=p.recovered,
        payment_requests=p.payment_requests,
        eligible_expenditure_cents=p.eligible_expenditure_cents,
        final_grant_cents=p.final_grant,
        final_payment_cents=p.final_payment_due,
        open_claim_cents=p.open_claim,
        scores=[Scored(**s) for s in p.scores],
        version=p.version,
    )


def budget_state(b: RegionBudget) -> BudgetState:
    return BudgetState(
        region_id=b.region_id,
        fund=b.fund,
        allocated_cents=b.allocated,
        committed_cents=b.committed,
        disbursed_cents=b.disbursed,
        released_cents=b.released,
        recovered_cents=b.recovered,
        available_cents=b.available,
        held_cuts={cut_id: held.amount_cents for cut_id, held in sorted(b.cuts.items())},
        version=b.version,
    )
