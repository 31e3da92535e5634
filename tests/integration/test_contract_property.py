"""Every event the contracts accept is stored by reporting, live and through a rebuild.

Hypothesis draws payloads from each contract's JSON Schema (its bounds are part of the
contract; tests/strategies.py), keeps those the contract's model accepts, and puts each
after the event that introduces its project or region. Then, on the real PostgreSQL, in a
transaction that is rolled back: the live projection stores the events; the rebuild's way
(the audit row read from the raw message, the read models folded from the audit log)
stores the same rows and folds the same read models.
"""

import asyncio
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from services.reporting.adapters.figures import MODELS, models_as_of
from services.reporting.adapters.projections import (
    AUDIT_COLUMNS,
    CHAINED_COLUMNS,
    audit_row,
    chained,
    project,
)
from services.reporting.adapters.rebuild import raw_audit_row
from services.reporting.adapters.schema import SCHEMA
from shared.chain import verify_audit_log
from shared.contracts import publishing_service
from shared.events import CloudEvent, PublicEvent, all_contracts, json_schemas, v1, wrap
from tests import support
from tests.strategies import from_schema

END_OF_TIME = datetime(2199, 12, 31, tzinfo=UTC)
SEQUENCE_AFTER = {"project": v1.ProjectProposedV1, "region": v1.RegionRecognisedV1}
SCHEMAS = json_schemas()
# Examples per contract: a short run in the suite, a long one on demand (make fuzz).
EXAMPLES = int(os.environ.get("ZR_PROPERTY_EXAMPLES", "40"))


def payloads(contract: type[PublicEvent]) -> st.SearchStrategy[PublicEvent]:
    def accepted(data: dict[str, Any]) -> PublicEvent:
        try:
            return contract.model_validate(data)
        except ValidationError:
            assume(False)
            raise

    return from_schema(SCHEMAS[contract.event_type()]).map(accepted)


def envelope(payload: PublicEvent, aggregate: str, sequence: int) -> CloudEvent:
    return wrap(
        payload,
        event_type=payload.event_type(),
        source=f"/zukunftsregionen/{publishing_service(type(payload))}",
        subject=f"property/{aggregate}",
        aggregate_id=aggregate,
        sequence=sequence,
        time=payload.occurred_at,
    )


def story(contract: type[PublicEvent]) -> st.SearchStrategy[list[CloudEvent]]:
    """The event, after the event that introduces its project or region."""
    fields = contract.model_fields
    kind = "project" if "project_id" in fields else "region" if "region_id" in fields else None
    first = SEQUENCE_AFTER.get(kind or "")
    if first is None or first.name == contract.name:
        return payloads(contract).map(lambda p: [envelope(p, str(uuid4()), 1)])

    def told(pair: tuple[PublicEvent, PublicEvent]) -> list[CloudEvent]:
        intro, event = pair
        same = {k: getattr(intro, k) for k in ("project_id", "region_id") if k in fields}
        later = max(intro.occurred_at, event.occurred_at)  # an aggregate's events in order
        event = event.model_copy(update={**same, "occurred_at": later})
        aggregate = str(getattr(intro, f"{kind}_id"))
        return [envelope(intro, aggregate, 1), envelope(event, aggregate, 2)]

    return st.tuples(payloads(first), payloads(contract)).map(told)


@pytest.fixture(scope="module")
def database(infrastructure: None) -> Iterator[tuple[asyncio.AbstractEventLoop, Any]]:
    name = f"zr_test_{uuid4().hex[:10]}"
    loop = asyncio.new_event_loop()
    loop.run_until_complete(support.admin(f"CREATE DATABASE {name}"))
    conn = loop.run_until_complete(asyncpg.connect(support.dsn(name)))
    loop.run_until_complete(conn.execute(SCHEMA))
    yield loop, conn
    loop.run_until_complete(conn.close())
    loop.run_until_complete(support.drop_database(name))
    loop.close()


async def stored_both_ways(conn: Any, events: list[CloudEvent]) -> None:
    tx = conn.transaction()
    await tx.start()
    try:
        parsed = [(e, _contract(e).model_validate(e.data)) for e in events]
        await project(conn, parsed, support.read_at(parsed))  # live
        live = {table: await _rows(conn, f"public.{table}") for table in MODELS}
        stored = await conn.fetch('SELECT chain_hash FROM audit_log ORDER BY "offset"')
        assert len(stored) == len(events)
        # Its hash chain holds, read back through jsonb (the canonical form round-trips)...
        verdict = await verify_audit_log(conn)
        assert verdict.intact and verdict.checked == len(events), verdict
        # The rebuild reads each raw message into the same audit row...
        rebuilt = [raw_audit_row(e.to_bytes()) for e in events]
        live_rows = [_comparable(audit_row(e, p)) for e, p in parsed]
        assert [_comparable(r) for r in rebuilt] == live_rows
        await conn.execute(
            "CREATE TEMP TABLE audit_rebuilt (LIKE audit_log INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        rows = chained(rebuilt, support.read_at(rebuilt), {})
        assert [row[-1] for row in rows] == [bytes(r["chain_hash"]) for r in stored]  # one chain
        await conn.copy_records_to_table("audit_rebuilt", columns=CHAINED_COLUMNS, records=rows)
        # ...and folds the read models from the audit log: the same as live.
        async with models_as_of(conn, END_OF_TIME):
            folded = {table: await _rows(conn, table) for table in MODELS}
        assert folded == live
    finally:
        await tx.rollback()


def _contract(e: CloudEvent) -> type[PublicEvent]:
    return all_contracts()[e.type]


async def _rows(conn: Any, table: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(f"SELECT * FROM {table}")
    return sorted((dict(r) for r in rows), key=repr)


def _comparable(row: tuple[Any, ...]) -> tuple[Any, ...]:
    import json

    data = AUDIT_COLUMNS.index("data")
    return (str(row[0]), *row[1:data], json.loads(row[data]), *row[data + 1 :])


CONTRACTS = sorted(all_contracts().values(), key=lambda c: c.event_type())


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.event_type().split(".", 3)[-1])
def test_every_event_the_contract_accepts_is_stored_live_and_through_a_rebuild(
    contract: type[PublicEvent], database: tuple[asyncio.AbstractEventLoop, Any]
) -> None:
    loop, conn = database

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(story(contract))
    def check(events: list[CloudEvent]) -> None:
        loop.run_until_complete(stored_both_ways(conn, events))

    check()
