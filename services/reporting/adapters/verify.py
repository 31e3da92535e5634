"""Is reporting's audit log what Kafka holds? Its hash chains recomputed from the rows
(shared/chain.py) and, with `against_kafka`, from the topics themselves: the audit log is a
copy of Kafka's records (each partition's, in offset order, without what the live consumer
parked or had seen before), so a database rewritten together with its chains still
differs from the chain the topics give.
"""

from collections.abc import Mapping, Sequence

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from services.reporting.adapters.projections import chained
from services.reporting.adapters.rebuild import raw_audit_row
from shared.chain import Verdict, verify_audit_log
from shared.consuming import parse_one
from shared.kafka import KafkaAccess


async def verify(
    pool: asyncpg.Pool,
    kafka: KafkaAccess,
    topics: Sequence[str],
    owners: Mapping[str, str],
    group_id: str,
    *,
    against_kafka: bool = False,
) -> Verdict:
    async with pool.acquire() as conn:
        verdict = await verify_audit_log(conn)
        if not verdict.intact or not against_kafka:
            return verdict
        judged = {
            TopicPartition(r["topic"], r["partition"]): r["next_offset"]
            for r in await conn.fetch(
                "SELECT topic, partition, next_offset FROM consumer_offsets WHERE group_id = $1",
                group_id,
            )
        }
        parked = {
            (r["topic"], r["partition"], r["offset"])
            for r in await conn.fetch(
                'SELECT topic, partition, "offset" FROM consumer_parked WHERE group_id = $1',
                group_id,
            )
        }
    heads = await _heads_from_kafka(kafka, topics, owners, judged, parked)
    for (topic, partition), (offset, link) in sorted(heads.items()):
        stored = verdict.heads.get(f"{topic}[{partition}]")
        if stored is None or (stored.position, stored.hash) != (offset, link):
            verdict.broken = (
                f"audit_log: {topic}[{partition}] up to offset {offset} differs from what Kafka "
                "holds there: the log (and its chain) was rewritten"
            )
            break
    verdict.anchors = len(heads)
    return verdict


async def _heads_from_kafka(
    kafka: KafkaAccess,
    topics: Sequence[str],
    owners: Mapping[str, str],
    judged: Mapping[TopicPartition, int],
    parked: set[tuple[str, int, int]],
) -> dict[tuple[str, int], tuple[int, str]]:
    """Each partition's chain head as the live consumer built it from the records it
    judged: (the last applied offset, its link)."""
    wanted = [tp for tp in judged if tp.topic in topics and judged[tp] > 0]
    if not wanted:
        return {}
    consumer = AIOKafkaConsumer(**kafka.options(), group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(wanted)
        await consumer.seek_to_beginning(*wanted)
        links: dict[tuple[str, int], bytes] = {}
        last: dict[tuple[str, int], int] = {}
        seen: set[str] = set()
        while [tp for tp in wanted if await consumer.position(tp) < judged[tp]]:
            batch = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            for tp, records in batch.items():
                rows, positions = [], []
                for r in records:
                    if r.offset >= judged[tp] or (r.topic, r.partition, r.offset) in parked:
                        continue
                    if isinstance(parse_one(r, owners), str):
                        continue  # the live consumer parked it (and listed it)
                    row = raw_audit_row(r.value or b"")
                    if str(row[0]) in seen:
                        continue  # republished: applied once, at its first offset
                    seen.add(str(row[0]))
                    rows.append(row)
                    positions.append((r.topic, r.partition, r.offset))
                for row in chained(rows, positions, links):
                    last[(row[-4], row[-3])] = row[-2]
        return {key: (last[key], links[key].hex()) for key in last}
    finally:
        await consumer.stop()
