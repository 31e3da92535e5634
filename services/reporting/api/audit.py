"""HTTP resource /audit: the immutable log of every public event."""

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from services.reporting.api.regions import Pool

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditEntry(BaseModel):
    event_id: str
    type: str
    subject: str
    aggregate_id: str
    sequence: int
    time: datetime
    actor_role: str | None
    actor_subject: str | None
    correlation_id: str | None
    causation_id: str | None
    data: dict[str, Any]


@router.get("/events", summary="Public events in order, optionally of one aggregate")
async def events(
    db: Pool,
    aggregate_id: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list[AuditEntry]:
    rows = await db.fetch(
        "SELECT event_id::text, type, subject, aggregate_id, sequence, time, actor_role, "
        "actor_subject, correlation_id, causation_id, data::text AS data FROM audit_log "
        "WHERE $1::text IS NULL OR aggregate_id = $1 "
        "ORDER BY time, aggregate_id, sequence LIMIT $2",
        aggregate_id,
        limit,
    )
    return [AuditEntry(**{**dict(r), "data": json.loads(r["data"])}) for r in rows]
