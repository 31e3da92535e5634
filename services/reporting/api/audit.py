"""HTTP resource /audit: the immutable log of every public event."""

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from services.reporting.api.regions import Pool
from shared.auth import allow
from shared.events.base import Actor

router = APIRouter(prefix="/audit", tags=["audit"])
# Who did what is for those who oversee the programme, not for agencies or the regions.
AuditReader = Annotated[Actor, Depends(allow("ministry", "nbank", "auditor", "service"))]


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
    _: AuditReader,
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
