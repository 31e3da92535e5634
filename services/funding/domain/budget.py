"""RegionBudget: the ledger of one region's money in one fund.

The allocation comes from the regions service; commitments, disbursements, releases and
recoveries come from the projects, saved together with the project's event (atomic).
What is available is derived, never stored: allocated - committed + released + recovered.
"""

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.funding.domain.rules import Movement, NotEnoughMoney
from shared.es import stable_id
from shared.money import format_eur


def budget_id(region_id: str, fund: str) -> UUID:
    return stable_id("budget", f"{region_id}/{fund}")


class RegionBudget(Aggregate):
    @staticmethod
    def create_id(region_id: str, fund: str) -> UUID:
        return budget_id(region_id, fund)

    @event("Opened")
    def __init__(self, region_id: str, fund: str, region_sequence: int) -> None:
        self.region_id = region_id
        self.fund = fund
        self.region_sequence = region_sequence
        self.allocated = 0
        self.committed = 0
        self.disbursed = 0
        self.released = 0
        self.recovered = 0

    @property
    def available(self) -> int:
        return self.allocated - self.committed + self.released + self.recovered

    def apply_allocation(self, amount_cents: int, region_sequence: int) -> None:
        if region_sequence > self.region_sequence:
            self._allocation_applied(amount_cents, region_sequence)

    @event("AllocationApplied")
    def _allocation_applied(self, amount_cents: int, region_sequence: int) -> None:
        self.allocated = amount_cents
        self.region_sequence = region_sequence

    def book(self, project_id: UUID, movement: Movement, meta: dict[str, Any]) -> None:
        """Book one of a project's movements of money on the ledger."""
        kind, amount = movement
        match kind:
            case "commit":
                self.commit(project_id, amount, meta)
            case "disburse":
                self.disburse(project_id, amount, meta)
            case "release":
                self.release(project_id, amount, meta)
            case "recover":
                self.recover(project_id, amount, meta)

    def commit(self, project_id: UUID, amount_cents: int, meta: dict[str, Any]) -> None:
        if amount_cents > self.available:
            raise NotEnoughMoney(
                f"budget: {format_eur(amount_cents)} cannot be committed, the {self.fund} "
                f"budget of {self.region_id} has {format_eur(max(self.available, 0))} "
                f"available ({self.available} cents)"
            )
        self._committed(project_id, amount_cents, meta)

    @event("Committed")
    def _committed(self, project_id: UUID, amount_cents: int, meta: dict[str, Any]) -> None:
        self.committed += amount_cents

    @event("Disbursed")
    def disburse(self, project_id: UUID, amount_cents: int, meta: dict[str, Any]) -> None:
        self.disbursed += amount_cents

    @event("Released")
    def release(self, project_id: UUID, amount_cents: int, meta: dict[str, Any]) -> None:
        self.released += amount_cents

    @event("Recovered")
    def recover(self, project_id: UUID, amount_cents: int, meta: dict[str, Any]) -> None:
        self.recovered += amount_cents
