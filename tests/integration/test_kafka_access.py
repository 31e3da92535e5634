"""Access on the broker (SASL/SCRAM and ACLs, deploy/kafka.sh), against the real Kafka:
an agency reads the public topics with its own consumer groups and nothing else."""

import asyncio
from collections.abc import Awaitable

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)

from shared.kafka import KafkaAccess
from shared.topics import Topics, ensure_topics
from tests import support

AGENCY = KafkaAccess.development(support.KAFKA, "agency-lsn")
PUBLIC = Topics("zr").public  # the deployment's public topics (nothing is written to them)
DEAD_LETTERS = Topics("zr").dead_letter("reporting")


async def read(access: KafkaAccess, topic: str, group: str) -> int:
    consumer = AIOKafkaConsumer(
        topic, **access.options(), group_id=group, auto_offset_reset="earliest",
        enable_auto_commit=False,
    )  # fmt: skip
    try:
        await consumer.start()
        batch = await consumer.getmany(timeout_ms=3000)
        await consumer.commit()
        return sum(len(records) for records in batch.values())
    finally:
        await consumer.stop()


async def within(call: Awaitable[object]) -> object:
    return await asyncio.wait_for(call, 30)


@pytest.fixture
async def deployment_topics(infrastructure: None) -> None:
    await ensure_topics(support.ADMIN, [*PUBLIC, DEAD_LETTERS], 3)


async def test_an_agency_reads_the_public_topics_with_its_own_consumer_group(
    deployment_topics: None,
) -> None:
    for topic in PUBLIC:
        read_records = await within(read(AGENCY, topic, "agency-lsn.statistik"))
        assert isinstance(read_records, int)


async def test_an_agency_cannot_write_to_a_public_topic(deployment_topics: None) -> None:
    producer = AIOKafkaProducer(**AGENCY.options(), request_timeout_ms=5000)
    await producer.start()
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            await within(producer.send_and_wait(PUBLIC[0], b'{"forged": true}'))
    finally:
        await producer.stop()


async def test_an_agency_cannot_read_dead_letters_or_other_topics(
    deployment_topics: None, topic_prefix: str
) -> None:
    internal = Topics(topic_prefix).regions_events  # a topic of another deployment
    await ensure_topics(support.ADMIN, [internal], 1)
    for topic in (DEAD_LETTERS, internal):
        with pytest.raises(TopicAuthorizationFailedError):
            await within(read(AGENCY, topic, "agency-lsn.statistik"))


async def test_an_agency_cannot_use_another_consumer_group(deployment_topics: None) -> None:
    with pytest.raises(GroupAuthorizationFailedError):
        await within(read(AGENCY, PUBLIC[0], "reporting"))


async def test_an_agency_cannot_create_topics(infrastructure: None) -> None:
    admin = AIOKafkaAdminClient(**AGENCY.options())
    await admin.start()
    try:
        response = await within(admin.create_topics([NewTopic("zr.agency-made", 1, 1)]))
        assert [error[1] for error in response.topic_errors] == [  # type: ignore[attr-defined]
            TopicAuthorizationFailedError.errno
        ]
    finally:
        await admin.close()


async def test_a_wrong_password_gets_no_connection(infrastructure: None) -> None:
    impostor = KafkaAccess(support.KAFKA, "agency-lsn", "not-the-password")
    consumer = AIOKafkaConsumer(**impostor.options(), request_timeout_ms=5000)
    with pytest.raises(KafkaConnectionError):
        await within(consumer.start())
    await consumer.stop()
