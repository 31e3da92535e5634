"""The fault suite: a steady load of commands while a nemesis breaks one thing after another.

Against a Kafka cluster of three nodes and two instances of every service behind HAProxy
(tests/faults/system.py), commands go through the typed client at a steady rate, each with
an Idempotency-Key of its own and retried with it until acknowledged (tests/workload.py).
Meanwhile, one after the other: a Kafka node is killed (SIGKILL), then the controller
leader; one API instance of each service is killed; the active relay is killed (the
standby takes over); a consumer instance is killed (the group rebalances); a consumer is
paused (SIGSTOP) for 25 s, past its poll interval; PostgreSQL crashes and restarts; funding's
database connections are cut for 10 s. After each fault, the time until the system is
whole again: a new project proposed through the balancer shows in reporting.

Afterwards: no acknowledged command is lost, no effect is applied twice, the funding
ledger equals the sum of its events, reporting's read models equal a rebuild from
offset 0, and an agency subscriber's counts match. The figures go to
var/reports/faults-<time>.{json,md} (docs/reliability.md has those of a long run).

Short in `make test` (one round at a modest rate); `make chaos` runs longer:
ZR_FAULT_ROUNDS rounds, ZR_FAULT_RATE commands per second, ZR_FAULT_SETTLE seconds
between faults.
"""

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from services.funding.application.commands import ProjectPropose
from services.funding.client import FundingClient
from services.reporting.adapters.rebuild import Rebuild
from services.reporting.adapters.schema import MODELS
from shared.client import ServiceError
from shared.events import CloudEvent
from shared.topics import Topics
from tests import support
from tests.e2e.funding_steps import NBANK, proposal, record_region, region_tokens
from tests.e2e.test_rebuild import table
from tests.faults.system import PREFIX, Deployment, KafkaCluster, Postgres, new_databases
from tests.workload import Tally, Workload

ROUNDS = int(os.environ.get("ZR_FAULT_ROUNDS", "1"))
RATE = float(os.environ.get("ZR_FAULT_RATE", "8"))
SETTLE = float(os.environ.get("ZR_FAULT_SETTLE", "3"))
REGION, BUDGET = "stoerfall", 90_000_000_00
REPORTS = support.ROOT / "var" / "reports"
# Which event an acknowledged step must have left, once.
EVENT_OF = {"proposal": "ProjectProposed", "priority-check": "PriorityCheckRecorded",
            "vote": "ProjectEndorsed", "submission": "ApplicationSubmitted",
            "approval": "FundsCommitted"}  # fmt: skip

pytestmark = pytest.mark.timeout(1800)


@dataclass
class Recovery:
    fault: str
    round: int
    lasted: float | None  # how long the fault was in effect (None: a crash, healed later)
    whole_again: float  # from the fault to a new command seen in reporting


@dataclass
class Report:
    started: str
    rounds: int
    rate: float
    recoveries: list[Recovery] = field(default_factory=list)
    load: dict[str, Any] = field(default_factory=dict)
    checks: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="module")
def deployment(infrastructure: None) -> Iterator[Deployment]:
    kafka = KafkaCluster()
    kafka.fresh()
    d = Deployment(kafka, new_databases())
    try:
        d.start()
        yield d
    finally:
        d.stop()
        kafka.stop()
        for name in d.databases.values():
            asyncio.run(support.drop_database(name))


class Probe:
    """A new project proposed through the balancer, until reporting shows it."""

    def __init__(self, d: Deployment) -> None:
        rm, _ = region_tokens(REGION)
        self.funding = FundingClient(
            d.url("funding"), rm["Authorization"].split()[1], timeout=5, attempts=3
        )
        self.reporting = d.url("reporting")
        self.acknowledged: list[str] = []

    def whole_again_after(self, since: float, timeout: float = 180) -> float:
        key, pid = str(uuid.uuid4()), None
        body = ProjectPropose.model_validate(proposal(REGION, 100_000_00, f"Probe {key[:8]}"))
        while time.monotonic() - since < timeout:
            try:
                if pid is None:
                    pid = str(self.funding.propose(body, idempotency_key=key).project_id)
                    self.acknowledged.append(pid)
                r = httpx.get(f"{self.reporting}/projects/{pid}", headers=NBANK, timeout=5)
                if r.status_code == 200:
                    return round(time.monotonic() - since, 1)
            except ServiceError as exc:
                if 0 < exc.status < 500:
                    raise  # refused for good: a mistake of the probe, not a fault
            except httpx.HTTPError:
                pass  # unavailable meanwhile: that is what is measured
            time.sleep(0.25)
        raise AssertionError(f"not whole again {timeout}s after the fault")


def nemesis(d: Deployment, probe: Probe, round_: int) -> Iterator[Recovery]:
    """Each fault, the time until the system is whole again, then it is healed."""

    def measure(name: str, inject: Callable[[], None], heal: Callable[[], None]) -> Recovery:
        started = time.monotonic()
        inject()
        whole = probe.whole_again_after(started)
        heal()
        print(f"  {name}: whole again after {whole} s", flush=True)
        time.sleep(SETTLE)
        return Recovery(name, round_, None, whole)

    def lasting(name: str, seconds: float, inject: Callable[[], None],
                heal: Callable[[], None]) -> Recovery:  # fmt: skip
        """A fault that lasts `seconds`, healed meanwhile; the probe runs from its start."""
        started = time.monotonic()
        inject()
        healer = threading.Timer(seconds, heal)
        healer.start()
        try:
            whole = probe.whole_again_after(started)
        finally:
            healer.join()
        print(f"  {name} for {seconds} s: whole again after {whole} s", flush=True)
        time.sleep(SETTLE)
        return Recovery(name, round_, seconds, whole)

    leader = d.kafka.leader()
    other = next(n for n in (1, 2, 3) if n != leader)
    yield measure(f"Kafka node {other} killed (SIGKILL)", lambda: d.kafka.kill(other),
                  d.kafka.start)  # fmt: skip
    leader = d.kafka.leader()
    yield measure(f"Kafka controller leader (node {leader}) killed", lambda: d.kafka.kill(leader),
                  d.kafka.start)  # fmt: skip

    apis = [d.of(s, "api")[round_ % 2] for s in ("regions", "funding", "reporting")]
    yield measure("one API instance of each service killed",
                  lambda: [a.kill() for a in apis], lambda: restart(d, apis))  # fmt: skip

    relays: list[Any] = []
    yield measure("funding's active relay killed",
                  lambda: relays.append(d.active_relay("funding")) or relays[0].kill(),
                  lambda: restart(d, relays))  # fmt: skip

    consumer = d.of("reporting", "consume")[round_ % 2]
    yield measure("a reporting consumer killed", consumer.kill, lambda: restart(d, [consumer]))

    # Past its poll interval (10 s): the group gives the paused member's partitions away.
    paused = d.of("reporting", "consume")[(round_ + 1) % 2]
    yield lasting("a reporting consumer paused (SIGSTOP)", 25, paused.pause, paused.resume)

    pg = Postgres()
    yield measure("PostgreSQL crashed and restarted", pg.restart, lambda: None)

    cut = pg.cut("funding")
    yield lasting("funding's database connections cut", 10, cut.__enter__,
                  lambda: cut.__exit__(None, None, None))  # fmt: skip


def restart(d: Deployment, instances: list[Any]) -> None:
    for instance in instances:
        instance.start()
    for instance in instances:
        if instance.kind == "api":
            support.wait_healthy(f"http://127.0.0.1:{instance.port}", instance.process, 120)


async def topic_events(d: Deployment) -> dict[str, list[CloudEvent]]:
    """Every event on the public topics from offset 0, by topic (duplicates included)."""
    out: dict[str, list[CloudEvent]] = {}
    for topic in Topics(PREFIX).public:
        consumer = AIOKafkaConsumer(
            topic, **d.kafka.admin.options(), auto_offset_reset="earliest",
            enable_auto_commit=False, group_id=None,
        )  # fmt: skip
        await consumer.start()
        events: list[CloudEvent] = []
        try:
            while batch := await consumer.getmany(timeout_ms=3000, max_records=5000):
                for records in batch.values():
                    events.extend(CloudEvent.from_bytes(r.value or b"") for r in records)
        finally:
            await consumer.stop()
        out[topic] = events
    return out


def kind(e: CloudEvent) -> str:
    """The event's name: its type is <prefix>.<name>.v<version>."""
    return e.type.rsplit(".", 2)[-2]


def distinct(events: list[CloudEvent]) -> dict[uuid.UUID, CloudEvent]:
    return {e.id: e for e in events}


async def wait_until_reporting_has(d: Deployment, ids: set[uuid.UUID]) -> None:
    async def done() -> bool:
        rows = await support.table(d.databases["reporting"], "SELECT event_id FROM audit_log")
        return ids <= {r["event_id"] for r in rows}

    await support.eventually(done, timeout=300, interval=1)


def subscribe(d: Deployment, store: str) -> tuple[dict[str, int], dict[str, int]]:
    token = support.bearer("agency", subject="eu-audit-authority")["Authorization"].split()[1]
    done = subprocess.run(
        [sys.executable, str(support.ROOT / "examples" / "agency_subscriber" / "subscriber.py"),
         "--bootstrap", d.kafka.bootstrap, "--user", "agency-eu-audit",
         "--group", f"agency-eu-audit.faults-{uuid.uuid4().hex[:6]}",
         "--topics", *Topics(PREFIX).public, "--schemas-url", d.url("reporting"),
         "--token", token, "--store", store, "--until-idle", "--idle-seconds", "5"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    with sqlite3.connect(store) as db:
        per_type = dict(db.execute("SELECT name, events FROM events_per_type").fetchall())
    counts: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return counts, per_type


def write(report: Report) -> None:
    REPORTS.mkdir(parents=True, exist_ok=True)
    stamp = report.started.replace(":", "").replace("-", "")[:15]
    (REPORTS / f"faults-{stamp}.json").write_text(json.dumps(asdict(report), indent=2))
    lines = [
        f"# Fault suite, {report.started} ({report.rounds} round(s), {report.rate}/s)", "",
        "| commands | sent | acknowledged | retried | failed |", "|---|---|---|---|---|",
        "| | {sent} | {acknowledged} | {retried} | {failed} |".format(**report.load), "",
        "| fault | round | lasted (s) | whole again after (s) |", "|---|---|---|---|",
        *[f"| {r.fault} | {r.round} | {r.lasted or 'a crash'} | {r.whole_again} |"
          for r in report.recoveries],
        "", "Checks: " + ", ".join(f"{k}: {v}" for k, v in report.checks.items()),
    ]  # fmt: skip
    (REPORTS / f"faults-{stamp}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


async def test_nothing_is_lost_or_applied_twice_whatever_fails(
    deployment: Deployment, tmp_path: Any
) -> None:
    d = deployment
    report = Report(datetime.now(UTC).isoformat(timespec="seconds"), ROUNDS, RATE)
    async with httpx.AsyncClient(timeout=30) as http:
        await record_region(http, d.url("regions"), REGION, BUDGET)

        async def budget_known() -> bool:
            r = await http.get(f"{d.url('funding')}/regions/{REGION}/budgets", headers=NBANK)
            return r.status_code == 200 and r.json()[0]["allocated_cents"] == BUDGET

        await support.eventually(budget_known, timeout=120)
    rm, sg = region_tokens(REGION)
    load = Workload(
        d.url("funding"), REGION, rm["Authorization"].split()[1], sg["Authorization"].split()[1],
        NBANK["Authorization"].split()[1], rate=RATE, give_up_after=240,
    ).start()  # fmt: skip
    probe = Probe(d)
    try:
        await asyncio.sleep(SETTLE)
        for round_ in range(ROUNDS):
            for recovery in await asyncio.to_thread(lambda r=round_: list(nemesis(d, probe, r))):
                report.recoveries.append(recovery)
        await asyncio.sleep(SETTLE)
    finally:
        tally: Tally = load.stop()
    report.load = {"sent": tally.sent, "acknowledged": tally.acknowledged,
                   "retried": tally.retried, "failed": sum(tally.failed.values())}  # fmt: skip
    assert not tally.failed, tally.failed
    assert tally.acknowledged > 20 * ROUNDS, tally

    # Every event reaches reporting (and nothing is parked).
    topics = Topics(PREFIX)
    events = await topic_events(d)
    everything = {i for t in topics.public for i in distinct(events[t])}
    await wait_until_reporting_has(d, everything)
    parked = await support.table(d.databases["reporting"], "SELECT reason FROM consumer_parked")
    assert parked == [], parked

    funding = list(distinct(events[topics.funding_events]).values())
    by_project: dict[str, list[CloudEvent]] = defaultdict(list)
    for e in funding:
        by_project[e.aggregateid].append(e)

    # No acknowledged command is lost: each acknowledged step left its event.
    acknowledged = {**tally.steps, **{p: ["proposal"] for p in probe.acknowledged}}
    for pid, steps in acknowledged.items():
        kinds = Counter(kind(e) for e in by_project[pid])
        for step in steps:
            assert kinds[EVENT_OF[step]] >= 1, (pid, step, kinds)
    # No effect twice: one event per position of each project, each step's event once, and
    # no project the load did not see acknowledged.
    for pid, project in by_project.items():
        sequences = Counter(e.sequence for e in project)
        assert max(sequences.values()) == 1, (pid, sequences)
        kinds = Counter(kind(e) for e in project)
        assert all(kinds[k] <= 1 for k in EVENT_OF.values()), (pid, kinds)
    proposed = {e.aggregateid for e in funding if kind(e) == "ProjectProposed"}
    assert proposed == set(acknowledged), (len(proposed), len(acknowledged))

    # The funding ledger equals the sum of its events.
    commitments = [e for e in funding if kind(e) == "FundsCommitted"]
    committed = sum(int(e.data["amount_cents"]) for e in commitments)
    async with httpx.AsyncClient(timeout=30) as http:
        answer = await http.get(f"{d.url('funding')}/regions/{REGION}/budgets", headers=NBANK)
    ledger = answer.json()
    assert sum(f["committed_cents"] for f in ledger) == committed

    # Reporting's read models equal a rebuild from offset 0.
    pool = await asyncpg.create_pool(support.dsn(d.databases["reporting"]), min_size=1, max_size=3)
    try:
        rebuild = Rebuild(pool, d.kafka.admin, topics.public, "reporting", role="zr_reporting")
        await rebuild.run(keep_old=True)
        async with pool.acquire() as conn:
            for name in MODELS:
                assert await table(conn, "public", name) == await table(
                    conn, rebuild.replaced_schema, name
                ), name
    finally:
        await pool.close()

    # An agency's subscriber counts the same.
    counts, per_type = await asyncio.to_thread(subscribe, d, str(tmp_path / "agency.sqlite3"))
    assert counts["rejected"] == 0 and counts["applied"] == len(everything), counts
    assert per_type.get("FundsCommitted", 0) == len(commitments), per_type
    assert per_type.get("ProjectProposed", 0) == len(proposed), per_type

    report.checks = {"events": len(everything), "projects": len(proposed),
                     "commitments": len(commitments), "committed_cents": committed,
                     "lost": 0, "applied twice": 0, "rebuild equal": True,
                     "agency counts equal": True}  # fmt: skip
    write(report)
