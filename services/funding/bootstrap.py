"""Composition root of the funding service. Nothing is built at import time.

So far it runs its event store and its outbox relay; projects and the budget ledger
come with the funding issue.
"""

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

from fastapi import FastAPI

from services.funding.application.funding import FundingApplication
from services.funding.settings import FundingSettings
from shared.events import CloudEvent
from shared.http import add_health, install_error_handlers
from shared.relay import OutboxRelay
from shared.supervise import supervise
from shared.topics import Topics, ensure_topics


def to_public(_: object) -> Sequence[CloudEvent]:
    return []


@dataclass
class FundingService:
    settings: FundingSettings
    app: FundingApplication
    relay: OutboxRelay


def bootstrap(settings: FundingSettings | None = None) -> FundingService:
    settings = settings or FundingSettings()
    app = FundingApplication(env=settings.eventsourcing_env())
    relay = OutboxRelay(
        name="funding",
        app=app,
        translate=to_public,
        topic=Topics(settings.topic_prefix).funding_events,
        kafka_bootstrap=settings.kafka_bootstrap,
        pg_dsn=settings.pg_dsn,
    )
    return FundingService(settings=settings, app=app, relay=relay)


async def run_relay(service: FundingService) -> None:
    s = service.settings
    await ensure_topics(s.kafka_bootstrap, Topics(s.topic_prefix).public, s.topic_partitions)
    await supervise("funding relay", service.relay.run)


def create_api(service: FundingService) -> FastAPI:
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
        title="Zukunftsregionen: funding service",
        description="Projects from proposal to closure against the regions' budget ledgers.",
        version="0.1.0",
        lifespan=lifespan,
    )
    api.state.service = service
    install_error_handlers(api)
    add_health(
        api, kafka_bootstrap=service.settings.kafka_bootstrap, pg_dsn=service.settings.pg_dsn
    )
    return api
