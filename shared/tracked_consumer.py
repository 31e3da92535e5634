"""Exactly-once consumer for an event-sourced service: Kafka records become the service's
own events, stored with the record's position in the same transaction.

The position is an eventsourcing `Tracking` record (`<topic>#<partition>`, offset) that a
process recorder writes atomically with the new events, so a record is applied once or
not at all, and a record already applied (redelivered after a crash) is recognised and
skipped. On every partition assignment the consumer seeks to the stored positions. An
event republished by a relay after a crash (same id, new offset) must be recognised by
the application itself; funding does it with the region's version that every region
event carries.

A message that cannot be parsed, or that the application refuses (a DomainError), is
parked on the dead-letter topic with its reason, and its position is stored: the
consumer goes on. Infrastructure errors rewind to the stored positions and retry.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from eventsourcing.persistence import Tracking
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from pydantic import ValidationError

from shared.consumer import dead_letter_headers, first_errors, raw_records
from shared.errors import DomainError
from shared.events.base import PublicEvent, contract_for
from shared.events.envelope import CloudEvent
from shared.sync import run_sync

log = logging.getLogger(__name__)

# apply(payload or None for a type it need not know, the envelope, the position) -> applied?
Apply = Callable[[PublicEvent | None, CloudEvent | None, Tracking], bool]
Position = Callable[[str], int | None]


def source_of(topic: str, partition: int) -> str:
    return f"{topic}#{partition}"


@dataclass
class TrackedConsumer:
    group_id: str
    topics: tuple[str, ...]
    apply: Apply
    position: Position
    dead_letter_topic: str
    max_records: int = 200
    retry_sleep: float = 1.0
    applied: int = 0
    parked: int = 0
    _subscriber: Any = field(default=None, repr=False)
    _broker: Any = field(default=None, repr=False)

    def register(self, broker: KafkaBroker) -> None:
        self._subscriber = broker.subscriber(
            *self.topics,
            group_id=self.group_id,
            batch=True,
            max_records=self.max_records,
            ack_policy=AckPolicy.MANUAL,
            auto_offset_reset="earliest",
            listener=_SeekToPositions(self),
            decoder=raw_records,
        )
        self._subscriber(self._on_batch)
        self._broker = broker

    @property
    def consumer(self) -> AIOKafkaConsumer:
        return self._subscriber.consumer

    async def _on_batch(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        try:
            for r in records:
                await self._one(r)
        except Exception:
            log.exception("consumer %s: failed; rewinding to the stored positions", self.group_id)
            await asyncio.sleep(self.retry_sleep)
            for tp in {TopicPartition(r.topic, r.partition) for r in records}:
                await self.seek(tp)

    async def _one(self, r: ConsumerRecord[bytes, bytes]) -> None:
        tracking = Tracking(source_of(r.topic, r.partition), r.offset)
        try:
            envelope = CloudEvent.from_bytes(r.value or b"")
            model = contract_for(envelope.type)
            payload = model.model_validate(envelope.data) if model else None
        except ValidationError as exc:
            await self._park(r, f"invalid message: {first_errors(exc)}", tracking)
            return
        try:
            if await run_sync(self.apply, payload, envelope, tracking):
                self.applied += 1
        except DomainError as exc:
            await self._park(r, f"rejected: {exc}", tracking)

    async def _park(self, r: ConsumerRecord[bytes, bytes], reason: str, tracking: Tracking) -> None:
        log.warning(
            "consumer %s: parking %s@%d: %s",
            self.group_id,
            tracking.application_name,
            r.offset,
            reason,
        )
        await self._broker.publish(
            r.value or b"",
            topic=self.dead_letter_topic,
            key=r.key,
            headers=dead_letter_headers(r, reason, self.group_id),
        )
        await run_sync(self.apply, None, None, tracking)  # store the position, nothing else
        self.parked += 1

    async def seek(self, tp: TopicPartition) -> None:
        done = await run_sync(self.position, source_of(tp.topic, tp.partition))
        if done is None:
            await self.consumer.seek_to_beginning(tp)
        else:
            self.consumer.seek(tp, done + 1)


class _SeekToPositions(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, owner: TrackedConsumer) -> None:
        self.owner = owner

    async def on_partitions_revoked(self, revoked: Any) -> None:
        return None

    async def on_partitions_assigned(self, assigned: Any) -> None:
        for tp in assigned:
            await self.owner.seek(tp)
        log.info("consumer %s: assigned %s", self.owner.group_id, sorted(assigned))
