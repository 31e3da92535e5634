"""Tamper-evident history on the real PostgreSQL: a row changed, removed or moved by the
database's superuser (who can lift every guard) is named by `verify`, in an event store
and in reporting's audit log; a rewrite that recomputes the whole chain as well is caught
by the anchors kept outside the database."""

from collections.abc import Callable, Iterator
from typing import Any

import asyncpg
import pytest

from services.regions.application.regions import RegionsApplication
from services.regions.settings import RegionsSettings
from services.reporting.adapters.projections import project
from services.reporting.adapters.schema import SCHEMA
from shared.chain import verify_audit_log, verify_event_store
from shared.es import meta
from tests import support
from tests.integration.test_reporting_figures import everything

MINISTRY = meta({"role": "ministry", "subject": "mb-402"}, "chain-test")
AS_IS = "SET session_replication_role = replica;\n"  # no trigger fires: the guards are off


def store_some_events(database: str) -> None:
    app = RegionsApplication(
        env=RegionsSettings(pg_database=database, pg_port=support.PG["port"]).eventsourcing_env()
    )
    try:
        app.open_programme(name="ZRN", envelope_cents=9_600_000_000, meta=MINISTRY)
        for n in range(3):
            app.recognise_region(
                region_id=f"kette-{n}", name=f"Kette {n}", arl="ArL Lüneburg",
                recognised_on=None, meta=MINISTRY,
            )  # fmt: skip
            app.allocate_budget(
                f"kette-{n}", fund="EFRE", amount_cents=100, basis="decision", note=None,
                meta=MINISTRY,
            )  # fmt: skip
    finally:
        app.close()


@pytest.fixture
def regions_store(databases: Callable[[], str]) -> Iterator[str]:
    database = databases()
    support.as_service_database("regions", database)
    store_some_events(database)
    yield database


async def verify_store(database: str, anchors: dict[int, str] | None = None) -> Any:
    conn = await asyncpg.connect(support.dsn(database))
    try:
        return await verify_event_store(conn, "regions_events", anchors)
    finally:
        await conn.close()


async def test_an_untouched_event_store_verifies(regions_store: str) -> None:
    verdict = await verify_store(regions_store)
    assert verdict.intact and verdict.checked > 6


@pytest.mark.parametrize(
    ("tampering", "named"),
    [
        ("UPDATE regions_events SET state = state || '\\x20' WHERE notification_id = 4", 4),
        ("DELETE FROM regions_events WHERE notification_id = 4", 5),
        (  # two events swap places (their positions)
            "UPDATE regions_events SET notification_id = -4 WHERE notification_id = 4;"
            "UPDATE regions_events SET notification_id = 4 WHERE notification_id = 5;"
            "UPDATE regions_events SET notification_id = 5 WHERE notification_id = -4;",
            4,
        ),
    ],
    ids=["changed", "deleted", "reordered"],
)
async def test_verify_names_the_first_link_a_superuser_broke(
    regions_store: str, tampering: str, named: int
) -> None:
    support.as_superuser(regions_store, AS_IS + tampering)
    verdict = await verify_store(regions_store)
    assert not verdict.intact
    assert f"notification {named} does not link" in str(verdict.broken)


async def test_a_rewritten_chain_is_caught_by_its_anchor(regions_store: str) -> None:
    before = await verify_store(regions_store)
    head, anchored = before.heads["regions_events"].position, before.heads["regions_events"].hash
    # The superuser changes an event and recomputes every link after it, consistently.
    support.as_superuser(
        regions_store,
        AS_IS + "UPDATE regions_events SET state = state || '\\x20' WHERE notification_id = 2;"
        "UPDATE regions_events SET chain_hash = NULL;"
        + "SET session_replication_role = origin;\n"
        + _relink(),
    )
    assert (await verify_store(regions_store)).intact  # the database alone cannot tell
    verdict = await verify_store(regions_store, anchors={head: anchored})
    assert f"notification {head} differs from its anchor on Kafka" in str(verdict.broken)


def _relink() -> str:
    """The chain's DDL recomputes the links of rows that have none (as the owner would)."""
    from shared.chain import event_store_chain

    return ";\n".join(event_store_chain("regions_events")) + ";"


# Reporting's audit log -------------------------------------------------------------------


@pytest.fixture
async def audit_log(fresh_database: str) -> str:
    events, _ = everything()
    conn = await asyncpg.connect(support.dsn(fresh_database))
    try:
        await conn.execute(SCHEMA)
        for i in range(0, len(events), 5):  # batches, as the consumer writes them
            chunk = events[i : i + 5]
            async with conn.transaction():
                await project(conn, chunk, support.read_at(chunk, first=i))
    finally:
        await conn.close()
    return fresh_database


async def verify_log(database: str) -> Any:
    conn = await asyncpg.connect(support.dsn(database))
    try:
        return await verify_audit_log(conn)
    finally:
        await conn.close()


@pytest.mark.parametrize(
    ("tampering", "named"),
    [
        ("UPDATE audit_log SET data = jsonb_set(data, '{amount_cents}', '1') "
         "WHERE \"offset\" = 9", 9),
        ("DELETE FROM audit_log WHERE \"offset\" = 9", 10),
        ("UPDATE audit_log SET \"offset\" = CASE \"offset\" WHEN 9 THEN 10 ELSE 9 END "
         "WHERE \"offset\" IN (9, 10)", 9),
    ],
    ids=["changed", "deleted", "reordered"],
)  # fmt: skip
async def test_verify_names_the_first_broken_link_of_the_audit_log(
    audit_log: str, tampering: str, named: int
) -> None:
    assert (await verify_log(audit_log)).intact
    support.as_superuser(audit_log, AS_IS + tampering)
    verdict = await verify_log(audit_log)
    assert f"zrt.test[0]@{named} " in str(verdict.broken), verdict
