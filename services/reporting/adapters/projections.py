"""Projections of the public events into the reporting read models (asyncpg).

Each runs inside the exactly-once consumer's transaction; raising ValueError or a
constraint violation parks the event instead of applying it.
"""

import json

from shared.events import CloudEvent, PublicEvent, v1
from shared.pg import DbConn


async def project(conn: DbConn, envelope: CloudEvent, payload: PublicEvent | None) -> None:
    await _audit(conn, envelope, payload)
    if isinstance(payload, v1.RegionRecognisedV1):
        await _region_recognised(conn, payload)


async def _audit(conn: DbConn, e: CloudEvent, payload: PublicEvent | None) -> None:
    actor = payload.actor if payload else None
    await conn.execute(
        "INSERT INTO audit_log (event_id, type, source, subject, aggregate_id, sequence, time, "
        "actor_role, actor_subject, correlation_id, causation_id, data) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)",
        e.id,
        e.type,
        e.source,
        e.subject,
        e.aggregateid,
        e.sequence,
        e.time,
        actor.role if actor else None,
        actor.subject if actor else None,
        e.correlationid,
        e.causationid,
        json.dumps(e.data),
    )


async def _region_recognised(conn: DbConn, p: v1.RegionRecognisedV1) -> None:
    await conn.execute(
        "INSERT INTO region_view "
        "(region_id, name, arl, recognised_on, recognised_at, recognised_by) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        p.region_id,
        p.region_name,
        p.arl,
        p.recognised_on,
        p.occurred_at,
        p.actor.subject,
    )
    await conn.execute(
        "INSERT INTO arl_overview (arl, regions_recognised) VALUES ($1, 1) "
        "ON CONFLICT (arl) DO UPDATE SET regions_recognised = arl_overview.regions_recognised + 1",
        p.arl,
    )
