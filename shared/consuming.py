"""What both exactly-once consumers share: the subscription, where each partition starts,
parsing, parking, and what happens when handling a batch fails.

No message is ever skipped, whatever fails and when. Kafka's fetch position only stays
past a batch when the batch's effect (or its parking) was stored together with its
positions. When handling a batch fails for any reason (the database is down, the broker
refuses the dead-letter copy, a bug), every partition of the batch is sought back to the
batch's first offset: a local operation that needs neither the database nor the broker.
The batch is fetched again after a pause, and what was stored meanwhile is recognised by
the stored positions and skipped. The exception is logged, never swallowed.

On every partition assignment each partition is sought to its stored position (or to
the beginning); while the store cannot be read, the assignment waits and tries again.

Subclasses say how a batch is handled and where positions are stored: in a table next
to a read model (`shared/consumer.py`) or as eventsourcing tracking records
(`shared/tracked_consumer.py`).
"""

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeAlias

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from opentelemetry import trace
from opentelemetry.trace import SpanKind
from pydantic import ValidationError

from shared import metrics, observability
from shared.events.base import PublicEvent, contract_for
from shared.events.envelope import CloudEvent

log = logging.getLogger(__name__)

Record: TypeAlias = ConsumerRecord[bytes, bytes]
Parsed: TypeAlias = tuple[Record, CloudEvent, PublicEvent | None]


@dataclass
class Parked:
    record: Record
    reason: str


@dataclass(kw_only=True)
class BatchConsumer(ABC):
    group_id: str
    topics: Sequence[str]
    dead_letter_topic: str
    # topic -> the only source its events may have (Topics.owners); others are parked.
    owners: Mapping[str, str] = field(default_factory=dict)
    max_records: int = 500
    max_poll_interval_ms: int = 300_000
    retry_sleep: float = 1.0
    applied: int = 0
    parked: int = 0
    failed_batches: int = 0
    # Whether it has joined its group and sought its partitions (perhaps none: a group of
    # more members than partitions), and how many it holds.
    joined: bool = False
    partitions: int = 0
    _subscriber: Any = field(default=None, repr=False)
    _broker: Any = field(default=None, repr=False)

    @abstractmethod
    async def handle(self, records: Sequence[Record]) -> None:
        """Apply (or park) a batch and store its positions, all or nothing."""

    @abstractmethod
    async def stored_positions(
        self, partitions: Collection[TopicPartition]
    ) -> dict[TopicPartition, int]:
        """The next offset to read of each partition that has one stored."""

    def register(self, broker: KafkaBroker) -> None:
        """Attach the subscriber to a broker (before the broker starts)."""
        self._subscriber = broker.subscriber(
            *self.topics,
            group_id=self.group_id,
            batch=True,
            max_records=self.max_records,
            max_poll_interval_ms=self.max_poll_interval_ms,
            ack_policy=AckPolicy.MANUAL,
            auto_offset_reset="earliest",
            listener=_SeekToStoredPositions(self),
            decoder=raw_records,
        )
        self._subscriber(self._on_batch)
        self._broker = broker

    @property
    def consumer(self) -> AIOKafkaConsumer:
        return self._subscriber.consumer

    async def _on_batch(self, records: list[Record]) -> None:
        if not records:
            return
        applied, parked = self.applied, self.parked
        try:
            await self.handle(records)
            metrics.consumer_applied.labels(self.group_id).inc(self.applied - applied)
            metrics.consumer_parked.labels(self.group_id).inc(self.parked - parked)
            self._measure_lag(records)
        except Exception:
            self.failed_batches += 1
            metrics.consumer_failed.labels(self.group_id).inc()
            log.exception(
                "consumer %s: a batch of %d failed; fetching it again", self.group_id, len(records)
            )
            self.rewind(records)
            await asyncio.sleep(self.retry_sleep)

    def _measure_lag(self, records: Sequence[Record]) -> None:
        """The messages after what this batch stored, per partition (the broker's end as
        the consumer last saw it)."""
        last: dict[TopicPartition, int] = {}
        for r in records:
            tp = TopicPartition(r.topic, r.partition)
            last[tp] = max(last.get(tp, r.offset), r.offset)
        for tp, offset in last.items():
            end = self.consumer.highwater(tp)
            if end is not None:
                metrics.consumer_lag.labels(self.group_id, tp.topic, tp.partition).set(
                    max(end - offset - 1, 0)
                )

    def observe_delay(self, envelope: CloudEvent) -> None:
        """From the event's time to its write, as the consumer writes it."""
        delay = (datetime.now(UTC) - envelope.time).total_seconds()
        metrics.consumer_delay.labels(self.group_id).observe(max(delay, 0.0))

    def rewind(self, records: Sequence[Record]) -> None:
        """Fetch the batch's partitions again from the batch's first offsets. A partition
        taken away meanwhile starts at its stored position with its next owner."""
        assigned = self.consumer.assignment()
        for tp, first in first_offsets(records).items():
            if tp in assigned:
                self.consumer.seek(tp, first)

    async def seek_to_stored(self, assigned: Collection[TopicPartition]) -> None:
        backoff = self.retry_sleep
        while True:
            try:
                stored = await self.stored_positions(assigned)
                break
            except Exception:
                log.exception(
                    "consumer %s: cannot read the stored positions; trying again in %.1fs",
                    self.group_id,
                    backoff,
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
        ends = await self.consumer.end_offsets(list(assigned)) if assigned else {}
        for tp in assigned:
            if tp in stored:
                self.consumer.seek(tp, stored[tp])
            else:
                await self.consumer.seek_to_beginning(tp)
            lag = ends.get(tp, 0) - stored.get(tp, 0)
            metrics.consumer_lag.labels(self.group_id, tp.topic, tp.partition).set(max(lag, 0))
        self.joined, self.partitions = True, len(assigned)
        log.info("consumer %s: assigned %s at their stored positions", self.group_id, assigned)

    @contextmanager
    def traced(self, record: Record) -> Iterator[None]:
        """Handling one message, as a span in the trace of the command that caused it."""
        with observability.tracer.start_as_current_span(
            f"{self.group_id}: apply",
            context=observability.context_from_headers(record.headers),
            kind=SpanKind.CONSUMER,
            attributes=_where(record),
        ):
            yield

    def traced_batch(self, records: Sequence[Record], started: int, ended: int) -> None:
        """A batch written at once (one transaction, from `started` to `ended`, in ns): for
        each message a span in the trace that caused it, with the read-model write in it."""
        tracer = observability.tracer
        for r in records:
            context = observability.context_from_headers(r.headers)
            span = tracer.start_span(
                f"{self.group_id}: apply", context=context, kind=SpanKind.CONSUMER,
                start_time=started, attributes={**_where(r), "zr.batch": len(records)},
            )  # fmt: skip
            write = tracer.start_span(
                f"{self.group_id}: write read model",
                context=trace.set_span_in_context(span),
                start_time=started,
            )
            write.end(end_time=ended)
            span.end(end_time=ended)

    async def publish_dead_letter(self, record: Record, reason: str) -> None:
        log.warning(
            "consumer %s: parking %s[%d]@%d: %s",
            self.group_id,
            record.topic,
            record.partition,
            record.offset,
            reason,
        )
        await self._broker.publish(
            record.value or b"",
            topic=self.dead_letter_topic,
            key=record.key,
            headers=dead_letter_headers(record, reason, self.group_id),
        )


class _SeekToStoredPositions(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, owner: BatchConsumer) -> None:
        self.owner = owner

    async def on_partitions_revoked(self, revoked: Any) -> None:
        return None

    async def on_partitions_assigned(self, assigned: Any) -> None:
        await self.owner.seek_to_stored(sorted(assigned))


def _where(r: Record) -> dict[str, str | int]:
    return {
        "messaging.system": "kafka",
        "messaging.destination.name": r.topic,
        "messaging.destination.partition.id": str(r.partition),
        "messaging.kafka.offset": r.offset,
    }


def first_offsets(records: Sequence[Record]) -> dict[TopicPartition, int]:
    first: dict[TopicPartition, int] = {}
    for r in records:
        tp = TopicPartition(r.topic, r.partition)
        first[tp] = min(first.get(tp, r.offset), r.offset)
    return first


def parse_one(
    record: Record, owners: Mapping[str, str] | None = None
) -> tuple[CloudEvent, PublicEvent | None] | str:
    """The envelope and payload of a message that passes its contract and comes from the
    topic's owner, or why not."""
    try:
        envelope = CloudEvent.from_bytes(record.value or b"")
    except ValidationError as exc:
        return f"invalid message: {first_errors(exc)}"
    owner = (owners or {}).get(record.topic)
    if owner is not None and envelope.source != owner:
        return (
            f"forged: an event of {envelope.source!r} on {record.topic}, where only {owner!r} "
            "publishes"
        )
    try:
        model = contract_for(envelope.type)
        payload = model.model_validate(envelope.data) if model else None
    except ValidationError as exc:
        return f"invalid message: {first_errors(exc)}"
    return envelope, payload


def parse(
    records: Sequence[Record], owners: Mapping[str, str] | None = None
) -> tuple[list[Parsed], list[Parked]]:
    """Envelope and payload of each message that passes its contract; the others parked."""
    parsed: list[Parsed] = []
    parked: list[Parked] = []
    for r in records:
        result = parse_one(r, owners)
        if isinstance(result, str):
            parked.append(Parked(r, result))
        else:
            parsed.append((r, *result))
    return parsed, parked


def first_errors(exc: ValidationError) -> str:
    parts = [f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors()[:3]]
    return "; ".join(parts)


def dead_letter_headers(r: Record, reason: str, group_id: str) -> dict[str, str]:
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
