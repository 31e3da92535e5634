"""Tamper-evident history: every stored event is linked to the one before it by a hash.

An event's hash covers its content and the previous event's hash:
`hash(n) = sha256(hash(n-1) || content(n))`, the first one over the content alone. So a
row changed, removed or moved breaks the chain at that row (or at the next one), and
`verify` names the first broken link. Rewriting the database together with its chain is
caught by the anchors kept outside it: the event stores' heads are published on Kafka at
regular intervals (ChainAnchored, which agencies keep), and reporting's audit log is a copy
of Kafka's own records, so its chain can be recomputed from the topics.

- The event stores (`<app>_events`): a trigger of the owner computes the hash when a row
  is inserted, in the order of the notification ids (eventsourcing locks the table for
  every write); content = originator id (16 bytes) || version (8 bytes, big-endian) ||
  length of the topic (4 bytes) || topic (UTF-8) || state.
- Reporting's audit log: one chain per topic partition, in offset order (so a rebuild from
  offset 0 arrives at the same chain); content = the row's fields as canonical JSON
  (`audit_content`), computed where the row is written.
"""

import hashlib
import struct
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.partitioner import DefaultPartitioner
from pydantic import BaseModel, Field

from shared.kafka import KafkaAccess
from shared.pg import DbConn
from shared.topics import partitions_of


def link(previous: bytes | None, content: bytes) -> bytes:
    return hashlib.sha256((previous or b"") + content).digest()


# Event stores -------------------------------------------------------------------------------


def event_content(originator_id: UUID, version: int, topic: str, state: bytes) -> bytes:
    name = topic.encode()
    return originator_id.bytes + struct.pack(">qi", version, len(name)) + name + state


EVENT_CHAIN_FUNCTION = """
CREATE OR REPLACE FUNCTION public.zr_chain_event() RETURNS trigger AS $$
DECLARE
    previous bytea;
    name bytea := convert_to(coalesce(NEW.topic, ''), 'UTF8');
BEGIN
    EXECUTE format('SELECT chain_hash FROM %I.%I WHERE notification_id < $1 '
                   'ORDER BY notification_id DESC LIMIT 1', TG_TABLE_SCHEMA, TG_TABLE_NAME)
        INTO previous USING NEW.notification_id;
    NEW.chain_hash := sha256(coalesce(previous, '\\x'::bytea) || uuid_send(NEW.originator_id)
        || int8send(NEW.originator_version) || int4send(octet_length(name)) || name
        || coalesce(NEW.state, '\\x'::bytea));
    RETURN NEW;
END $$ LANGUAGE plpgsql VOLATILE
"""


def event_store_chain(table: str) -> tuple[str, ...]:
    """DDL (as the owner): the chain column, the trigger that fills it, and the links of
    rows stored before the chain began (in order, with the append-only guard lifted for
    that one transaction)."""
    return (
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS chain_hash bytea",
        EVENT_CHAIN_FUNCTION,
        f"DROP TRIGGER IF EXISTS {table}_chain ON {table}",
        f"CREATE TRIGGER {table}_chain BEFORE INSERT ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION public.zr_chain_event()",
        f"""
DO $$
DECLARE r record; previous bytea; name bytea;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM {table} WHERE chain_hash IS NULL) THEN RETURN; END IF;
    ALTER TABLE {table} DISABLE TRIGGER USER;
    FOR r IN SELECT * FROM {table} ORDER BY notification_id LOOP
        IF r.chain_hash IS NULL THEN
            name := convert_to(coalesce(r.topic, ''), 'UTF8');
            previous := sha256(coalesce(previous, '\\x'::bytea) || uuid_send(r.originator_id)
                || int8send(r.originator_version) || int4send(octet_length(name)) || name
                || coalesce(r.state, '\\x'::bytea));
            UPDATE {table} SET chain_hash = previous WHERE notification_id = r.notification_id;
        ELSE
            previous := r.chain_hash;
        END IF;
    END LOOP;
    ALTER TABLE {table} ENABLE TRIGGER USER;
END $$
""",
    )


class Head(BaseModel):
    """The last link of a chain: where it is, and its hash (hex)."""

    position: int
    hash: str


class Verdict(BaseModel):
    """What `verify` found: how many links it checked, the first broken one (if any), the
    head of each chain (its last position and hash), and how many anchors it compared."""

    chain: str
    checked: int = 0
    broken: str | None = Field(None, description="the first broken link, named")
    heads: dict[str, Head] = Field(default_factory=dict)
    anchors: int = 0

    @property
    def intact(self) -> bool:
        return self.broken is None


async def verify_event_store(
    conn: DbConn, table: str, anchors: Mapping[int, str] | None = None, batch: int = 10_000
) -> Verdict:
    """Recompute the chain of an event store in order; `anchors` (notification id -> hash,
    from Kafka) must agree with it too."""
    verdict = Verdict(chain=table, anchors=len(anchors or {}))
    previous: bytes | None = None
    async for row in _rows(
        conn,
        f"SELECT notification_id, originator_id, originator_version, topic, state, chain_hash "
        f"FROM {table} WHERE notification_id > $1 ORDER BY notification_id LIMIT {batch}",
        start=(0,),
        key=lambda r: (r["notification_id"],),
    ):
        expected = link(
            previous,
            event_content(
                row["originator_id"], row["originator_version"], row["topic"], row["state"]
            ),
        )
        n = row["notification_id"]
        if row["chain_hash"] is None or bytes(row["chain_hash"]) != expected:
            verdict.broken = (
                f"{table}: notification {n} does not link to the event before it (the row, or "
                "one before it, was changed, removed or moved)"
            )
            return verdict
        if anchors and n in anchors and anchors[n] != expected.hex():
            verdict.broken = f"{table}: notification {n} differs from its anchor on Kafka"
            return verdict
        previous = expected
        verdict.checked += 1
        verdict.heads[table] = Head(position=n, hash=expected.hex())
    last = verdict.heads[table].position if table in verdict.heads else 0
    missing = sorted(n for n in (anchors or {}) if n > last)
    if missing:
        verdict.broken = f"{table}: notification {missing[0]} was anchored on Kafka but is gone"
    return verdict


# Reporting's audit log ----------------------------------------------------------------------

AUDIT_FIELDS = (
    "event_id", "type", "source", "subject", "aggregate_id", "sequence", "time",
    "actor_role", "actor_subject", "actor_organisation", "correlation_id", "causation_id",
    "data",
)  # fmt: skip


def audit_content(row: Mapping[str, Any]) -> bytes:
    """A row of the audit log as canonical JSON: the same bytes from the row as written and
    from the row as read back (jsonb keeps the values; the keys are sorted here)."""
    values = []
    for name in AUDIT_FIELDS:
        value = row[name]
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        elif isinstance(value, UUID):
            value = str(value)
        elif name == "data" and isinstance(value, str | bytes):
            value = orjson.loads(value)
        values.append(value)
    return orjson.dumps(values, option=orjson.OPT_SORT_KEYS)


async def verify_audit_log(conn: DbConn, batch: int = 10_000) -> Verdict:
    """Recompute every partition's chain of the audit log, in offset order."""
    verdict = Verdict(chain="audit_log")
    previous: dict[tuple[str, int], bytes] = {}
    columns = ", ".join(f if f != "data" else "data::text AS data" for f in AUDIT_FIELDS)
    async for row in _rows(
        conn,
        f'SELECT {columns}, topic, partition, "offset", chain_hash FROM audit_log '
        f'WHERE (topic, partition, "offset") > ($1, $2, $3) AND chain_hash IS NOT NULL '
        f'ORDER BY topic, partition, "offset" LIMIT {batch}',
        start=("", -1, -1),
        key=lambda r: (r["topic"], r["partition"], r["offset"]),
    ):
        key = (row["topic"], row["partition"])
        expected = link(previous.get(key), audit_content(row))
        if row["chain_hash"] is None or bytes(row["chain_hash"]) != expected:
            verdict.broken = (
                f"audit_log: {row['topic']}[{row['partition']}]@{row['offset']} (event "
                f"{row['event_id']}) does not link to the row before it (it, or one before it, "
                "was changed, removed or moved)"
            )
            return verdict
        previous[key] = expected
        verdict.checked += 1
        verdict.heads[f"{key[0]}[{key[1]}]"] = Head(position=row["offset"], hash=expected.hex())
    return verdict


async def _rows(
    conn: DbConn, sql: str, *, start: tuple[Any, ...], key: Callable[[Any], tuple[Any, ...]]
) -> AsyncIterator[Any]:
    """Every row of a keyset query, page by page (the query takes the last key as $1...)."""
    after = start
    while rows := await conn.fetch(sql, *after):
        for row in rows:
            yield row
        after = key(rows[-1])


# Anchors on Kafka ---------------------------------------------------------------------------


def anchor_key(chain: str) -> bytes:
    return f"chain:{chain}".encode()


async def read_anchors(kafka: KafkaAccess, topic: str, chain: str) -> dict[int, str]:
    """Every anchor of a chain published on a topic: notification id -> hash (hex). The
    anchors share a key, so they are all on one partition: only that one is read."""
    consumer = AIOKafkaConsumer(**kafka.options(), group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = await partitions_of(consumer, topic)
        if not partitions:
            return {}
        key = anchor_key(chain)
        tp = TopicPartition(topic, DefaultPartitioner()(key, partitions, partitions))
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        end = (await consumer.end_offsets([tp]))[tp]
        anchors: dict[int, str] = {}
        while await consumer.position(tp) < end:
            batch = await consumer.getmany(tp, timeout_ms=1000, max_records=10_000)
            for record in batch.get(tp, []):
                if record.key != key:
                    continue
                event = orjson.loads(record.value or b"{}")
                if ".ChainAnchored." in str(event.get("type")):
                    data = event.get("data", {})
                    anchors[int(data["notification_id"])] = str(data["chain_hash"])
        return anchors
    finally:
        await consumer.stop()
