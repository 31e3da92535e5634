"""Parked messages of a consumer whose positions live in PostgreSQL (`shared/consumer.py`):
the rows of `consumer_parked`, and their replay once the cause is fixed.

A replay applies the parked message through the consumer's own projection, exactly once.
One transaction inserts the event's id into `consumer_seen_events` (an id already there
was applied from another copy: nothing is applied), runs the projection and records the
replay in `consumer_replayed`, keyed by the parked message's position. A second replay
finds that row and changes nothing; a message still refused rolls back, leaving no trace.

The audit log chains each partition's rows in offset order, and a replayed event arrives
long after its offset. Its row is linked into a chain of its own instead, the replays in
the order they were made (`replay_position`): the partitions' chains, and their comparison
with Kafka, stay as they were, and a rebuild appends the replays the same way. A replay is
refused while a rebuild runs (it holds the lock `rebuild_lock` for its whole run).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from aiokafka import ConsumerRecord

from shared.consumer import REFUSALS, Handler, Position, apply_once
from shared.consuming import Record, parse_one
from shared.database import APPEND
from shared.pg import DbConn

REPLAYED = """
CREATE TABLE IF NOT EXISTS consumer_replayed (
    group_id    text        NOT NULL,
    topic       text        NOT NULL,
    partition   int         NOT NULL,
    "offset"    bigint      NOT NULL,
    number      bigint      NOT NULL,  -- the replay's place in the audit log's chain of replays
    applied     boolean     NOT NULL,  -- false: its event had been applied from another copy
    replayed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, topic, partition, "offset"),
    UNIQUE (group_id, number)
);
"""
ACCESS = {"consumer_replayed": APPEND}
# Where replayed events stand in the audit log: this chain, partition 0, the replay's number.
REPLAY_CHAIN = "replayed"


class StillRefused(Exception):
    """The parked message still cannot be applied: nothing was changed."""


class RebuildRunning(Exception):
    """A rebuild of the read models runs: replays wait until it is done."""


def rebuild_lock(group_id: str) -> str:
    return f"zr-rebuild:{group_id}"


def replay_position(number: int) -> Position:
    return (REPLAY_CHAIN, 0, number)


@dataclass(frozen=True)
class ParkedMessage:
    group_id: str
    topic: str
    partition: int
    offset: int
    reason: str
    payload: bytes | None
    parked_at: datetime
    replayed_at: datetime | None = None
    applied: bool | None = None

    @property
    def record(self) -> Record:
        """The message as the consumer read it."""
        size = len(self.payload or b"")
        return ConsumerRecord(
            self.topic, self.partition, self.offset, int(self.parked_at.timestamp() * 1000),
            0, None, self.payload, None, -1, size, [],
        )  # fmt: skip


SELECT = """
SELECT p.group_id, p.topic, p.partition, p."offset", p.reason, p.payload, p.parked_at,
       r.replayed_at, r.applied
FROM consumer_parked p LEFT JOIN consumer_replayed r USING (group_id, topic, partition, "offset")
"""


async def newest_parked(conn: DbConn, group_id: str, limit: int) -> list[ParkedMessage]:
    rows = await conn.fetch(
        f'{SELECT} WHERE p.group_id = $1 ORDER BY p.parked_at DESC, p."offset" DESC LIMIT $2',
        group_id,
        limit,
    )
    return [ParkedMessage(**dict(r)) for r in rows]


async def find_parked(
    conn: DbConn, group_id: str, topic: str, partition: int, offset: int
) -> ParkedMessage | None:
    row = await conn.fetchrow(
        f"{SELECT} WHERE p.group_id = $1 AND p.topic = $2 AND p.partition = $3 "
        'AND p."offset" = $4',
        group_id, topic, partition, offset,
    )  # fmt: skip
    return ParkedMessage(**dict(row)) if row else None


async def count_parked(conn: DbConn, group_id: str) -> tuple[int, int]:
    """How many messages are parked, and how many of them were replayed."""
    row = await conn.fetchrow(
        f"SELECT count(*) AS parked, count(replayed_at) AS replayed FROM ({SELECT}) AS x "
        "WHERE group_id = $1",
        group_id,
    )
    assert row is not None  # an aggregate always has a row
    return int(row["parked"]), int(row["replayed"])


async def replayed(conn: DbConn, group_id: str) -> list[tuple[int, ParkedMessage]]:
    """The replays that applied their event, in the order they were made."""
    rows = await conn.fetch(
        f"SELECT r.number, x.* FROM consumer_replayed r JOIN ({SELECT}) AS x "
        'USING (group_id, topic, partition, "offset") '
        "WHERE r.group_id = $1 AND r.applied ORDER BY r.number",
        group_id,
    )
    return [(r["number"], ParkedMessage(**{k: v for k, v in r.items() if k != "number"}))
            for r in rows]  # fmt: skip


async def replay(
    conn: DbConn,
    group_id: str,
    where: tuple[str, int, int],
    handler: Handler,
    owners: Mapping[str, str],
) -> tuple[ParkedMessage, bool]:
    """Apply a parked message through `handler` once: the message as it is afterwards, and
    whether this call replayed it (False: it was replayed before, and nothing changed).
    Raises LookupError (not parked), StillRefused, RebuildRunning."""
    async with conn.transaction():
        lock = "SELECT pg_try_advisory_xact_lock_shared(hashtext($1))"
        if not await conn.fetchval(lock, rebuild_lock(group_id)):
            raise RebuildRunning("a rebuild of the read models is running; replay after it")
        # One replay at a time: each takes the next number of the chain of replays.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"zr-replay:{group_id}")
        message = await find_parked(conn, group_id, *where)
        if message is None:
            raise LookupError(f"no message of {group_id} is parked at {where}")
        if message.replayed_at is not None:
            return message, False
        parsed = parse_one(message.record, owners)
        if isinstance(parsed, str):
            raise StillRefused(parsed)
        number = await conn.fetchval(
            "SELECT coalesce(max(number), 0) + 1 FROM consumer_replayed WHERE group_id = $1",
            group_id,
        )
        try:
            applied = await apply_once(conn, group_id, handler, [parsed], [replay_position(number)])
        except REFUSALS as exc:
            raise StillRefused(f"rejected by handler: {type(exc).__name__}: {exc}") from exc
        await conn.execute(
            'INSERT INTO consumer_replayed (group_id, topic, partition, "offset", number, applied) '
            "VALUES ($1, $2, $3, $4, $5, $6)",
            group_id, *where, number, bool(applied),
        )  # fmt: skip
        done = await find_parked(conn, group_id, *where)
    assert done is not None
    return done, True
