"""An agency's subscriber to the programme's public events, as an agency would write it.

It reads the public topics with its own consumer group, from the beginning or from a
date, checks every message against the published JSON Schema of its type, applies each
event once (by its id) to a small SQLite database of its own, and commits its Kafka
offsets only after that database committed. What it keeps is an example: events per
type, and the money committed per region and fund.

    python examples/agency_subscriber/subscriber.py --user agency-lsn \\
        --group agency-lsn.statistik --from-date 2026-01-01 --until-idle

Only aiokafka and jsonschema are needed (and httpx, to fetch the schemas over HTTP).
See README.md next to this file.
"""

import argparse
import asyncio
import json
import logging
import os
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition

log = logging.getLogger("agency-subscriber")
PREFIX = "de.niedersachsen.zukunftsregionen."
ENVELOPE = ("specversion", "id", "source", "type", "time", "subject", "aggregateid", "data")

STORE = """
CREATE TABLE IF NOT EXISTS seen (event_id TEXT PRIMARY KEY, type TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events_per_type (name TEXT PRIMARY KEY, events INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS committed (
    region_id TEXT NOT NULL, fund TEXT NOT NULL, cents INTEGER NOT NULL,
    PRIMARY KEY (region_id, fund)
);
CREATE TABLE IF NOT EXISTS rejected (
    topic TEXT, partition INTEGER, "offset" INTEGER, reason TEXT,
    PRIMARY KEY (topic, partition, "offset")
);
"""


# The published schemas --------------------------------------------------------------------


class Schemas:
    """The published JSON Schemas by CloudEvent type.

    A type the subscriber does not know in this version but in an older one (say v3 when
    it knows v2) is checked against the newest version it knows: the programme publishes
    every next version as a superset of the previous one.
    """

    def __init__(self, schemas: dict[str, dict[str, Any]]) -> None:
        self.by_type = schemas

    @classmethod
    def from_directory(cls, directory: Path) -> "Schemas":
        return cls({p.stem: json.loads(p.read_text()) for p in directory.glob("*.json")})

    @classmethod
    def from_url(cls, base: str, token: str) -> "Schemas":
        import httpx  # only needed for this way of getting them

        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            index = http.get("/contracts/events")
            index.raise_for_status()
            return cls(
                {t: http.get(url).raise_for_status().json() for t, url in index.json().items()}
            )

    def for_type(self, event_type: str) -> dict[str, Any] | None:
        if event_type in self.by_type:
            return self.by_type[event_type]
        name, _, version = event_type.rpartition(".v")
        known = [int(t.rpartition(".v")[2]) for t in self.by_type if t.rpartition(".v")[0] == name]
        if not version.isdigit() or not known:
            return None
        older = [v for v in known if v < int(version)]
        return self.by_type[f"{name}.v{max(older)}"] if older else None


def check(raw: bytes | None, schemas: Schemas) -> dict[str, Any]:
    """The envelope, if it is a well-formed event of a published type; else ValueError."""
    try:
        event = json.loads(raw or b"")
    except ValueError as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(event, dict) or any(k not in event for k in ENVELOPE):
        raise ValueError(f"not a CloudEvent: needs {', '.join(ENVELOPE)}")
    schema = schemas.for_type(str(event["type"]))
    if schema is None:
        raise ValueError(f"no published schema for {event['type']}")
    try:
        jsonschema.validate(event["data"], schema)
    except jsonschema.ValidationError as exc:
        where = ".".join(map(str, exc.absolute_path)) or "data"
        raise ValueError(f"{where}: {exc.message}") from None
    return event


# What this agency keeps -----------------------------------------------------------------


def apply(db: sqlite3.Connection, event: dict[str, Any]) -> bool:
    """Apply one event once: False if its id was applied before."""
    name = event["type"].removeprefix(PREFIX).rpartition(".v")[0]
    try:
        db.execute("INSERT INTO seen (event_id, type) VALUES (?, ?)", (event["id"], event["type"]))
    except sqlite3.IntegrityError:
        return False  # delivered again (at least once): already counted
    db.execute(
        "INSERT INTO events_per_type (name, events) VALUES (?, 1) "
        "ON CONFLICT (name) DO UPDATE SET events = events + 1",
        (name,),
    )
    data = event["data"]
    sign = {"FundsCommitted": 1, "FundsReleased": -1, "FundsRecovered": -1}.get(name)
    if sign:
        db.execute(
            "INSERT INTO committed (region_id, fund, cents) VALUES (?, ?, ?) "
            "ON CONFLICT (region_id, fund) DO UPDATE SET cents = cents + excluded.cents",
            (data["region_id"], data["fund"], sign * int(data["amount_cents"])),
        )
    return True


# Kafka ----------------------------------------------------------------------------------


class StartAt(ConsumerRebalanceListener):  # type: ignore[misc]
    """Partitions this group has no offset for yet start at the date (or the beginning)."""

    def __init__(self, consumer: AIOKafkaConsumer, since: datetime | None) -> None:
        self.consumer, self.since = consumer, since

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        pass

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        fresh = [tp for tp in assigned if await self.consumer.committed(tp) is None]
        if not fresh:
            return  # the group carries on where it committed
        if self.since is None:
            start = await self.consumer.beginning_offsets(fresh)
        else:
            millis = int(self.since.timestamp() * 1000)
            found = await self.consumer.offsets_for_times(dict.fromkeys(fresh, millis))
            end = await self.consumer.end_offsets(fresh)  # nothing since that date yet
            start = {tp: found[tp].offset if found[tp] else end[tp] for tp in fresh}
        for tp in fresh:
            self.consumer.seek(tp, start[tp])


async def run(args: argparse.Namespace, schemas: Schemas) -> dict[str, int]:
    db = sqlite3.connect(args.store)
    db.executescript(STORE)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=args.bootstrap,
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_plain_username=args.user,
        sasl_plain_password=args.password,
        group_id=args.group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    since = datetime.fromisoformat(args.from_date).replace(tzinfo=UTC) if args.from_date else None
    consumer.subscribe(args.topics, listener=StartAt(consumer, since))
    await consumer.start()
    counts = {"read": 0, "applied": 0, "duplicates": 0, "rejected": 0}
    idle = 0
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=1000, max_records=500)
            if not batch:
                idle += 1
                if args.until_idle and idle >= args.idle_seconds and consumer.assignment():
                    break
                continue
            idle = 0
            with db:  # one SQLite transaction per batch
                for tp, records in batch.items():
                    for r in records:
                        counts["read"] += 1
                        try:
                            event = check(r.value, schemas)
                        except ValueError as exc:
                            counts["rejected"] += 1
                            log.warning(
                                "%s[%d]@%d rejected: %s", tp.topic, tp.partition, r.offset, exc
                            )
                            db.execute(
                                "INSERT OR IGNORE INTO rejected VALUES (?, ?, ?, ?)",
                                (tp.topic, tp.partition, r.offset, str(exc)),
                            )
                            continue
                        if apply(db, event):
                            counts["applied"] += 1
                        else:
                            counts["duplicates"] += 1
            await consumer.commit()  # only after the database has the batch
    finally:
        await consumer.stop()
        db.close()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--bootstrap", default=os.environ.get("ZR_KAFKA", "127.0.0.1:9092"))
    parser.add_argument("--user", required=True, help="the agency's Kafka user, e.g. agency-lsn")
    parser.add_argument(
        "--password",
        default=os.environ.get("ZR_KAFKA_PASSWORD"),
        help="default: $ZR_KAFKA_PASSWORD, or the development password",
    )
    parser.add_argument("--group", required=True, help="own consumer group: '<user>.<name>'")
    parser.add_argument("--topics", nargs="+", default=["zr.regions.events", "zr.funding.events"])
    parser.add_argument(
        "--from-date",
        help="a new group starts at this date (YYYY-MM-DD); default: from the beginning",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--schemas-dir",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "contracts" / "events",
    )
    source.add_argument("--schemas-url", help="e.g. http://127.0.0.1:8003 (needs --token)")
    parser.add_argument("--token", default=os.environ.get("ZR_TOKEN"))
    parser.add_argument("--store", default="agency.sqlite3")
    parser.add_argument("--until-idle", action="store_true", help="stop when caught up")
    parser.add_argument("--idle-seconds", type=int, default=5)
    args = parser.parse_args()
    if not args.group.startswith(f"{args.user}."):
        parser.error(f"--group must start with '{args.user}.' (the broker allows no other)")
    args.password = args.password or f"{args.user}-dev-password"
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    if args.schemas_url:
        if not args.token:
            parser.error("--schemas-url needs --token (or $ZR_TOKEN)")
        schemas = Schemas.from_url(args.schemas_url, args.token)
    else:
        schemas = Schemas.from_directory(args.schemas_dir)
    if not schemas.by_type:
        parser.error("no published schemas found")
    counts = asyncio.run(run(args, schemas))
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
