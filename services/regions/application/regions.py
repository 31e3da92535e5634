"""Use cases of the regions service: load, call, save, return plain values."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from services.regions.domain.region import (
    Region,
    RegionAlreadyRecognised,
    RegionNotFound,
    region_aggregate_id,
)
from shared.es import ZrApplication


@dataclass(frozen=True)
class RegionView:
    region_id: str
    name: str
    arl: str
    recognised_on: date | None
    version: int


class RegionsApplication(ZrApplication):
    name = "regions"

    def recognise_region(
        self,
        *,
        region_id: str,
        name: str,
        arl: str,
        recognised_on: date | None,
        meta: dict[str, Any],
    ) -> RegionView:
        region = Region(
            region_id=region_id, name=name, arl=arl, recognised_on=recognised_on, meta=meta
        )
        try:
            self.save(region)
        except IntegrityError:
            raise RegionAlreadyRecognised(f"region {region_id!r} is already recognised") from None
        return _view(region)

    def get_region(self, region_id: str) -> RegionView:
        return _view(self._load(region_id))

    def _load(self, region_id: str) -> Region:
        try:
            region: Region = self.repository.get(region_aggregate_id(region_id))
        except AggregateNotFoundError:
            raise RegionNotFound(f"no region {region_id!r}") from None
        return region


def _view(region: Region) -> RegionView:
    return RegionView(
        region_id=region.region_id,
        name=region.name,
        arl=region.arl,
        recognised_on=region.recognised_on,
        version=region.version,
    )
