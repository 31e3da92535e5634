"""How the operator's tool reaches each service's database and Kafka: through the service's
own settings (its env prefix, read as the service reads it), so the tool works wherever
the service does, with the service's own rights.

A developer's shell next to `make run` names no database roles. There, as deploy/lib.sh
does for `make run` (service_db_env, owner_db_env), the service's role and its owner are
taken with their development passwords; never in production, where the environment says.
What does not answer becomes `Unreachable`: one sentence for the operator.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from pydantic import SecretStr

from shared.settings import ServiceSettings
from shared.topics import partitions_of

S = TypeVar("S", bound=ServiceSettings)


class Unreachable(Exception):
    """Something the tool needs does not answer, or refuses (the message says what)."""


def role_password(role: str) -> str:
    """deploy/lib.sh's password of a role: ZR_PG_PASSWORD_<ROLE> or the development one."""
    return os.environ.get(f"ZR_PG_PASSWORD_{role.upper()}", f"{role}-dev-password")


def settings_of(kind: type[S]) -> S:
    """A service's settings; outside production, its roles as `make run` has them where
    the environment names none. The tool never creates tables (the services migrate)."""
    settings = kind()
    update: dict[str, Any] = {"pg_create_schema": False}
    named = {name.upper() for name in os.environ}
    prefix = f"{settings.service_name.upper()}_"
    if settings.environment != "production":
        if f"{prefix}PG_USER" not in named:
            role = f"zr_{settings.service_name}"
            update |= {"pg_user": role, "pg_password": SecretStr(role_password(role))}
        if f"{prefix}PG_OWNER_USER" not in named:
            owner = f"zr_{settings.service_name}_owner"
            update |= {"pg_owner_user": owner, "pg_owner_password": SecretStr(role_password(owner))}
    return settings.model_copy(update=update)


@asynccontextmanager
async def database(settings: ServiceSettings) -> AsyncIterator[asyncpg.Connection]:
    """A connection to the service's database, as the service's role."""
    s = settings
    try:
        conn = await asyncpg.connect(s.pg_dsn, timeout=10)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        raise Unreachable(
            f"{s.service_name}'s database {s.pg_database} at {s.pg_host}:{s.pg_port} "
            f"(as {s.pg_user}) is not reachable: {exc or type(exc).__name__}"
        ) from exc
    try:
        yield conn
    except asyncpg.UndefinedTableError as exc:
        raise Unreachable(
            f"{s.service_name}'s database {s.pg_database} is older than this tool ({exc}): "
            f"migrate it as its owner (python -m services.{s.service_name} migrate)"
        ) from exc
    except (OSError, asyncpg.PostgresError) as exc:
        raise Unreachable(f"{s.service_name}'s database {s.pg_database}: {exc}") from exc
    finally:
        await conn.close()


@asynccontextmanager
async def kafka(settings: ServiceSettings) -> AsyncIterator[AIOKafkaConsumer]:
    """A Kafka client as the service's user, in no consumer group."""
    access = settings.kafka
    consumer = AIOKafkaConsumer(
        **access.options(), group_id=None, enable_auto_commit=False, request_timeout_ms=15_000
    )
    try:
        await consumer.start()
    except KafkaError as exc:
        await consumer.stop()
        raise Unreachable(
            f"Kafka at {access.bootstrap} (as {access.username}) is not reachable: {exc}"
        ) from exc
    try:
        yield consumer
    except KafkaError as exc:
        raise Unreachable(f"Kafka at {access.bootstrap} (as {access.username}): {exc}") from exc
    finally:
        await consumer.stop()


async def end_offsets(
    consumer: AIOKafkaConsumer, topics: tuple[str, ...]
) -> dict[TopicPartition, int]:
    """The next offset to be written of every partition of the topics."""
    tps = []
    for topic in topics:
        partitions = await partitions_of(consumer, topic)
        if not partitions:
            raise Unreachable(f"the topic {topic} does not exist, or its user may not see it")
        tps += [TopicPartition(topic, p) for p in partitions]
    return dict(await consumer.end_offsets(tps))
