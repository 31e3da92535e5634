"""Rebuild the read models from offset 0 while the service keeps serving, then switch over.

1. The read-model tables are created afresh in a schema of their own.
2. Every public topic is read from offset 0 up to its end (as it was when the rebuild
   began). The messages go into the audit log as they are: PostgreSQL takes each
   envelope apart (`jsonb`), duplicates (same event id) are dropped. Python hardly touches
   a message: the live consumer already judged every message below its committed offsets,
   and the ones it parked are listed in `consumer_parked`, so those are skipped and the
   rest is known to be valid. Messages the live consumer has not seen yet (or all of them,
   with `revalidate=True`) are validated against their contracts here first.
3. The other read models are folded from the rebuilt audit log with the statements that
   build them "as of" a moment (figures.replay_models), then the audit log gets its
   indexes and the tables their statistics.
4. Switch, in one transaction: lock the live consumer's offsets (its next batch waits),
   project the events it applied since the rebuild's snapshot, so both stand at the same
   offsets; move the live tables out to a `replaced_*` schema and the rebuilt ones in.
   The live consumer then carries on from its offsets, on the new tables.

Parked messages replayed live (shared/parking.py) are appended after step 2, in the order
they were replayed, in the audit log's chain of replays, as live. Replays wait while a
rebuild runs: it holds their lock from start to stop.
"""

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from services.reporting.adapters.figures import replay_models
from services.reporting.adapters.projections import CHAINED_COLUMNS, audit_row, chained, project
from services.reporting.adapters.schema import ACCESS, INDEXES, MODELS, TABLES
from shared.consumer import Events, parse
from shared.events import all_contracts
from shared.events.base import ORGANISATIONS
from shared.kafka import KafkaAccess
from shared.parking import rebuild_lock, replay_position, replayed
from shared.pg import DbConn
from shared.topics import partitions_of

log = logging.getLogger(__name__)
END_OF_TIME = datetime(9999, 12, 31, tzinfo=UTC)
KNOWN_TYPES = frozenset(all_contracts())
AuditRow = tuple[Any, ...]
Progress = Callable[[int, int], None]  # (events read so far, events to read)


@dataclass
class Rebuild:
    pool: asyncpg.Pool
    kafka: KafkaAccess
    topics: tuple[str, ...]
    group_id: str
    batch: int = 20_000
    revalidate: bool = False
    # topic -> the source of its events (Topics.owners): others are left out, as live
    owners: Mapping[str, str] = field(default_factory=dict)
    # The service's role, granted on the new tables what it has on the live ones.
    role: str | None = None
    schema: str = field(default_factory=lambda: f"rebuild_{datetime.now(UTC):%Y%m%d%H%M%S%f}")
    read: int = 0
    skipped: int = 0
    replays: int = 0
    seen: set[str] = field(default_factory=set, repr=False)
    # Each partition's last link of the rebuilt audit log's hash chain.
    heads: dict[tuple[str, int], bytes] = field(default_factory=dict, repr=False)
    applied: int = 0
    position: dict[TopicPartition, int] = field(default_factory=dict)
    until: dict[TopicPartition, int] = field(default_factory=dict)
    # What the live consumer has judged: its next offsets, and the offsets it parked.
    judged: dict[TopicPartition, int] = field(default_factory=dict)
    parked: set[tuple[str, int, int]] = field(default_factory=set)
    consumer: AIOKafkaConsumer = field(init=False, repr=False)
    _lock: Any = field(default=None, init=False, repr=False)

    @property
    def replaced_schema(self) -> str:
        return self.schema.replace("rebuild_", "replaced_")

    async def run(self, progress: Progress | None = None, keep_old: bool = False) -> None:
        await self.start()
        try:
            await self.replay(progress)
            await self.switch(keep_old)
        finally:
            await self.stop()

    async def start(self) -> None:
        """Fresh tables, and the end of every topic as it is now."""
        self._lock = await self.pool.acquire()  # no replays from here to stop()
        try:
            await self._lock.execute(
                "SELECT pg_advisory_lock(hashtext($1))", rebuild_lock(self.group_id)
            )
            await self._open()
        except BaseException:
            await self._unlock()
            raise

    async def _open(self) -> None:
        self.consumer = AIOKafkaConsumer(
            **self.kafka.options(),
            enable_auto_commit=False,
            group_id=None,
            max_partition_fetch_bytes=8 * 1024 * 1024,
        )
        await self.consumer.start()
        tps = [
            TopicPartition(t, p) for t in self.topics for p in await partitions_of(self.consumer, t)
        ]
        self.consumer.assign(tps)
        await self.consumer.seek_to_beginning(*tps)
        self.until = dict(await self.consumer.end_offsets(tps))
        if not self.revalidate:
            await self._read_verdicts()
        await self._create_tables()

    async def replay(self, progress: Progress | None = None) -> None:
        await self._replay(self.consumer, self.until, progress)
        await self._append_replays()
        # The audit log's indexes and the other models' fold, side by side (two backends).
        await asyncio.gather(self._index_audit_log(), self._fold_models())
        async with self.pool.acquire() as conn:  # fresh statistics, before the switch
            for table in MODELS:  # (or the planner guesses on the new tables)
                await conn.execute(f"ANALYZE {self.schema}.{table}")

    async def _index_audit_log(self) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(f"SET LOCAL search_path TO {self.schema}")
            await conn.execute("SET LOCAL maintenance_work_mem TO '256MB'")
            await conn.execute("ALTER TABLE audit_log ADD PRIMARY KEY (event_id)")
            await conn.execute(INDEXES)

    async def _fold_models(self) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(f"SET LOCAL search_path TO {self.schema}")
            await conn.execute("SET LOCAL work_mem TO '256MB'")  # the fold sorts in memory
            await replay_models(conn, END_OF_TIME)

    async def switch(self, keep_old: bool = False) -> None:
        await self._switch(self.consumer, keep_old)

    async def stop(self) -> None:
        try:
            await self.consumer.stop()
        finally:
            await self._unlock()

    async def _unlock(self) -> None:
        if self._lock is not None:
            await self._lock.execute(
                "SELECT pg_advisory_unlock(hashtext($1))", rebuild_lock(self.group_id)
            )
            await self.pool.release(self._lock)
            self._lock = None

    async def _read_verdicts(self) -> None:
        async with self.pool.acquire() as conn:
            offsets = await conn.fetch(
                "SELECT topic, partition, next_offset FROM consumer_offsets WHERE group_id = $1",
                self.group_id,
            )
            parked = await conn.fetch(
                'SELECT topic, partition, "offset" FROM consumer_parked WHERE group_id = $1',
                self.group_id,
            )
        self.judged = {
            TopicPartition(r["topic"], r["partition"]): r["next_offset"] for r in offsets
        }
        self.parked = {(r["topic"], r["partition"], r["offset"]) for r in parked}

    async def _create_tables(self) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(f"CREATE SCHEMA {self.schema}")
            await conn.execute(f"SET LOCAL search_path TO {self.schema}")
            await conn.execute(TABLES)
            models = {t: ACCESS.tables[t] for t in MODELS}  # the consumer's own tables stay
            access = replace(ACCESS, schema=self.schema, tables=models)
            user = await conn.fetchval("SELECT current_user")
            grants = access.grants(self.role) if self.role and self.role != user else []
            for statement in (*access.guards(), *grants):
                await conn.execute(statement)
            # Built after the bulk load (duplicates are dropped by id before it).
            await conn.execute("ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey")

    async def _replay(
        self,
        consumer: AIOKafkaConsumer,
        until: dict[TopicPartition, int],
        progress: Progress | None,
    ) -> None:
        total = sum(until.values())
        position = {tp: 0 for tp in until}
        writing: asyncio.Task[None] | None = None
        while any(position[tp] < end for tp, end in until.items()):
            batches = await consumer.getmany(timeout_ms=1000, max_records=self.batch)
            records: list[ConsumerRecord[bytes, bytes]] = []
            for tp, recs in batches.items():
                mine = [r for r in recs if r.offset < until[tp]]
                records.extend(mine)
                if mine:
                    position[tp] = mine[-1].offset + 1
                if len(mine) < len(recs):  # read past the snapshot: leave it for the switch
                    consumer.seek(tp, until[tp])
                    consumer.pause(tp)
            # Sort this batch out while the database loads the previous one.
            envelopes = self._admit(records)
            self.read += len(records)
            if writing:
                await writing
            writing = asyncio.create_task(self._load(envelopes))
            if progress:
                progress(sum(position.values()), total)
        if writing:
            await writing
        consumer.resume(*consumer.assignment())
        self.position = position

    async def _append_replays(self) -> None:
        """The parked messages replayed live, as the replays wrote them."""
        async with self.pool.acquire() as conn:
            replays = await replayed(conn, self.group_id)
        rows, positions = [], []
        for number, message in replays:
            events = _valid([message.record], self.owners)
            if events and str(events[0][0].id) not in self.seen:
                self.seen.add(str(events[0][0].id))
                rows.append(audit_row(*events[0]))
                positions.append(replay_position(number))
        self.replays = len(rows)
        await self._load(chained(rows, positions, self.heads))

    async def _apply(self, records: list[ConsumerRecord[bytes, bytes]], conn: DbConn) -> None:
        """The live projection, for the few events of the catch-up at the switch."""
        parsed, _ = parse(records, self.owners)
        self.read += len(records)
        await conn.execute(f"SET LOCAL search_path TO {self.schema}")
        known = {
            r["event_id"]
            for r in await conn.fetch(
                "SELECT event_id FROM audit_log WHERE event_id = ANY($1::uuid[])",
                [e.id for _, e, _ in parsed],
            )
        }
        fresh = [(r, e, p) for r, e, p in parsed if e.id not in known]
        if fresh:
            events = [(e, p) for _, e, p in fresh]
            await project(conn, events, [(r.topic, r.partition, r.offset) for r, _, _ in fresh])
            self.applied += len(events)
        await conn.execute("SET LOCAL search_path TO public")

    def _admit(self, records: list[ConsumerRecord[bytes, bytes]]) -> list[AuditRow]:
        """The audit log's rows of a batch: of what the live consumer applied, taken as
        they are; of what it has not judged yet, those that pass their contracts; of what
        it parked, none. Each event once (by id)."""
        rows, positions = [], []
        for r in records:
            if r.offset < self.judged.get(TopicPartition(r.topic, r.partition), 0):
                if (r.topic, r.partition, r.offset) in self.parked:
                    self.skipped += 1
                    continue
                row = raw_audit_row(r.value or b"")
            elif events := _valid([r], self.owners):
                row = audit_row(*events[0])
            else:
                self.skipped += 1
                continue
            if (event_id := str(row[0])) not in self.seen:
                self.seen.add(event_id)
                rows.append(row)
                positions.append((r.topic, r.partition, r.offset))
        return chained(rows, positions, self.heads)  # each partition's chain, as live

    async def _load(self, rows: list[AuditRow]) -> None:
        if not rows:
            return
        async with self.pool.acquire() as c:
            await c.copy_records_to_table(
                "audit_log", schema_name=self.schema, records=rows, columns=CHAINED_COLUMNS
            )
        self.applied += len(rows)

    async def _switch(self, consumer: AIOKafkaConsumer, keep_old: bool) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            # No batch of the live consumer can write the models now; the offsets it
            # committed are exactly what the live models contain.
            for table in MODELS:
                await conn.execute(f"LOCK TABLE public.{table} IN ACCESS EXCLUSIVE MODE")
            rows = await conn.fetch(
                "SELECT topic, partition, next_offset FROM consumer_offsets WHERE group_id = $1",
                self.group_id,
            )
            live = {TopicPartition(r["topic"], r["partition"]): r["next_offset"] for r in rows}
            for tp, offset in live.items():
                if tp in self.position and offset > self.position[tp]:
                    await self._catch_up(consumer, conn, tp, offset)
            await conn.execute(f"CREATE SCHEMA {self.replaced_schema}")
            for table in MODELS:
                await conn.execute(f"ALTER TABLE public.{table} SET SCHEMA {self.replaced_schema}")
                await conn.execute(f"ALTER TABLE {self.schema}.{table} SET SCHEMA public")
            await conn.execute(f"DROP SCHEMA {self.schema}")
            if not keep_old:
                await conn.execute(f"DROP SCHEMA {self.replaced_schema} CASCADE")
        log.info("rebuild: %d events read, %d applied; switched over", self.read, self.applied)

    async def _catch_up(
        self, consumer: AIOKafkaConsumer, conn: DbConn, tp: TopicPartition, until: int
    ) -> None:
        """The events the live consumer applied while the rebuild ran."""
        consumer.seek(tp, self.position[tp])
        while self.position[tp] < until:
            batch = await consumer.getmany(tp, timeout_ms=1000, max_records=self.batch)
            records = [r for r in batch.get(tp, []) if r.offset < until]
            if records:
                self.position[tp] = records[-1].offset + 1
            await self._apply(records, conn)


def _valid(records: list[ConsumerRecord[bytes, bytes]], owners: Mapping[str, str]) -> Events:
    """The messages that pass their contracts, as the live consumer checks them (the ones
    it would park are left out)."""
    parsed, _ = parse(records, owners)
    return [(envelope, payload) for _, envelope, payload in parsed]


def raw_audit_row(raw: bytes) -> AuditRow:
    """The audit log's row of a valid envelope, as the live projection writes it
    (projections._audit), read without validating it again."""
    e = orjson.loads(raw)
    data = e["data"]
    actor = data.get("actor") if e["type"] in KNOWN_TYPES else None
    return (
        e["id"], e["type"], e["source"], e["subject"], e["aggregateid"], e["sequence"],
        datetime.fromisoformat(e["time"]), actor and actor["role"], actor and actor.get("subject"),
        e.get("correlationid"), e.get("causationid"), orjson.dumps(data).decode(),
        actor and (actor.get("organisation") or ORGANISATIONS[actor["role"]]),
    )  # fmt: skip
