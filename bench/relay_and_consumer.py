"""Baseline benchmark: relay and consumer throughput next to raw aiokafka and raw asyncpg.

    make bench            (or: uv run python -m bench.relay_and_consumer --events 20000)

Uses the running PostgreSQL and Kafka (make bench starts them), fresh databases and topics,
and appends its figures to docs/benchmarks.md.
"""

import argparse
import asyncio
import os
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker
from rich.console import Console
from rich.progress import Progress

from bench.scratch import scratch_databases
from services.regions.adapters.public_events import to_public
from services.regions.application.regions import RegionsApplication
from services.regions.domain.region import Region
from services.regions.settings import RegionsSettings
from services.reporting.adapters.projections import project
from services.reporting.adapters.schema import SCHEMA
from shared.consumer import ExactlyOnceConsumer
from shared.es import meta
from shared.kafka import KafkaAccess
from shared.relay import OutboxRelay
from shared.topics import ensure_topics

console = Console()
RESULTS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
KAFKA = KafkaAccess.development("127.0.0.1:9092", "admin")  # the operations user
ARLS = ["ArL Braunschweig", "ArL Leine-Weser", "ArL Lüneburg", "ArL Weser-Ems"]
ACTOR = {"role": "ministry", "subject": "bench", "region_id": None}


def store_regions(app: RegionsApplication, n: int, progress: Progress) -> None:
    task = progress.add_task("storing events", total=n)
    for start in range(0, n, 1000):
        regions = [
            Region(
                region_id=f"b-{i:07d}",
                name=f"Bench {i}",
                arl=ARLS[i % 4],
                recognised_on=date(2022, 9, 1),
                announced_budget_cents=None,
                notes=[],
                meta=meta(ACTOR, None),
            )
            for i in range(start, min(n, start + 1000))
        ]
        app.save(*regions)
        progress.advance(task, len(regions))


async def bench_relay(
    settings: RegionsSettings, n: int, progress: Progress
) -> tuple[float, float, bytes]:
    app = RegionsApplication(env=settings.eventsourcing_env())
    await asyncio.to_thread(store_regions, app, n, progress)
    topic = f"bench.{uuid.uuid4().hex[:8]}.relay"
    raw_topic = topic + ".raw"
    await ensure_topics(KAFKA, [topic, raw_topic], 3)
    relay = OutboxRelay(
        name="bench",
        app=app,
        translate=to_public,
        topic=topic,
        kafka=KAFKA,
        pg_dsn=settings.pg_dsn,
    )
    task = progress.add_task("relay -> Kafka", total=n)
    started = time.perf_counter()
    runner = asyncio.create_task(relay.run())
    while relay.stats.published < n:
        await asyncio.sleep(0.05)
        progress.update(task, completed=relay.stats.published)
    relay_s = time.perf_counter() - started
    runner.cancel()
    sample = to_public(app.mapper.to_domain_event(app.recorder.select_notifications(1, 1)[0]))[0]
    body = sample.to_bytes()

    producer = AIOKafkaProducer(
        **KAFKA.options(),
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        max_batch_size=256 * 1024,
    )
    await producer.start()
    task = progress.add_task("raw aiokafka producer", total=n)
    started = time.perf_counter()
    for start in range(0, n, 500):
        futures = [
            await producer.send(raw_topic, value=body, key=str(i).encode())
            for i in range(start, min(n, start + 500))
        ]
        await asyncio.gather(*futures)
        progress.advance(task, len(futures))
    raw_s = time.perf_counter() - started
    await producer.stop()
    app.close()
    return n / relay_s, n / raw_s, topic.encode()


async def bench_consumer(
    settings: RegionsSettings, n: int, topic: str, progress: Progress, db: str
) -> tuple[float, float]:
    dsn = settings.model_copy(update={"pg_database": db}).pg_dsn
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    await pool.execute(SCHEMA)
    broker = KafkaBroker(KAFKA.bootstrap, security=KAFKA.security, logger=None)
    consumer = ExactlyOnceConsumer(
        group_id=f"bench-{uuid.uuid4().hex[:6]}",
        topics=[topic],
        handler=project,
        pool=pool,
        dead_letter_topic=topic + ".dlq",
    )
    consumer.register(broker)
    await consumer.setup_schema()
    await ensure_topics(KAFKA, [topic + ".dlq"], 1)
    task = progress.add_task("consumer -> PostgreSQL", total=n)
    started = time.perf_counter()
    await broker.start()
    while consumer.applied < n:
        await asyncio.sleep(0.05)
        progress.update(task, completed=consumer.applied)
    consumer_s = time.perf_counter() - started
    await broker.stop()

    await pool.execute(
        "CREATE TABLE raw_rows (id uuid PRIMARY KEY, region text, arl text, data jsonb)"
    )
    rows = [(uuid.uuid4(), f"b-{i:07d}", ARLS[i % 4], '{"x": 1}') for i in range(n)]
    task = progress.add_task("raw asyncpg inserts", total=n)
    started = time.perf_counter()
    async with pool.acquire() as conn:
        for start in range(0, n, 500):
            async with conn.transaction():
                await conn.executemany(
                    "INSERT INTO raw_rows VALUES ($1, $2, $3, $4::jsonb)", rows[start : start + 500]
                )
            progress.advance(task, min(500, n - start))
    raw_s = time.perf_counter() - started
    await pool.close()
    return n / consumer_s, n / raw_s


async def main(n: int) -> None:
    base = RegionsSettings()
    async with scratch_databases(base) as fresh_db:
        settings = base.model_copy(update={"pg_database": await fresh_db()})
        with Progress(console=console) as progress:
            relay_rate, raw_produce, topic = await bench_relay(settings, n, progress)
            consumer_rate, raw_insert = await bench_consumer(
                settings, n, topic.decode(), progress, await fresh_db()
            )
    report = (
        f"\n## Run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"({os.cpu_count()} cores, {n:,} events)\n\n"
        "| path | events/s | raw baseline | raw events/s | ratio |\n|---|---:|---|---:|---:|\n"
        f"| relay: event store -> Kafka | {relay_rate:,.0f} | aiokafka idempotent producer | "
        f"{raw_produce:,.0f} | {relay_rate / raw_produce:.2f} |\n"
        f"| consumer: Kafka -> read model | {consumer_rate:,.0f} | asyncpg executemany, 500/tx | "
        f"{raw_insert:,.0f} | {consumer_rate / raw_insert:.2f} |\n"
    )
    console.print(report)
    await asyncio.to_thread(_append, report)
    console.print(f"appended to {RESULTS}")


def _append(report: str) -> None:
    with RESULTS.open("a") as f:
        f.write(report)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    asyncio.run(main(parser.parse_args().events))
