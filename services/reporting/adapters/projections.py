"""Projections of the public events into the reporting read models (asyncpg, in batches).

They run inside the exactly-once consumer's transaction; raising ValueError or a
constraint violation parks the offending event instead of applying it.
"""

from itertools import groupby
from typing import Any

from pydantic_core import to_json

from services.reporting.adapters.project_fold import PROJECT_EVENTS, fold, write
from services.reporting.adapters.statements import statement_for
from shared.consumer import Events
from shared.events import CloudEvent, PublicEvent
from shared.events.base import public_actor
from shared.pg import DbConn


async def project(conn: DbConn, events: Events) -> None:
    await _audit(conn, events)
    projects: list[tuple[CloudEvent, PublicEvent]] = [
        (e, p) for e, p in events if p is not None and isinstance(p, PROJECT_EVENTS)
    ]
    others = [(e, p) for e, p in events if p is not None and not isinstance(p, PROJECT_EVENTS)]
    # Regions and the programme first: their statements in order, runs sent together.
    statements = [s for e, p in others if (s := statement_for(p, e)) is not None]
    for sql, run in groupby(statements, key=lambda s: s[0]):
        await conn.executemany(sql, [args for _, args in run])
    if projects:
        await write(conn, fold(projects))


AUDIT_COLUMNS = [
    "event_id", "type", "source", "subject", "aggregate_id", "sequence", "time",
    "actor_role", "actor_subject", "correlation_id", "causation_id", "data",
    "actor_organisation",
]  # fmt: skip


async def _audit(conn: DbConn, events: Events) -> None:
    """Appended with COPY (the audit log only grows; duplicates were dropped before)."""
    await conn.copy_records_to_table(
        "audit_log", columns=AUDIT_COLUMNS, records=[audit_row(e, p) for e, p in events]
    )


def audit_row(e: CloudEvent, p: PublicEvent | None) -> tuple[Any, ...]:
    """Who acted: the role and organisation; the person only where an event before v2 named
    them (the audit log is for those who oversee the programme, never for agencies)."""
    return (
        e.id, e.type, e.source, e.subject, e.aggregateid, e.sequence, e.time,
        p.actor.role if p else None, getattr(p.actor, "subject", None) if p else None,
        e.correlationid, e.causationid, to_json(e.data).decode(),
        public_actor(p.actor).organisation if p else None,
    )  # fmt: skip
