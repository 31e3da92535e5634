"""A steady load of funding commands through the typed client, for the fault tests.

Each journey proposes a project and takes it to its grant (priority check, vote,
submission, approval). Every command carries an Idempotency-Key of its own and is tried
again with the same key until the service acknowledges it (or refuses it for good), so
what the service acknowledged is known exactly, whatever faults happen meanwhile.
"""

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel

from services.funding.application.commands import (
    Approval,
    Command,
    PriorityCheck,
    ProjectPropose,
    Step,
    Vote,
)
from services.funding.client import FundingClient
from shared.client import ServiceError
from tests.e2e.funding_steps import SCORES, proposal


@dataclass
class Tally:
    sent: int = 0
    acknowledged: int = 0
    retried: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    projects: list[str] = field(default_factory=list)
    # Per project, the steps the service acknowledged ("proposal" first).
    steps: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Workload:
    """Runs journeys in a thread at about `rate` commands per second until stopped."""

    funding_url: str
    region_id: str
    rm_token: str
    sg_token: str
    nbank_token: str
    rate: float = 20.0
    give_up_after: float = 120.0
    tally: Tally = field(default_factory=Tally)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> "Workload":
        self._thread = threading.Thread(target=self._run, name="workload", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> Tally:
        self._stop.set()
        if self._thread:
            self._thread.join(self.give_up_after + 30)
        return self.tally

    def _run(self) -> None:
        client = FundingClient(self.funding_url, self.rm_token, timeout=5, attempts=2)
        rm, sg, nbank = client, client.as_(self.sg_token), client.as_(self.nbank_token)
        try:
            while not self._stop.is_set():
                # One body for every attempt: a retry with the key is the same request (a
                # new title under the same key is refused, rightly, as another request).
                body = self._proposal()
                state = self._command(lambda key, b=body: rm.propose(b, idempotency_key=key))
                if state is None:
                    continue
                pid = state["project_id"]
                self.tally.projects.append(pid)
                self.tally.steps[pid] = ["proposal"]
                for who, step, body in (
                    (rm, "priority-check", PriorityCheck(passed=True)),
                    (
                        sg,
                        "vote",
                        Vote(
                            votes_for=7, votes_against=1, voted_on=date(2025, 2, 1), scores=SCORES
                        ),
                    ),
                    (rm, "submission", Step()),
                    (nbank, "approval", Approval()),
                ):
                    if self._stop.is_set() or self._step(who, pid, step, body) is None:
                        break
                    self.tally.steps[pid].append(step)
        finally:
            client.close()

    def _step(self, who: FundingClient, pid: str, step: str, body: Command) -> Any:
        return self._command(lambda key: who.step(pid, step, body, idempotency_key=key))

    def _command(self, call: Callable[[str], BaseModel]) -> dict[str, Any] | None:
        """Send one command until acknowledged, with one key for every attempt."""
        key, started = str(uuid.uuid4()), time.monotonic()
        self.tally.sent += 1
        while True:
            time.sleep(1 / self.rate)
            try:
                result = call(key).model_dump(mode="json")
            except ServiceError as exc:
                if exc.status >= 500 or exc.status == 0:  # unavailable: the same key again
                    if time.monotonic() - started > self.give_up_after:
                        self.tally.failed[f"gave up: {exc.status}"] += 1
                        return None
                    self.tally.retried += 1
                    continue
                self.tally.failed[f"{exc.status} {exc.message[:80]}"] += 1
                return None
            self.tally.acknowledged += 1
            return result

    def _proposal(self) -> ProjectPropose:
        title = f"Lastprojekt {uuid.uuid4().hex[:8]}"
        return ProjectPropose.model_validate(proposal(self.region_id, 100_000_00, title))
