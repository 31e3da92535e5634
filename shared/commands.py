"""How both producing services run a command: check, change, save, and again on a race.

A command is an `attempt`: it loads what it changes, calls the domain and returns the
answer with the aggregates to save. When another request saved one of them first, the
save fails on the version and the whole attempt runs again on the new state, so the
loser of a race gets the domain's answer for the state it lost to, not a spurious
conflict. With an Idempotency-Key the answer is saved with the command's events (one
atomic save): a retry finds it and gets the first answer, even one that raced the first
attempt and lost (shared/idempotency.py).
"""

import random
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError
from pydantic import BaseModel

from shared.errors import Conflict, DomainError
from shared.es import ZrApplication
from shared.idempotency import Idempotency, IdempotencyRecord

V = TypeVar("V", bound=BaseModel)
Attempt = Callable[[], tuple[V, Sequence[Aggregate]]]


class CommandApplication(ZrApplication):
    attempts = 200
    too_often = "others changed the same thing too often meanwhile; please try again"

    def run_command(
        self,
        idem: Idempotency | None,
        attempt: Attempt[V],
        into: type[V],
        lock: AbstractContextManager[Any] | None = None,
    ) -> V:
        """The command's answer, once saved (or the first answer to the same key)."""
        guard: AbstractContextManager[Any] = lock or nullcontext()
        with guard:
            for _ in range(self.attempts):
                if idem is not None and (prior := self.prior(idem)) is not None:
                    return into.model_validate(prior)
                try:
                    answer, changed = attempt()
                except DomainError:
                    # A retry of this very request may have been saved since the check
                    # above (the client gave up waiting and sent it again): its answer.
                    if idem is not None and (prior := self.prior(idem)) is not None:
                        return into.model_validate(prior)
                    raise
                record = (
                    [IdempotencyRecord(idem.record_id, idem.fingerprint,
                                       answer.model_dump(mode="json"))]
                    if idem else []
                )  # fmt: skip
                try:
                    self.save(*changed, *record)
                except IntegrityError:
                    time.sleep(random.uniform(0.001, 0.01))  # noqa: S311 (jitter, not crypto)
                    continue
                return answer
        raise Conflict(self.too_often)

    def prior(self, idem: Idempotency) -> dict[str, Any] | None:
        """The answer first given to this key, if any (another request's: 422)."""
        try:
            record: IdempotencyRecord = self.repository.get(idem.record_id)
        except AggregateNotFoundError:
            return None
        return record.result_for(idem)
