"""The funding service's commands: what each use case takes, validated at the edge (the
answers are the views in views.py)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.events.v1 import ApplicantKind, Fund, Handlungsfeld, Kreisschluessel, RegionId
from shared.idempotency import PERSONAL_DATA
from shared.money import EuroCents
from shared.text import Day, Line, Text

Note = Field(None, max_length=2000, description="why: the reason for this step")


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Text | None = Note


class ProjectPropose(Command):
    region_id: RegionId
    title: Line = Field(min_length=3, max_length=300)
    purpose: Text = Field(min_length=3, max_length=4000)
    applicant_name: Line = Field(min_length=2, max_length=300, description="a legal person")
    applicant_kind: ApplicantKind
    contact_person: Line | None = Field(
        None,
        max_length=200,
        description="personal data: kept inside funding (sealed), never published, never "
        "part of an Idempotency-Key's fingerprint",
        json_schema_extra=PERSONAL_DATA,
    )
    handlungsfeld: Handlungsfeld
    fund: Fund
    location_ags: Kreisschluessel
    start_date: Day
    end_date: Day
    total_cost_cents: EuroCents
    eligible_cost_cents: EuroCents
    kind: Literal["project", "study"] = "project"


class PriorityCheck(Command):
    passed: bool = Field(description="no other programme comes first")
    other_programme: Line | None = Field(None, max_length=300)


class Score(BaseModel):
    """One selection criterion of the Projektbewertung and the points it got."""

    criterion: Line = Field(min_length=2, max_length=200)
    points: int = Field(ge=0, le=1000)
    max_points: int = Field(ge=1, le=1000)

    @model_validator(mode="after")
    def _within(self) -> "Score":
        if self.points > self.max_points:
            raise ValueError(f"{self.criterion}: {self.points} points of at most {self.max_points}")
        return self


class Vote(Command):
    votes_for: int = Field(ge=0, le=200)
    votes_against: int = Field(ge=0, le=200)
    abstentions: int = Field(0, ge=0, le=200)
    voted_on: Day
    scores: list[Score] = Field(
        min_length=1, max_length=50, description="the project's scoring (Projektbewertung)"
    )


class Step(Command):
    pass


class Approval(Command):
    decided_on: Day | None = Field(
        None, description="date on the grant notice (Bewilligungsbescheid); today if left out"
    )


class Refusal(Command):
    note: Text = Field(min_length=3, max_length=2000, description="why the grant is refused")


class Reduction(Command):
    grant_cents: EuroCents = Field(description="the grant after the reduction")
    note: Text = Field(min_length=3, max_length=2000)


class GrantAmendment(Command):
    """A change notice (Änderungsbescheid): what changes, and why. What is left out stays."""

    end_date: Day | None = None
    total_cost_cents: EuroCents | None = None
    eligible_cost_cents: EuroCents | None = None
    grant_cents: EuroCents | None = Field(
        None,
        description="the grant after the change; if left out: the eligible cost x the rate "
        "when the eligible cost changes, else as it is",
    )
    decided_on: Day | None = Field(None, description="date on the change notice; today if left out")
    note: Text = Field(min_length=3, max_length=2000, description="the reason for the change")


class PaymentRequest(Command):
    declared_expenditure_cents: EuroCents = Field(description="eligible expenditure incurred")


class Disbursement(Command):
    amount_cents: EuroCents


class Recovery(Command):
    amount_cents: EuroCents
    note: Text = Field(min_length=3, max_length=2000)


class ProofOfUse(Command):
    eligible_expenditure_cents: EuroCents


class Erasure(Command):
    note: Text = Field(min_length=3, max_length=2000, description="why, e.g. the legal ground")
