"""Exactly-once consumer: Kafka offsets live in PostgreSQL, in the same transaction as the effect.

A faststream batch subscriber with manual acknowledgement (nothing is committed to Kafka).
On every partition assignment it seeks to the offsets stored in PostgreSQL (or to the
beginning). Each batch is applied in one transaction together with the new offsets, so a
crash either keeps both or neither. Duplicates published by a relay after a crash carry
the same event id and are dropped through a table of seen ids.

A message that cannot be parsed or applied is parked: written with its reason to the
dead-letter topic and to the `consumer_parked` table, and the consumer goes on.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from pydantic import ValidationError

from shared.events.base import PublicEvent, contract_for
from shared.events.envelope import CloudEvent
from shared.pg import DbConn, create_schema

log = logging.getLogger(__name__)

# A projection: applies events, in order, inside the consumer's transaction (a whole batch
# at once; one by one when it rejected one of them). `payload` is the parsed contract, or
# None for a well-formed event of a type this code does not know yet.
Events = Sequence[tuple[CloudEvent, PublicEvent | None]]
Handler = Callable[[DbConn, Events], Awaitable[None]]

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


@dataclass
class Parked:
    record: ConsumerRecord[bytes, bytes]
    reason: str


@dataclass
class ExactlyOnceConsumer:
    group_id: str
    topics: Sequence[str]
    handler: Handler
    pool: asyncpg.Pool
    dead_letter_topic: str
    max_records: int = 500
    retry_sleep: float = 1.0
    applied: int = 0
    parked: int = 0
    _subscriber: Any = field(default=None, repr=False)

    def register(self, broker: KafkaBroker) -> None:
        """Attach the subscriber to a broker; call `setup_schema` before the broker starts."""
        listener = _SeekToStoredOffsets(self)
        self._subscriber = broker.subscriber(
            *self.topics,
            group_id=self.group_id,
            batch=True,
            max_records=self.max_records,
            ack_policy=AckPolicy.MANUAL,
            auto_offset_reset="earliest",
            listener=listener,
            decoder=raw_records,
        )
        self._subscriber(self._on_batch)
        self._broker = broker

    async def setup_schema(self) -> None:
        async with self.pool.acquire() as conn:
            await create_schema(conn, SCHEMA)

    @property
    def consumer(self) -> AIOKafkaConsumer:
        return self._subscriber.consumer

    async def stored_offsets(self) -> dict[TopicPartition, int]:
        rows = await self.pool.fetch(
            "SELECT topic, partition, next_offset FROM consumer_offsets WHERE group_id = $1",
            self.group_id,
        )
        return {TopicPartition(r["topic"], r["partition"]): r["next_offset"] for r in rows}

    async def _on_batch(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        if not records:
            return
        try:
            await self.apply_batch(records)
        except Exception:
            # The database (or the broker, for parking) failed: nothing was committed.
            # Rewind to the stored offsets and try again after a pause.
            log.exception("consumer %s: batch failed; rewinding", self.group_id)
            await asyncio.sleep(self.retry_sleep)
            stored = await self.stored_offsets()
            for tp in {TopicPartition(r.topic, r.partition) for r in records}:
                first = min(r.offset for r in records if (r.topic, r.partition) == tp)
                self.consumer.seek(tp, stored.get(tp, first))

    async def apply_batch(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            stored = await _lock_offsets(conn, self.group_id, records)
            fresh = [r for r in records if r.offset >= stored.get((r.topic, r.partition), -1)]
            parsed, parked = parse(fresh)
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
        self.applied += applied
        self.parked += len(parked)

    async def _apply(
        self,
        conn: DbConn,
        parsed: list[tuple[ConsumerRecord[bytes, bytes], CloudEvent, PublicEvent | None]],
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

    async def _apply_events(
        self,
        conn: DbConn,
        items: list[tuple[ConsumerRecord[bytes, bytes], CloudEvent, PublicEvent | None]],
    ) -> int:
        """Drop events already applied (by id), hand the rest to the projection in order."""
        unique: dict[UUID, tuple[CloudEvent, PublicEvent | None]] = {}
        for _, envelope, payload in items:
            unique.setdefault(envelope.id, (envelope, payload))
        rows = await conn.fetch(
            "INSERT INTO consumer_seen_events (group_id, event_id) "
            "SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id",
            self.group_id,
            list(unique),
        )
        new = {r["event_id"] for r in rows}
        events = [event for event_id, event in unique.items() if event_id in new]
        if not events:
            return 0
        try:
            await self.handler(conn, events)
        except (
            ValueError,
            LookupError,
            asyncpg.DataError,
            asyncpg.IntegrityConstraintViolationError,
        ) as exc:
            raise Rejected(f"{type(exc).__name__}: {exc}") from exc
        return len(events)

    async def _park(self, conn: DbConn, parked: list[Parked]) -> None:
        for p in sorted(
            parked, key=lambda p: (p.record.topic, p.record.partition, p.record.offset)
        ):
            r = p.record
            log.warning(
                "consumer %s: parking %s[%d]@%d: %s",
                self.group_id,
                r.topic,
                r.partition,
                r.offset,
                p.reason,
            )
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
            await self._broker.publish(
                r.value or b"",
                topic=self.dead_letter_topic,
                key=r.key,
                headers=dead_letter_headers(r, p.reason, self.group_id),
            )


def dead_letter_headers(
    r: ConsumerRecord[bytes, bytes], reason: str, group_id: str
) -> dict[str, str]:
    """What a parked message carries: why, and where it came from."""
    return {
        "dlq-reason": reason[:2000],
        "dlq-group": group_id,
        "dlq-topic": r.topic,
        "dlq-partition": str(r.partition),
        "dlq-offset": str(r.offset),
    }


async def raw_records(msg: Any) -> Any:
    """Decoder that hands the handler the raw ConsumerRecords: parsing is ours to do."""
    return list(msg.raw_message)


def parse(
    records: Sequence[ConsumerRecord[bytes, bytes]],
) -> tuple[list[tuple[ConsumerRecord[bytes, bytes], CloudEvent, PublicEvent | None]], list[Parked]]:
    """Envelope and payload of each message that passes its contract; the others parked."""
    parsed: list[tuple[ConsumerRecord[bytes, bytes], CloudEvent, PublicEvent | None]] = []
    parked: list[Parked] = []
    for r in records:
        try:
            envelope = CloudEvent.from_bytes(r.value or b"")
            model = contract_for(envelope.type)
            payload = model.model_validate(envelope.data) if model else None
        except ValidationError as exc:
            parked.append(Parked(r, f"invalid message: {first_errors(exc)}"))
            continue
        parsed.append((r, envelope, payload))
    return parsed, parked


def first_errors(exc: ValidationError) -> str:
    parts = [f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors()[:3]]
    return "; ".join(parts)


async def _lock_offsets(
    conn: DbConn, group_id: str, records: Sequence[ConsumerRecord[bytes, bytes]]
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


async def _store_offsets(
    conn: DbConn, group_id: str, records: Sequence[ConsumerRecord[bytes, bytes]]
) -> None:
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


class _SeekToStoredOffsets(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, owner: ExactlyOnceConsumer) -> None:
        self.owner = owner

    async def on_partitions_revoked(self, revoked: Any) -> None:
        return None

    async def on_partitions_assigned(self, assigned: Any) -> None:
        stored = await self.owner.stored_offsets()
        consumer = self.owner.consumer
        for tp in assigned:
            if tp in stored:
                consumer.seek(tp, stored[tp])
            else:
                await consumer.seek_to_beginning(tp)
        log.info(
            "consumer %s: assigned %s, seeking to stored offsets",
            self.owner.group_id,
            sorted(assigned),
        )
