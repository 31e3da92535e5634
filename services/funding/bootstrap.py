"""Composition root of the funding service. Nothing is built at import time.

So far it runs its event store and its outbox relay; projects and the budget ledger
come with the funding issue.
"""

from collections.abc import Sequence

from fastapi import FastAPI

from services.funding.application.funding import FundingApplication
from services.funding.settings import FundingSettings
from shared.events import CloudEvent
from shared.service import EventSourcedService, assemble, create_service_api
from shared.topics import Topics

FundingService = EventSourcedService[FundingApplication]


def to_public(_: object) -> Sequence[CloudEvent]:
    return []


def bootstrap(settings: FundingSettings | None = None) -> FundingService:
    settings = settings or FundingSettings()
    app = FundingApplication(env=settings.eventsourcing_env())
    topic = Topics(settings.topic_prefix).funding_events
    return assemble(settings, app, to_public, topic, run_relay=settings.run_relay)


def create_api(service: FundingService) -> FastAPI:
    return create_service_api(
        service,
        title="Zukunftsregionen: funding service",
        description="Projects from proposal to closure against the regions' budget ledgers.",
    )
