"""The one place where the regions service's domain events become public events."""

from collections.abc import Sequence
from typing import Any

from services.regions.domain.region import Region
from shared.es import envelope_for
from shared.events import Actor, CloudEvent, v1

SOURCE = "/zukunftsregionen/regions"


def to_public(e: Any) -> Sequence[CloudEvent]:
    if isinstance(e, Region.Recognised):  # type: ignore[attr-defined]
        payload = v1.RegionRecognisedV1(
            actor=Actor.model_validate(e.meta["actor"]),
            occurred_at=e.timestamp,
            region_id=e.region_id,
            region_name=e.name,
            arl=e.arl,
            recognised_on=e.recognised_on,
        )
        return [envelope_for(e, payload, source=SOURCE, subject=f"regions/{e.region_id}")]
    return []
