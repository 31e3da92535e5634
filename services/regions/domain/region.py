"""Region: a Zukunftsregion recognised by the ministry (MB)."""

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from shared.errors import Conflict, DomainError, NotFound
from shared.es import stable_id

ARLS = ("ArL Braunschweig", "ArL Leine-Weser", "ArL Lüneburg", "ArL Weser-Ems")


class RegionError(DomainError):
    """A rule of the programme was broken."""


class RegionNotFound(NotFound):
    pass


class RegionAlreadyRecognised(Conflict):
    pass


def region_aggregate_id(region_id: str) -> UUID:
    return stable_id("region", region_id)


class Region(Aggregate):
    @staticmethod
    def create_id(region_id: str) -> UUID:
        return region_aggregate_id(region_id)

    @event("Recognised")
    def __init__(
        self,
        region_id: str,
        name: str,
        arl: str,
        recognised_on: date | None,
        meta: dict[str, Any],
    ) -> None:
        check_arl(arl)
        self.region_id = region_id
        self.name = name
        self.arl = arl
        self.recognised_on = recognised_on
        self.recognised_by = meta["actor"]


def check_arl(arl: str) -> None:
    if arl not in ARLS:
        raise RegionError(f"unknown ArL {arl!r}; one of {', '.join(ARLS)}")
