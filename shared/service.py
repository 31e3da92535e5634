"""What every event-sourced service is made of: its application, its outbox relay and its
HTTP API with the relay running alongside. Each service's bootstrap fills in the parts."""

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar

import asyncpg
import psycopg
from eventsourcing.application import Application
from fastapi import APIRouter, Depends, FastAPI, Request
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from shared import metrics, observability, problems
from shared.auth import allow, install_auth
from shared.chain import Verdict, read_anchors, verify_event_store
from shared.database import Schema, migrate
from shared.errors import NotFound
from shared.events.base import Actor
from shared.http import install_error_handlers
from shared.probes import Readiness, add_probes
from shared.relay import OutboxRelay, Translate
from shared.settings import ServiceSettings
from shared.supervise import supervise
from shared.topics import require_topics

A = TypeVar("A", bound=Application[Any])
S = TypeVar("S", bound=ServiceSettings)


@dataclass
class EventSourcedService(Generic[A]):
    settings: ServiceSettings
    app: A
    relay: OutboxRelay
    run_relay_in_api: bool = True
    # Other loops that run alongside the API (a consumer, for instance), by name.
    background: dict[str, Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=dict)
    # The consumers those loops run (their partitions count for readiness).
    consumers: list[Any] = field(default_factory=list)


def assemble(
    settings: ServiceSettings,
    app: A,
    translate: Translate,
    topic: str,
    *,
    run_relay: bool,
    database: Schema,
    source: str,
) -> EventSourcedService[A]:
    if settings.pg_create_schema and settings.persistence == "postgres":
        migrate(settings.pg_dsn, database, settings.pg_user)  # its role owns the database
    relay = OutboxRelay(
        name=settings.service_name,
        app=app,
        translate=translate,
        topic=topic,
        kafka=settings.kafka,
        pg_dsn=settings.pg_dsn,
        create_schema=settings.pg_create_schema,
        chain_table=f"{app.name.lower()}_events",
        source=source,
        anchor_every=settings.chain_anchor_seconds,
    )
    return EventSourcedService(settings, app, relay, run_relay)


class DatabaseUnreachable(SystemExit):
    """The service cannot start: its database does not answer, or not as configured."""


def reach_database(settings: ServiceSettings) -> None:
    """Connect once before the event store does, so that a refused certificate, password or
    host is said at once and plainly (eventsourcing's pool waits 30 s, then says less)."""
    if settings.persistence != "postgres":
        return
    try:
        psycopg.connect(settings.pg_dsn, connect_timeout=10).close()
    except psycopg.Error as exc:
        raise DatabaseUnreachable(
            f"{settings.service_name}: the database {settings.pg_database} at "
            f"{settings.pg_host}:{settings.pg_port} (as {settings.pg_user}, "
            f"sslmode {settings.pg_sslmode}) refused: {exc}"
        ) from exc


def migrate_event_sourced(
    settings: S, make_app: Callable[[S], Application[Any]], database: Schema
) -> None:
    """As the database's owner: the event store's tables (eventsourcing makes them when an
    application is built), the service's other tables, and the service role's grants."""
    owner = settings.as_owner()
    make_app(owner).close()
    migrate(owner.pg_dsn, database, settings.pg_user)


async def run_relay(service: EventSourcedService[Any]) -> None:
    s = service.settings
    await require_topics(s.kafka, [service.relay.topic])
    await supervise(f"{s.service_name} relay", service.relay.run)


async def verify_chain(service: EventSourcedService[Any]) -> Verdict:
    """The event store's chain recomputed, and compared with its anchors on Kafka."""
    s, relay = service.settings, service.relay
    if s.persistence != "postgres":
        raise NotFound("no hash chain: this service keeps its events in memory (tests)")
    table = relay.chain_table or f"{service.app.name.lower()}_events"
    anchors = await read_anchors(s.kafka, relay.topic, table)
    conn = await asyncpg.connect(s.pg_dsn)
    try:
        return await verify_event_store(conn, table, anchors)
    finally:
        await conn.close()


def chain_router() -> APIRouter:
    router = APIRouter(tags=["audit"])
    overseers = Annotated[Actor, Depends(allow("auditor", "ministry", "nbank", "service"))]

    @router.get(
        "/audit/chain",
        summary="Recompute the event store's hash chain and compare it with its anchors on "
        "Kafka: names the first broken link",
    )
    async def chain(request: Request, _: overseers) -> Verdict:
        return await verify_chain(request.app.state.service)

    return router


def create_service_api(
    service: EventSourcedService[Any],
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter] = (),
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        loops = list(service.background.values())
        if service.run_relay_in_api:
            loops.append(lambda: run_relay(service))
        tasks = [asyncio.create_task(loop()) for loop in loops]
        yield
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task
        service.app.close()

    api = build_api(
        service.settings,
        title=title,
        description=description,
        routers=(*routers, chain_router()),
        lifespan=lifespan,
        consumers=lambda: service.consumers,
    )
    api.state.service = service
    api.state.metric_samplers.append(lambda: _sample_pool(service))
    return api


def _sample_pool(service: EventSourcedService[Any]) -> None:
    """The event store's connection pool (psycopg's), as eventsourcing keeps it."""
    pool = getattr(getattr(service.app.recorder, "datastore", None), "pool", None)
    if pool is None:
        return
    stats = pool.get_stats()
    name = service.settings.service_name
    size, idle = stats.get("pool_size", 0), stats.get("pool_available", 0)
    metrics.db_pool.labels(name, "event_store", "in_use").set(size - idle)
    metrics.db_pool.labels(name, "event_store", "idle").set(idle)


def build_api(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]],
    consumers: Callable[[], Sequence[Any]] = lambda: (),
) -> FastAPI:
    """Every service's API, assembled the same way: its routers behind the gate, errors as
    problem details (documented), the probes (/livez, /readyz), a span for every request
    and its correlation id (outermost: a refusal by the gate has both too)."""
    readiness = Readiness(settings, consumers)

    @asynccontextmanager
    async def running(app: FastAPI) -> AsyncIterator[None]:
        async with lifespan(app):
            yield
        await readiness.close()

    api = FastAPI(title=title, description=description, version="0.1.0", lifespan=running)
    api.state.settings = settings
    api.state.metric_samplers = []
    install_error_handlers(api)
    install_auth(api, settings)
    api.add_middleware(metrics.HttpMetrics, service=settings.service_name)
    api.add_middleware(observability.Correlation)
    for router in routers:
        api.include_router(router)
    add_probes(api, readiness)
    api.add_api_route(
        "/metrics", metrics.metrics_endpoint, tags=["operations"], include_in_schema=False
    )
    problems.document(api)
    FastAPIInstrumentor.instrument_app(api, excluded_urls="livez,readyz,health,metrics")
    return api
