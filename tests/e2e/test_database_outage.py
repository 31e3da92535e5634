"""No event is lost when PostgreSQL fails while a consumer holds a batch.

The timing that lost events before: under a steady load of funding commands, reporting
is paused (SIGSTOP) so that it falls behind, PostgreSQL crashes, reporting runs again
while the database is down (it holds fetched batches it cannot store), and PostgreSQL
comes back six seconds later. Afterwards every event on the public topics is in
reporting's audit log, and nothing was parked.
"""

import asyncio
import json
import os
import signal
import subprocess

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.topics import Topics, partitions_of
from tests import support
from tests.e2e.conftest import System
from tests.e2e.funding_steps import NBANK, record_region, region_tokens, wait_for_budget
from tests.workload import Workload

BUDGET = 90_000_000_00  # 90 m euros: more than the load can commit


def postgres(command: str) -> None:
    subprocess.run([support.ROOT / "deploy" / "postgres.sh", command], check=True)


async def end_offsets(topics: list[str]) -> dict[tuple[str, int], int]:
    consumer = AIOKafkaConsumer(**support.ADMIN.options(), enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [
            TopicPartition(t, p) for t in topics for p in await partitions_of(consumer, t)
        ]
        ends = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
    return {(tp.topic, tp.partition): offset for tp, offset in ends.items()}


async def caught_up(database: str, ends: dict[tuple[str, int], int]) -> bool:
    try:
        rows = await support.table(
            database, "SELECT topic, partition, next_offset FROM consumer_offsets"
        )
    except Exception:
        return False
    stored = {(r["topic"], r["partition"]): r["next_offset"] for r in rows}
    return all(stored.get(tp, 0) >= end for tp, end in ends.items() if end > 0)


async def test_reporting_loses_nothing_when_postgres_crashes_while_it_holds_a_batch(
    system: System, topic_prefix: str
) -> None:
    rm, sg = region_tokens("ausfall")
    async with httpx.AsyncClient(timeout=30) as http:
        await record_region(http, system.regions.url, "ausfall", BUDGET)
        await wait_for_budget(http, system.funding.url, "ausfall", BUDGET)
    load = Workload(
        system.funding.url,
        "ausfall",
        rm["Authorization"].removeprefix("Bearer "),
        sg["Authorization"].removeprefix("Bearer "),
        NBANK["Authorization"].removeprefix("Bearer "),
        rate=40,
    ).start()
    reporting = system.reporting.process.popen.pid
    try:
        await asyncio.sleep(5)
        os.killpg(reporting, signal.SIGSTOP)  # reporting falls behind
        await asyncio.sleep(3)
        postgres("crash")
        os.killpg(reporting, signal.SIGCONT)  # ...and runs on while the database is down
        await asyncio.sleep(6)
        postgres("start")
        await asyncio.sleep(8)
    finally:
        os.killpg(reporting, signal.SIGCONT)
        tally = load.stop()
    assert tally.acknowledged > 100, tally
    assert not tally.failed, tally

    topics = list(Topics(topic_prefix).public)
    ends = await end_offsets(topics)
    await support.eventually(lambda: caught_up(system.reporting.database, ends), timeout=120)

    records = [r for topic in topics for r in await support.read_topic(topic)]
    event_ids = {json.loads(r.value)["id"] for r in records}
    audit = await support.table(system.reporting.database, "SELECT event_id::text FROM audit_log")
    parked = await support.table(system.reporting.database, "SELECT reason FROM consumer_parked")
    assert parked == []
    missing = event_ids - {r["event_id"] for r in audit}
    assert not missing, f"{len(missing)} of {len(event_ids)} events never reached reporting"
