"""Funding commands per second: through the HTTP API, through the application layer alone,
and the raw rate of the event store, on the same machine in the same run.

    make bench-funding    (or: uv run python -m bench.funding_commands --projects 400)

Each project takes five commands (proposal, priority check, vote, submission, approval);
the approval saves the project and the region's budget together. The raw rate is the
eventsourcing PostgreSQL recorder inserting one stored event per transaction, which is
what a command that changes one aggregate costs at the least. Appends to
docs/benchmarks.md.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
from eventsourcing.persistence import StoredEvent
from rich.console import Console
from rich.progress import Progress

from bench.scratch import scratch_databases
from services.funding.application.commands import Approval, PriorityCheck, Step, Vote
from services.funding.application.funding import FundingApplication
from services.funding.settings import FundingSettings
from shared.auth import Authenticator
from shared.es import meta
from tests.unit.funding_world import SCORES, feed, public_events, regions_world

console = Console()
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "benchmarks.md"
RM = meta({"role": "regional_management", "subject": "bench", "region_id": "heidefinition"}, None)
NB = meta({"role": "nbank", "subject": "bench"}, None)
ROOM = 80_000_000_00  # 1,333 approvals of 60,000 euros fit into the envelope's 96 m


def funded_app(settings: FundingSettings) -> FundingApplication:
    regions = regions_world()  # 6 m EFRE: room for 100 approvals of 60,000 euros
    regions.adjust_budget("heidefinition", fund="EFRE", amount_cents=ROOM, reason="bench", meta=NB)
    app = FundingApplication(env=settings.eventsourcing_env())
    feed(app, list(public_events(regions)))
    return app


def proposal(n: int) -> dict[str, Any]:
    return {
        "title": f"Bench {n}", "purpose": "benchmark", "applicant_name": "Landkreis Celle",
        "applicant_kind": "municipality", "contact_person": None, "handlungsfeld": "HF1",
        "fund": "EFRE", "location_ags": "03351", "start_date": date(2025, 1, 1),
        "end_date": date(2026, 12, 31), "total_cost_cents": 100_000_00,
        "eligible_cost_cents": 100_000_00, "kind": "project",
    }  # fmt: skip


def bench_application(app: FundingApplication, projects: int, progress: Progress) -> float:
    task = progress.add_task("application layer", total=projects * 5)
    started = time.perf_counter()
    for n in range(projects):
        pid = app.propose_project(region_id="heidefinition", meta=RM, **proposal(n)).project_id
        app.record_priority_check(
            pid, PriorityCheck(passed=True, other_programme=None, note=None), RM
        )
        app.record_vote(
            pid,
            Vote(
                votes_for=7,
                votes_against=0,
                abstentions=0,
                voted_on=date(2025, 2, 1),
                scores=SCORES,
                note=None,
            ),
            RM,
        )
        app.submit(pid, Step(note=None), RM)
        app.approve(pid, Approval(note=None), NB)
        progress.advance(task, 5)
    return projects * 5 / (time.perf_counter() - started)


def bench_raw(app: FundingApplication, commands: int, progress: Progress) -> float:
    state = b'{"title": "' + b"x" * 400 + b'"}'
    task = progress.add_task("raw event store", total=commands)
    started = time.perf_counter()
    for _ in range(commands):
        app.recorder.insert_events(
            [
                StoredEvent(
                    originator_id=uuid.uuid4(), originator_version=1, topic="bench:E", state=state
                )
            ]
        )
        progress.advance(task)
    return commands / (time.perf_counter() - started)


async def bench_http(settings: FundingSettings, projects: int, progress: Progress) -> float:
    """The funding service as its own process (uvicorn, relay off), 8 clients at a time."""
    port = 18_000 + os.getpid() % 1000
    env = {
        **os.environ,
        "FUNDING_PG_DATABASE": settings.pg_database,
        "FUNDING_HTTP_PORT": str(port),
        "FUNDING_RUN_RELAY": "false",
        "FUNDING_RUN_CONSUMER": "false",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.funding",
        "serve",
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    auth = Authenticator.of(settings)
    rm = {
        "Authorization": "Bearer "
        + auth.mint(role="regional_management", subject="bench", region_id="heidefinition")
    }
    sg = {
        "Authorization": "Bearer "
        + auth.mint(role="steering_group", subject="bench", region_id="heidefinition")
    }
    nb = {"Authorization": "Bearer " + auth.mint(role="nbank", subject="bench")}
    url = f"http://127.0.0.1:{port}"
    task = progress.add_task("HTTP API", total=projects * 5)
    try:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            for _ in range(200):
                try:
                    if (await http.get("/health")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
            gate = asyncio.Semaphore(8)

            async def one(n: int) -> None:
                async with gate:
                    body = {"region_id": "heidefinition", **proposal(n)}
                    body = {k: v.isoformat() if isinstance(v, date) else v for k, v in body.items()}
                    body.pop("contact_person")
                    r = await http.post("/projects", json=body, headers=rm)
                    pid = r.json()["project_id"]
                    for step, payload, who in (
                        ("priority-check", {"passed": True}, rm),
                        (
                            "vote",
                            {
                                "votes_for": 7,
                                "votes_against": 0,
                                "voted_on": "2025-02-01",
                                "scores": SCORES,
                            },
                            sg,
                        ),
                        ("submission", {}, rm),
                        ("approval", {}, nb),
                    ):
                        r = await http.post(f"/projects/{pid}/{step}", json=payload, headers=who)
                        assert r.status_code == 200, r.text
                    progress.advance(task, 5)

            started = time.perf_counter()
            await asyncio.gather(*(one(n) for n in range(projects)))
            return projects * 5 / (time.perf_counter() - started)
    finally:
        proc.terminate()
        await proc.wait()


async def main(projects: int) -> None:
    base = FundingSettings(run_relay=False, run_consumer=False)
    async with scratch_databases(base) as fresh_db:
        in_process = base.model_copy(update={"pg_database": await fresh_db()})
        over_http = base.model_copy(update={"pg_database": await fresh_db()})
        with Progress(console=console) as progress:
            app = await asyncio.to_thread(funded_app, in_process)
            await asyncio.to_thread(funded_app(over_http).close)
            app_rate = await asyncio.to_thread(bench_application, app, projects, progress)
            raw_rate = await asyncio.to_thread(bench_raw, app, projects * 5, progress)
            app.close()
            http_rate = await bench_http(over_http, projects, progress)
    report = (
        f"\n## Funding commands, run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"({os.cpu_count()} cores, {projects:,} projects, {projects * 5:,} commands)\n\n"
        "| path | commands/s | raw event store, one event per transaction | ratio |\n"
        "|---|---:|---:|---:|\n"
        f"| application layer (one thread) | {app_rate:,.0f} | {raw_rate:,.0f} | "
        f"{app_rate / raw_rate:.2f} |\n"
        f"| HTTP API (8 clients, one process) | {http_rate:,.0f} | {raw_rate:,.0f} | "
        f"{http_rate / raw_rate:.2f} |\n"
    )
    console.print(report)
    with RESULTS.open("a") as f:
        f.write(report)
    console.print(f"appended to {RESULTS}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=400)
    asyncio.run(main(parser.parse_args().projects))
