"""Topic names and their creation. Topics keep events forever (retention -1)."""

from contextlib import suppress
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.kafka import KafkaAccess

KEEP_FOREVER = {"retention.ms": "-1", "retention.bytes": "-1"}


@dataclass(frozen=True)
class Topics:
    prefix: str = "zr"

    @property
    def regions_events(self) -> str:
        return f"{self.prefix}.regions.events"

    @property
    def funding_events(self) -> str:
        return f"{self.prefix}.funding.events"

    @property
    def public(self) -> tuple[str, ...]:
        return (self.regions_events, self.funding_events)

    def dead_letter(self, group_id: str) -> str:
        return f"{self.prefix}.dlq.{group_id}"


async def ensure_topics(
    kafka: KafkaAccess, names: list[str] | tuple[str, ...], partitions: int
) -> None:
    """Create missing topics (idempotent)."""
    admin = AIOKafkaAdminClient(**kafka.options())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(
                name=n, num_partitions=partitions, replication_factor=1, topic_configs=KEEP_FOREVER
            )
            for n in names
            if n not in existing
        ]
        if missing:
            with suppress(TopicAlreadyExistsError):  # created concurrently by another service
                await admin.create_topics(missing)
    finally:
        await admin.close()
