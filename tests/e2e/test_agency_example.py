"""The agency's example subscriber (examples/agency_subscriber) against the running system
and the real broker, with an agency's own Kafka user: schemas fetched over HTTP, every
message checked against them, FundsCommitted v1 (Kafka's history) and v2 side by side,
each event applied once, a bad message rejected without stopping it."""

import asyncio
import json
import sqlite3
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx

from shared.events import Actor, v1, wrap
from shared.topics import Topics
from tests import support
from tests.e2e.conftest import System
from tests.e2e.funding_steps import NBANK, record_region, submitted_project, wait_for_budget

SUBSCRIBER = support.ROOT / "examples" / "agency_subscriber" / "subscriber.py"


def subscribe(
    topics: Topics, reporting: str, store: Path, group: str, *extra: str
) -> dict[str, int]:
    token = support.bearer("agency", subject="eu-audit-authority")["Authorization"].split()[1]
    result = subprocess.run(
        [sys.executable, str(SUBSCRIBER), "--user", "agency-eu-audit",
         "--group", f"agency-eu-audit.{group}", "--topics", *topics.public,
         "--schemas-url", reporting, "--token", token, "--store", str(store),
         "--until-idle", "--idle-seconds", "3", *extra],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    counts: dict[str, int] = json.loads(result.stdout.strip().splitlines()[-1])
    return counts


def commitment_published_before_v2(region_id: str) -> bytes:
    payload = v1.FundsCommittedV1(
        actor=Actor(role="nbank", subject="nbank-2025"),
        occurred_at=datetime(2025, 6, 2, 9, tzinfo=UTC),
        project_id=uuid.uuid4(),
        region_id=region_id,
        fund="EFRE",
        amount_cents=120_000_00,
        eligible_cost_cents=200_000_00,
        funding_rate=Decimal("0.60"),
    )
    return wrap(
        payload, event_type=payload.event_type(), source="/zukunftsregionen/funding",
        subject="projects/history", aggregate_id=payload.project_id, sequence=5,
        time=payload.occurred_at,
    ).to_bytes()  # fmt: skip


async def test_the_example_subscriber_reads_validates_and_applies_each_event_once(
    system: System, topic_prefix: str, tmp_path: Path
) -> None:
    topics = Topics(topic_prefix)  # provisioned with the agencies' access, as production is
    async with httpx.AsyncClient(timeout=30) as http:
        await record_region(http, system.regions.url, "neu", 10_000_000_00)
        await wait_for_budget(http, system.funding.url, "neu", 10_000_000_00)
        pid = await submitted_project(http, system.funding.url, "neu", 500_000_00)
        r = await http.post(
            f"{system.funding.url}/projects/{pid}/approval",
            json={"decided_on": "2026-03-02"},
            headers=NBANK,
        )
        assert r.status_code == 200, r.text
    await support.produce(
        topics.funding_events,
        [(b"history", commitment_published_before_v2("neu")), (b"junk", b'{"type": 1}')],
    )

    async def published() -> bool:
        records = await support.read_topic(topics.funding_events, idle_ms=1000)
        return sum(b"FundsCommitted.v3" in (r.value or b"") for r in records) == 1

    await support.eventually(published, timeout=60)

    store = tmp_path / "agency.sqlite3"
    first = await asyncio.to_thread(subscribe, topics, system.reporting.url, store, "audit")
    assert first["rejected"] == 1 and first["duplicates"] == 0
    assert first["applied"] == first["read"] - 1 > 6
    with sqlite3.connect(store) as db:
        committed = db.execute("SELECT region_id, fund, cents FROM committed").fetchall()
        per_type = dict(db.execute("SELECT name, events FROM events_per_type").fetchall())
        [(reason,)] = db.execute("SELECT reason FROM rejected").fetchall()
    # 60 % of 500,000.00 (v3, from the API) + 120,000.00 (v1, from Kafka's history)
    assert committed == [("neu", "EFRE", 300_000_00 + 120_000_00)]
    assert per_type["FundsCommitted"] == 2 and per_type["RegionRecognised"] == 1
    assert "not a CloudEvent" in reason

    # The same events again (a new group from the beginning): nothing is applied twice.
    again = await asyncio.to_thread(subscribe, topics, system.reporting.url, store, "audit-2")
    assert (again["applied"], again["duplicates"]) == (0, first["applied"])
    # A new group from a date after everything: nothing to read.
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    later = await asyncio.to_thread(
        subscribe, topics, system.reporting.url, store, "audit-3", "--from-date", tomorrow
    )
    assert later["read"] == 0, later
