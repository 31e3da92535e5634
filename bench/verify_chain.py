"""Verifying a million events: an event store's hash chain and reporting's audit log,
next to the raw floor of the same run (reading the same rows in the same order, and
hashing the same bytes, each alone).

    uv run python -m bench.verify_chain --events 1000000

The rows are made with their links in Python and loaded with COPY (as the owner would
load a restored store); verification reads them back page by page, as `verify` does.
Appends the figures to docs/benchmarks.md.
"""

import argparse
import asyncio
import hashlib
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from rich.console import Console
from rich.progress import Progress

from bench.scratch import scratch_databases
from services.reporting.adapters.projections import CHAINED_COLUMNS, chained
from services.reporting.adapters.schema import SCHEMA
from services.reporting.settings import ReportingSettings
from shared.chain import event_content, link, verify_audit_log, verify_event_store

console = Console()
RESULTS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
STORE = """
CREATE TABLE bench_events (
    originator_id uuid NOT NULL, originator_version bigint NOT NULL, topic text,
    state bytea, notification_id bigserial, chain_hash bytea,
    PRIMARY KEY (originator_id, originator_version)
);
CREATE UNIQUE INDEX bench_events_notification ON bench_events (notification_id);
"""
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def store_rows(n: int) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    previous: bytes | None = None
    for i in range(1, n + 1):
        aggregate, version = uuid.UUID(int=i // 10 + 1), i % 10 + 1
        topic = "services.funding.domain.project:Project.PaymentRequested"
        state = orjson.dumps({"amount_cents": i * 100, "note": None, "meta": {"n": i}})
        previous = link(previous, event_content(aggregate, version, topic, state))
        rows.append((aggregate, version, topic, state, i, previous))
    return rows


def audit_rows(n: int) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    positions: list[tuple[str, int, int]] = []
    for i in range(n):
        data = {"project_id": str(uuid.UUID(int=i // 10 + 1)), "amount_cents": i * 100,
                "region_id": "heidefinition", "fund": "EFRE"}  # fmt: skip
        rows.append((
            uuid.UUID(int=i + 1), "de.niedersachsen.zukunftsregionen.FundsDisbursed.v2",
            "/zukunftsregionen/funding", "projects", str(uuid.UUID(int=i // 10 + 1)), i % 10 + 1,
            T0 + timedelta(seconds=i), "nbank", None, None, None,
            orjson.dumps(data).decode(), "NBank",
        ))  # fmt: skip
        positions.append(("zr.funding.events", i % 3, i // 3))
    return chained(rows, positions, {})


async def timed(label: str, work: object) -> float:
    started = time.perf_counter()
    await work  # type: ignore[misc]
    seconds = time.perf_counter() - started
    console.print(f"{label}: {seconds:.2f} s")
    return seconds


async def run(events: int) -> dict[str, float]:
    base = ReportingSettings()
    figures: dict[str, float] = {}
    async with scratch_databases(base) as fresh:
        database = await fresh()
        conn = await asyncpg.connect(base.model_copy(update={"pg_database": database}).pg_dsn)
        try:
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task("making the rows", total=2)
                store, audit = store_rows(events), audit_rows(events)
                progress.advance(task)
                await conn.execute(STORE)
                await conn.execute(SCHEMA)
                await conn.copy_records_to_table(
                    "bench_events",
                    records=store,
                    columns=["originator_id", "originator_version", "topic", "state",
                             "notification_id", "chain_hash"],
                )  # fmt: skip
                await conn.copy_records_to_table(
                    "audit_log", records=audit, columns=CHAINED_COLUMNS
                )
                await conn.execute("ANALYZE")
                progress.advance(task)

            async def read_store() -> None:  # the floor: the same pages, no hashing
                after = 0
                while rows := await conn.fetch(
                    "SELECT notification_id, originator_id, originator_version, topic, state, "
                    "chain_hash FROM bench_events WHERE notification_id > $1 "
                    "ORDER BY notification_id LIMIT 10000",
                    after,
                ):
                    after = rows[-1]["notification_id"]

            async def hash_only() -> None:
                previous = None
                for row in store:
                    previous = hashlib.sha256((previous or b"") + row[3]).digest()

            async def read_audit() -> None:  # the floor: the same pages, no hashing
                after: tuple[Any, ...] = ("", -1, -1)
                while rows := await conn.fetch(
                    'SELECT *, data::text AS data FROM audit_log WHERE (topic, partition, "offset")'
                    ' > ($1, $2, $3) ORDER BY topic, partition, "offset" LIMIT 10000',
                    *after,
                ):
                    after = (rows[-1]["topic"], rows[-1]["partition"], rows[-1]["offset"])

            figures["store raw read"] = await timed("event store, raw read", read_store())
            figures["store hashing alone"] = await timed("event store, hashing", hash_only())
            verdict = await verify_event_store(conn, "bench_events")
            figures["store verify"] = await timed(
                "event store, verify", verify_event_store(conn, "bench_events")
            )
            assert verdict.intact and verdict.checked == events, verdict
            audit_verdict = await verify_audit_log(conn)
            assert audit_verdict.intact and audit_verdict.checked == events, audit_verdict
            figures["audit raw read"] = await timed("audit log, raw read", read_audit())
            figures["audit verify"] = await timed("audit log, verify", verify_audit_log(conn))
        finally:
            await conn.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.verify_chain")
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    figures = asyncio.run(run(args.events))
    n = args.events
    lines = [
        f"\n## Verifying the hash chains ({datetime.now(UTC):%Y-%m-%d}, {n:,} events)\n",
        "| what | seconds | events/s |",
        "|---|---|---|",
        *(f"| {k} | {v:.2f} | {n / v:,.0f} |" for k, v in figures.items()),
        "",
    ]
    with RESULTS.open("a") as out:
        out.write("\n".join(lines))
    console.print("\n".join(lines))


if __name__ == "__main__":
    main()
