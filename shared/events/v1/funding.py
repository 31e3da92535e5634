"""v1 contracts of the funding service."""

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import Field

from shared.events.base import PublicEvent, contract
from shared.events.v1.common import Fund, Handlungsfeld, Kreisschluessel, RegionId
from shared.money import EuroCents


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
