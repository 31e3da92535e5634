"""RegionBudget: the ledger of one region's money in one fund.

The allocation comes from the regions service; commitments, disbursements, releases and
recoveries come from the projects, saved together with the project's event (atomic).
What is available is derived, never stored: the ceiling - committed + released +
recovered, where the ceiling is the allocation, or lower while a cut is under way.

A cut (issue 13, rule 1) spans both services: before the regions service records a lower
allocation, it asks funding to hold the cut here. Funding holds it only if what is
committed net fits in the new allocation, and from then on commits count against the
lower of the two. A held cut ends when funding applies the region's next change of this
budget (a later region version than the cut was computed on: the cut itself, or a change
that made the cut's save fail), or when regions cancels it. A hold that is never ended
(regions crashed) only makes less money available until then, never a negative amount.
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.funding.domain.rules import Movement, NotEnoughMoney
from shared.errors import Conflict
from shared.es import stable_id
from shared.money import format_eur


def budget_id(region_id: str, fund: str) -> UUID:
    return stable_id("budget", f"{region_id}/{fund}")


class BudgetCutRefused(Conflict):
    """The new allocation is below what is committed (HTTP 409)."""


@dataclass(frozen=True)
class HeldCut:
    amount_cents: int  # the new allocation
    based_on: int  # the region's version the regions service computed the cut on


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
        self.cuts: dict[str, HeldCut] = {}

    @property
    def net_committed(self) -> int:
        return self.committed - self.released - self.recovered

    @property
    def ceiling(self) -> int:
        """What may be committed in all: the allocation, or the lowest cut under way."""
        return min([self.allocated, *(cut.amount_cents for cut in self.cuts.values())])

    @property
    def available(self) -> int:
        return self.ceiling - self.net_committed

    def apply_allocation(self, amount_cents: int, region_sequence: int) -> None:
        if region_sequence > self.region_sequence:
            self._allocation_applied(amount_cents, region_sequence)
            ended = sorted(c for c, held in self.cuts.items() if held.based_on < region_sequence)
            if ended:
                self._cuts_ended(ended, region_sequence)

    @event("AllocationApplied")
    def _allocation_applied(self, amount_cents: int, region_sequence: int) -> None:
        self.allocated = amount_cents
        self.region_sequence = region_sequence

    # cuts under way --------------------------------------------------------------------

    def reserve_cut(
        self, cut_id: str, amount_cents: int, reason: str, based_on: int, meta: dict[str, Any]
    ) -> bool:
        """Hold a cut of the allocation to `amount_cents`; whether it is held. Refused while
        more is committed; the same cut again changes nothing. A cut computed on a region
        version before a change funding has applied is not held: regions cannot save it
        (its region has moved on), and asks again."""
        if cut_id in self.cuts:
            return True
        if self.net_committed > amount_cents:
            raise BudgetCutRefused(
                f"budget cut: {format_eur(self.net_committed)} are committed in the "
                f"{self.fund} budget of {self.region_id}; the budget cannot go below that"
            )
        if based_on < self.region_sequence:
            return False
        self._cut_reserved(cut_id, amount_cents, reason, based_on, meta)
        return True

    @event("CutReserved")
    def _cut_reserved(
        self, cut_id: str, amount_cents: int, reason: str, based_on: int, meta: dict[str, Any]
    ) -> None:
        self.cuts[cut_id] = HeldCut(amount_cents, based_on)

    def cancel_cut(self, cut_id: str, note: str | None, meta: dict[str, Any]) -> None:
        """Let go of a cut regions did not record; one that has ended already stays so."""
        if cut_id in self.cuts:
            self._cut_cancelled(cut_id, note, meta)

    @event("CutCancelled")
    def _cut_cancelled(self, cut_id: str, note: str | None, meta: dict[str, Any]) -> None:
        del self.cuts[cut_id]

    @event("CutsEnded")
    def _cuts_ended(self, cut_ids: list[str], region_sequence: int) -> None:
        for cut_id in cut_ids:
            del self.cuts[cut_id]

    # the projects' money ---------------------------------------------------------------

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
