"""Typed client of the funding service for internal callers (shared/client.py)."""

from typing import Any
from uuid import UUID

from services.funding.api.lifecycle import (
    AMENDMENT,
    APPROVAL,
    CLOSURE,
    DISBURSEMENT,
    LIFECYCLE,
    PAYMENT_REQUEST,
    PRIORITY_CHECK,
    PROOF_OF_USE,
    RECOVERY,
    REDUCTION,
    REFUSAL,
    SUBMISSION,
    VOTE,
    WITHDRAWAL,
    UseCase,
)
from services.funding.application.budget_cuts import CutCancel, CutReserve, CutState
from services.funding.application.commands import (
    Approval,
    Command,
    Disbursement,
    Erasure,
    GrantAmendment,
    PaymentRequest,
    PriorityCheck,
    ProjectPropose,
    ProofOfUse,
    Recovery,
    Reduction,
    Refusal,
    Step,
    Vote,
)
from services.funding.application.views import BudgetState, ContactPerson, ProjectState
from shared.client import ServiceClient
from shared.history import HistoryEntry

Pid = UUID | str
Key = str | None


class FundingClient(ServiceClient):
    service = "funding"

    def propose(self, body: ProjectPropose, *, idempotency_key: str | None = None) -> ProjectState:
        return self.command("/projects", body, ProjectState, idempotency_key=idempotency_key)

    # the lifecycle (services/funding/api/lifecycle.py): one method per step

    def record_priority_check(
        self, pid: Pid, body: PriorityCheck, *, idempotency_key: Key = None
    ) -> ProjectState:
        return self._run(PRIORITY_CHECK, pid, body, idempotency_key)

    def record_vote(self, pid: Pid, body: Vote, *, idempotency_key: Key = None) -> ProjectState:
        return self._run(VOTE, pid, body, idempotency_key)

    def submit(self, pid: Pid, body: Step, *, idempotency_key: Key = None) -> ProjectState:
        return self._run(SUBMISSION, pid, body, idempotency_key)

    def approve(self, pid: Pid, body: Approval, *, idempotency_key: Key = None) -> ProjectState:
        return self._run(APPROVAL, pid, body, idempotency_key)

    def amend_grant(
        self, pid: Pid, body: GrantAmendment, *, idempotency_key: Key = None
    ) -> ProjectState:
        return self._run(AMENDMENT, pid, body, idempotency_key)

    def refuse(self, pid: Pid, body: Refusal, *, idempotency_key: Key = None) -> ProjectState:
        return self._run(REFUSAL, pid, body, idempotency_key)

    def reduce(self, pid: Pid, body: Reduction, *, idempotency_key: Key = None) -> ProjectState:
        return self._run(REDUCTION, pid, body, idempotency_key)

    def request_payment(
        self, pid: Pid, body: PaymentRequest, *, idempotency_key: Key = None
    ) -> ProjectState:
        return self._run(PAYMENT_REQUEST, pid, body, idempotency_key)

    def disburse(
        self, pid: Pid, body: Disbursement, *, idempotency_key: Key = None
    ) -> ProjectState:
        return self._run(DISBURSEMENT, pid, body, idempotency_key)

    def recover(self, pid: Pid, body: Recovery, *, idempotency_key: Key = None) -> ProjectState:
        return self._run(RECOVERY, pid, body, idempotency_key)

    def accept_proof_of_use(
        self, pid: Pid, body: ProofOfUse, *, idempotency_key: Key = None
    ) -> ProjectState:
        return self._run(PROOF_OF_USE, pid, body, idempotency_key)

    def close_project(self, pid: Pid, body: Step, *, idempotency_key: Key = None) -> ProjectState:
        return self._run(CLOSURE, pid, body, idempotency_key)

    def withdraw(self, pid: Pid, body: Step, *, idempotency_key: Key = None) -> ProjectState:
        return self._run(WITHDRAWAL, pid, body, idempotency_key)

    def step(
        self, pid: Pid, path: str, body: Command, *, idempotency_key: Key = None
    ) -> ProjectState:
        """A step named by its path, for callers that take steps from a plan (the demo)."""
        return self._run(LIFECYCLE[path], pid, body, idempotency_key)

    def _run(self, case: UseCase[Any], pid: Pid, body: Command, key: Key) -> ProjectState:
        if not isinstance(body, case.command):
            raise TypeError(f"the step {case.path!r} takes a {case.command.__name__}")
        path = f"/projects/{pid}/{case.path}"
        return self.command(path, body, ProjectState, idempotency_key=key)

    def project(self, project_id: UUID | str) -> ProjectState:
        return self.get(f"/projects/{project_id}", ProjectState)

    def history(self, project_id: UUID | str) -> list[HistoryEntry]:
        return self.get(f"/projects/{project_id}/history", list[HistoryEntry])

    def region_projects(self, region_id: str) -> list[ProjectState]:
        return self.get(f"/regions/{region_id}/projects", list[ProjectState])

    def budgets(self, region_id: str) -> list[BudgetState]:
        return self.get(f"/regions/{region_id}/budgets", list[BudgetState])

    def contact_person(self, project_id: UUID | str) -> ContactPerson:
        return self.get(f"/projects/{project_id}/contact-person", ContactPerson)

    def erase_contact_person(self, project_id: UUID | str, note: str) -> None:
        path = f"/projects/{project_id}/contact-person/erasure"
        self.command(path, Erasure(note=note), type(None))

    def budget_cut(
        self,
        region_id: str,
        fund: str,
        cut_id: UUID | str,
        body: CutReserve | CutCancel,
        *,
        idempotency_key: Key = None,
    ) -> CutState:
        """Hold a cut of a budget (CutReserve) or let go of it (CutCancel): the regions
        service, before it records a lower allocation and when it does not."""
        path = f"/regions/{region_id}/budgets/{fund}/cuts/{cut_id}"
        if isinstance(body, CutCancel):
            path += "/cancellation"
        return self.command(path, body, CutState, idempotency_key=idempotency_key)
