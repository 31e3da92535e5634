"""Composition root of the regions service. Nothing is built at import time."""

from fastapi import FastAPI

from services.regions.adapters.public_events import to_public
from services.regions.api import budget, programme, regions, structure
from services.regions.application.regions import RegionsApplication
from services.regions.settings import RegionsSettings
from shared.service import EventSourcedService, assemble, create_service_api
from shared.topics import Topics

RegionsService = EventSourcedService[RegionsApplication]


def bootstrap(settings: RegionsSettings | None = None) -> RegionsService:
    settings = settings or RegionsSettings()
    app = RegionsApplication(env=settings.eventsourcing_env())
    topic = Topics(settings.topic_prefix).regions_events
    return assemble(settings, app, to_public, topic, run_relay=settings.run_relay)


def create_api(service: RegionsService) -> FastAPI:
    return create_service_api(
        service,
        title="Zukunftsregionen: regions service",
        description="The programme, the recognised Zukunftsregionen and their budgets.",
        routers=[programme.router, regions.router, structure.router, budget.router],
    )
