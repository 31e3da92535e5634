"""Exactly-once consumer for an event-sourced service: Kafka records become the service's
own events, stored with the record's position in the same transaction.

A batch subscriber (`shared/consuming.py`: subscription, seeking, rewinding on failure)
whose position is an eventsourcing `Tracking` record (`<topic>#<partition>`, offset) that
a process recorder writes atomically with the new events, so a record is applied once or
not at all, and a record already applied (redelivered after a failure) is recognised and
skipped. An event republished by a relay after a crash (same id, new offset) must be
recognised by the application itself; funding does it with the region's version that
every region event carries.

A message that cannot be parsed, or that the application refuses (a DomainError), is
parked on the dead-letter topic with its reason, and its position is stored: the
consumer goes on.
"""

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from aiokafka import TopicPartition
from eventsourcing.persistence import Tracking

from shared.consuming import BatchConsumer, Record, parse_one
from shared.errors import DomainError
from shared.events.base import PublicEvent
from shared.events.envelope import CloudEvent
from shared.sync import run_sync

# apply(payload or None for a type it need not know, the envelope, the position) -> applied?
Apply = Callable[[PublicEvent | None, CloudEvent | None, Tracking], bool]
Position = Callable[[str], int | None]


def source_of(topic: str, partition: int) -> str:
    return f"{topic}#{partition}"


@dataclass(kw_only=True)
class TrackedConsumer(BatchConsumer):
    apply: Apply
    position: Position
    max_records: int = 200

    async def handle(self, records: Sequence[Record]) -> None:
        for r in records:
            with self.traced(r):
                await self._one(r)

    async def stored_positions(
        self, partitions: Collection[TopicPartition]
    ) -> dict[TopicPartition, int]:
        stored: dict[TopicPartition, int] = {}
        for tp in partitions:
            done = await run_sync(self.position, source_of(tp.topic, tp.partition))
            if done is not None:
                stored[tp] = done + 1
        return stored

    async def _one(self, r: Record) -> None:
        tracking = Tracking(source_of(r.topic, r.partition), r.offset)
        parsed = parse_one(r, self.owners)
        if isinstance(parsed, str):
            await self._park(r, parsed, tracking)
            return
        payload, envelope = parsed[1], parsed[0]
        try:
            if await run_sync(self.apply, payload, envelope, tracking):
                self.applied += 1
                self.observe_delay(envelope)
        except DomainError as exc:
            await self._park(r, f"rejected: {exc}", tracking)

    async def _park(self, r: Record, reason: str, tracking: Tracking) -> None:
        done = await run_sync(self.position, tracking.application_name)
        if done is not None and done >= r.offset:
            return  # parked before (redelivered after a failure)
        await self.publish_dead_letter(r, reason)
        await run_sync(self.apply, None, None, tracking)  # store the position, nothing else
        self.parked += 1
