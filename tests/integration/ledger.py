"""A small test aggregate whose stream has many events per aggregate, for the relay tests."""

import time
from collections.abc import Sequence
from typing import Any

from eventsourcing.domain import Aggregate, event

from shared.es import ZrApplication, envelope_for
from shared.events import CloudEvent
from shared.events.base import Actor, PublicEvent


class Booked(PublicEvent):
    name = "TestBooked"
    version = 1
    n: int


class Ledger(Aggregate):
    @event("Opened")
    def __init__(self) -> None:
        self.n = 0

    @event("Booked")
    def book(self, n: int) -> None:
        self.n = n


class LedgerApplication(ZrApplication):
    name = "ledgers"


def translate(e: Any, delay: float = 0.0) -> Sequence[CloudEvent]:
    if delay:
        time.sleep(delay)  # make the stream slow enough to be killed in the middle
    payload = Booked(
        actor=Actor(role="system", subject="test"),
        occurred_at=e.timestamp,
        n=getattr(e, "n", 0),
    )
    return [envelope_for(e, payload, source="/test/ledgers", subject=str(e.originator_id))]


def fill(app: LedgerApplication, aggregates: int, events_each: int) -> int:
    """Store `aggregates` ledgers with `events_each` events each; returns the event count."""
    ledgers = [Ledger() for _ in range(aggregates)]
    for i in range(1, events_each):
        for ledger in ledgers:
            ledger.book(i)
    app.save(*ledgers)
    return aggregates * events_each
