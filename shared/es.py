"""eventsourcing helpers shared by the producing services."""

import os
import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar
from uuid import UUID, uuid5

from eventsourcing.application import Application
from eventsourcing.persistence import (
    IntegrityError,
    InternalError,
    JSONTranscoder,
    ProgrammingError,
    Transcoding,
)

from shared import observability

T = TypeVar("T")

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
    """Application base: registers the transcodings our domain events use, creates its
    tables even when another process of the service does so at the same moment, and
    connects with TLS as its settings say (libpq reads that from the process's
    environment: eventsourcing passes psycopg nothing but host, port, database and user)."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        os.environ.update({k: v for k, v in (env or {}).items() if k.startswith("PGSSL")})
        super().__init__(env)

    def construct_recorder(self) -> Any:
        return tolerate_concurrent_ddl(super().construct_recorder)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        with observability.tracer.start_as_current_span("event store: save") as span:
            recordings = super().save(*objs, **kwargs)
            span.set_attribute("zr.events", len(recordings))
            return recordings

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())


def tolerate_concurrent_ddl(make: Callable[[], T], attempts: int = 10) -> T:
    """eventsourcing creates its tables when a recorder is made; two processes doing that
    at once can collide in PostgreSQL's catalog ("tuple concurrently updated"). The DDL
    is idempotent: try again."""
    for attempt in range(attempts):
        try:
            return make()
        except (InternalError, IntegrityError, ProgrammingError) as exc:
            collided = any(m in str(exc) for m in ("concurrently", "duplicate", "__migration__"))
            if attempt == attempts - 1 or not collided:
                raise
            time.sleep(0.1 * (attempt + 1))
    raise AssertionError("unreachable")


def meta(
    actor: dict[str, Any], correlation_id: str | None, causation_id: str | None = None
) -> dict[str, Any]:
    """Who did it and in which conversation: carried by every domain event as `meta`, with
    the trace it belongs to (the relay, later, continues it)."""
    return {
        "actor": actor,
        "correlation_id": correlation_id,
        "causation_id": causation_id,
        "traceparent": observability.current_traceparent(),
    }


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
