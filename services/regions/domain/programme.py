"""Programme: the EU envelope out of which the ministry allocates the regions' budgets.

Every allocation is booked here as well as on the region, in the same atomic save: the
programme's version makes two allocations racing for the last money conflict, and the
loser is checked again against what is left.
"""

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.regions.domain.rules import (
    RegionAlreadyRecognised,
    RegionConflict,
    RegionError,
    check_fund,
    check_positive,
)
from shared.errors import Conflict, NotFound
from shared.es import stable_id
from shared.programme import FUNDS

PROGRAMME_KEY = "zukunftsregionen"
PROGRAMME_NAME = "Zukunftsregionen in Niedersachsen"


class EnvelopeExceeded(Conflict):
    pass


class ProgrammeNotOpen(Conflict):
    pass


class ProgrammeNotFound(NotFound):
    pass


def programme_aggregate_id(key: str = PROGRAMME_KEY) -> UUID:
    return stable_id("programme", key)


class Programme(Aggregate):
    @staticmethod
    def create_id(key: str) -> UUID:
        return programme_aggregate_id(key)

    @classmethod
    def open(cls, *, key: str, name: str, envelope_cents: int, meta: dict[str, Any]) -> "Programme":
        check_positive("the envelope", envelope_cents)
        if not name.strip():
            raise RegionError("the programme needs a name")
        return cls(key, name, envelope_cents, list(FUNDS), meta)

    @event("Opened")
    def __init__(
        self, key: str, name: str, envelope_cents: int, funds: list[str], meta: dict[str, Any]
    ) -> None:
        self.key = key
        self.name = name
        self.envelope_cents = envelope_cents
        self.funds = funds
        self.regions: list[str] = []
        self.allocations: dict[str, dict[str, int]] = {}
        self.regional_management_cents = 0  # the EU's part of the regional managements' grants

    @property
    def allocated_cents(self) -> int:
        return sum(sum(by_fund.values()) for by_fund in self.allocations.values())

    @property
    def available_cents(self) -> int:
        return self.envelope_cents - self.allocated_cents - self.regional_management_cents

    def book_regional_management(self, region_id: str, eu_cents: int, meta: dict[str, Any]) -> None:
        """The EU's part of a regional management's grant, out of the envelope (the regions'
        budgets are for their projects)."""
        if eu_cents > self.available_cents:
            raise EnvelopeExceeded(
                f"the regional management of {region_id}: {eu_cents} cents of EU money would "
                f"exceed the programme's envelope: {self.available_cents} cents are left"
            )
        self._book_regional_management(region_id, eu_cents, meta)

    @event("RegionalManagementBooked")
    def _book_regional_management(
        self, region_id: str, eu_cents: int, meta: dict[str, Any]
    ) -> None:
        self.regional_management_cents += eu_cents

    def admit(self, region_id: str, meta: dict[str, Any]) -> None:
        if region_id in self.regions:
            raise RegionAlreadyRecognised(f"region {region_id!r} is already recognised")
        self._admit(region_id, meta)

    @event("RegionAdmitted")
    def _admit(self, region_id: str, meta: dict[str, Any]) -> None:
        self.regions.append(region_id)

    def book(self, region_id: str, fund: str, amount_cents: int, meta: dict[str, Any]) -> None:
        """Set the region's allocation for the fund, within what the envelope has left."""
        check_fund(fund)
        if region_id not in self.regions:
            raise RegionConflict(f"region {region_id!r} is not recognised")
        previous = self.allocations.get(region_id, {}).get(fund, 0)
        if amount_cents - previous > self.available_cents:
            raise EnvelopeExceeded(
                f"{amount_cents - previous} cents more for {region_id} ({fund}) would exceed "
                f"the programme's envelope: {self.available_cents} cents are left of "
                f"{self.envelope_cents}"
            )
        self._book(region_id, fund, amount_cents, meta)

    @event("AllocationBooked")
    def _book(self, region_id: str, fund: str, amount_cents: int, meta: dict[str, Any]) -> None:
        self.allocations.setdefault(region_id, {})[fund] = amount_cents
