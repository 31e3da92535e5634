"""Access on the broker (SASL/SCRAM and ACLs, deploy/kafka.sh), against the real Kafka:
an agency reads the public topics with its own consumer groups and nothing else."""

import asyncio
from collections.abc import Awaitable

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)

from shared.kafka import KafkaAccess
from shared.provisioning import Deployment, admin_client, provision
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
    internal = f"{topic_prefix}-internal.regions.events"  # not provisioned for agencies
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


# Least privilege of the services, in a deployment provisioned as production is ------------

SERVICES = ("regions", "funding", "reporting")


def topics_of(prefix: str) -> dict[str, str]:
    t = Topics(prefix)
    return {
        "regions events": t.regions_events,
        "funding events": t.funding_events,
        "funding dead letters": t.dead_letter("funding"),
        "reporting dead letters": t.dead_letter("reporting"),
    }


WRITES = {
    "regions": {"regions events"},
    "funding": {"funding events", "funding dead letters"},
    "reporting": {"reporting dead letters"},
}
READS = {  # a service reads its own topic for the anchors of its hash chain; funding its
    # dead letters too (the only record of what it parked: the operator's tool replays them)
    "regions": {"regions events"},
    "funding": {"regions events", "funding events", "funding dead letters"},
    "reporting": {"regions events", "funding events"},
}


async def writes(access: KafkaAccess, topic: str) -> bool:
    producer = AIOKafkaProducer(
        **access.options(), enable_idempotence=True, acks="all", request_timeout_ms=5000
    )
    await producer.start()
    try:
        await within(producer.send_and_wait(topic, b'{"probe": true}'))
        return True
    except TopicAuthorizationFailedError:
        return False
    finally:
        await producer.stop()


async def reads(access: KafkaAccess, topic: str) -> bool:
    """Whether the user gets the record the admin put on the topic (three partitions)."""
    consumer = AIOKafkaConsumer(
        **access.options(), group_id=None, enable_auto_commit=False, request_timeout_ms=5000
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(3)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        for _ in range(3):
            if any((await within(consumer.getmany(timeout_ms=700))).values()):
                return True
        return False
    except TopicAuthorizationFailedError:
        return False
    finally:
        await consumer.stop()


@pytest.mark.parametrize("service", SERVICES)
async def test_a_service_writes_only_its_own_topics_and_reads_only_what_it_consumes(
    topic_prefix: str, service: str
) -> None:
    access = KafkaAccess.development(support.KAFKA, service)
    topics = topics_of(topic_prefix)
    for topic in topics.values():  # something to read
        await support.produce(topic, [(None, b'{"probe": "admin"}')])
    wrote = {name for name, topic in topics.items() if await writes(access, topic)}
    read = {name for name, topic in topics.items() if await reads(access, topic)}
    assert wrote == WRITES[service]
    assert read == READS[service]


@pytest.mark.parametrize("service", SERVICES)
async def test_a_service_creates_deletes_and_alters_nothing(
    topic_prefix: str, service: str
) -> None:
    access = KafkaAccess.development(support.KAFKA, service)
    t = Topics(topic_prefix)
    own = {"regions": t.regions_events, "funding": t.funding_events}.get(service)
    admin = AIOKafkaAdminClient(**access.options())
    await admin.start()
    try:
        created = await within(admin.create_topics([NewTopic(f"{topic_prefix}.{service}.x", 1, 1)]))
        assert [e[1] for e in created.topic_errors] == [  # type: ignore[attr-defined]
            TopicAuthorizationFailedError.errno
        ]
        for topic in filter(None, (own, t.dead_letter(service))):
            deleted = await within(admin.delete_topics([topic]))
            assert [e[1] for e in deleted.topic_error_codes] != [0]  # type: ignore[attr-defined]
    finally:
        await admin.close()
    assert set(await topics_left(topic_prefix)) >= set(topics_of(topic_prefix).values())


async def topics_left(prefix: str) -> list[str]:
    admin = AIOKafkaAdminClient(**support.ADMIN.options())
    await admin.start()
    try:
        return [t for t in await admin.list_topics() if t.startswith(f"{prefix}.")]
    finally:
        await admin.close()


@pytest.mark.parametrize(("service", "group"), [("reporting", "funding"), ("funding", "reporting")])
async def test_a_service_cannot_use_another_services_consumer_group(
    topic_prefix: str, service: str, group: str
) -> None:
    access = KafkaAccess.development(support.KAFKA, service)
    topic = Topics(topic_prefix).regions_events
    with pytest.raises(GroupAuthorizationFailedError):
        await within(read(access, topic, group))


def test_the_admin_provisions_over_tls_too(topic_prefix: str) -> None:
    """Compose and production provision over the TLS listener (confluent-kafka, SASL_SSL)."""
    tls = KafkaAccess(
        support.KAFKA.rsplit(":", 1)[0] + ":9094",
        "admin",
        support.ADMIN.password,
        str(support.ROOT / "var" / "certs" / "ca.crt"),
    )
    provision(admin_client(tls), Deployment(topic_prefix))  # again: changes nothing
    listed = admin_client(tls).list_topics(timeout=30).topics
    assert Topics(topic_prefix).regions_events in listed
