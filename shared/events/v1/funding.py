"""v1 contracts of the funding service: a project's lifecycle and the money it moves.

Every event names its project and region; the money events also name the fund, so the
budget of a region and fund is the sum of its money events. Amounts are euro cents.
"""

from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import Field

from shared.events.base import PublicEvent, contract
from shared.events.v1.common import Fund, Handlungsfeld, Kreisschluessel, RegionId
from shared.money import EuroCents
from shared.text import MAX_COUNT, Day, Line, Text

ApplicantKind = Literal[
    "municipality",
    "municipal_association",
    "municipal_company",
    "non_profit",
    "consortium",
    "foundation",
    "chamber",
    "university",
    "research_institute",
    "company",
]


class ProjectEvent(PublicEvent):
    project_id: UUID
    region_id: RegionId
    note: Text | None = Field(None, description="why: the reason given with the step")


class MoneyEvent(ProjectEvent):
    fund: Fund
    amount_cents: EuroCents


@contract
class ProjectProposedV1(PublicEvent):
    """A region's management proposed a project (Vorhaben)."""

    name = "ProjectProposed"
    version = 1

    project_id: UUID
    region_id: RegionId
    operation_code: Line = Field(min_length=1)
    title: Line = Field(min_length=1)
    purpose: Text
    applicant_name: Line = Field(description="legal person only; never a natural person's name")
    applicant_kind: Line
    handlungsfeld: Handlungsfeld
    fund: Fund
    location_ags: Kreisschluessel
    start_date: Day
    end_date: Day
    total_cost_cents: EuroCents
    eligible_cost_cents: EuroCents
    kind: Literal["project", "study"]


@contract
class PriorityCheckRecordedV1(ProjectEvent):
    """The priority check (Vorrangigkeitsprüfung): does another programme come first?"""

    name = "PriorityCheckRecorded"
    version = 1

    outcome: Literal["passed", "other_programme_first"]
    other_programme: Line | None = None


class VoteEvent(ProjectEvent):
    votes_for: int = Field(ge=0, le=MAX_COUNT)
    votes_against: int = Field(ge=0, le=MAX_COUNT)
    abstentions: int = Field(ge=0, le=MAX_COUNT)
    voted_on: Day


@contract
class ProjectEndorsedV1(VoteEvent):
    """The region's steering group endorsed the project (Förderwürdigkeit)."""

    name = "ProjectEndorsed"
    version = 1


@contract
class ProjectRejectedV1(VoteEvent):
    """The region's steering group rejected the project."""

    name = "ProjectRejected"
    version = 1


@contract
class ApplicationSubmittedV1(ProjectEvent):
    """The application went to NBank."""

    name = "ApplicationSubmitted"
    version = 1


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
    note: Text | None = None


@contract
class GrantRefusedV1(ProjectEvent):
    """NBank refused the grant."""

    name = "GrantRefused"
    version = 1


@contract
class PaymentRequestedV1(MoneyEvent):
    """A payment request (Mittelabruf): expenditure declared, and the grant share asked for."""

    name = "PaymentRequested"
    version = 1

    request_no: int = Field(ge=1, le=MAX_COUNT)
    declared_expenditure_cents: EuroCents


@contract
class FundsDisbursedV1(MoneyEvent):
    """NBank paid out money of the commitment."""

    name = "FundsDisbursed"
    version = 1


@contract
class ProofOfUseAcceptedV1(ProjectEvent):
    """NBank accepted the proof of use (Verwendungsnachweis)."""

    name = "ProofOfUseAccepted"
    version = 1

    eligible_expenditure_cents: EuroCents


@contract
class FundsReleasedV1(MoneyEvent):
    """Committed money that will not be spent goes back to the region's budget."""

    name = "FundsReleased"
    version = 1

    reason: Literal["closure", "withdrawal", "reduction"]


@contract
class ProjectClosedV1(ProjectEvent):
    name = "ProjectClosed"
    version = 1


@contract
class ProjectWithdrawnV1(ProjectEvent):
    name = "ProjectWithdrawn"
    version = 1


@contract
class FundsRecoveredV1(MoneyEvent):
    """Money paid out was claimed back (Rückforderung) and returns to the budget."""

    name = "FundsRecovered"
    version = 1
