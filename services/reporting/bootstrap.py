"""Composition root of the reporting service. Nothing is built at import time."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field

import asyncpg
from fastapi import FastAPI
from faststream.kafka import KafkaBroker

from services.reporting.adapters.projections import project
from services.reporting.adapters.schema import DATABASE
from services.reporting.api import (
    audit,
    contracts,
    dashboard,
    money,
    projects,
    regions,
    reports,
)
from services.reporting.settings import ReportingSettings
from shared import database, metrics
from shared.consumer import ExactlyOnceConsumer
from shared.service import build_api
from shared.supervise import supervise
from shared.sync import run_sync
from shared.topics import Topics, require_topics


@dataclass
class ReportingService:
    settings: ReportingSettings
    pool: asyncpg.Pool
    broker: KafkaBroker
    consumer: ExactlyOnceConsumer
    stopping: asyncio.Event = field(default_factory=asyncio.Event)


async def bootstrap(settings: ReportingSettings | None = None) -> ReportingService:
    settings = settings or ReportingSettings()
    if settings.pg_create_schema:  # its role owns the database (development)
        await run_sync(migrate, settings)
    pool = await asyncpg.create_pool(settings.pg_dsn, min_size=1, max_size=10)
    topics = Topics(settings.topic_prefix)
    broker = settings.kafka.broker()
    consumer = ExactlyOnceConsumer(
        group_id=settings.consumer_group,
        max_poll_interval_ms=settings.consumer_max_poll_interval_ms,
        topics=topics.public,
        owners=topics.owners,
        handler=project,
        pool=pool,
        dead_letter_topic=topics.dead_letter(settings.consumer_group),
    )
    consumer.register(broker)
    return ReportingService(settings=settings, pool=pool, broker=broker, consumer=consumer)


def migrate(settings: ReportingSettings | None = None) -> None:
    """As the database's owner: the tables, the audit log's guards, the role's grants."""
    settings = settings or ReportingSettings()
    database.migrate(settings.owner_dsn, DATABASE, settings.pg_user)


async def run_consumer(service: ReportingService) -> None:
    s = service.settings
    topics = Topics(s.topic_prefix)

    async def run() -> None:
        await require_topics(s.kafka, [*topics.public, topics.dead_letter(s.consumer_group)])
        await service.broker.start()
        try:
            await service.stopping.wait()
        finally:
            await service.broker.stop()

    await supervise("reporting consumer", run)


def create_api(settings: ReportingSettings | None = None) -> FastAPI:
    settings = settings or ReportingSettings()

    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        service = await bootstrap(settings)
        api.state.services["reporting"] = service
        api.state.pool = service.pool
        # "As of" queries build temporary tables: connections without a statement cache.
        api.state.as_of_pool = await asyncpg.create_pool(
            settings.pg_dsn, min_size=0, max_size=4, statement_cache_size=0
        )
        task = asyncio.create_task(run_consumer(service)) if settings.run_consumer else None
        yield
        service.stopping.set()
        if task:
            with suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 10)
        await api.state.as_of_pool.close()
        await service.pool.close()

    routers = (regions, money, projects, reports, dashboard, audit, contracts)
    holder: dict[str, ReportingService] = {}
    api = build_api(
        settings,
        title="Zukunftsregionen: reporting service",
        description="Read models, audit log and reports built from the programme's public events.",
        routers=[r.router for r in routers],
        lifespan=lifespan,
        consumers=lambda: [s.consumer for s in holder.values() if s.settings.run_consumer],
    )
    api.state.services = holder
    api.state.metric_samplers.append(lambda: _sample_pool(api))
    return api


def _sample_pool(api: FastAPI) -> None:
    for name in ("pool", "as_of_pool"):
        pool = getattr(api.state, name, None)
        if pool is not None:
            idle = pool.get_idle_size()
            metrics.db_pool.labels("reporting", name, "in_use").set(pool.get_size() - idle)
            metrics.db_pool.labels("reporting", name, "idle").set(idle)
