"""Projections of the public events into the reporting read models (asyncpg, in batches).

They run inside the exactly-once consumer's transaction; raising ValueError or a
constraint violation parks the offending event instead of applying it.
"""

import json
from itertools import groupby

from services.reporting.adapters.statements import statement_for
from shared.consumer import Events
from shared.pg import DbConn


async def project(conn: DbConn, events: Events) -> None:
    await _audit(conn, events)
    statements = [s for e, p in events if (s := statement_for(p, e)) is not None]
    for sql, run in groupby(statements, key=lambda s: s[0]):
        await conn.executemany(sql, [args for _, args in run])


async def _audit(conn: DbConn, events: Events) -> None:
    await conn.executemany(
        "INSERT INTO audit_log (event_id, type, source, subject, aggregate_id, sequence, time, "
        "actor_role, actor_subject, correlation_id, causation_id, data) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)",
        [
            (
                e.id, e.type, e.source, e.subject, e.aggregateid, e.sequence, e.time,
                p.actor.role if p else None, p.actor.subject if p else None,
                e.correlationid, e.causationid, json.dumps(e.data),
            )
            for e, p in events
        ],
    )  # fmt: skip
