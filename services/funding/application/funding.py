"""Use cases of the funding service: projects through their lifecycle against the region's
budget ledger, and what the regions service tells about the regions.

Steps that move money save the project and the budget together (atomic). When another
request saved first, the step runs again on the new state; steps on one budget also take
an in-process lock, so within one process they queue instead of colliding. Commands
with an Idempotency-Key store their result with their events (shared/idempotency.py).
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, ProcessRecorder, Tracking

from services.funding.application.commands import (
    Approval,
    Disbursement,
    GrantAmendment,
    PaymentRequest,
    PriorityCheck,
    ProofOfUse,
    Recovery,
    Reduction,
    Refusal,
    Step,
    Vote,
)
from services.funding.application.region_feed import learn
from services.funding.application.views import (
    BudgetState,
    ProjectState,
    budget_state,
    project_state,
)
from services.funding.domain.budget import RegionBudget, budget_id
from services.funding.domain.project import Project, project_id_for
from services.funding.domain.region import FundingRegion, funding_region_id
from services.funding.domain.rules import (
    Movement,
    ProjectNotFound,
    ProjectRuleBroken,
    RegionNotFound,
    RegionUnknown,
    Score,
    check_proposal,
)
from shared.commands import CommandApplication
from shared.errors import Conflict
from shared.es import tolerate_concurrent_ddl
from shared.events import CloudEvent, PublicEvent
from shared.idempotency import Idempotency
from shared.personal_data import InMemoryKeys, PostgresKeys, Vault
from shared.programme import FUNDS

T = TypeVar("T")
ATTEMPTS = 200
Meta = dict[str, Any]
Idem = Idempotency | None


class FundingApplication(CommandApplication):
    too_often = "others changed the same budget too often meanwhile; please try again"

    name = "funding"

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self._locks: defaultdict[UUID, threading.Lock] = defaultdict(threading.Lock)
        self.vault = Vault(self._key_store())

    def _key_store(self) -> InMemoryKeys | PostgresKeys:
        if self.env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
            return InMemoryKeys()
        e = self.env
        return PostgresKeys(
            f"dbname={e['POSTGRES_DBNAME']} host={e['POSTGRES_HOST']} port={e['POSTGRES_PORT']} "
            f"user={e['POSTGRES_USER']} password={e['POSTGRES_PASSWORD']}",
            create_table=e.get("CREATE_TABLE", "y") == "y",
        )

    def close(self) -> None:
        if isinstance(self.vault.keys, PostgresKeys):
            self.vault.keys.close()
        super().close()

    def construct_recorder(self) -> ProcessRecorder:
        """A process recorder: it stores a consumed position atomically with the events."""
        return tolerate_concurrent_ddl(self.factory.process_recorder)

    # projects ---------------------------------------------------------------------------

    def propose_project(
        self,
        *,
        region_id: str,
        meta: dict[str, Any],
        idem: Idempotency | None = None,
        **fields: Any,
    ) -> ProjectState:
        # The contact person's name is sealed with a key of its own before any event
        # holds it (crypto-shredding); a retried attempt keeps the same seal. A retried
        # request (same Idempotency-Key) gets its first result and leaves no key behind.
        if idem is not None and (prior := self.prior(idem)) is not None:
            return ProjectState.model_validate(prior)
        name = fields.pop("contact_person", None)
        sealed = fields["contact_person"] = self.vault.seal(name) if name else None

        def attempt() -> tuple[ProjectState, Sequence[Aggregate]]:
            region = self._region(region_id)
            check_proposal(
                kind=fields["kind"],
                applicant_kind=fields["applicant_kind"],
                handlungsfeld=fields["handlungsfeld"],
                fund=fields["fund"],
                location_ags=fields["location_ags"],
                start=fields["start_date"],
                end=fields["end_date"],
                total_cents=fields["total_cost_cents"],
                eligible_cents=fields["eligible_cost_cents"],
            )
            check_fits_region(region, fields["handlungsfeld"], fields["location_ags"])
            code = region.register_project(meta)
            project = Project(operation_code=code, region_id=region_id, meta=meta, **fields)
            return project_state(project), (region, project)

        lock = self._locks[funding_region_id(region_id)]
        # (A failed save keeps its key: the save may have committed before the failure.)
        state = self.run_command(idem, attempt, ProjectState, lock)
        if sealed and self._project(state.project_id).contact_person != sealed:
            self.vault.erase(sealed)  # a concurrent retry was saved first, with its own
        return state

    # the lifecycle: one typed use case per step ------------------------------------------

    def record_priority_check(
        self, project_id: UUID, command: PriorityCheck, meta: Meta, idem: Idem = None
    ) -> ProjectState:
        return self._step(
            project_id,
            lambda p: p.record_priority_check(
                command.passed, command.other_programme, command.note, meta
            ),
            meta,
            idem,
        )

    def record_vote(
        self, project_id: UUID, command: Vote, meta: Meta, idem: Idem = None
    ) -> ProjectState:
        """The steering group's vote, judged against the group funding learnt from the
        regions service (its voting seats and the day it was constituted)."""
        scores: list[Score] = [
            {"criterion": s.criterion, "points": s.points, "max_points": s.max_points}
            for s in command.scores
        ]
        return self._step(
            project_id,
            lambda p: p.record_vote(
                self._region(p.region_id).steering_group,
                command.votes_for,
                command.votes_against,
                command.abstentions,
                command.voted_on,
                scores,
                command.note,
                meta,
            ),
            meta,
            idem,
        )

    def submit(
        self, project_id: UUID, command: Step, meta: Meta, idem: Idem = None
    ) -> ProjectState:
        return self._step(project_id, lambda p: p.submit(command.note, meta), meta, idem)

    def approve(
        self, project_id: UUID, command: Approval, meta: Meta, idem: Idem = None
    ) -> ProjectState:
        return self._step(
            project_id,
            lambda p: p.approve(command.note, meta, command.decided_on),
            meta,
            idem,
            money=True,
        )

    def amend_grant(
        self, project_id: UUID, command: GrantAmendment, meta: Meta, idem: Idem = None
    ) -> ProjectState:
        c = command
        return self._step(
            project_id,
            lambda p: p.amend_grant(
                c.end_date, c.total_cost_cents, c.eligible_cost_cents, c.grant_cents,
                c.decided_on, c.note, meta,
            ),
            meta,
            idem,
            money=True,
        )  # fmt: skip

    def refuse(
        self, project_id: UUID, command: Refusal, meta: Meta, idem: Idem = None
    ) -> ProjectState:
        return self._step(project_id, lambda p: p.refuse(command.note, meta), meta, idem)

    def reduce(
        self, project_id: UUID, command: Reduction, meta: Meta, idem: Idem = None
    ) -> ProjectState:
        return self._step(
            project_id,
            lambda p: p.reduce(command.grant_cents, command.note, meta),
            meta,
            idem,
            money=True,
        )

    def request_payment(
        self, project_id: UUID, command: PaymentRequest, meta: Meta, idem: Idem = None
    ) -> ProjectState:
        return self._step(
            project_id,
            lambda p: p.request_payment(command.declared_expenditure_cents, command.note, meta),
            meta,
            idem,
        )

    def disburse(
        self, project_id: UUID, command: Disbursement, meta: Meta, idem: Idem = None
    ) -> ProjectState:
        return self._step(
            project_id, lambda p: p.disburse(command.amount_cents, command.note, meta), meta, idem,
            money=True,
        )  # fmt: skip

    def recover(
        self, project_id: UUID, command: Recovery, meta: Meta, idem: Idem = None
    ) -> ProjectState:
        return self._step(
            project_id, lambda p: p.recover(command.amount_cents, command.note, meta), meta, idem,
            money=True,
        )  # fmt: skip

    def accept_proof_of_use(
        self, project_id: UUID, command: ProofOfUse, meta: Meta, idem: Idem = None
    ) -> ProjectState:
        return self._step(
            project_id,
            lambda p: p.accept_proof_of_use(command.eligible_expenditure_cents, command.note, meta),
            meta,
            idem,
            money=True,
        )

    def close_project(
        self, project_id: UUID, command: Step, meta: Meta, idem: Idem = None
    ) -> ProjectState:
        return self._step(project_id, lambda p: p.close(command.note, meta), meta, idem, money=True)

    def withdraw(
        self, project_id: UUID, command: Step, meta: Meta, idem: Idem = None
    ) -> ProjectState:
        return self._step(
            project_id, lambda p: p.withdraw(command.note, meta), meta, idem, money=True
        )

    def _step(
        self,
        project_id: UUID,
        change: Callable[[Project], list[Movement]],
        meta: Meta,
        idem: Idem,
        money: bool = False,
    ) -> ProjectState:
        """Run one step on the project, and book the money it moves on the region's
        budget in the same save. Steps on one budget queue up in this process."""
        lock = None
        if money:
            fixed = self._project(project_id)  # region and fund never change
            lock = self._locks[budget_id(fixed.region_id, fixed.fund)]

        def attempt() -> tuple[ProjectState, Sequence[Aggregate]]:
            project = self._project(project_id)
            movements = change(project)
            changed: list[Aggregate] = [project]
            if movements:
                budget = self._budget(project.region_id, project.fund)
                for movement in movements:
                    budget.book(project.id, movement, meta)
                changed.append(budget)
            return project_state(project), changed

        return self.run_command(idem, attempt, ProjectState, lock)

    # personal data -------------------------------------------------------------------

    def contact_person(self, project_id: UUID) -> tuple[str | None, bool]:
        """The contact person's name (None if there is none), and whether it was erased."""
        project = self._project(project_id)
        if project.contact_person is None:
            return None, project.contact_person_erased
        name = self.vault.open(project.contact_person)
        return name, name is None

    def erase_contact_person(
        self,
        project_id: UUID,
        note: str | None,
        meta: dict[str, Any],
        idem: Idempotency | None = None,
    ) -> ProjectState:
        """Erase the key first (what the law asks for), then record that it was erased;
        saved like every other command (a concurrent change to the project: try again)."""

        def attempt() -> tuple[ProjectState, Sequence[Aggregate]]:
            project = self._project(project_id)
            sealed = project.erase_contact_person(note, meta)
            self.vault.erase(sealed)  # a repeated attempt finds the key gone already
            return project_state(project), [project]

        return self.run_command(idem, attempt, ProjectState)

    def get_project(self, project_id: UUID) -> ProjectState:
        return project_state(self._project(project_id))

    def project_history(self, project_id: UUID) -> list[Any]:
        events = list(self.repository.event_store.get(project_id))
        if not events:
            raise ProjectNotFound(f"no project {project_id}")
        return events

    def region_projects(self, region_id: str) -> list[ProjectState]:
        codes = self._read(lambda: self._region(region_id)).projects
        return [self.get_project(project_id_for(code)) for code in codes]

    def budgets(self, region_id: str) -> list[BudgetState]:
        return [budget_state(self._read(partial(self._budget, region_id, fund))) for fund in FUNDS]

    @staticmethod
    def _read(lookup: Callable[[], T]) -> T:
        """A read of what funding does not know is a 404 (a command on it, a 409)."""
        try:
            return lookup()
        except RegionUnknown as exc:
            raise RegionNotFound(str(exc)) from None

    # what the regions service tells -----------------------------------------------------

    def apply_region_event(
        self, payload: PublicEvent | None, envelope: CloudEvent | None, tracking: Tracking
    ) -> bool:
        """Apply one region event with its position; False if it was applied before.
        Without a payload (an event funding need not know, or one parked), only the
        position is stored."""
        for _ in range(ATTEMPTS):
            done = self.recorder.max_tracking_id(tracking.application_name)  # type: ignore[attr-defined]
            if done is not None and done >= tracking.notification_id:
                return False
            changed = (
                learn(
                    payload,
                    envelope.sequence,
                    region=self._region,
                    budget=self._budget,
                    known=self._knows_region,
                )
                if payload is not None and envelope is not None
                else []
            )
            processing = ProcessingEvent[UUID](tracking=tracking)
            processing.collect_events(*changed)
            try:
                recordings = self._record(processing)
            except IntegrityError:
                _jitter()
                continue
            self._notify(recordings)
            return True
        raise Conflict(f"could not apply {tracking.application_name}@{tracking.notification_id}")

    def position(self, source: str) -> int | None:
        """The last consumed offset of a topic partition (`topic#partition`)."""
        return self.recorder.max_tracking_id(source)  # type: ignore[attr-defined,no-any-return]

    # helpers ----------------------------------------------------------------------------

    def _knows_region(self, region_id: str) -> bool:
        return funding_region_id(region_id) in self.repository

    def _region(self, region_id: str) -> FundingRegion:
        try:
            region: FundingRegion = self.repository.get(funding_region_id(region_id))
        except AggregateNotFoundError:
            raise RegionUnknown(
                f"region {region_id!r} is not (yet) known to funding: recognised regions "
                "arrive from the regions service"
            ) from None
        return region

    def _budget(self, region_id: str, fund: str) -> RegionBudget:
        try:
            budget: RegionBudget = self.repository.get(budget_id(region_id, fund))
        except AggregateNotFoundError:
            raise RegionUnknown(f"no {fund} budget for region {region_id!r}") from None
        return budget

    def _project(self, project_id: UUID) -> Project:
        try:
            project: Project = self.repository.get(project_id)
        except AggregateNotFoundError:
            raise ProjectNotFound(f"no project {project_id}") from None
        if not isinstance(project, Project):
            raise ProjectNotFound(f"no project {project_id}")
        return project


def check_fits_region(region: FundingRegion, handlungsfeld: str, location_ags: str) -> None:
    if not region.handlungsfelder:
        raise RegionUnknown(
            f"the Zukunftskonzept of {region.name} is not known yet: no Handlungsfelder to fund"
        )
    if handlungsfeld not in region.handlungsfelder:
        raise ProjectRuleBroken(
            f"Handlungsfeld: {handlungsfeld} is not one of {region.name}'s "
            f"({', '.join(region.handlungsfelder)})"
        )
    if region.districts and location_ags not in region.districts:
        raise ProjectRuleBroken(
            f"location: {location_ags} is not a district of {region.name} "
            f"({', '.join(region.districts)})"
        )


def _jitter() -> None:
    time.sleep(random.uniform(0.001, 0.01))  # noqa: S311 (jitter, not crypto)
