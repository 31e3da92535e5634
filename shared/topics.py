"""Topic names, and what a service checks of them. Topics keep events forever (retention
-1); they are created by the admin at provisioning (shared/provisioning.py), never by a
service, which may not create topics."""

from contextlib import suppress
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.kafka import KafkaAccess
from shared.programme import FUNDING_SOURCE, REGIONS_SOURCE

KEEP_FOREVER = {"retention.ms": "-1", "retention.bytes": "-1"}
# Who publishes on each public topic: the CloudEvents `source` of each service's events
# (shared/programme.py). Consumers park an event on a topic whose owner is not its source.


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

    @property
    def owners(self) -> dict[str, str]:
        """Each public topic and the source of the only events it may carry."""
        return {self.regions_events: REGIONS_SOURCE, self.funding_events: FUNDING_SOURCE}

    def dead_letter(self, group_id: str) -> str:
        return f"{self.prefix}.dlq.{group_id}"


async def partitions_of(consumer: AIOKafkaConsumer, topic: str) -> list[int]:
    """A topic's partitions (its metadata fetched first: `topics()` fills another cache)."""
    await consumer._client.force_metadata_update()
    return sorted(consumer.partitions_for_topic(topic) or ())


class TopicsMissing(Exception):
    """A topic the service needs is not there (or not visible to its user)."""


async def require_topics(kafka: KafkaAccess, names: list[str] | tuple[str, ...]) -> None:
    """The topics a service works with exist: provisioning made them."""
    admin = AIOKafkaAdminClient(**kafka.options())
    await admin.start()
    try:
        missing = sorted(set(names) - set(await admin.list_topics()))
    finally:
        await admin.close()
    if missing:
        raise TopicsMissing(
            f"the topics {', '.join(missing)} do not exist, or the Kafka user {kafka.username!r} "
            "may not see them: provision the deployment (python -m shared.provisioning)"
        )


async def ensure_topics(
    kafka: KafkaAccess, names: list[str] | tuple[str, ...], partitions: int
) -> None:
    """Create missing topics (idempotent), as the admin: for tests and benchmarks."""
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
