"""Exactly-once consumer: Kafka offsets live in PostgreSQL, in the same transaction as the effect.

A batch subscriber (`shared/consuming.py`: subscription, seeking, rewinding on failure)
whose positions are rows of `consumer_offsets`. Each batch is applied in one transaction
together with the new offsets, so a crash either keeps both or neither. Duplicates
published by a relay after a crash carry the same event id and are dropped through a
table of seen ids.

A message that cannot be parsed or applied is parked: written with its reason to the
dead-letter topic and to the `consumer_parked` table, and the consumer goes on.
"""

import time
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from uuid import UUID

import asyncpg
from aiokafka import TopicPartition

from shared.consuming import BatchConsumer, Parked, Parsed, Record, parse
from shared.events.base import PublicEvent
from shared.events.envelope import CloudEvent
from shared.pg import DbConn, create_schema

__all__ = ["SCHEMA", "Events", "ExactlyOnceConsumer", "Handler", "Position", "Rejected", "parse"]

# A projection: applies events, in order, inside the consumer's transaction (a whole batch
# at once; one by one when it rejected one of them). `payload` is the parsed contract, or
# None for a well-formed event of a type this code does not know yet; each event's
# position is where the consumer read it (topic, partition, offset).
Events = Sequence[tuple[CloudEvent, PublicEvent | None]]
Position = tuple[str, int, int]
Handler = Callable[[DbConn, Events, Sequence[Position]], Awaitable[None]]

SCHEMA = """
CREATE TABLE IF NOT EXISTS consumer_offsets (
    group_id    text   NOT NULL,
    topic       text   NOT NULL,
    partition   int    NOT NULL,
    next_offset bigint NOT NULL,
    PRIMARY KEY (group_id, topic, partition)
);
CREATE TABLE IF NOT EXISTS consumer_seen_events (
    group_id text NOT NULL,
    event_id uuid NOT NULL,
    PRIMARY KEY (group_id, event_id)
);
CREATE TABLE IF NOT EXISTS consumer_parked (
    group_id  text        NOT NULL,
    topic     text        NOT NULL,
    partition int         NOT NULL,
    "offset"  bigint      NOT NULL,
    reason    text        NOT NULL,
    payload   bytea,
    parked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, topic, partition, "offset")
);
"""


class Rejected(Exception):
    """Raised by a handler for an event it can never apply (it gets parked)."""


@dataclass(kw_only=True)
class ExactlyOnceConsumer(BatchConsumer):
    handler: Handler
    pool: asyncpg.Pool

    async def setup_schema(self) -> None:
        async with self.pool.acquire() as conn:
            await create_schema(conn, SCHEMA)

    async def stored_positions(
        self, partitions: Collection[TopicPartition] = ()
    ) -> dict[TopicPartition, int]:
        rows = await self.pool.fetch(
            "SELECT topic, partition, next_offset FROM consumer_offsets WHERE group_id = $1",
            self.group_id,
        )
        return {TopicPartition(r["topic"], r["partition"]): r["next_offset"] for r in rows}

    async def handle(self, records: Sequence[Record]) -> None:
        await self.apply_batch(records)

    async def apply_batch(self, records: Sequence[Record]) -> None:
        started = time.time_ns()
        async with self.pool.acquire() as conn, conn.transaction():
            stored = await _lock_offsets(conn, self.group_id, records)
            fresh = [r for r in records if r.offset >= stored.get((r.topic, r.partition), -1)]
            parsed, parked = parse(fresh, self.owners)
            try:
                async with conn.transaction():  # fast path: the whole batch at once
                    applied = await self._apply(conn, parsed, per_event_savepoints=False)
            except Rejected:
                async with conn.transaction():
                    applied = await self._apply(
                        conn, parsed, per_event_savepoints=True, parked=parked
                    )
            if parked:
                await self._park(conn, parked)
            await _store_offsets(conn, self.group_id, fresh)
        self.traced_batch(fresh, started, time.time_ns())
        self.applied += applied
        self.parked += len(parked)

    async def _apply(
        self,
        conn: DbConn,
        parsed: list[Parsed],
        *,
        per_event_savepoints: bool,
        parked: list[Parked] | None = None,
    ) -> int:
        if not per_event_savepoints:
            return await self._apply_events(conn, parsed)
        applied = 0
        for item in parsed:
            try:
                async with conn.transaction():
                    applied += await self._apply_events(conn, [item])
            except Rejected as exc:
                assert parked is not None
                parked.append(Parked(item[0], f"rejected by handler: {exc}"))
        return applied

    async def _apply_events(self, conn: DbConn, items: list[Parsed]) -> int:
        """Drop events already applied (by id), hand the rest to the projection in order."""
        events = [(envelope, payload) for _, envelope, payload in items]
        positions = [(r.topic, r.partition, r.offset) for r, _, _ in items]
        try:
            applied = await apply_once(conn, self.group_id, self.handler, events, positions)
        except REFUSALS as exc:
            raise Rejected(f"{type(exc).__name__}: {exc}") from exc
        for envelope, _ in applied:
            self.observe_delay(envelope)
        return len(applied)

    async def _park(self, conn: DbConn, parked: list[Parked]) -> None:
        for p in sorted(
            parked, key=lambda p: (p.record.topic, p.record.partition, p.record.offset)
        ):
            r = p.record
            await conn.execute(
                "INSERT INTO consumer_parked "
                '(group_id, topic, partition, "offset", reason, payload) '
                "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                self.group_id,
                r.topic,
                r.partition,
                r.offset,
                p.reason,
                r.value,
            )
            await self.publish_dead_letter(r, p.reason)


async def _lock_offsets(
    conn: DbConn, group_id: str, records: Sequence[Record]
) -> dict[tuple[str, int], int]:
    tps = sorted({(r.topic, r.partition) for r in records})
    rows = await conn.fetch(
        "SELECT topic, partition, next_offset FROM consumer_offsets "
        "WHERE group_id = $1 AND (topic, partition) IN "
        "(SELECT * FROM unnest($2::text[], $3::int[])) FOR UPDATE",
        group_id,
        [t for t, _ in tps],
        [p for _, p in tps],
    )
    return {(r["topic"], r["partition"]): r["next_offset"] for r in rows}


async def _store_offsets(conn: DbConn, group_id: str, records: Sequence[Record]) -> None:
    nxt: dict[tuple[str, int], int] = {}
    for r in records:
        key = (r.topic, r.partition)
        nxt[key] = max(nxt.get(key, 0), r.offset + 1)
    await conn.executemany(
        "INSERT INTO consumer_offsets (group_id, topic, partition, next_offset) "
        "VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = "
        "GREATEST(consumer_offsets.next_offset, EXCLUDED.next_offset)",
        [(group_id, t, p, o) for (t, p), o in nxt.items()],
    )


# What a projection raises for an event it can never apply (the consumer parks it).
REFUSALS = (ValueError, LookupError, asyncpg.DataError, asyncpg.IntegrityConstraintViolationError)


async def apply_once(
    conn: DbConn, group_id: str, handler: Handler, events: Events, positions: Sequence[Position]
) -> Events:
    """Hand the projection the events whose ids were not applied before, recording their
    ids (inside the caller's transaction); the events it applied."""
    where: dict[UUID, Position] = {}
    unique: dict[UUID, tuple[CloudEvent, PublicEvent | None]] = {}
    for event, position in zip(events, positions, strict=True):
        unique.setdefault(event[0].id, event)
        where.setdefault(event[0].id, position)
    rows = await conn.fetch(
        "INSERT INTO consumer_seen_events (group_id, event_id) "
        "SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id",
        group_id,
        list(unique),
    )
    new = {r["event_id"] for r in rows}
    fresh = [event for event_id, event in unique.items() if event_id in new]
    if fresh:
        await handler(conn, fresh, [where[e.id] for e, _ in fresh])
    return fresh
