"""Projections of the public events into the reporting read models (asyncpg, in batches).

They run inside the exactly-once consumer's transaction; raising ValueError or a
constraint violation parks the offending event instead of applying it.
"""

import json
from collections import Counter

from shared.consumer import Events
from shared.events import v1
from shared.pg import DbConn


async def project(conn: DbConn, events: Events) -> None:
    await _audit(conn, events)
    recognised = [p for _, p in events if isinstance(p, v1.RegionRecognisedV1)]
    if recognised:
        await _regions_recognised(conn, recognised)


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


async def _regions_recognised(conn: DbConn, recognised: list[v1.RegionRecognisedV1]) -> None:
    await conn.executemany(
        "INSERT INTO region_view "
        "(region_id, name, arl, recognised_on, recognised_at, recognised_by) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        [
            (p.region_id, p.region_name, p.arl, p.recognised_on, p.occurred_at, p.actor.subject)
            for p in recognised
        ],
    )
    await conn.executemany(
        "INSERT INTO arl_overview (arl, regions_recognised) VALUES ($1, $2) "
        "ON CONFLICT (arl) DO UPDATE "
        "SET regions_recognised = arl_overview.regions_recognised + EXCLUDED.regions_recognised",
        sorted(Counter(p.arl for p in recognised).items()),
    )
