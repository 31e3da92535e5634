"""Fixtures: the real PostgreSQL and Kafka (started by `make test`), a fresh database and
fresh topic names per test, so tests never see each other's data."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator

import asyncpg
import pytest

from shared.provisioning import Deployment, admin_client, provision, remove
from tests import support


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = str(item.path)
        for kind in ("unit", "integration", "e2e"):
            if f"/tests/{kind}/" in path:
                item.add_marker(getattr(pytest.mark, kind))


@pytest.fixture(scope="session")
def infrastructure() -> None:
    """Fail loudly (never skip) when the real services are not there."""

    async def check() -> None:
        try:
            conn = await asyncpg.connect(support.dsn("postgres"), timeout=5)
            await conn.close()
        except Exception as exc:
            pytest.fail(
                f"PostgreSQL is not reachable on port {support.PG['port']}: {exc}. "
                "Run the tests with `make test`, which starts it."
            )
        from shared.http import kafka_reachable

        if not await kafka_reachable(support.ADMIN, timeout=10):
            pytest.fail(
                f"Kafka is not reachable on {support.KAFKA}. Run the tests with `make test`."
            )

    asyncio.run(check())


@pytest.fixture
def databases(infrastructure: None) -> Iterator[Callable[[], str]]:
    """Makes new, empty databases; all dropped afterwards."""
    made: list[str] = []

    def make() -> str:
        name = f"zr_test_{uuid.uuid4().hex[:10]}"
        support.admin_now(f"CREATE DATABASE {name}")
        made.append(name)
        return name

    yield make
    for name in made:
        asyncio.run(support.drop_database(name))


@pytest.fixture
def fresh_database(databases: Callable[[], str]) -> str:
    return databases()


@pytest.fixture
def second_database(databases: Callable[[], str]) -> str:
    return databases()


@pytest.fixture
def topic_prefix(infrastructure: None) -> Iterator[str]:
    """A deployment of the test's own on the broker: its topics, and its users' ACLs as
    production has them (shared/provisioning.py); removed afterwards."""
    deployment = Deployment(f"zrt{uuid.uuid4().hex[:10]}")
    admin = admin_client(support.ADMIN)
    provision(admin, deployment)
    yield deployment.prefix
    remove(admin, deployment)


@pytest.fixture
async def processes() -> AsyncIterator[list[support.Process]]:
    """Processes started by a test; stopped (and killed if need be) afterwards."""
    started: list[support.Process] = []
    yield started
    for p in started:
        p.stop()
