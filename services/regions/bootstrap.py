"""Composition root of the regions service. Nothing is built at import time."""

from fastapi import FastAPI

from services.regions.adapters.funding import funding_ledger
from services.regions.adapters.public_events import SOURCE, to_public
from services.regions.api import budget, programme, regions, structure
from services.regions.application.budget_cuts import FundingLedger
from services.regions.application.regions import RegionsApplication
from services.regions.settings import RegionsSettings
from shared import relay
from shared.chain import event_store_chain
from shared.database import Schema, combined, event_store
from shared.service import (
    EventSourcedService,
    assemble,
    create_service_api,
    migrate_event_sourced,
    reach_database,
)
from shared.topics import Topics

RegionsService = EventSourcedService[RegionsApplication]


# The service's database: its event store (hash-chained) and the relay's position.
DATABASE = Schema(
    ddl=(relay.SCHEMA, *event_store_chain("regions_events")),
    access=combined(event_store("regions"), relay.ACCESS),
)


def bootstrap(
    settings: RegionsSettings | None = None, funding: FundingLedger | None = None
) -> RegionsService:
    """The service; it asks funding to hold budget cuts (at REGIONS_FUNDING_URL over HTTP,
    unless given another ledger)."""
    settings = settings or RegionsSettings()
    app = make_app(settings, funding or funding_ledger(settings))
    topic = Topics(settings.topic_prefix).regions_events
    return assemble(
        settings, app, to_public, topic, run_relay=settings.run_relay, database=DATABASE,
        source=SOURCE,
    )  # fmt: skip


def make_app(settings: RegionsSettings, funding: FundingLedger | None = None) -> RegionsApplication:
    reach_database(settings)
    return RegionsApplication(env=settings.eventsourcing_env(), funding=funding)


def migrate(settings: RegionsSettings | None = None) -> None:
    migrate_event_sourced(settings or RegionsSettings(), make_app, DATABASE)


def create_api(service: RegionsService) -> FastAPI:
    return create_service_api(
        service,
        title="Zukunftsregionen: regions service",
        description="The programme, the recognised Zukunftsregionen and their budgets.",
        routers=[programme.router, regions.router, structure.router, budget.router],
    )
