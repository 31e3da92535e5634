"""Composition root of the funding service. Nothing is built at import time."""

import asyncio

from fastapi import FastAPI

from services.funding.adapters.public_events import SOURCE, to_public
from services.funding.api import budgets, lifecycle, projects
from services.funding.application.funding import FundingApplication
from services.funding.settings import FundingSettings
from shared import personal_data, relay
from shared.chain import event_store_chain
from shared.database import Access, Schema, combined, event_store
from shared.service import (
    EventSourcedService,
    assemble,
    create_service_api,
    migrate_event_sourced,
    reach_database,
)
from shared.supervise import supervise
from shared.topics import Topics, require_topics
from shared.tracked_consumer import TrackedConsumer

FundingService = EventSourcedService[FundingApplication]


# The service's database: its event store (hash-chained; with the positions of the regions'
# feed), the relay's position, and the keys of personal data (deleted on erasure).
DATABASE = Schema(
    ddl=(relay.SCHEMA, personal_data.TABLE, *event_store_chain("funding_events")),
    access=combined(
        event_store("funding", tracking=True),
        relay.ACCESS,
        Access({"personal_data_keys": ("SELECT", "INSERT", "DELETE")}),
    ),
)


def bootstrap(settings: FundingSettings | None = None) -> FundingService:
    settings = settings or FundingSettings()
    app = make_app(settings)
    topic = Topics(settings.topic_prefix).funding_events
    service = assemble(
        settings, app, to_public, topic, run_relay=settings.run_relay, database=DATABASE,
        source=SOURCE,
    )  # fmt: skip
    if settings.run_consumer:
        service.background["consume"] = lambda: run_region_feed(service, settings)
    return service


def make_app(settings: FundingSettings) -> FundingApplication:
    reach_database(settings)
    return FundingApplication(env=settings.eventsourcing_env())


def migrate(settings: FundingSettings | None = None) -> None:
    migrate_event_sourced(settings or FundingSettings(), make_app, DATABASE)


async def run_region_feed(service: FundingService, settings: FundingSettings) -> None:
    """Learn the regions and their budgets from the regions service's events."""
    topics = Topics(settings.topic_prefix)
    dead_letters = topics.dead_letter(settings.consumer_group)

    async def run() -> None:
        await require_topics(settings.kafka, [topics.regions_events, dead_letters])
        broker = settings.kafka.broker()
        consumer = TrackedConsumer(
            group_id=settings.consumer_group,
            max_poll_interval_ms=settings.consumer_max_poll_interval_ms,
            topics=(topics.regions_events,),
            owners=topics.owners,
            apply=service.app.apply_region_event,
            position=service.app.position,
            dead_letter_topic=dead_letters,
        )
        consumer.register(broker)
        service.consumers[:] = [consumer]
        await broker.start()
        try:
            await asyncio.Event().wait()
        finally:
            await broker.stop()

    await supervise("funding: regions feed", run)


def create_api(service: FundingService) -> FastAPI:
    return create_service_api(
        service,
        title="Zukunftsregionen: funding service",
        description="Projects from proposal to closure against the regions' budget ledgers.",
        routers=[projects.router, lifecycle.router, budgets.router],
    )
