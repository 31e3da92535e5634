"""Version 1 of the public integration events.

A published version never changes incompatibly: fields are only added as optional. A
removed, renamed or retyped field, or a new required one, needs a new version (v2).
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from shared.events.base import PublicEvent, contract
from shared.money import EuroCents

Fund = Literal["EFRE", "ESF+"]
ArL = Literal["ArL Braunschweig", "ArL Leine-Weser", "ArL Lüneburg", "ArL Weser-Ems"]
Handlungsfeld = Literal["HF1", "HF2", "HF3", "HF4", "HF5", "HF6"]
RegionId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$", description="region slug")]
Kreisschluessel = Annotated[
    str, Field(pattern=r"^03\d{3}$", description="district key in Niedersachsen")
]


@contract
class RegionRecognisedV1(PublicEvent):
    """The ministry recognised a Zukunftsregion."""

    name = "RegionRecognised"
    version = 1

    region_id: RegionId
    region_name: str = Field(min_length=1)
    arl: ArL
    recognised_on: date | None = Field(description="date of recognition; null where not published")


@contract
class ProjectProposedV1(PublicEvent):
    """A region's management proposed a project (Vorhaben)."""

    name = "ProjectProposed"
    version = 1

    project_id: UUID
    region_id: RegionId
    operation_code: str = Field(min_length=1)
    title: str = Field(min_length=1)
    purpose: str
    applicant_name: str = Field(description="legal person only; never a natural person's name")
    applicant_kind: str
    handlungsfeld: Handlungsfeld
    fund: Fund
    location_ags: Kreisschluessel
    start_date: date
    end_date: date
    total_cost_cents: EuroCents
    eligible_cost_cents: EuroCents
    kind: Literal["project", "study"]


@contract
class FundsCommittedV1(PublicEvent):
    """NBank approved a grant (Bewilligung); the amount is committed against the budget."""

    name = "FundsCommitted"
    version = 1

    project_id: UUID
    region_id: RegionId
    fund: Fund
    amount_cents: EuroCents
    eligible_cost_cents: EuroCents
    funding_rate: Decimal = Field(ge=0, le=1, decimal_places=2)
