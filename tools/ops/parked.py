"""`parked list | show | replay` over the two ways the consumers park a message: reporting
keeps a table (shared/parking.py), funding only its dead-letter topic (shared/
dead_letters.py). Either way a parked message is named by its consumer and where the
consumer read it: `<service>:<topic>:<partition>:<offset>`.

A replay goes through the consumer's own handler (reporting's projection, funding's
application) and is applied once; a second replay of the same message changes nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from services.funding.bootstrap import make_app
from services.funding.settings import FundingSettings
from services.reporting.adapters.projections import project
from services.reporting.settings import ReportingSettings
from shared import parking
from shared.dead_letters import DeadLetter, dead_letters, replay_dead_letter, replay_source
from shared.sync import run_sync
from shared.topics import Topics
from tools.ops.reach import database, kafka, settings_of

CONSUMERS = ("reporting", "funding")
T = TypeVar("T")


@dataclass(frozen=True)
class Parked:
    service: str
    topic: str
    partition: int
    offset: int
    reason: str
    parked_at: datetime
    payload: bytes | None
    replayed: str = ""  # when, or how; empty while it waits
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.service}:{self.topic}:{self.partition}:{self.offset}"


def parse_id(text: str) -> tuple[str, str, int, int]:
    service, _, rest = text.partition(":")
    topic, _, numbers = rest.partition(":")
    partition, _, offset = numbers.partition(":")
    if service not in CONSUMERS or not topic or not partition.isdigit() or not offset.isdigit():
        raise ValueError(
            f"not the id of a parked message: {text!r} (expected <service>:<topic>:<partition>:"
            f"<offset>, the service one of {', '.join(CONSUMERS)}; see `parked list`)"
        )
    return service, topic, int(partition), int(offset)


async def newest(service: str | None, limit: int) -> list[Parked]:
    found: list[Parked] = []
    if service in (None, "reporting"):
        s = settings_of(ReportingSettings)
        async with database(s) as conn:
            found += map(_from_table, await parking.newest_parked(conn, s.consumer_group, limit))
    if service in (None, "funding"):
        letters, replayed = await _funding_letters(settings_of(FundingSettings), limit)
        found += [_from_letter(d, replay_source(*d.origin) in replayed) for d in letters]
    found.sort(key=lambda p: p.parked_at, reverse=True)
    return found[:limit]


async def find(parked_id: str) -> Parked:
    service, topic, partition, offset = parse_id(parked_id)
    if service == "reporting":
        s = settings_of(ReportingSettings)
        async with database(s) as conn:
            message = await parking.find_parked(conn, s.consumer_group, topic, partition, offset)
        return _from_table(_found(message, parked_id))
    letters, replayed = await _funding_letters(settings_of(FundingSettings))
    where = (topic, partition, offset)
    letter = _found(next((d for d in letters if d.origin == where), None), parked_id)
    return _from_letter(letter, replay_source(*letter.origin) in replayed)


async def replay(parked_id: str) -> tuple[Parked, bool]:
    """The message after its replay, and whether this replay applied it (False: it had
    been replayed before; nothing changed). Raises parking.StillRefused."""
    service, topic, partition, offset = parse_id(parked_id)
    if service == "reporting":
        s = settings_of(ReportingSettings)
        owners = Topics(s.topic_prefix).owners
        async with database(s) as conn:
            message, now = await parking.replay(
                conn, s.consumer_group, (topic, partition, offset), project, owners
            )
        return _from_table(message), now
    f = settings_of(FundingSettings)
    letters, _ = await _funding_letters(f)
    where = (topic, partition, offset)
    letter = _found(next((d for d in letters if d.origin == where), None), parked_id)
    app = await run_sync(make_app, f)
    try:
        owners = Topics(f.topic_prefix).owners
        now = await run_sync(replay_dead_letter, app.apply_region_event, letter, owners)
    finally:
        app.close()
    return _from_letter(letter, True), now


def _found(found: T | None, parked_id: str) -> T:
    if found is None:
        raise LookupError(f"{parked_id} is not parked")
    return found


def _from_table(m: parking.ParkedMessage) -> Parked:
    replayed = ""
    if m.replayed_at is not None:
        how = "applied" if m.applied else "nothing to apply (applied from another copy)"
        replayed = f"{m.replayed_at:%Y-%m-%d %H:%M:%S}, {how}"
    return Parked(
        "reporting", m.topic, m.partition, m.offset, m.reason, m.parked_at, m.payload, replayed
    )


async def _funding_letters(
    settings: FundingSettings, limit: int | None = None
) -> tuple[list[DeadLetter], set[str]]:
    """Funding's dead letters, and the tracking sources of the replays it made."""
    topic = Topics(settings.topic_prefix).dead_letter(settings.consumer_group)
    async with kafka(settings) as consumer:
        letters = await dead_letters(consumer, topic, newest=limit)
    async with database(settings) as conn:
        rows = await conn.fetch(
            "SELECT application_name FROM funding_tracking WHERE application_name LIKE 'replay:%'"
        )
    return letters, {r["application_name"] for r in rows}


def _from_letter(d: DeadLetter, replayed: bool) -> Parked:
    shown = ("dlq-reason", "dlq-topic", "dlq-partition", "dlq-offset")  # shown as they are
    headers = {k: v.decode(errors="replace") for k, v in d.record.headers if k not in shown}
    headers["dead-letter"] = f"{d.record.topic}[{d.record.partition}]@{d.record.offset}"
    return Parked(
        "funding", *d.origin, d.reason, d.parked_at, d.record.value,
        "yes, through the application" if replayed else "", headers,
    )  # fmt: skip
