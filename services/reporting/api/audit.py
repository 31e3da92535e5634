"""HTTP resource /audit: the immutable log of every public event."""

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from services.reporting.api.regions import Pool
from shared.auth import allow
from shared.events import types_of, v1
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


MONEY_TYPES = [
    t
    for c in (v1.FundsCommittedV1, v1.FundsDisbursedV1, v1.FundsReleasedV1, v1.FundsRecoveredV1)
    for t in types_of(c.name)
]


@router.get(
    "/budgets/{region_id}/{fund}",
    summary="A budget's history: its allocations and every commitment, payment, release and "
    "recovery against it, in order",
)
async def budget_history(
    region_id: str,
    fund: v1.Fund,
    db: Pool,
    _: AuditReader,
    limit: int = Query(1000, ge=1, le=10_000),
) -> list[AuditEntry]:
    allocations = [v1.BudgetAllocatedV1.event_type(), v1.BudgetAdjustedV1.event_type()]
    rows = await db.fetch(
        "SELECT event_id::text, type, subject, aggregate_id, sequence, time, actor_role, "
        "actor_subject, correlation_id, causation_id, data::text AS data FROM audit_log "
        "WHERE data->>'region_id' = $1 AND data->>'fund' = $2 AND type = ANY($3::text[]) "
        "ORDER BY time, aggregate_id, sequence LIMIT $4",
        region_id,
        fund,
        [*allocations, *MONEY_TYPES],
        limit,
    )
    return [AuditEntry(**{**dict(r), "data": json.loads(r["data"])}) for r in rows]
