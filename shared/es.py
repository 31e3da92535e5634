"""eventsourcing helpers shared by the producing services."""

from datetime import date
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Transcoding

AGGREGATE_NAMESPACE = UUID("0b6bd1e4-4c84-4a53-8d1c-6a3c0c7b5f3a")


def stable_id(kind: str, key: str) -> UUID:
    """Deterministic aggregate id, so that 'the same thing twice' is a version conflict."""
    return uuid5(AGGREGATE_NAMESPACE, f"{kind}/{key}")


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ZrApplication(Application[UUID]):
    """Application base: registers the transcodings our domain events use."""

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())


def meta(
    actor: dict[str, Any], correlation_id: str | None, causation_id: str | None = None
) -> dict[str, Any]:
    """Who did it and in which conversation: carried by every domain event as `meta`."""
    return {"actor": actor, "correlation_id": correlation_id, "causation_id": causation_id}


def envelope_for(domain_event: Any, payload: Any, *, source: str, subject: str) -> Any:
    """Wrap a public payload for a stored domain event (id, order and meta from the event)."""
    from shared.events.envelope import wrap

    meta_ = getattr(domain_event, "meta", {}) or {}
    return wrap(
        payload,
        event_type=payload.event_type(),
        source=source,
        subject=subject,
        aggregate_id=domain_event.originator_id,
        sequence=domain_event.originator_version,
        time=domain_event.timestamp,
        correlation_id=meta_.get("correlation_id"),
        causation_id=meta_.get("causation_id"),
    )
