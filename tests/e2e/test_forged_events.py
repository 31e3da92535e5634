"""An event on a topic whose owner did not publish it is parked, by funding and by
reporting: a BudgetAllocated that claims to come from funding, on the regions' topic,
moves no money anywhere."""

import json
import uuid
from datetime import UTC, datetime

import httpx

from shared.events import Actor, v1, wrap
from shared.topics import FUNDING_SOURCE, Topics
from tests import support
from tests.e2e.conftest import System
from tests.e2e.funding_steps import NBANK, record_region, wait_for_budget

BUDGET = 10_000_000_00


async def test_an_event_from_the_wrong_source_is_parked_by_every_consumer(
    system: System, topic_prefix: str
) -> None:
    topics = Topics(topic_prefix)
    async with httpx.AsyncClient(timeout=30) as http:
        await record_region(http, system.regions.url, "echt", BUDGET)
        await wait_for_budget(http, system.funding.url, "echt", BUDGET)
        forged = v1.BudgetAllocatedV1(
            actor=Actor(role="ministry", subject="mb-1"),
            occurred_at=datetime.now(UTC),
            region_id="echt",
            fund="ESF+",
            amount_cents=5_000_000_000_00,
            basis="decision",
        )
        envelope = wrap(
            forged, event_type=forged.event_type(), source=FUNDING_SOURCE, subject="regions/echt",
            aggregate_id=str(uuid.uuid4()), sequence=99, time=forged.occurred_at,
        )  # fmt: skip
        await support.produce(topics.regions_events, [(b"echt", envelope.to_bytes())])

        async def parked_by_both() -> bool:
            reporting = await support.table(
                system.reporting.database, "SELECT reason FROM consumer_parked"
            )
            funding = await support.read_topic(topics.dead_letter("funding"), idle_ms=500)
            return bool(reporting) and bool(funding)

        await support.eventually(parked_by_both, timeout=60, interval=0.5)
        [dead] = await support.read_topic(topics.dead_letter("funding"))
        assert json.loads(dead.value or b"{}")["id"] == str(envelope.id)
        assert b"forged" in dict(dead.headers)["dlq-reason"]
        [row] = await support.table(system.reporting.database, "SELECT reason FROM consumer_parked")
        assert "forged" in row["reason"] and FUNDING_SOURCE in row["reason"]
        budgets = (
            await http.get(f"{system.funding.url}/regions/echt/budgets", headers=NBANK)
        ).json()
        assert {b["fund"]: b["allocated_cents"] for b in budgets} == {"EFRE": BUDGET, "ESF+": 0}
