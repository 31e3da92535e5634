"""The anchors outside the database, end to end: funding publishes the head of its event
store's chain on Kafka (ChainAnchored), and reporting's audit log can be checked against
the topics it copies. A superuser who rewrites a row and recomputes the whole chain after
it fools the database's own check, not the auditors' endpoints."""

import asyncpg
import httpx

from shared.chain import AUDIT_FIELDS, audit_content, event_store_chain, link, read_anchors
from shared.topics import Topics
from tests import support
from tests.e2e.conftest import System, start_service
from tests.e2e.funding_steps import record_region, submitted_project, wait_for_budget

AUDITOR = support.bearer("auditor")
AS_IS = "SET session_replication_role = replica;\n"


async def test_a_rewritten_history_is_found_by_the_anchors_outside_the_database(
    system: System, topic_prefix: str, processes: list[support.Process]
) -> None:
    # Funding anchors its chain every second here (every minute by default).
    system.funding.process.stop()
    funding = start_service(
        "funding", system.funding.database, topic_prefix, processes, chain_anchor_seconds=1
    )
    async with httpx.AsyncClient(timeout=60) as http:
        await record_region(http, system.regions.url, "anker", 10_000_000_00)
        await wait_for_budget(http, funding.url, "anker", 10_000_000_00)
        for _ in range(2):
            await submitted_project(http, funding.url, "anker", 200_000_00)
        topics = Topics(topic_prefix)

        async def head_anchored() -> bool:
            """An anchor at (or after) the last event stored: the relay anchors with the
            first batch a second after the previous anchor."""
            [last] = await support.table(
                funding.database, "SELECT max(notification_id) AS n FROM funding_events"
            )
            anchors = await read_anchors(support.ADMIN, topics.funding_events, "funding_events")
            if anchors and max(anchors) >= last["n"]:
                return True
            await submitted_project(http, funding.url, "anker", 200_000_00)  # one more batch
            return False

        await support.eventually(head_anchored, timeout=60, interval=1.2)

        intact = (await http.get(f"{funding.url}/audit/chain", headers=AUDITOR)).json()
        assert intact["broken"] is None and intact["anchors"] >= 1 and intact["checked"] > 5

        # The superuser changes the first project's proposal and relinks the whole chain.
        support.as_superuser(
            funding.database,
            AS_IS + "UPDATE funding_events SET state = state || '\\x20' WHERE notification_id = "
            "(SELECT min(notification_id) FROM funding_events WHERE topic LIKE '%Proposed');"
            "UPDATE funding_events SET chain_hash = NULL;"
            "SET session_replication_role = origin;\n"
            + ";\n".join(event_store_chain("funding_events"))
            + ";",
        )
        rewritten = (await http.get(f"{funding.url}/audit/chain", headers=AUDITOR)).json()
        assert "differs from its anchor on Kafka" in rewritten["broken"], rewritten

        # Reporting: its chains agree with Kafka, until a row is rewritten with its chain.
        reporting = f"{system.reporting.url}/audit/chain"
        checked = await http.get(reporting, params={"against_kafka": "true"}, headers=AUDITOR)
        assert checked.json()["broken"] is None and checked.json()["anchors"] >= 1
        await rewrite_audit_row(system.reporting.database)
        alone = (await http.get(reporting, headers=AUDITOR)).json()
        assert alone["broken"] is None  # its own chain was recomputed: consistent
        against = await http.get(reporting, params={"against_kafka": "true"}, headers=AUDITOR)
        assert "differs from what Kafka holds" in against.json()["broken"]


async def rewrite_audit_row(database: str) -> None:
    """Change the first project's eligible cost in the audit log and relink its partition."""
    conn = await asyncpg.connect(support.dsn(database))
    try:
        first = await conn.fetchrow(
            'SELECT topic, partition, "offset" FROM audit_log '
            "WHERE type LIKE '%ProjectProposed%' ORDER BY time LIMIT 1"
        )
        assert first is not None
        where = (first["topic"], first["partition"])
        sql = [AS_IS]
        sql.append(
            "UPDATE audit_log SET data = jsonb_set(data, '{eligible_cost_cents}', '1') "
            f"WHERE topic = '{where[0]}' AND partition = {where[1]} "
            f'AND "offset" = {first["offset"]};'
        )
        columns = ", ".join(f if f != "data" else "data::text AS data" for f in AUDIT_FIELDS)
        rows = await conn.fetch(
            f'SELECT {columns}, "offset" FROM audit_log WHERE topic = $1 AND partition = $2 '
            'ORDER BY "offset"',
            *where,
        )
    finally:
        await conn.close()
    support.as_superuser(database, "\n".join(sql))
    conn = await asyncpg.connect(support.dsn(database))
    try:
        rows = await conn.fetch(
            f'SELECT {columns}, "offset" FROM audit_log WHERE topic = $1 AND partition = $2 '
            'ORDER BY "offset"',
            *where,
        )
    finally:
        await conn.close()
    previous: bytes | None = None
    relink = [AS_IS]
    for row in rows:
        previous = link(previous, audit_content(row))
        relink.append(
            f"UPDATE audit_log SET chain_hash = '\\x{previous.hex()}' WHERE topic = '{where[0]}' "
            f'AND partition = {where[1]} AND "offset" = {row["offset"]};'
        )
    support.as_superuser(database, "\n".join(relink))
