"""Parked messages of a consumer that keeps no table of them (funding's, `shared/
tracked_consumer.py`): they are only on its dead-letter topic, each with headers that say
why and where it was read (`shared/consuming.py`, dead_letter_headers).

A replay after a fix applies the message through the application, as the consumer would
have, with a tracking record of its own (`replay_source`: the original topic, partition
and offset) stored in the same transaction as the events it causes. The record is the
mark: a second replay finds it and applies nothing. A message still refused stores
nothing. The dead-letter topic is never changed; a message parked twice (redelivered
before its position was stored) is one message here, by its original position.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from eventsourcing.persistence import Tracking

from shared.consuming import Record, parse_one
from shared.errors import DomainError
from shared.parking import StillRefused
from shared.topics import partitions_of
from shared.tracked_consumer import Apply, source_of


@dataclass(frozen=True)
class DeadLetter:
    record: Record  # as it is on the dead-letter topic

    def header(self, name: str) -> str:
        value: bytes = dict(self.record.headers).get(name, b"")
        return value.decode()

    @property
    def origin(self) -> tuple[str, int, int]:
        """Where the consumer read it: topic, partition, offset."""
        h = self.header
        return h("dlq-topic"), int(h("dlq-partition") or -1), int(h("dlq-offset") or -1)

    @property
    def reason(self) -> str:
        return self.header("dlq-reason")

    @property
    def parked_at(self) -> datetime:
        return datetime.fromtimestamp(self.record.timestamp / 1000, UTC)

    @property
    def original(self) -> Record:
        """The message as the consumer read it."""
        r = self.record
        return ConsumerRecord(
            *self.origin, r.timestamp, r.timestamp_type, r.key, r.value, None,
            r.serialized_key_size, r.serialized_value_size, [],
        )  # fmt: skip


def replay_source(topic: str, partition: int, offset: int) -> str:
    return f"replay:{source_of(topic, partition)}@{offset}"


async def dead_letters(
    consumer: AIOKafkaConsumer, topic: str, newest: int | None = None
) -> list[DeadLetter]:
    """The parked messages on a dead-letter topic, newest first, once per original position
    (of each partition only the last `newest` records, when given). `consumer` is a started
    client in no group; it is assigned the topic's partitions."""
    tps = [TopicPartition(topic, p) for p in await partitions_of(consumer, topic)]
    if not tps:
        return []
    consumer.assign(tps)
    first = await consumer.beginning_offsets(tps)
    end = await consumer.end_offsets(tps)
    records: list[Record] = []
    for tp in tps:
        consumer.seek(tp, first[tp] if newest is None else max(first[tp], end[tp] - newest))
        while await consumer.position(tp) < end[tp]:
            batch = await consumer.getmany(tp, timeout_ms=1000, max_records=1000)
            records += [r for r in batch.get(tp, []) if r.offset < end[tp]]
    letters: dict[tuple[str, int, int], DeadLetter] = {}
    for r in sorted(records, key=lambda r: (r.timestamp, r.partition, r.offset)):
        letters.setdefault(DeadLetter(r).origin, DeadLetter(r))
    return sorted(letters.values(), key=lambda d: d.record.timestamp, reverse=True)


def replay_dead_letter(apply: Apply, letter: DeadLetter, owners: Mapping[str, str]) -> bool:
    """Apply a parked message once (blocking: eventsourcing); False if it was replayed
    before. Raises StillRefused when it still cannot be applied."""
    parsed = parse_one(letter.original, owners)
    if isinstance(parsed, str):
        raise StillRefused(parsed)
    envelope, payload = parsed
    try:
        return apply(payload, envelope, Tracking(replay_source(*letter.origin), 1))
    except DomainError as exc:
        raise StillRefused(f"rejected: {exc}") from exc
