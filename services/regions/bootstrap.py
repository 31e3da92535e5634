"""Composition root of the regions service. Nothing is built at import time."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

from fastapi import FastAPI

from services.regions.adapters.public_events import to_public
from services.regions.api import regions
from services.regions.application.regions import RegionsApplication
from services.regions.settings import RegionsSettings
from shared.http import add_health, install_error_handlers
from shared.relay import OutboxRelay
from shared.supervise import supervise
from shared.topics import Topics, ensure_topics


@dataclass
class RegionsService:
    settings: RegionsSettings
    app: RegionsApplication
    relay: OutboxRelay


def bootstrap(settings: RegionsSettings | None = None) -> RegionsService:
    settings = settings or RegionsSettings()
    app = RegionsApplication(env=settings.eventsourcing_env())
    relay = OutboxRelay(
        name="regions",
        app=app,
        translate=to_public,
        topic=Topics(settings.topic_prefix).regions_events,
        kafka_bootstrap=settings.kafka_bootstrap,
        pg_dsn=settings.pg_dsn,
    )
    return RegionsService(settings=settings, app=app, relay=relay)


async def run_relay(service: RegionsService) -> None:
    s = service.settings
    await ensure_topics(s.kafka_bootstrap, Topics(s.topic_prefix).public, s.topic_partitions)
    await supervise("regions relay", service.relay.run)


def create_api(service: RegionsService) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(run_relay(service)) if service.settings.run_relay else None
        yield
        if task:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
        service.app.close()

    api = FastAPI(
        title="Zukunftsregionen: regions service",
        description="The programme, the recognised Zukunftsregionen and their budgets.",
        version="0.1.0",
        lifespan=lifespan,
    )
    api.state.service = service
    install_error_handlers(api)
    api.include_router(regions.router)
    add_health(
        api, kafka_bootstrap=service.settings.kafka_bootstrap, pg_dsn=service.settings.pg_dsn
    )
    return api
