"""Outbox relay: the event store's notification log is the outbox.

The relay follows an eventsourcing application's notification log in order from a tracked
position, translates domain events into public CloudEvents, publishes them with an
idempotent producer (acks=all) keyed by aggregate id, and records its position only after
the broker acknowledged the whole batch. A crash between publishing and recording the
position republishes the same events with the same ids; consumers drop duplicates.

Only one relay per service is active: it holds a PostgreSQL advisory lock on a dedicated
connection for as long as it runs; others wait as standbys.

Every `anchor_every` seconds (when new events were published) it also publishes the head
of the event store's hash chain (ChainAnchored, shared/chain.py): the copies subscribers
keep show a later rewrite of the database.
"""

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from eventsourcing.application import Application
from eventsourcing.persistence import Notification
from opentelemetry.trace import SpanKind

from shared import metrics, observability
from shared.chain import anchor_key
from shared.database import Access
from shared.events import v1
from shared.events.base import public_actor
from shared.events.envelope import CONTENT_TYPE, CloudEvent, wrap
from shared.kafka import KafkaAccess
from shared.pg import create_schema
from shared.sync import run_sync

log = logging.getLogger(__name__)

Translate = Callable[[object], Sequence[CloudEvent]]

SCHEMA = """
CREATE TABLE IF NOT EXISTS relay_position (
    relay_name text PRIMARY KEY,
    position   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
)
"""
ACCESS = Access({"relay_position": ("SELECT", "INSERT", "UPDATE")})


@dataclass
class RelayStats:
    published: int = 0
    notifications: int = 0
    position: int = 0
    anchors: int = 0


@dataclass
class OutboxRelay:
    name: str
    app: Application[Any]
    translate: Translate
    topic: str
    kafka: KafkaAccess
    pg_dsn: str
    # Whether the relay creates its table (its role owns the database: development).
    create_schema: bool = True
    # The chained event store, the events' source, and how often its head is anchored.
    chain_table: str | None = None
    source: str = ""
    anchor_every: float = 60.0
    batch_size: int = 500
    idle_sleep: float = 0.1
    standby_sleep: float = 1.0
    stats: RelayStats = field(default_factory=RelayStats)
    active: asyncio.Event = field(default_factory=asyncio.Event)
    _anchored: float = field(default=0.0, repr=False)

    async def run(self) -> None:
        """Run until cancelled."""
        conn = await asyncpg.connect(self.pg_dsn)
        try:
            if self.create_schema:
                await create_schema(conn, SCHEMA)
            await self._become_active(conn)
            producer = AIOKafkaProducer(
                **self.kafka.options(),
                enable_idempotence=True,
                acks="all",
                linger_ms=5,
                max_batch_size=256 * 1024,
            )
            await producer.start()
            try:
                await self._follow(conn, producer)
            finally:
                await producer.stop()
        finally:
            self.active.clear()
            await conn.close()

    async def _become_active(self, conn: asyncpg.Connection) -> None:
        metrics.relay_active.labels(self.name).set(0)
        while not await conn.fetchval(
            "SELECT pg_try_advisory_lock(hashtext('zr-relay:' || $1))", self.name
        ):
            log.info("relay %s: another instance is active; standing by", self.name)
            await asyncio.sleep(self.standby_sleep)
        self.active.set()
        metrics.relay_active.labels(self.name).set(1)
        log.info("relay %s: active", self.name)

    async def _follow(self, conn: asyncpg.Connection, producer: AIOKafkaProducer) -> None:
        position = (
            await conn.fetchval(
                "SELECT position FROM relay_position WHERE relay_name = $1", self.name
            )
            or 0
        )
        self.stats.position = position
        measured = 0.0
        while True:
            if time.monotonic() - measured > 1.0:  # the lag, once a second
                await self._measure(position)
                measured = time.monotonic()
            notifications: Sequence[Notification] = await run_sync(
                self.app.recorder.select_notifications,
                start=position,
                limit=self.batch_size,
                inclusive_of_start=False,
            )
            if not notifications:
                await asyncio.sleep(self.idle_sleep)
                continue
            sent = await self._publish(producer, notifications)
            position = notifications[-1].id
            await conn.execute(
                "INSERT INTO relay_position (relay_name, position) VALUES ($1, $2) "
                "ON CONFLICT (relay_name) DO UPDATE SET position = $2, updated_at = now()",
                self.name,
                position,
            )
            self.stats.published += sent
            self.stats.notifications += len(notifications)
            self.stats.position = position
            metrics.relay_published.labels(self.name).inc(sent)
            metrics.relay_position.labels(self.name).set(position)
            await self._anchor(conn, producer, position)

    async def _measure(self, position: int) -> None:
        head = await run_sync(self.app.recorder.max_notification_id) or 0
        metrics.relay_head.labels(self.name).set(head)
        metrics.relay_position.labels(self.name).set(position)
        metrics.relay_lag.labels(self.name).set(max(head - position, 0))

    async def _anchor(
        self, conn: asyncpg.Connection, producer: AIOKafkaProducer, position: int
    ) -> None:
        if not self.chain_table or time.monotonic() - self._anchored < self.anchor_every:
            return
        row = await conn.fetchrow(
            f"SELECT notification_id, chain_hash FROM {self.chain_table} "
            "WHERE notification_id <= $1 ORDER BY notification_id DESC LIMIT 1",
            position,
        )
        if row is None or row["chain_hash"] is None:
            return
        now = datetime.now(UTC)
        anchor = v1.ChainAnchoredV1(
            actor=public_actor({"role": "system", "subject": self.name}),
            occurred_at=now,
            chain=self.chain_table,
            notification_id=row["notification_id"],
            chain_hash=bytes(row["chain_hash"]).hex(),
        )
        ce = wrap(
            anchor, event_type=anchor.event_type(), source=self.source,
            subject=f"chain/{self.chain_table}", aggregate_id=f"chain:{self.chain_table}",
            sequence=anchor.notification_id, time=now,
        )  # fmt: skip
        await producer.send_and_wait(
            self.topic, value=ce.to_bytes(), key=anchor_key(self.chain_table),
            headers=[("content-type", CONTENT_TYPE.encode()), ("ce_type", ce.type.encode()),
                     ("ce_id", str(ce.id).encode())],
        )  # fmt: skip
        self._anchored = time.monotonic()
        self.stats.anchors += 1

    async def _publish(
        self, producer: AIOKafkaProducer, notifications: Sequence[Notification]
    ) -> int:
        futures = []
        for n in notifications:
            domain_event = self.app.mapper.to_domain_event(n)
            # The trace of the command that stored the event goes on (observability.py).
            traceparent = (getattr(domain_event, "meta", None) or {}).get("traceparent")
            for ce in self.translate(domain_event):
                with observability.tracer.start_as_current_span(
                    f"relay: publish {ce.type}",
                    context=observability.context_of(traceparent),
                    kind=SpanKind.PRODUCER,
                    attributes={"messaging.system": "kafka", "messaging.destination.name":
                                self.topic, "zr.notification_id": n.id},
                ):  # fmt: skip
                    headers = [
                        ("content-type", CONTENT_TYPE.encode()),
                        ("ce_type", ce.type.encode()),
                        ("ce_id", str(ce.id).encode()),
                        *observability.kafka_headers(),
                    ]
                    futures.append(
                        await producer.send(
                            self.topic,
                            value=ce.to_bytes(),
                            key=str(n.originator_id).encode(),
                            headers=headers,
                        )
                    )
        # Wait for every acknowledgement before the position may move.
        await asyncio.gather(*futures)
        return len(futures)
