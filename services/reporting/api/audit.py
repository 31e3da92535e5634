"""HTTP resource /audit: the immutable log of every public event."""

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.reporting.adapters import queries
from services.reporting.adapters.verify import verify
from services.reporting.api.deps import AuditReader, Pool, Settings
from shared.chain import Verdict
from shared.events import v1
from shared.pages import Key, LargePages, Pages, key_args
from shared.topics import Topics

router = APIRouter(prefix="/audit", tags=["audit"])


class AuditEntry(BaseModel):
    event_id: str
    type: str
    subject: str
    aggregate_id: str
    sequence: int
    time: datetime
    actor_role: str | None
    actor_organisation: str | None
    actor_subject: str | None = Field(
        description="the person: only in events recorded before the v2 contracts; the "
        "services' histories keep it for every step"
    )
    correlation_id: str | None
    causation_id: str | None
    data: dict[str, Any]


def entry_key(e: AuditEntry) -> Key:
    return (e.time.isoformat(), e.aggregate_id, e.sequence)


def entries(rows: list[Any]) -> list[AuditEntry]:
    return [AuditEntry(**{**dict(r), "data": json.loads(r["data"])}) for r in rows]


@router.get(
    "/events",
    summary="Public events in order of time, optionally of one aggregate; the next page is "
    "in the Link header",
)
async def events(
    db: Pool, _: AuditReader, page: Pages, aggregate_id: str | None = None
) -> list[AuditEntry]:
    rows = await queries.audit_entries(
        db, key_args(page, datetime, str, int), page.limit + 1, aggregate_id
    )
    return page.rows(entries(rows), entry_key)


@router.get(
    "/chain",
    summary="Recompute the audit log's hash chains (and, with against_kafka, the chains the "
    "topics give): names the first broken link",
)
async def chain(db: Pool, s: Settings, _: AuditReader, against_kafka: bool = False) -> Verdict:
    topics = Topics(s.topic_prefix)
    return await verify(
        db, s.kafka, topics.public, topics.owners, s.consumer_group, against_kafka=against_kafka
    )


@router.get(
    "/budgets/{region_id}/{fund}",
    summary="A budget's history: its allocations and every commitment, payment, release and "
    "recovery against it, in order",
)
async def budget_history(
    region_id: str, fund: v1.Fund, db: Pool, _: AuditReader, page: LargePages
) -> list[AuditEntry]:
    rows = await queries.budget_entries(
        db, region_id, fund, key_args(page, datetime, str, int), page.limit + 1
    )
    return page.rows(entries(rows), entry_key)
