"""Rebuild the read models from offset 0 while the service keeps serving, then switch over.

1. The read-model tables are created afresh in a schema of their own.
2. Every public topic is read from offset 0 up to its end (as it was when the rebuild
   began) and projected with the live projection, in large batches; duplicates (same
   event id) and unparseable messages are dropped, as the live consumer does.
3. Switch, in one transaction: lock the live consumer's offsets (its next batch waits),
   project the events it applied since the rebuild's snapshot, so both stand at the same
   offsets; move the live tables out to a `replaced_*` schema and the rebuilt ones in.
   The live consumer then carries on from its offsets, on the new tables.
"""

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from pydantic import ValidationError

from services.reporting.adapters.projections import project
from services.reporting.adapters.schema import INDEXES, MODELS, TABLES
from shared.consumer import Events
from shared.events import CloudEvent, contract_for
from shared.pg import DbConn

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]  # (events read so far, events to read)


@dataclass
class Rebuild:
    pool: asyncpg.Pool
    kafka_bootstrap: str
    topics: tuple[str, ...]
    group_id: str
    batch: int = 5_000
    schema: str = field(default_factory=lambda: f"rebuild_{time.strftime('%Y%m%d%H%M%S')}")
    seen: set[UUID] = field(default_factory=set)
    read: int = 0
    applied: int = 0
    position: dict[TopicPartition, int] = field(default_factory=dict)
    until: dict[TopicPartition, int] = field(default_factory=dict)
    consumer: AIOKafkaConsumer = field(init=False, repr=False)

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
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=self.kafka_bootstrap,
            enable_auto_commit=False,
            group_id=None,
            max_partition_fetch_bytes=8 * 1024 * 1024,
        )
        await self.consumer.start()
        tps = [
            TopicPartition(t, p)
            for t in self.topics
            for p in sorted(await _partitions(self.consumer, t))
        ]
        self.consumer.assign(tps)
        await self.consumer.seek_to_beginning(*tps)
        self.until = dict(await self.consumer.end_offsets(tps))
        await self._create_tables()

    async def replay(self, progress: Progress | None = None) -> None:
        await self._replay(self.consumer, self.until, progress)
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(f"SET LOCAL search_path TO {self.schema}")
            await conn.execute(INDEXES)

    async def switch(self, keep_old: bool = False) -> None:
        await self._switch(self.consumer, keep_old)

    async def stop(self) -> None:
        await self.consumer.stop()

    async def _create_tables(self) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(f"CREATE SCHEMA {self.schema}")
            await conn.execute(f"SET LOCAL search_path TO {self.schema}")
            await conn.execute(TABLES)

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
            # Parse this batch (Python) while the database writes the previous one.
            events = self._parse(records)
            self.read += len(records)
            if writing:
                await writing
            writing = asyncio.create_task(self._write(events))
            if progress:
                progress(sum(position.values()), total)
        if writing:
            await writing
        consumer.resume(*consumer.assignment())
        self.position = position

    async def _apply(self, records: list[ConsumerRecord[bytes, bytes]], conn: DbConn) -> None:
        events = self._parse(records)
        self.read += len(records)
        if events:
            await conn.execute(f"SET LOCAL search_path TO {self.schema}")
            await project(conn, events)
            await conn.execute("SET LOCAL search_path TO public")
            self.applied += len(events)

    async def _write(self, events: Events) -> None:
        if not events:
            return
        async with self.pool.acquire() as c, c.transaction():
            await c.execute(f"SET LOCAL search_path TO {self.schema}")
            await project(c, events)
        self.applied += len(events)

    def _parse(self, records: list[ConsumerRecord[bytes, bytes]]) -> Events:
        events = []
        for r in records:
            try:
                envelope = CloudEvent.from_bytes(r.value or b"")
                contract = contract_for(envelope.type)
                payload = contract.model_validate(envelope.data) if contract else None
            except ValidationError:
                continue  # the live consumer parked it: it is in no read model
            if envelope.id in self.seen:
                continue
            self.seen.add(envelope.id)
            events.append((envelope, payload))
        return events

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
            for table in MODELS:  # fresh statistics, or the planner guesses on new tables
                await conn.execute(f"ANALYZE public.{table}")
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


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()
    return consumer.partitions_for_topic(topic) or set()
