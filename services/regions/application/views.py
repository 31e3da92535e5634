"""What the regions service answers with: plain, validated values built from aggregates."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from services.regions.domain.programme import Programme
from services.regions.domain.region import Region
from shared.events.base import PublicActor, public_actor
from shared.events.v1.regions import BudgetBasis, DistrictMember, SteeringGroupSeat


class Allocation(BaseModel):
    fund: str
    amount_cents: int
    basis: BudgetBasis
    note: str | None


class RegionalManagement(BaseModel):
    host_organisation: str
    annual_grant_cents: int
    annual_cap_cents: int
    established_on: date | None


class RegionalManagementGrant(BaseModel):
    year: int
    eligible_cost_cents: int
    grant_cents: int
    eu_cents: int = Field(description="the EU's part, out of the programme's envelope")
    land_cents: int = Field(description="the Land's top-up")
    category: str


class RegionState(BaseModel):
    region_id: str
    name: str
    arl: str
    recognised_on: date | None
    recognised_at: datetime = Field(description="when the recognition was recorded")
    recognised_by: PublicActor = Field(
        description="the role and organisation (the person is in the region's history)"
    )
    announced_budget_cents: int | None
    notes: list[str]
    members: list[DistrictMember]
    lead_partner: str | None
    members_note: str | None
    handlungsfelder: list[str]
    zukunftskonzept_adopted_on: date | None
    steering_group: list[SteeringGroupSeat]
    steering_group_constituted_on: date | None
    regional_management: RegionalManagement | None
    regional_management_cap_cents: int
    # NBank's grants to the regional management, year by year (the EU's part and the Land's).
    regional_management_grants: list[RegionalManagementGrant] = []
    budget: list[Allocation]
    budget_total_cents: int
    version: int
    as_of: datetime | None = Field(None, description="set when this is a past state")


class ProgrammeState(BaseModel):
    programme_id: str
    name: str
    envelope_cents: int
    allocated_cents: int
    available_cents: int
    allocated_by_fund_cents: dict[str, int]
    regional_management_cents: int = Field(
        0, description="the EU's part of the regional managements' grants, out of the envelope"
    )
    regions: list[str]
    version: int


def region_state(region: Region, as_of: datetime | None = None) -> RegionState:
    budget = [
        Allocation(fund=fund, amount_cents=cents, **region.budget_basis[fund])
        for fund, cents in sorted(region.budget.items())
    ]
    return RegionState(
        region_id=region.region_id,
        name=region.name,
        arl=region.arl,
        recognised_on=region.recognised_on,
        recognised_at=region.created_on,
        recognised_by=public_actor(region.recognised_by),
        announced_budget_cents=region.announced_budget_cents,
        notes=region.notes,
        members=[DistrictMember.model_validate(m) for m in region.members],
        lead_partner=region.lead_partner,
        members_note=region.members_note,
        handlungsfelder=region.handlungsfelder,
        zukunftskonzept_adopted_on=region.concept_adopted_on,
        steering_group=[SteeringGroupSeat.model_validate(s) for s in region.seats],
        steering_group_constituted_on=region.steering_group_constituted_on,
        regional_management=(
            RegionalManagement.model_validate(region.regional_management)
            if region.regional_management
            else None
        ),
        regional_management_cap_cents=region.regional_management_cap_cents,
        regional_management_grants=[
            RegionalManagementGrant.model_validate(g) for g in region.regional_management_grants
        ],
        budget=budget,
        budget_total_cents=sum(region.budget.values()),
        version=region.version,
        as_of=as_of,
    )


def programme_state(programme: Programme) -> ProgrammeState:
    by_fund = {fund: 0 for fund in programme.funds}
    for allocations in programme.allocations.values():
        for fund, cents in allocations.items():
            by_fund[fund] += cents
    return ProgrammeState(
        programme_id=programme.key,
        name=programme.name,
        envelope_cents=programme.envelope_cents,
        allocated_cents=programme.allocated_cents,
        available_cents=programme.available_cents,
        allocated_by_fund_cents=by_fund,
        regional_management_cents=programme.regional_management_cents,
        regions=programme.regions,
        version=programme.version,
    )
