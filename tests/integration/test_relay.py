"""The outbox relay against the real PostgreSQL and Kafka, as a real process."""

import asyncio
from collections import defaultdict

from aiokafka import ConsumerRecord

from shared.events import CloudEvent
from shared.topics import ensure_topics
from tests import support
from tests.integration.ledger import LedgerApplication, fill
from tests.integration.relay_worker import env

AGGREGATES, EVENTS_EACH = 40, 50
N = AGGREGATES * EVENTS_EACH


async def stored_events(database: str, topic: str) -> tuple[LedgerApplication, int]:
    await ensure_topics(support.ADMIN, [topic], partitions=3)
    app = LedgerApplication(env=env(database))
    return app, fill(app, AGGREGATES, EVENTS_EACH)


def relay(name: str, database: str, topic: str, delay: float = 0.0) -> support.Process:
    return support.start_process(
        name,
        ["-m", "tests.integration.relay_worker", database, topic, str(delay)],
        dict(support.os.environ),
    )


async def position(database: str) -> int:
    exists = await support.table(database, "SELECT to_regclass('relay_position') IS NOT NULL AS e")
    if not exists[0]["e"]:
        return 0
    rows = await support.table(database, "SELECT position FROM relay_position")
    return rows[0]["position"] if rows else 0


def first_occurrences_in_order(records: list[ConsumerRecord[bytes, bytes]]) -> dict[str, list[int]]:
    """Per aggregate, the sequence numbers in the order Kafka delivers them, duplicates dropped."""
    seen: set[str] = set()
    per_aggregate: dict[str, list[int]] = defaultdict(list)
    for r in sorted(records, key=lambda r: (r.partition, r.offset)):
        ce = CloudEvent.from_bytes(r.value or b"")
        assert r.key == ce.aggregateid.encode(), "keyed by aggregate id"
        if str(ce.id) not in seen:
            seen.add(str(ce.id))
            per_aggregate[ce.aggregateid].append(ce.sequence)
    return per_aggregate


async def test_n_stored_events_give_exactly_n_messages_in_order(
    fresh_database: str, topic_prefix: str, processes: list[support.Process]
) -> None:
    topic = f"{topic_prefix}.ledgers"
    app, n = await stored_events(fresh_database, topic)
    processes.append(relay("relay", fresh_database, topic))

    await support.eventually(lambda: _at(fresh_database, app), timeout=60)
    records = await support.read_topic(topic, expected=n + 1, idle_ms=2000)

    assert len(records) == n
    assert len({CloudEvent.from_bytes(r.value or b"").id for r in records}) == n
    order = first_occurrences_in_order(records)
    assert len(order) == AGGREGATES
    assert all(seqs == list(range(1, EVENTS_EACH + 1)) for seqs in order.values())


async def test_a_relay_killed_mid_stream_publishes_everything_after_restart(
    fresh_database: str, topic_prefix: str, processes: list[support.Process]
) -> None:
    topic = f"{topic_prefix}.ledgers"
    app, n = await stored_events(fresh_database, topic)
    first = relay("relay-1", fresh_database, topic, delay=0.002)
    processes.append(first)

    async def some_published() -> bool:
        return await position(fresh_database) >= 300

    await support.eventually(some_published, timeout=60, interval=0.05)
    first.kill9()
    assert await position(fresh_database) < n, "killed in the middle of the stream"

    processes.append(relay("relay-2", fresh_database, topic))
    await support.eventually(lambda: _at(fresh_database, app), timeout=60)
    records = await support.read_topic(topic, idle_ms=2000)

    by_id: dict[str, set[bytes]] = defaultdict(set)
    for r in records:
        by_id[str(CloudEvent.from_bytes(r.value or b"").id)].add(r.value or b"")
    assert len(by_id) == n, "every stored event was published"
    assert all(len(bodies) == 1 for bodies in by_id.values()), (
        "a duplicate is the same message, same id"
    )
    order = first_occurrences_in_order(records)
    assert all(seqs == list(range(1, EVENTS_EACH + 1)) for seqs in order.values())


async def test_only_one_relay_of_a_service_publishes(
    fresh_database: str, topic_prefix: str, processes: list[support.Process]
) -> None:
    topic = f"{topic_prefix}.ledgers"
    app, n = await stored_events(fresh_database, topic)
    processes.extend(
        [
            relay("relay-a", fresh_database, topic, 0.001),
            relay("relay-b", fresh_database, topic, 0.001),
        ]
    )
    await support.eventually(lambda: _at(fresh_database, app), timeout=90)
    await asyncio.sleep(1)
    records = await support.read_topic(topic, idle_ms=2000)
    assert len(records) == n, "the standby relay did not publish a second copy"

    async def one_stands_by() -> bool:
        return sum("standing by" in p.output() for p in processes) == 1

    await support.eventually(one_stands_by, timeout=30)
    assert len(await support.read_topic(topic, idle_ms=1000)) == n


async def _at(database: str, app: LedgerApplication) -> bool:
    return await position(database) == app.recorder.max_notification_id()
