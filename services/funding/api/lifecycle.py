"""The project's lifecycle as one table: each step's path below /projects/{id}/, the
command it takes, who may take it, and the typed use case that runs it.

The router below and the typed client (services/funding/client.py) both read this table,
so a step has one name per layer and no field of a request is passed on by name. Each
step takes an optional Idempotency-Key and a note (why); each answers with the project's
new state.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from services.funding.api.deps import App, CorrelationId, on_project
from services.funding.application.commands import (
    Approval,
    Command,
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
from services.funding.application.funding import FundingApplication, Idem, Meta
from services.funding.application.views import ProjectState
from shared.es import meta
from shared.events.base import Actor, Role
from shared.idempotency import IdempotencyKey, for_request
from shared.sync import run_sync

C = TypeVar("C", bound=Command)


@dataclass(frozen=True)
class UseCase(Generic[C]):
    path: str
    command: type[C]
    roles: tuple[Role, ...]
    summary: str
    run: Callable[[FundingApplication, UUID, C, Meta, Idem], ProjectState]


A = FundingApplication
PRIORITY_CHECK = UseCase(
    "priority-check", PriorityCheck, ("regional_management", "arl", "nbank"),
    "Record the priority check (Vorrangigkeitsprüfung)", A.record_priority_check,
)  # fmt: skip
VOTE = UseCase(
    "vote", Vote, ("steering_group",),
    "Record the steering group's vote and scoring (endorsed if more for than against; only "
    "voting seats count, more than half of them must take part)", A.record_vote,
)  # fmt: skip
SUBMISSION = UseCase(
    "submission", Step, ("regional_management",), "Submit the application to NBank", A.submit
)
APPROVAL = UseCase(
    "approval", Approval, ("nbank",),
    "Approve the grant (Bewilligung): commits eligible cost x rate", A.approve,
)  # fmt: skip
AMENDMENT = UseCase(
    "amendments", GrantAmendment, ("nbank",),
    "Change the approved project by a change notice (Änderungsbescheid), with the reason: "
    "its end date (at most 36 months, by 2028-12-31), its cost, its grant", A.amend_grant,
)  # fmt: skip
REFUSAL = UseCase("refusal", Refusal, ("nbank",), "Refuse the grant, with the reason", A.refuse)
REDUCTION = UseCase(
    "reduction", Reduction, ("nbank",), "Reduce the grant; the difference is released", A.reduce
)
PAYMENT_REQUEST = UseCase(
    "payment-requests", PaymentRequest, ("regional_management", "nbank"),
    "Record a payment request (Mittelabruf)", A.request_payment,
)  # fmt: skip
DISBURSEMENT = UseCase(
    "disbursements", Disbursement, ("nbank",),
    "Pay out requested money, never beyond the commitment", A.disburse,
)  # fmt: skip
RECOVERY = UseCase(
    "recoveries", Recovery, ("nbank",), "Recover money paid out (Rückforderung)", A.recover
)
PROOF_OF_USE = UseCase(
    "proof-of-use", ProofOfUse, ("nbank",),
    "Accept the proof of use (Verwendungsnachweis)", A.accept_proof_of_use,
)  # fmt: skip
CLOSURE = UseCase(
    "closure",
    Step,
    ("nbank",),
    "Close the project; what was not spent is released",
    A.close_project,
)
WITHDRAWAL = UseCase(
    "withdrawal", Step, ("regional_management", "nbank"),
    "Withdraw the project; a commitment is released", A.withdraw,
)  # fmt: skip

LIFECYCLE: dict[str, UseCase[Any]] = {
    case.path: case
    for case in (
        PRIORITY_CHECK,
        VOTE,
        SUBMISSION,
        APPROVAL,
        AMENDMENT,
        REFUSAL,
        REDUCTION,
        PAYMENT_REQUEST,
        DISBURSEMENT,
        RECOVERY,
        PROOF_OF_USE,
        CLOSURE,
        WITHDRAWAL,
    )
}


def endpoint(case: UseCase[C]) -> Callable[..., Any]:
    """The HTTP command of one step: the caller's role (a regional role only for the
    project's own region), then the use case with who, why and the key."""
    caller = on_project(*case.roles)

    async def run(
        project_id: UUID,
        body: case.command,  # type: ignore[name-defined]
        app: App,
        actor: Annotated[Actor, Depends(caller)],
        cid: CorrelationId,
        request: Request,
        key: IdempotencyKey = None,
    ) -> ProjectState:
        return await run_sync(
            case.run,
            app,
            project_id,
            body,
            meta(actor.model_dump(), cid),
            for_request(key, actor.subject, request, body),
        )

    run.__name__ = case.run.__name__
    return run


router = APIRouter(prefix="/projects/{project_id}", tags=["lifecycle"])
for case in LIFECYCLE.values():
    router.add_api_route(
        f"/{case.path}",
        endpoint(case),
        methods=["POST"],
        summary=case.summary,
        response_model=ProjectState,
    )
