"""The services as real processes, each with its own new database (database per service)."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests import support


@dataclass
class Service:
    url: str
    database: str
    process: support.Process


def start_service(
    name: str,
    databases: Callable[[], str] | str,
    topic_prefix: str,
    processes: list[support.Process],
    **extra: object,
) -> Service:
    """Start a service on a new database (or on `databases` if it names one), as it runs
    in production: the database belongs to the service's owner role, which migrated it,
    and the service runs as its own role (support.as_service_database)."""
    port = support.free_port()
    database = databases if isinstance(databases, str) else databases()
    support.as_service_database(name, database)  # again on a restart: it changes nothing
    env = support.service_env(
        name.upper(), database, topic_prefix, http_port=port, **support.service_role(name), **extra
    )
    proc = support.start_process(name, ["-m", f"services.{name}", "serve"], env)
    processes.append(proc)
    url = f"http://127.0.0.1:{port}"
    support.wait_healthy(url, proc)
    return Service(url, database, proc)


@pytest.fixture
def regions(
    databases: Callable[[], str], topic_prefix: str, processes: list[support.Process]
) -> Service:
    return start_service("regions", databases, topic_prefix, processes)


@dataclass
class System:
    regions: Service
    funding: Service
    reporting: Service


@pytest.fixture
def system(
    databases: Callable[[], str], topic_prefix: str, processes: list[support.Process]
) -> System:
    return System(
        *(
            start_service(n, databases, topic_prefix, processes)
            for n in ("regions", "funding", "reporting")
        )
    )


@pytest.fixture
def regions_and_funding(
    databases: Callable[[], str], topic_prefix: str, processes: list[support.Process]
) -> tuple[Service, Service]:
    return (
        start_service("regions", databases, topic_prefix, processes),
        start_service("funding", databases, topic_prefix, processes),
    )
