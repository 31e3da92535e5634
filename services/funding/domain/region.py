"""What funding knows of a region, learnt from the regions service's events: that it is
recognised, its Handlungsfelder, districts and steering group; and the register of its
projects, which numbers their operation codes.

Region events arrive in the region's order; each carries the region's version
(`sequence`). An event at or below the version already learnt is a duplicate and
changes nothing.
"""

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.funding.domain.rules import SteeringGroup
from shared.es import stable_id


def funding_region_id(region_id: str) -> UUID:
    return stable_id("funding-region", region_id)


class FundingRegion(Aggregate):
    @staticmethod
    def create_id(region_id: str) -> UUID:
        return funding_region_id(region_id)

    @event("Learnt")
    def __init__(self, region_id: str, name: str, region_sequence: int) -> None:
        self.region_id = region_id
        self.name = name
        self.region_sequence = region_sequence
        self.handlungsfelder: list[str] = []
        self.districts: list[str] = []
        self.projects: list[str] = []
        self.steering_group: SteeringGroup | None = None

    def is_news(self, region_sequence: int) -> bool:
        return region_sequence > self.region_sequence

    def learn_handlungsfelder(self, handlungsfelder: list[str], region_sequence: int) -> None:
        if self.is_news(region_sequence):
            self._learn_handlungsfelder(handlungsfelder, region_sequence)

    @event("HandlungsfelderLearnt")
    def _learn_handlungsfelder(self, handlungsfelder: list[str], region_sequence: int) -> None:
        self.handlungsfelder = handlungsfelder
        self.region_sequence = region_sequence

    def learn_districts(self, districts: list[str], region_sequence: int) -> None:
        if self.is_news(region_sequence):
            self._learn_districts(districts, region_sequence)

    @event("DistrictsLearnt")
    def _learn_districts(self, districts: list[str], region_sequence: int) -> None:
        self.districts = districts
        self.region_sequence = region_sequence

    def learn_steering_group(
        self, voting_seats: int, constituted_on: date | None, region_sequence: int
    ) -> None:
        if self.is_news(region_sequence):
            self._learn_steering_group(voting_seats, constituted_on, region_sequence)

    @event("SteeringGroupLearnt")
    def _learn_steering_group(
        self, voting_seats: int, constituted_on: date | None, region_sequence: int
    ) -> None:
        self.steering_group = SteeringGroup(
            voting_seats=voting_seats, constituted_on=constituted_on
        )
        self.region_sequence = region_sequence

    def register_project(self, meta: dict[str, Any]) -> str:
        """The next operation code of the region: ZRN-<REGION>-<NNNN>."""
        code = f"ZRN-{self.region_id.upper()}-{len(self.projects) + 1:04d}"
        self._register(code, meta)
        return code

    @event("ProjectRegistered")
    def _register(self, operation_code: str, meta: dict[str, Any]) -> None:
        self.projects.append(operation_code)
