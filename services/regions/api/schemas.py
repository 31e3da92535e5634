"""Request bodies of the regions API (responses are the application's views)."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.regions.domain.programme import PROGRAMME_NAME
from shared.events.v1 import ArL, Fund, Handlungsfeld, Kreisschluessel, RegionId
from shared.events.v1.regions import BudgetBasis, MemberKind, SeatKind
from shared.money import EuroCents

Text = Field(min_length=1, max_length=300)
Note = Field(None, max_length=1000)


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProgrammeOpen(Command):
    name: str = Field(PROGRAMME_NAME, min_length=1, max_length=300)
    envelope_cents: EuroCents = Field(description="the EU envelope (EFRE and ESF+) in cents")


class RegionRecognise(Command):
    region_id: RegionId
    name: str = Text
    arl: ArL
    recognised_on: date | None = Field(None, description="null where the date was not published")
    announced_budget_cents: EuroCents | None = Field(
        None, description="the regional budget announced with the recognition"
    )
    notes: list[str] = Field(default_factory=list, max_length=20)


class MemberIn(Command):
    name: str = Text
    kind: MemberKind
    kreisschluessel: Kreisschluessel | None = None


class MembersRecord(Command):
    members: list[MemberIn] = Field(min_length=1, max_length=60)
    lead_partner: str | None = Field(None, description="one of the members' names")
    note: str | None = Note


class ZukunftskonzeptAdopt(Command):
    handlungsfelder: list[Handlungsfeld] = Field(min_length=1, max_length=6)
    adopted_on: date | None = None


class SeatIn(Command):
    organisation: str = Text
    kind: SeatKind
    function: str | None = Field(None, max_length=200, description="a function, not a name")


class SteeringGroupConstitute(Command):
    seats: list[SeatIn] = Field(min_length=1, max_length=80)
    constituted_on: date | None = None


class RegionalManagementEstablish(Command):
    host_organisation: str = Text
    annual_grant_cents: EuroCents
    established_on: date | None = None


class BudgetAllocate(Command):
    fund: Fund
    amount_cents: EuroCents
    basis: BudgetBasis = "decision"
    note: str | None = Note


class BudgetAdjust(Command):
    fund: Fund
    amount_cents: EuroCents
    reason: str = Field(min_length=3, max_length=1000)
