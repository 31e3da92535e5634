"""Rebuilding the reporting read models from Kafka, next to a raw aiokafka consume of the
same topics in the same run; and "as of" queries for one region.

    make bench-rebuild     (or: uv run python -m bench.rebuild --events 1000000)

Synthetic but realistic public events (14 regions, projects with ten lifecycle events
each, one region holding 10,000 of them) are produced to fresh topics first. Appends the
figures to docs/benchmarks.md.
"""

import argparse
import asyncio
import os
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from rich.console import Console
from rich.progress import Progress, TaskID

from bench.scratch import scratch_databases
from services.reporting.adapters.figures import figures
from services.reporting.adapters.rebuild import Rebuild
from services.reporting.adapters.schema import SCHEMA
from services.reporting.settings import ReportingSettings
from shared.consumer import SCHEMA as CONSUMER_SCHEMA
from shared.events import Actor, PublicEvent, v1, wrap
from shared.kafka import KafkaAccess
from shared.topics import Topics, ensure_topics

console = Console()
RESULTS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
KAFKA = KafkaAccess.development("127.0.0.1:9092", "admin")  # the operations user
ACTOR = Actor(role="nbank", subject="bench")
T0 = datetime(2025, 1, 1, tzinfo=UTC)
HOT_REGION = "hot"
HOT_PROJECTS = 1_000  # x 10 events = the 10,000 events of the "as of" region


def envelope(payload: PublicEvent, source: str, aggregate: uuid.UUID, seq: int) -> bytes:
    return wrap(
        payload, event_type=payload.event_type(), source=source, subject="bench",
        aggregate_id=aggregate, sequence=seq, time=payload.occurred_at,
    ).to_bytes()  # fmt: skip


def project_events(n: int, region: str, at: datetime) -> list[tuple[bytes, bytes]]:
    pid = uuid.uuid4()
    common = {"actor": ACTOR, "project_id": pid, "region_id": region}
    money = {**common, "fund": "EFRE"}
    payloads: list[PublicEvent] = [
        v1.ProjectProposedV1(
            **common,
            occurred_at=at,
            operation_code=f"ZRN-{region.upper()}-{n:07d}",
            title=f"Bench {n}",
            purpose="bench",
            applicant_name="Landkreis Celle",
            applicant_kind="municipality",
            handlungsfeld="HF1",
            fund="EFRE",
            location_ags="03351",
            start_date=date(2025, 1, 1),
            end_date=date(2026, 12, 31),
            total_cost_cents=200_000_00,
            eligible_cost_cents=200_000_00,
            kind="project",
        ),
        v1.PriorityCheckRecordedV1(**common, occurred_at=at, outcome="passed"),
        v1.ProjectEndorsedV1(
            **common,
            occurred_at=at,
            votes_for=5,
            votes_against=0,
            abstentions=0,
            voted_on=date(2025, 2, 1),
        ),
        v1.ApplicationSubmittedV1(**common, occurred_at=at),
        v1.FundsCommittedV1(
            **money,
            occurred_at=at,
            amount_cents=120_000_00,
            eligible_cost_cents=200_000_00,
            funding_rate=Decimal("0.60"),
        ),
        v1.PaymentRequestedV1(
            **money,
            occurred_at=at,
            amount_cents=60_000_00,
            request_no=1,
            declared_expenditure_cents=100_000_00,
        ),
        v1.FundsDisbursedV1(**money, occurred_at=at, amount_cents=60_000_00),
        v1.ProofOfUseAcceptedV1(**common, occurred_at=at, eligible_expenditure_cents=100_000_00),
        v1.FundsReleasedV1(**money, occurred_at=at, amount_cents=60_000_00, reason="closure"),
        v1.ProjectClosedV1(**common, occurred_at=at),
    ]
    key = str(pid).encode()
    return [
        (key, envelope(p, "/zukunftsregionen/funding", pid, i))
        for i, p in enumerate(payloads, start=1)
    ]


def region_events(region: str) -> list[tuple[bytes, bytes]]:
    rid = uuid.uuid5(uuid.NAMESPACE_URL, region)
    at = T0 - timedelta(days=30)
    payloads: list[PublicEvent] = [
        v1.RegionRecognisedV1(
            actor=ACTOR,
            occurred_at=at,
            region_id=region,
            region_name=region,
            arl="ArL Lüneburg",
            recognised_on=None,
        ),
        v1.BudgetAllocatedV1(
            actor=ACTOR,
            occurred_at=at,
            region_id=region,
            fund="EFRE",
            amount_cents=90_000_000_00,
            basis="decision",
        ),
    ]
    return [
        (str(rid).encode(), envelope(p, "/zukunftsregionen/regions", rid, i))
        for i, p in enumerate(payloads, 1)
    ]


async def produce(topics: Topics, events: int, progress: Progress) -> int:
    producer = AIOKafkaProducer(
        **KAFKA.options(),
        enable_idempotence=True,
        acks="all",
        linger_ms=20,
        max_batch_size=512 * 1024,
    )
    await producer.start()
    task = progress.add_task("producing events", total=events)
    sent = 0
    regions = [HOT_REGION, *(f"region-{i:02d}" for i in range(13))]
    try:
        for r in regions:
            for key, value in region_events(r):
                await producer.send(topics.regions_events, value=value, key=key)
                sent += 1
        n = 0
        while sent < events:
            futures = []
            for _ in range(100):
                region = HOT_REGION if n < HOT_PROJECTS else regions[1 + n % 13]
                at = T0 + timedelta(minutes=n)
                for key, value in project_events(n, region, at):
                    futures.append(await producer.send(topics.funding_events, value=value, key=key))
                n += 1
            await asyncio.gather(*futures)
            sent += len(futures)
            progress.update(task, completed=sent)
    finally:
        await producer.stop()
    return sent


async def raw_consume(topics: Topics, total: int, progress: Progress) -> float:
    consumer = AIOKafkaConsumer(
        **KAFKA.options(),
        enable_auto_commit=False,
        group_id=None,
        max_partition_fetch_bytes=8 * 1024 * 1024,
    )
    await consumer.start()
    try:
        tps = [TopicPartition(t, p) for t in topics.public for p in range(3)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        task = progress.add_task("raw aiokafka consume", total=total)
        count, started = 0, time.perf_counter()
        while count < total:
            batch = await consumer.getmany(timeout_ms=1000, max_records=5000)
            count += sum(len(v) for v in batch.values())
            progress.update(task, completed=count)
        return count / (time.perf_counter() - started)
    finally:
        await consumer.stop()


async def end_offsets(topics: Topics) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(**KAFKA.options(), group_id=None)
    await consumer.start()
    try:
        tps = [TopicPartition(t, p) for t in topics.public for p in range(3)]
        return dict(await consumer.end_offsets(tps))
    finally:
        await consumer.stop()


def show(progress: Progress, task: TaskID, done: int, _total: int) -> None:
    progress.update(task, completed=done)


async def measure(
    settings: ReportingSettings, events: int
) -> tuple[dict[bool, float], float, int, list[float]]:
    topics = Topics(f"zrbench{uuid.uuid4().hex[:6]}")
    await ensure_topics(KAFKA, list(topics.public), 3)
    with Progress(console=console) as progress:
        total = await produce(topics, events, progress)
        raw_rate = await raw_consume(topics, total, progress)
        pool = await asyncpg.create_pool(settings.pg_dsn, min_size=1, max_size=4)
        async with pool.acquire() as conn:
            await conn.execute(SCHEMA)
            await conn.execute(CONSUMER_SCHEMA)
        # As in production: the live consumer has judged every message (none parked).
        async with pool.acquire() as conn:
            await conn.executemany(
                "INSERT INTO consumer_offsets (group_id, topic, partition, next_offset) "
                "VALUES ('reporting', $1, $2, $3)",
                [(tp.topic, tp.partition, end) for tp, end in (await end_offsets(topics)).items()],
            )
        rates = {}
        for revalidate in (False, True):
            rebuild = Rebuild(pool, KAFKA, topics.public, "reporting", revalidate=revalidate)
            task = progress.add_task(f"rebuild (revalidate={revalidate})", total=total)
            started = time.perf_counter()
            await rebuild.run(partial(show, progress, task))
            rates[revalidate] = rebuild.read / (time.perf_counter() - started)
        timings = []
        reader = await asyncpg.connect(settings.pg_dsn, statement_cache_size=0)
        moment = T0 + timedelta(minutes=HOT_PROJECTS)
        for _ in range(21):
            t = time.perf_counter()
            f = await figures(reader, HOT_REGION, moment)
            timings.append((time.perf_counter() - t) * 1000)
        assert f.rows and f.rows[0]["committed_cents"] == HOT_PROJECTS * 120_000_00
        await reader.close()
        await pool.close()
    return rates, raw_rate, total, timings


async def main(events: int) -> None:
    base = ReportingSettings()
    async with scratch_databases(base) as fresh_db:
        settings = base.model_copy(update={"pg_database": await fresh_db()})
        rates, raw_rate, total, timings = await measure(settings, events)
    report = (
        f"\n## Rebuild and as-of, run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"({os.cpu_count()} cores, {total:,} events)\n\n"
        "| measure | value |\n|---|---:|\n"
        f"| rebuild: Kafka -> fresh read models, events/s | {rates[False]:,.0f} |\n"
        f"| raw aiokafka consume of the same topics, events/s | {raw_rate:,.0f} |\n"
        f"| ratio rebuild / raw | {rates[False] / raw_rate:.2f} |\n"
        f"| rebuild validating every message again (--revalidate), events/s | "
        f"{rates[True]:,.0f} |\n"
        f"| as of, one region over {HOT_PROJECTS * 10:,} events: median ms (21 runs) | "
        f"{statistics.median(timings):.0f} |\n"
    )
    console.print(report)
    with RESULTS.open("a") as out:
        out.write(report)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    asyncio.run(main(parser.parse_args().events))
