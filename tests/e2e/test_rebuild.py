"""Rebuild: the read models replayed from offset 0 while the reporting service keeps
serving and consuming; after the switch they equal, row for row, the ones they replace,
and the live consumer carries on with the new tables."""

import asyncio

import asyncpg
import httpx

from services.regions.application.regions import RegionsApplication
from services.regions.settings import RegionsSettings
from services.reporting.adapters.rebuild import Rebuild
from services.reporting.adapters.schema import MODELS
from shared.es import meta
from shared.topics import Topics
from tests import support
from tests.e2e.conftest import System
from tests.e2e.funding_steps import NBANK, record_region, submitted_project, wait_for_budget

MINISTRY = meta({"role": "ministry", "subject": "mb-test"}, "rebuild-test")
KEYS = {"audit_log": "event_id", "programme_view": "programme_id", "region_view": "region_id",
        "region_allocation": "region_id, fund", "project_view": "project_id"}  # fmt: skip


def adjust(database: str, first: int, count: int) -> int:
    settings = RegionsSettings(pg_database=database, pg_port=support.PG["port"])
    app = RegionsApplication(env=settings.eventsourcing_env())
    try:
        for amount in range(first, first + count):
            app.adjust_budget("neu", fund="EFRE", amount_cents=amount, reason="Test", meta=MINISTRY)
    finally:
        app.close()
    return first + count - 1


async def table(conn: asyncpg.Connection, schema: str, name: str) -> list[dict[str, object]]:
    rows = await conn.fetch(f"SELECT * FROM {schema}.{name} ORDER BY {KEYS[name]}")
    return [{k: v for k, v in dict(r).items() if k != "recorded_at"} for r in rows]


async def caught_up(http: httpx.AsyncClient, reporting: str, allocated: int) -> None:
    async def done() -> bool:
        r = await http.get(f"{reporting}/regions/neu/funds", headers=NBANK)
        return r.status_code == 200 and r.json()["funds"][0]["allocated_cents"] == allocated

    await support.eventually(done, timeout=120)


async def test_rebuild_while_serving_equals_the_replaced_models(
    system: System, topic_prefix: str
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        await record_region(http, system.regions.url, "neu", 10_000_000_00)
        await wait_for_budget(http, system.funding.url, "neu", 10_000_000_00)
        for _ in range(4):
            pid = await submitted_project(http, system.funding.url, "neu", 150_000_00)
            r = await http.post(
                f"{system.funding.url}/projects/{pid}/approval", json={}, headers=NBANK
            )
            assert r.status_code == 200
        # A message no contract accepts: the live consumer parks it, so the rebuild (which
        # trusts the live consumer's verdicts) must leave it out as well.
        await support.produce(Topics(topic_prefix).regions_events, [(b"neu", b"{not json")])
        last = await asyncio.to_thread(adjust, system.regions.database, 10_000_000_01, 400)
        await caught_up(http, system.reporting.url, last)

        pool = await asyncpg.create_pool(
            support.dsn(system.reporting.database), min_size=1, max_size=3
        )
        rebuild = Rebuild(
            pool,
            support.ADMIN,
            Topics(topic_prefix).public,
            "reporting",
            role="zr_reporting",
            batch=100,
        )
        try:
            await rebuild.start()
            replay = asyncio.create_task(rebuild.replay())
            more = asyncio.create_task(
                asyncio.to_thread(adjust, system.regions.database, last + 1, 50)
            )
            served = []
            while not (replay.done() and more.done()):
                r = await http.get(f"{system.reporting.url}/overview", headers=NBANK)
                served.append(r.status_code)
                await asyncio.sleep(0.05)
            await replay
            last = await more
            await caught_up(http, system.reporting.url, last)
            await rebuild.switch(keep_old=True)
        finally:
            await rebuild.stop()
        assert served and set(served) == {200}
        assert rebuild.applied > 400
        assert rebuild.skipped == 1  # the parked message

        async with pool.acquire() as conn:
            for name in MODELS:
                assert await table(conn, "public", name) == await table(
                    conn, rebuild.replaced_schema, name
                ), name
        # The live consumer carries on with the new tables.
        last = await asyncio.to_thread(adjust, system.regions.database, last + 1, 1)
        await caught_up(http, system.reporting.url, last)

        # Once more, validating every message against its contract instead of trusting
        # the live consumer's verdicts: the same tables again.
        again = Rebuild(
            pool,
            support.ADMIN,
            Topics(topic_prefix).public,
            "reporting",
            revalidate=True,
            role="zr_reporting",
        )
        await again.run(keep_old=True)
        assert again.skipped == 1
        async with pool.acquire() as conn:
            for name in MODELS:
                assert await table(conn, "public", name) == await table(
                    conn, again.replaced_schema, name
                ), name
        await pool.close()
