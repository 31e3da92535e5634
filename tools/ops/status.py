"""What `status` reads: how far each relay and consumer is behind, and what was parked.

- A relay's lag: its event store's newest notification id minus the position it has
  published up to (`relay_position`, shared/relay.py).
- A consumer's lag, per partition: Kafka's end offset minus the consumer's next offset as
  it stored it: reporting in `consumer_offsets`, funding as eventsourcing tracking records
  (the last offset applied of each `topic#partition`, shared/tracked_consumer.py).
- Parked: reporting's rows of `consumer_parked`, funding's records on its dead-letter
  topic; and how many of them were replayed.

Each part is read on its own, as the service's own role and Kafka user: what cannot be
reached is named, and the rest is still shown.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiokafka import TopicPartition

from services.funding.settings import FundingSettings
from services.regions.settings import RegionsSettings
from services.reporting.settings import ReportingSettings
from shared.parking import count_parked
from shared.settings import ServiceSettings
from shared.topics import Topics
from shared.tracked_consumer import source_of
from tools.ops.reach import Unreachable, database, end_offsets, kafka, settings_of


@dataclass(frozen=True)
class RelayLag:
    service: str
    position: int
    head: int

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)


@dataclass(frozen=True)
class ConsumerLag:
    service: str
    topic: str
    partition: int
    stored: int
    end: int

    @property
    def lag(self) -> int:
        return max(self.end - self.stored, 0)


@dataclass(frozen=True)
class ParkedCount:
    service: str
    parked: int
    replayed: int
    where: str


@dataclass
class Status:
    relays: list[RelayLag] = field(default_factory=list)
    consumers: list[ConsumerLag] = field(default_factory=list)
    parked: list[ParkedCount] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def read_status() -> Status:
    status = Status()
    parts: list[Callable[[], Awaitable[None]]] = [
        lambda: _relay(settings_of(RegionsSettings), status),
        lambda: _relay(settings_of(FundingSettings), status),
        lambda: _funding_consumer(settings_of(FundingSettings), status),
        lambda: _reporting_consumer(settings_of(ReportingSettings), status),
    ]
    for part in parts:
        try:
            await part()
        except Unreachable as exc:
            status.errors.append(str(exc))
    return status


async def _relay(settings: ServiceSettings, status: Status) -> None:
    name = settings.service_name
    async with database(settings) as conn:
        position = await conn.fetchval(
            "SELECT position FROM relay_position WHERE relay_name = $1", name
        )
        head = await conn.fetchval(f"SELECT max(notification_id) FROM {name}_events")
    status.relays.append(RelayLag(name, position or 0, head or 0))


async def _funding_consumer(settings: FundingSettings, status: Status) -> None:
    topics = Topics(settings.topic_prefix)
    dead_letters = topics.dead_letter(settings.consumer_group)
    async with database(settings) as conn:
        rows = await conn.fetch(
            "SELECT application_name AS source, max(notification_id) AS done "
            "FROM funding_tracking GROUP BY application_name"
        )
    done = {r["source"]: r["done"] for r in rows}
    async with kafka(settings) as consumer:
        ends = await end_offsets(consumer, (topics.regions_events,))
        parked_ends = await end_offsets(consumer, (dead_letters,))
        firsts = await consumer.beginning_offsets(list(parked_ends))
    for tp, end in sorted(ends.items()):
        last = done.get(source_of(tp.topic, tp.partition))
        stored = 0 if last is None else last + 1
        status.consumers.append(ConsumerLag("funding", tp.topic, tp.partition, stored, end))
    parked = sum(end - firsts[tp] for tp, end in parked_ends.items())
    replayed = sum(1 for source in done if source.startswith("replay:"))
    status.parked.append(ParkedCount("funding", parked, replayed, dead_letters))


async def _reporting_consumer(settings: ReportingSettings, status: Status) -> None:
    group = settings.consumer_group
    async with database(settings) as conn:
        rows = await conn.fetch(
            "SELECT topic, partition, next_offset FROM consumer_offsets WHERE group_id = $1",
            group,
        )
        parked, replayed = await count_parked(conn, group)
    stored = {TopicPartition(r["topic"], r["partition"]): r["next_offset"] for r in rows}
    async with kafka(settings) as consumer:
        ends = await end_offsets(consumer, Topics(settings.topic_prefix).public)
    for tp, end in sorted(ends.items()):
        status.consumers.append(
            ConsumerLag("reporting", tp.topic, tp.partition, stored.get(tp, 0), end)
        )
    status.parked.append(ParkedCount("reporting", parked, replayed, "consumer_parked"))
