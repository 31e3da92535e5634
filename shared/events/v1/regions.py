"""v1 contracts of the regions service: the programme and its Zukunftsregionen.

Where the ministry's data does not say something (a date, a fund split, the lead partner),
the field is null and a note says so: nothing is invented.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.base import PublicEvent, contract
from shared.events.v1.common import ArL, Fund, Handlungsfeld, Kreisschluessel, RegionId
from shared.money import EuroCents
from shared.text import Day, Line, Text

MemberKind = Literal["landkreis", "kreisfreie_stadt", "region", "gemeinde", "other"]
SeatKind = Literal["municipal", "economic_social_partner", "arl"]
BudgetBasis = Literal["published", "derived", "decision"]


@contract
class ProgrammeOpenedV1(PublicEvent):
    """The ministry opened the programme with its EU envelope."""

    name = "ProgrammeOpened"
    version = 1

    programme_id: Line = Field(min_length=1)
    programme_name: Line = Field(min_length=1)
    envelope_cents: EuroCents
    funds: list[Fund]


@contract
class RegionRecognisedV1(PublicEvent):
    """The ministry recognised a Zukunftsregion."""

    name = "RegionRecognised"
    version = 1

    region_id: RegionId
    region_name: Line = Field(min_length=1)
    arl: ArL
    recognised_on: Day | None = Field(description="date of recognition; null where not published")
    announced_budget_cents: EuroCents | None = Field(
        None, description="the regional budget announced with the recognition, where published"
    )
    notes: list[Text] = Field(default_factory=list, description="what was not published, and why")


class DistrictMember(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    name: Line = Field(min_length=1)
    kind: MemberKind
    kreisschluessel: Kreisschluessel | None = Field(
        description="for Landkreise, kreisfreie Städte and the Region Hannover; null otherwise"
    )


@contract
class MembersRecordedV1(PublicEvent):
    """The region's members as they now stand (the whole list, replacing the previous one)."""

    name = "MembersRecorded"
    version = 1

    region_id: RegionId
    members: list[DistrictMember] = Field(min_length=1)
    lead_partner: Line | None = Field(description="name of the lead partner; null if unpublished")
    note: Text | None = None


@contract
class ZukunftskonzeptAdoptedV1(PublicEvent):
    """The region's Zukunftskonzept (territorial strategy) with its Handlungsfelder."""

    name = "ZukunftskonzeptAdopted"
    version = 1

    region_id: RegionId
    handlungsfelder: list[Handlungsfeld] = Field(min_length=1, max_length=2)
    adopted_on: Day | None


class SteeringGroupSeat(BaseModel):
    """A seat by organisation and function; never a person's name (the events are public)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    organisation: Line = Field(min_length=1)
    kind: SeatKind
    function: Line | None = None


@contract
class SteeringGroupConstitutedV1(PublicEvent):
    """The region's Steuerungsgruppe as constituted (the whole group)."""

    name = "SteeringGroupConstituted"
    version = 1

    region_id: RegionId
    seats: list[SteeringGroupSeat] = Field(min_length=1)
    constituted_on: Day | None


@contract
class RegionalManagementEstablishedV1(PublicEvent):
    """The region's Regionalmanagement and its annual grant."""

    name = "RegionalManagementEstablished"
    version = 1

    region_id: RegionId
    host_organisation: Line = Field(min_length=1)
    annual_grant_cents: EuroCents
    annual_cap_cents: EuroCents
    established_on: Day | None


@contract
class BudgetAllocatedV1(PublicEvent):
    """Money of the envelope allocated to a region for one fund."""

    name = "BudgetAllocated"
    version = 1

    region_id: RegionId
    fund: Fund
    amount_cents: EuroCents
    basis: BudgetBasis = Field(
        description="published figure, derived by a documented rule, or the ministry's decision"
    )
    note: Text | None = None


@contract
class BudgetAdjustedV1(PublicEvent):
    """A region's allocation for one fund changed, with the reason."""

    name = "BudgetAdjusted"
    version = 1

    region_id: RegionId
    fund: Fund
    previous_cents: EuroCents
    amount_cents: EuroCents
    reason: Text = Field(min_length=1)
