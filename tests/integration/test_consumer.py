"""The exactly-once consumer of the reporting service, as a real process, on real Kafka."""

import uuid
from datetime import UTC, date, datetime

from shared.events import Actor, CloudEvent, v1, wrap
from shared.topics import Topics, ensure_topics
from tests import support

ARLS = ["ArL Braunschweig", "ArL Leine-Weser", "ArL Lüneburg", "ArL Weser-Ems"]


def recognised(i: int, region_id: str | None = None) -> CloudEvent:
    payload = v1.RegionRecognisedV1(
        actor=Actor(role="ministry", subject="mb-test"),
        occurred_at=datetime(2022, 9, 1, tzinfo=UTC),
        region_id=region_id or f"r-{i:06d}",
        region_name=f"Region {i}",
        arl=ARLS[i % 4],  # type: ignore[arg-type]
        recognised_on=date(2022, 9, 1 + i % 28),
    )
    return wrap(
        payload,
        event_type=payload.event_type(),
        source="/zukunftsregionen/regions",
        subject=f"regions/{payload.region_id}",
        aggregate_id=str(uuid.uuid5(uuid.NAMESPACE_URL, payload.region_id + str(i))),
        sequence=1,
        time=payload.occurred_at,
    )


def message(ce: CloudEvent) -> tuple[bytes, bytes]:
    return ce.aggregateid.encode(), ce.to_bytes()


def consumer(name: str, database: str, prefix: str, **extra: object) -> support.Process:
    env = support.service_env("REPORTING", database, prefix, **extra)
    return support.start_process(name, ["-m", "services.reporting", "consume"], env)


async def applied_offsets(database: str) -> int:
    try:
        rows = await support.table(
            database, "SELECT coalesce(sum(next_offset), 0) AS n FROM consumer_offsets"
        )
    except Exception:
        return 0  # the consumer has not created its tables yet
    return int(rows[0]["n"])


async def read_models(database: str) -> dict[str, list[dict[str, object]]]:
    return {
        "region_view": await support.table(
            database, "SELECT * FROM region_view ORDER BY region_id"
        ),
        "arl_overview": await support.table(
            database,
            "SELECT arl, count(*) AS regions_recognised FROM region_view GROUP BY arl ORDER BY arl",
        ),
        "audit_log": await support.table(
            database,
            "SELECT event_id, type, source, subject, aggregate_id, sequence, time, actor_role, "
            "actor_subject, correlation_id, causation_id, data FROM audit_log ORDER BY event_id",
        ),
    }


async def test_the_same_event_delivered_twice_has_one_effect(
    fresh_database: str, topic_prefix: str, processes: list[support.Process]
) -> None:
    topic = Topics(topic_prefix).regions_events
    await ensure_topics(support.ADMIN, [topic], 3)
    a, b = recognised(1), recognised(2)
    await support.produce(topic, [message(a), message(a), message(b), message(a)])
    processes.append(consumer("consumer", fresh_database, topic_prefix))

    await support.eventually(lambda: _applied(fresh_database, 4), timeout=60)
    models = await read_models(fresh_database)
    assert [r["region_id"] for r in models["region_view"]] == ["r-000001", "r-000002"]
    assert sum(r["regions_recognised"] for r in models["arl_overview"]) == 2
    assert len(models["audit_log"]) == 2


async def test_a_consumer_killed_mid_stream_ends_equal_to_a_replay_from_zero(
    fresh_database: str, second_database: str, topic_prefix: str, processes: list[support.Process]
) -> None:
    topic = Topics(topic_prefix).regions_events
    await ensure_topics(support.ADMIN, [topic], 3)
    events = [recognised(i) for i in range(20_000)]
    duplicates = events[::40]  # republished, as a relay does after a crash
    await support.produce(topic, [message(e) for e in events + duplicates])
    total = len(events) + len(duplicates)

    first = consumer("consumer-1", fresh_database, topic_prefix)
    processes.append(first)
    await support.eventually(lambda: _applied(fresh_database, 1000), timeout=60, interval=0.02)
    first.kill9()
    assert await applied_offsets(fresh_database) < total, "killed in the middle of the stream"

    processes.append(consumer("consumer-2", fresh_database, topic_prefix))
    await support.eventually(lambda: _applied(fresh_database, total), timeout=120)
    processes[-1].stop()

    processes.append(consumer("replay", second_database, topic_prefix, consumer_group="reporting"))
    await support.eventually(lambda: _applied(second_database, total), timeout=120)

    live, replay = await read_models(fresh_database), await read_models(second_database)
    assert len(live["region_view"]) == len(events)
    assert sum(r["regions_recognised"] for r in live["arl_overview"]) == len(events)
    assert live == replay


async def test_a_poison_message_is_parked_with_its_reason_and_the_rest_applied(
    fresh_database: str, topic_prefix: str, processes: list[support.Process]
) -> None:
    topics = Topics(topic_prefix)
    good_before, good_after = recognised(1), recognised(2)
    missing_field = recognised(3).model_copy(update={"data": {"region_id": "r-3"}})
    second_recognition = recognised(4, region_id=good_before.data["region_id"])
    values = [
        message(good_before)[1],
        b"{this is not json",
        message(missing_field)[1],
        message(second_recognition)[1],
        message(good_after)[1],
    ]
    # One key: all on one partition, in this order (offsets 0 to 4).
    await support.produce(topics.regions_events, [(b"one", v) for v in values])
    processes.append(consumer("consumer", fresh_database, topic_prefix))
    await support.eventually(lambda: _applied(fresh_database, 5), timeout=60)

    models = await read_models(fresh_database)
    assert [r["region_id"] for r in models["region_view"]] == ["r-000001", "r-000002"]
    parked = await support.table(
        fresh_database, 'SELECT "offset", reason FROM consumer_parked ORDER BY "offset"'
    )
    assert [p["offset"] for p in parked] == [1, 2, 3]
    assert "malformed" in parked[0]["reason"] or "invalid" in parked[0]["reason"]
    assert "region_name" in parked[1]["reason"]
    assert "region_view_pkey" in parked[2]["reason"] or "duplicate key" in parked[2]["reason"]

    dead = await support.read_topic(topics.dead_letter("reporting"), expected=3)
    assert len(dead) == 3
    headers = sorted((dict(r.headers) for r in dead), key=lambda h: h["dlq-offset"])
    assert [h["dlq-offset"] for h in headers] == [b"1", b"2", b"3"]
    assert all(
        h["dlq-reason"] and h["dlq-topic"] == topics.regions_events.encode() for h in headers
    )
    assert b"{this is not json" in [r.value for r in dead]


async def _applied(database: str, at_least: int) -> bool:
    return await applied_offsets(database) >= at_least
