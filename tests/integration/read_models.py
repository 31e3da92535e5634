"""Reporting's read models filled without Kafka, for the integration tests: the public
events of the in-memory applications, read by their contracts and projected in order."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import asyncpg

from services.funding.adapters.public_events import to_public as funding_public
from services.funding.application.funding import FundingApplication
from services.regions.application.regions import RegionsApplication
from services.reporting.adapters.projections import project
from services.reporting.adapters.schema import SCHEMA
from shared.events import CloudEvent, PublicEvent, contract_for
from tests import support
from tests.unit.funding_world import public_events

Parsed = list[tuple[CloudEvent, PublicEvent | None]]


def published(
    regions: RegionsApplication, funding: FundingApplication | None = None
) -> list[CloudEvent]:
    """What both applications published, in order of time."""
    events = list(public_events(regions))
    if funding is not None:
        for n in funding.recorder.select_notifications(start=1, limit=10_000):
            events.extend(funding_public(funding.mapper.to_domain_event(n)))
    return sorted(events, key=lambda ce: ce.time)


def parsed(events: Sequence[CloudEvent]) -> Parsed:
    """Each event with its payload as its contract reads it (None: no contract knows it)."""
    out: Parsed = []
    for ce in events:
        contract = contract_for(ce.type)
        out.append((ce, contract.model_validate(ce.data) if contract else None))
    return out


@asynccontextmanager
async def projected(database: str, events: Parsed) -> AsyncIterator[asyncpg.Connection]:
    """A connection to `database` (no statement cache: "as of" shadows the tables) once
    its read models hold `events`, projected in one transaction."""
    conn = await asyncpg.connect(support.dsn(database), statement_cache_size=0)
    try:
        await conn.execute(SCHEMA)
        async with conn.transaction():
            await project(conn, events, support.read_at(events))
        yield conn
    finally:
        await conn.close()
