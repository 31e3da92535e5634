"""HTTP resource /audit: the immutable log of every public event."""

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from services.reporting.adapters.verify import verify
from services.reporting.api.regions import Pool
from services.reporting.settings import ReportingSettings
from shared.auth import allow
from shared.chain import Verdict
from shared.events import types_of, v1
from shared.events.base import Actor
from shared.pages import Key, LargePages, Pages, key_args
from shared.topics import Topics

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
    actor_organisation: str | None
    actor_subject: str | None = Field(
        description="the person: only in events recorded before the v2 contracts; the "
        "services' histories keep it for every step"
    )
    correlation_id: str | None
    causation_id: str | None
    data: dict[str, Any]


ENTRY = (
    "SELECT event_id::text, type, subject, aggregate_id, sequence, time, actor_role, "
    "actor_organisation, actor_subject, correlation_id, causation_id, data::text AS data "
    "FROM audit_log "
)
# In order of time, page by page: the key of the last entry of a page is the cursor.
AFTER = "($1::timestamptz IS NULL OR (time, aggregate_id, sequence) > ($1, $2::text, $3::int)) "
ORDER = "ORDER BY time, aggregate_id, sequence LIMIT $4"


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
    rows = await db.fetch(
        f"{ENTRY} WHERE {AFTER} AND ($5::text IS NULL OR aggregate_id = $5) {ORDER}",
        *key_args(page, datetime, str, int),
        page.limit + 1,
        aggregate_id,
    )
    return page.rows(entries(rows), entry_key)


@router.get(
    "/chain",
    summary="Recompute the audit log's hash chains (and, with against_kafka, the chains the "
    "topics give): names the first broken link",
)
async def chain(request: Request, db: Pool, _: AuditReader, against_kafka: bool = False) -> Verdict:
    s: ReportingSettings = request.app.state.settings
    topics = Topics(s.topic_prefix)
    return await verify(
        db, s.kafka, topics.public, topics.owners, s.consumer_group, against_kafka=against_kafka
    )


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
    region_id: str, fund: v1.Fund, db: Pool, _: AuditReader, page: LargePages
) -> list[AuditEntry]:
    allocations = [*types_of(v1.BudgetAllocatedV1.name), *types_of(v1.BudgetAdjustedV1.name)]
    rows = await db.fetch(
        f"{ENTRY} WHERE {AFTER} AND data->>'region_id' = $5 AND data->>'fund' = $6 "
        f"AND type = ANY($7::text[]) {ORDER}",
        *key_args(page, datetime, str, int),
        page.limit + 1,
        region_id,
        fund,
        [*allocations, *MONEY_TYPES],
    )
    return page.rows(entries(rows), entry_key)
