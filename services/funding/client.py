"""Typed client of the funding service for internal callers (shared/client.py)."""

from uuid import UUID

from pydantic import BaseModel

from services.funding.api.schemas import (
    Approval,
    Disbursement,
    Erasure,
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

# The lifecycle's steps: path below /projects/{id}/ and the body each one takes.
STEPS: dict[str, type[BaseModel]] = {
    "priority-check": PriorityCheck, "vote": Vote, "submission": Step, "approval": Approval,
    "refusal": Refusal, "reduction": Reduction, "payment-requests": PaymentRequest,
    "disbursements": Disbursement, "recoveries": Recovery, "proof-of-use": ProofOfUse,
    "closure": Step, "withdrawal": Step,
}  # fmt: skip


class FundingClient(ServiceClient):
    service = "funding"

    def propose(self, body: ProjectPropose, *, idempotency_key: str | None = None) -> ProjectState:
        return self.command("/projects", body, ProjectState, idempotency_key=idempotency_key)

    def step(
        self,
        project_id: UUID | str,
        step: str,
        body: BaseModel,
        *,
        idempotency_key: str | None = None,
    ) -> ProjectState:
        """One step of the lifecycle, e.g. step(pid, "approval", Approval())."""
        if not isinstance(body, STEPS[step]):
            raise TypeError(f"the step {step!r} takes a {STEPS[step].__name__}")
        path = f"/projects/{project_id}/{step}"
        return self.command(path, body, ProjectState, idempotency_key=idempotency_key)

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
