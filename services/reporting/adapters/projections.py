"""Projections of the public events into the reporting read models (asyncpg, in batches).

They run inside the exactly-once consumer's transaction; raising ValueError or a
constraint violation parks the offending event instead of applying it.
"""

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from pydantic_core import to_json

from services.reporting.adapters.project_fold import PROJECT_EVENTS, fold, write
from services.reporting.adapters.statements import statement_for
from shared.chain import audit_content, link
from shared.consumer import Events, Position
from shared.events import CloudEvent, PublicEvent
from shared.events.base import public_actor
from shared.pg import DbConn


async def project(conn: DbConn, events: Events, positions: Sequence[Position]) -> None:
    await _audit(conn, events, positions)
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
CHAINED_COLUMNS = [*AUDIT_COLUMNS, "topic", "partition", "offset", "chain_hash"]


async def _audit(conn: DbConn, events: Events, positions: Sequence[Position]) -> None:
    """Appended with COPY (the audit log only grows; duplicates were dropped before), each
    row linked to the one before it on its partition (shared/chain.py)."""
    rows = [audit_row(e, p) for e, p in events]
    heads = await chain_heads(conn, {(t, p) for t, p, _ in positions})
    await conn.copy_records_to_table(
        "audit_log", columns=CHAINED_COLUMNS, records=chained(rows, positions, heads)
    )


def chained(
    rows: Sequence[tuple[Any, ...]],
    positions: Sequence[Position],
    heads: dict[tuple[str, int], bytes],
) -> list[tuple[Any, ...]]:
    """The rows with their positions and links, each partition's in offset order (`heads`:
    each partition's last hash so far, updated)."""
    out = []
    for row, (topic, partition, offset) in sorted(
        zip(rows, positions, strict=True), key=lambda rp: rp[1]
    ):
        content = audit_content(dict(zip(AUDIT_COLUMNS, row, strict=True)))
        heads[(topic, partition)] = link(heads.get((topic, partition)), content)
        out.append((*row, topic, partition, offset, heads[(topic, partition)]))
    return out


async def chain_heads(
    conn: DbConn, partitions: set[tuple[str, int]]
) -> dict[tuple[str, int], bytes]:
    """The last link of each partition's chain in the audit log."""
    if not partitions:
        return {}
    rows = await conn.fetch(
        "SELECT DISTINCT ON (topic, partition) topic, partition, chain_hash FROM audit_log "
        "WHERE (topic, partition) IN (SELECT * FROM unnest($1::text[], $2::int[])) "
        'AND chain_hash IS NOT NULL ORDER BY topic, partition, "offset" DESC',
        [t for t, _ in partitions],
        [p for _, p in partitions],
    )
    return {(r["topic"], r["partition"]): bytes(r["chain_hash"]) for r in rows}


def audit_row(e: CloudEvent, p: PublicEvent | None) -> tuple[Any, ...]:
    """Who acted: the role and organisation; the person only where an event before v2 named
    them (the audit log is for those who oversee the programme, never for agencies)."""
    return (
        e.id, e.type, e.source, e.subject, e.aggregateid, e.sequence, e.time,
        p.actor.role if p else None, getattr(p.actor, "subject", None) if p else None,
        e.correlationid, e.causationid, to_json(e.data).decode(),
        public_actor(p.actor).organisation if p else None,
    )  # fmt: skip
