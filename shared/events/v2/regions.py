"""v2 of the regions service's events: v1 with the actor's role and organisation instead
of the person (shared/events/v2/public.py). The notes and reasons the ministry gives with
the programme's data stay: they are public by nature (what was not published, why a budget
changed) and must not name a person (the API says so)."""

# The v2 classes replace v1's `actor`, which mypy reads as an incompatible redefinition.
# mypy: disable-error-code="misc"

from pydantic import Field

from shared.events.base import PublicEvent, contract
from shared.events.v1 import regions as v1
from shared.events.v1.common import Handlungsfeld, RegionId
from shared.events.v2.public import Public
from shared.money import EuroCents
from shared.programme import RM_YEARS, Category
from shared.text import Day, Text


@contract
class ProgrammeOpenedV2(Public, v1.ProgrammeOpenedV1):
    """The ministry opened the programme with its EU envelope."""

    version = 2


@contract
class RegionRecognisedV2(Public, v1.RegionRecognisedV1):
    """The ministry recognised a Zukunftsregion."""

    version = 2


@contract
class MembersRecordedV2(Public, v1.MembersRecordedV1):
    """The region's members as they now stand (the whole list, replacing the previous one)."""

    version = 2


@contract
class ZukunftskonzeptAdoptedV2(Public, v1.ZukunftskonzeptAdoptedV1):
    """The region's Zukunftskonzept (territorial strategy) with its Handlungsfelder."""

    version = 2


@contract
class SteeringGroupConstitutedV2(Public, v1.SteeringGroupConstitutedV1):
    """The region's Steuerungsgruppe as constituted (the whole group)."""

    version = 2


@contract
class RegionalManagementEstablishedV2(Public, v1.RegionalManagementEstablishedV1):
    """The region's Regionalmanagement and its annual grant."""

    version = 2


@contract
class BudgetAllocatedV2(Public, v1.BudgetAllocatedV1):
    """Money of the envelope allocated to a region for one fund."""

    version = 2


@contract
class BudgetAdjustedV2(Public, v1.BudgetAdjustedV1):
    """A region's allocation for one fund changed, with the (public) reason."""

    version = 2


@contract
class HandlungsfelderAmendedV1(Public, PublicEvent):
    """The ministry amended a region's Handlungsfelder after its Zukunftskonzept was
    adopted, with the reason (public, as a budget's adjustment is). Projects already
    proposed keep their Handlungsfeld; new proposals take one of these."""

    name = "HandlungsfelderAmended"
    version = 1

    region_id: RegionId
    handlungsfelder: list[Handlungsfeld] = Field(min_length=1, max_length=2)
    reason: Text = Field(min_length=3, max_length=2000)
    amended_on: Day | None


@contract
class RegionalManagementGrantedV1(Public, PublicEvent):
    """NBank granted the region's regional management its money for a year: the grant
    within the year's cap of its category (the lead partner's district), the EU's part at
    that category's rate, out of the programme's envelope, and the Land's top-up apart."""

    name = "RegionalManagementGranted"
    version = 1

    region_id: RegionId
    year: int = Field(ge=RM_YEARS.start, le=RM_YEARS.stop - 1)
    eligible_cost_cents: EuroCents
    grant_cents: EuroCents
    eu_cents: EuroCents = Field(description="the EU's part, out of the programme's envelope")
    land_cents: EuroCents = Field(description="the Land's top-up")
    category: Category
    decided_on: Day | None
