"""Funding's view of the regions is exact: every region event applied once, even when the
funding service is killed (SIGKILL) and restarted while it consumes."""

import asyncio

import httpx

from services.regions.application.regions import RegionsApplication
from services.regions.settings import RegionsSettings
from shared.es import meta
from tests import support
from tests.e2e.conftest import Service, start_service
from tests.e2e.funding_steps import NBANK

ADJUSTMENTS = 2_000
MINISTRY = meta({"role": "ministry", "subject": "mb-test"}, "feed-test")


def record_many_region_events(database: str) -> int:
    """The region's EFRE allocation, adjusted ADJUSTMENTS times; returns the last amount."""
    app = RegionsApplication(
        env=RegionsSettings(pg_database=database, pg_port=support.PG["port"]).eventsourcing_env()
    )
    try:
        app.open_programme(name="ZRN", envelope_cents=9_600_000_000, meta=MINISTRY)
        app.recognise_region(
            region_id="feed", name="Feed", arl="ArL Lüneburg", recognised_on=None, meta=MINISTRY
        )
        app.allocate_budget(
            "feed", fund="EFRE", amount_cents=1, basis="decision", note=None, meta=MINISTRY
        )
        amount = 1
        for i in range(ADJUSTMENTS):
            amount = 2 + i
            app.adjust_budget(
                "feed", fund="EFRE", amount_cents=amount, reason=f"Schritt {i}", meta=MINISTRY
            )
        return amount
    finally:
        app.close()


async def efre(http: httpx.AsyncClient, funding: Service) -> dict[str, int] | None:
    try:
        r = await http.get(f"{funding.url}/regions/feed/budgets", headers=NBANK)
    except httpx.HTTPError:
        return None
    return r.json()[0] if r.status_code == 200 else None


async def test_every_region_event_is_applied_once_across_a_kill(
    regions: Service, second_database: str, topic_prefix: str, processes: list[support.Process]
) -> None:
    last = await asyncio.to_thread(record_many_region_events, regions.database)
    funding = start_service("funding", second_database, topic_prefix, processes)
    async with httpx.AsyncClient(timeout=10) as http:

        async def partly_applied() -> bool:
            budget = await efre(http, funding)
            return budget is not None and budget["version"] > 300

        await support.eventually(partly_applied, timeout=120, interval=0.05)
        funding.process.kill9()
        midway = await efre(http, funding)
        assert midway is None

        restarted = start_service("funding", funding.database, topic_prefix, processes)

        async def all_applied() -> dict[str, int] | None:
            budget = await efre(http, restarted)
            return budget if budget and budget["allocated_cents"] == last else None

        budget = await support.eventually(all_applied, timeout=180)
        # Opened, allocated once, adjusted ADJUSTMENTS times: nothing twice, nothing lost.
        assert budget["version"] == 2 + ADJUSTMENTS
        await asyncio.sleep(3)
        assert (await efre(http, restarted)) == budget
