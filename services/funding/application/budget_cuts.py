"""Use cases of a budget cut in funding (issue 13, rule 1): the regions service asks funding
to hold a cut before it records the lower allocation, and cancels the hold when it does
not record it (services/funding/domain/budget.py says how a hold works and ends).

Plain functions on the funding application: each runs as every funding command does
(shared/commands.py): on the budget as it is now, again when an approval saved the budget
first, and once per Idempotency-Key. A cut id names one request of the regions service,
so asking twice holds the cut once, with or without a key.
"""

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from pydantic import BaseModel, ConfigDict, Field

from services.funding.application.funding import FundingApplication, Idem, Meta
from services.funding.domain.budget import BudgetCutRefused, RegionBudget, budget_id
from shared.money import EuroCents
from shared.text import Text


class CutReserve(BaseModel):
    """Hold a cut of a budget while the regions service records it."""

    model_config = ConfigDict(extra="forbid")

    amount_cents: EuroCents = Field(description="the new allocation")
    reason: Text = Field(min_length=1, max_length=2000, description="the ministry's reason")
    based_on: int = Field(
        ge=1,
        le=2_000_000_000,
        description="the region's version in the regions service the cut was computed on",
    )


class CutCancel(BaseModel):
    """Let go of a cut the regions service did not record."""

    model_config = ConfigDict(extra="forbid")

    note: Text | None = Field(None, max_length=2000, description="why")


class CutState(BaseModel):
    cut_id: UUID
    region_id: str
    fund: str
    held: bool = Field(description="the cut is held: commitments count against it")
    allocated_cents: int
    ceiling_cents: int = Field(description="what may be committed in all while cuts are held")
    committed_cents: int = Field(description="committed net of releases and recoveries")
    available_cents: int
    version: int


def reserve_cut(
    app: FundingApplication,
    region_id: str,
    fund: str,
    cut_id: UUID,
    command: CutReserve,
    meta: Meta,
    idem: Idem = None,
) -> CutState:
    def attempt() -> tuple[CutState, Sequence[Aggregate]]:
        budget = _budget(app, region_id, fund)
        budget.reserve_cut(
            str(cut_id), command.amount_cents, command.reason, command.based_on, meta
        )
        return cut_state(budget, cut_id), [budget]

    return app.run_command(idem, attempt, CutState)


def cancel_cut(
    app: FundingApplication,
    region_id: str,
    fund: str,
    cut_id: UUID,
    command: CutCancel,
    meta: Meta,
    idem: Idem = None,
) -> CutState:
    def attempt() -> tuple[CutState, Sequence[Aggregate]]:
        budget = _budget(app, region_id, fund)
        budget.cancel_cut(str(cut_id), command.note, meta)
        return cut_state(budget, cut_id), [budget]

    return app.run_command(idem, attempt, CutState)


def cut_state(budget: RegionBudget, cut_id: UUID) -> CutState:
    return CutState(
        cut_id=cut_id,
        region_id=budget.region_id,
        fund=budget.fund,
        held=str(cut_id) in budget.cuts,
        allocated_cents=budget.allocated,
        ceiling_cents=budget.ceiling,
        committed_cents=budget.net_committed,
        available_cents=budget.available,
        version=budget.version,
    )


def _budget(app: FundingApplication, region_id: str, fund: str) -> RegionBudget:
    """The budget; one funding has not learnt yet cannot be cut safely (commitments against
    the allocation it will learn could come before the cut): refused, to be asked again."""
    try:
        budget: Any = app.repository.get(budget_id(region_id, fund))
    except AggregateNotFoundError:
        budget = None
    if not isinstance(budget, RegionBudget):
        raise BudgetCutRefused(
            f"budget cut: funding has not learnt the {fund} budget of {region_id} from the "
            "regions service yet; try again in a moment"
        )
    return budget
