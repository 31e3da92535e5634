"""Request bodies of the regions API (responses are the application's views)."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from services.regions.domain.programme import PROGRAMME_NAME
from shared.events.v1 import ArL, Fund, Handlungsfeld, Kreisschluessel, RegionId
from shared.events.v1.regions import BudgetBasis, MemberKind, SeatKind
from shared.money import EuroCents
from shared.programme import RM_YEARS
from shared.text import Day, Line, Text

Name = Field(min_length=1, max_length=300)
Note = Field(None, max_length=1000)


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProgrammeOpen(Command):
    name: Line = Field(PROGRAMME_NAME, min_length=1, max_length=300)
    envelope_cents: EuroCents = Field(description="the EU envelope (EFRE and ESF+) in cents")


class RegionRecognise(Command):
    region_id: RegionId
    name: Line = Name
    arl: ArL
    recognised_on: Day | None = Field(None, description="null where the date was not published")
    announced_budget_cents: EuroCents | None = Field(
        None, description="the regional budget announced with the recognition"
    )
    notes: list[Annotated[Text, Field(max_length=1000)]] = Field(
        default_factory=list, max_length=20
    )


class MemberIn(Command):
    name: Line = Name
    kind: MemberKind
    kreisschluessel: Kreisschluessel | None = None


class MembersRecord(Command):
    members: list[MemberIn] = Field(min_length=1, max_length=60)
    lead_partner: Line | None = Field(None, max_length=300, description="one of the members' names")
    note: Text | None = Note


class ZukunftskonzeptAdopt(Command):
    handlungsfelder: list[Handlungsfeld] = Field(min_length=1, max_length=6)
    adopted_on: Day | None = None


class HandlungsfelderAmend(Command):
    handlungsfelder: list[Handlungsfeld] = Field(min_length=1, max_length=6)
    reason: Text = Field(min_length=3, max_length=2000, description="why (public; no names)")
    amended_on: Day | None = None


class SeatIn(Command):
    organisation: Line = Name
    kind: SeatKind
    function: Line | None = Field(None, max_length=200, description="a function, not a name")


class SteeringGroupConstitute(Command):
    seats: list[SeatIn] = Field(min_length=1, max_length=80)
    constituted_on: Day | None = None


class RegionalManagementEstablish(Command):
    host_organisation: Line = Name
    annual_grant_cents: EuroCents
    established_on: Day | None = None


class RegionalManagementGrant(Command):
    """NBank's grant to the regional management for one year (Zuwendungsbescheid)."""

    year: int = Field(ge=RM_YEARS.start, le=RM_YEARS.stop - 1)
    eligible_cost_cents: EuroCents
    decided_on: Day | None = Field(None, description="date on the grant notice")
    note: Text | None = Note


class BudgetAllocate(Command):
    fund: Fund
    amount_cents: EuroCents
    basis: BudgetBasis = "decision"
    note: Text | None = Note


class BudgetAdjust(Command):
    fund: Fund
    amount_cents: EuroCents
    reason: Text = Field(min_length=3, max_length=1000)
