"""The operator's tool (`python -m tools.ops`) against the running services, with nothing
but the services' own environment: `status` shows the lag and what was parked; a parked
message is listed, shown, refused while its cause remains, and once the cause is gone
replayed exactly once (reporting's from its table, funding's from its dead-letter topic);
a rebuild keeps what the replay applied, and the audit log's chains stay intact."""

import asyncio
import json
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx

from shared.events import Actor, CloudEvent, PublicEvent, v1, wrap
from shared.topics import FUNDING_SOURCE, REGIONS_SOURCE, Topics
from tests import support
from tests.e2e.conftest import Service, System
from tests.e2e.funding_steps import NBANK, record_region, wait_for_budget

AUDITOR = support.bearer("auditor")
MB = Actor(role="ministry", subject="mb-ops")
NB = Actor(role="nbank", subject="nbank-ops")


def ops_env(topic_prefix: str, **services: Service) -> dict[str, str]:
    """Each service's database and topics, as its processes have them; no database roles
    (the tool takes the development ones, as next to `make run`)."""
    env: dict[str, str] = {"COLUMNS": "300"}
    for name, service in services.items():
        env.update(support.service_env(name.upper(), service.database, topic_prefix))
    return env


async def ops(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "tools.ops", *args],
        cwd=support.ROOT, env=env, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    return done


def event(payload: PublicEvent, source: str, aggregate_id: str, sequence: int) -> CloudEvent:
    return wrap(
        payload, event_type=payload.event_type(), source=source, subject=aggregate_id,
        aggregate_id=aggregate_id, sequence=sequence, time=payload.occurred_at,
    )  # fmt: skip


async def publish(topic: str, ce: CloudEvent) -> None:
    await support.produce(topic, [(ce.aggregateid.encode(), ce.to_bytes())])


async def test_status_shows_the_consumers_lag_and_what_they_parked(
    system: System, topic_prefix: str
) -> None:
    topics = Topics(topic_prefix)
    env = ops_env(topic_prefix, regions=system.regions, funding=system.funding,
                  reporting=system.reporting)  # fmt: skip
    async with httpx.AsyncClient(timeout=30) as http:
        await record_region(http, system.regions.url, "lag", 10_000_000_00)
        await wait_for_budget(http, system.funding.url, "lag", 10_000_000_00)
    await support.produce(topics.regions_events, [(b"lag", b"not an event")])

    async def parked_by_both() -> bool:
        reporting = await support.table(system.reporting.database, "SELECT 1 FROM consumer_parked")
        funding = await support.read_topic(topics.dead_letter("funding"), idle_ms=500)
        return bool(reporting) and bool(funding)

    await support.eventually(parked_by_both, timeout=60, interval=0.5)
    system.reporting.process.stop()  # from here on, reporting falls behind
    before = await status(env)
    await support.produce(topics.funding_events, [(b"k", b"late %d" % i) for i in range(3)])

    after = await status(env)
    assert lag(after, "reporting", topics.funding_events) == (
        lag(before, "reporting", topics.funding_events) + 3
    )
    assert lag(after, "funding", topics.regions_events) == 0
    parked = {p["service"]: (p["parked"], p["replayed"]) for p in after["parked"]}
    assert parked == {"reporting": (1, 0), "funding": (1, 0)}
    relays = {r["service"]: r for r in after["relays"]}
    assert relays["regions"]["head"] >= 5 and relays["regions"]["lag"] == 0

    table = await ops(env, "status")
    assert table.returncode == 0, table.stderr
    assert "Consumers" in table.stdout and topics.funding_events in table.stdout
    unreachable = await ops({**env, "REPORTING_PG_PORT": "1"}, "status")
    assert unreachable.returncode == 1
    [line] = unreachable.stderr.strip().splitlines()  # one line, no traceback
    assert line.startswith(
        f"error: reporting's database {system.reporting.database} at 127.0.0.1:1 "
        "(as zr_reporting) is not reachable: "
    ), line
    assert "regions" in unreachable.stdout  # what could be read is still shown


async def status(env: dict[str, str]) -> dict[str, Any]:
    done = await ops(env, "status", "--json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def lag(status: dict[str, Any], service: str, topic: str) -> int:
    rows = [c for c in status["consumers"] if c["service"] == service and c["topic"] == topic]
    assert rows, status
    return sum(c["lag"] for c in rows)


async def test_reporting_replays_a_parked_event_once_after_its_cause_is_gone(
    system: System, topic_prefix: str
) -> None:
    """A payment arrives before its project: reporting parks it. Once the project is there,
    the replay applies the payment, once; a rebuild arrives at the same."""
    topics, db = Topics(topic_prefix), system.reporting.database
    env = ops_env(topic_prefix, reporting=system.reporting)
    project = str(uuid.uuid4())
    paid = event(disbursed(project, 1234_00), FUNDING_SOURCE, project, 7)
    await publish(topics.funding_events, paid)
    [row] = await support.eventually(
        lambda: support.table(db, 'SELECT topic, partition, "offset", reason FROM consumer_parked'),
        timeout=60,
    )
    assert "does not know" in row["reason"]
    parked_id = f"reporting:{row['topic']}:{row['partition']}:{row['offset']}"

    listed = await ops(env, "parked", "list", "--service", "reporting")
    assert listed.returncode == 0 and parked_id in listed.stdout, listed
    shown = await ops(env, "parked", "show", parked_id)
    assert shown.returncode == 0 and str(paid.id) in shown.stdout and "123400" in shown.stdout
    refused = await ops(env, "parked", "replay", parked_id)
    assert refused.returncode == 1 and "still cannot be applied" in refused.stderr, refused
    assert await support.table(db, "SELECT * FROM consumer_replayed") == []

    await publish(topics.funding_events, event(proposed(project), FUNDING_SOURCE, project, 1))
    await support.eventually(lambda: disbursed_cents(db, project), timeout=60)  # the fix

    first = await ops(env, "parked", "replay", parked_id)
    assert first.returncode == 0 and f"replayed {parked_id}" in first.stdout, first
    assert await disbursed_cents(db, project) == [1234_00]
    again = await ops(env, "parked", "replay", parked_id)
    assert again.returncode == 0 and "nothing changed" in again.stdout, again
    assert await disbursed_cents(db, project) == [1234_00]
    assert (
        len(await support.table(db, f"SELECT 1 FROM audit_log WHERE event_id = '{paid.id}'")) == 1
    )
    await chains_agree_with_kafka(system.reporting)

    rebuilt = await ops(env, "rebuild")
    assert rebuilt.returncode == 0 and "switched over" in rebuilt.stderr, rebuilt
    assert await disbursed_cents(db, project) == [1234_00]
    await chains_agree_with_kafka(system.reporting)


async def disbursed_cents(database: str, project: str) -> list[int]:
    rows = await support.table(
        database, f"SELECT disbursed_cents FROM project_view WHERE project_id = '{project}'"
    )
    return [r["disbursed_cents"] for r in rows]


async def chains_agree_with_kafka(reporting: Service) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        r = await http.get(
            f"{reporting.url}/audit/chain", params={"against_kafka": "true"}, headers=AUDITOR
        )
    verdict = r.json()
    assert r.status_code == 200 and verdict["broken"] is None, verdict
    assert "replayed[0]" in verdict["heads"], verdict  # the replay's own chain


async def test_funding_replays_a_parked_region_event_from_its_dead_letters(
    regions_and_funding: tuple[Service, Service], topic_prefix: str
) -> None:
    """An allocation for a region funding does not know yet is parked on its dead-letter
    topic; once the region is recognised, the replay sets the budget, once."""
    regions, funding = regions_and_funding
    topics = Topics(topic_prefix)
    env = ops_env(topic_prefix, regions=regions, funding=funding)
    allocated = event(allocation("spaet", 7_000_000_00), REGIONS_SOURCE, "region-spaet", 99)
    await publish(topics.regions_events, allocated)
    [dead] = await support.eventually(
        lambda: support.read_topic(topics.dead_letter("funding"), idle_ms=500), timeout=60
    )
    h = {k: v.decode() for k, v in dead.headers}
    parked_id = f"funding:{h['dlq-topic']}:{h['dlq-partition']}:{h['dlq-offset']}"

    listed = await ops(env, "parked", "list", "--service", "funding")
    assert listed.returncode == 0 and parked_id in listed.stdout, listed
    shown = await ops(env, "parked", "show", parked_id)
    assert shown.returncode == 0 and str(allocated.id) in shown.stdout, shown
    assert "no ESF+ budget for region 'spaet'" in shown.stdout
    refused = await ops(env, "parked", "replay", parked_id)
    assert refused.returncode == 1 and "still cannot be applied" in refused.stderr, refused

    async with httpx.AsyncClient(timeout=30) as http:
        await record_region(http, regions.url, "spaet", 10_000_000_00)  # the fix
        await wait_for_budget(http, funding.url, "spaet", 10_000_000_00)
        assert await budgets(http, funding) == {"EFRE": 10_000_000_00, "ESF+": 0}
        first = await ops(env, "parked", "replay", parked_id)
        assert first.returncode == 0 and f"replayed {parked_id}" in first.stdout, first
        assert await budgets(http, funding) == {"EFRE": 10_000_000_00, "ESF+": 7_000_000_00}
        events = await stored_events(funding)
        again = await ops(env, "parked", "replay", parked_id)
        assert again.returncode == 0 and "nothing changed" in again.stdout, again
        assert await stored_events(funding) == events
        assert await support.table(
            funding.database,
            "SELECT notification_id FROM funding_tracking WHERE application_name LIKE 'replay:%'",
        ) == [{"notification_id": 1}]
        assert await budgets(http, funding) == {"EFRE": 10_000_000_00, "ESF+": 7_000_000_00}
    listed = await ops(env, "parked", "list", "--service", "funding")
    assert "yes" in listed.stdout.split(parked_id, 1)[1].splitlines()[0], listed.stdout


async def budgets(http: httpx.AsyncClient, funding: Service) -> dict[str, int]:
    r = await http.get(f"{funding.url}/regions/spaet/budgets", headers=NBANK)
    return {b["fund"]: b["allocated_cents"] for b in r.json()}


async def stored_events(funding: Service) -> int:
    [row] = await support.table(funding.database, "SELECT count(*) AS n FROM funding_events")
    return int(row["n"])


def disbursed(project: str, amount: int) -> v1.FundsDisbursedV1:
    return v1.FundsDisbursedV1(
        actor=NB, occurred_at=datetime(2026, 3, 2, tzinfo=UTC), project_id=uuid.UUID(project),
        region_id="ops", fund="EFRE", amount_cents=amount,
    )  # fmt: skip


def proposed(project: str) -> v1.ProjectProposedV1:
    return v1.ProjectProposedV1(
        actor=Actor(role="regional_management", subject="rm-ops"),
        occurred_at=datetime(2026, 3, 1, tzinfo=UTC), project_id=uuid.UUID(project),
        region_id="ops", operation_code=f"ZR-OPS-{project[:8]}", title="Reallabor",
        purpose="Digitale Dienste", applicant_name="Landkreis Celle",
        applicant_kind="municipality", handlungsfeld="HF1", fund="EFRE", location_ags="03351",
        start_date=date(2026, 1, 1), end_date=date(2027, 6, 30), total_cost_cents=500_000_00,
        eligible_cost_cents=500_000_00, kind="project",
    )  # fmt: skip


def allocation(region: str, amount: int) -> v1.BudgetAllocatedV1:
    return v1.BudgetAllocatedV1(
        actor=MB, occurred_at=datetime.now(UTC), region_id=region, fund="ESF+",
        amount_cents=amount, basis="decision",
    )  # fmt: skip
