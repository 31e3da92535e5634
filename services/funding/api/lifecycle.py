"""HTTP commands on a project, one per step of its lifecycle. Each takes an optional
Idempotency-Key and a note (why); each answers with the project's new state."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request

from services.funding.api.deps import (
    App,
    CorrelationId,
    NBank,
    PaymentRequester,
    PriorityChecker,
    SteeringGroup,
    Submitter,
    Withdrawer,
)
from services.funding.api.schemas import (
    Approval,
    Disbursement,
    PaymentRequest,
    PriorityCheck,
    ProofOfUse,
    Recovery,
    Reduction,
    Refusal,
    Step,
    Vote,
)
from services.funding.application.funding import Step as StepName
from services.funding.application.views import ProjectState
from shared.es import meta
from shared.events.base import Actor
from shared.idempotency import IdempotencyKey, for_request
from shared.sync import run_sync

router = APIRouter(prefix="/projects/{project_id}", tags=["lifecycle"])


async def advance(
    app: App,
    project_id: UUID,
    step: StepName,
    body: Any,
    actor: Actor,
    cid: str,
    request: Request,
    key: str | None,
) -> ProjectState:
    return await run_sync(
        app.advance,
        project_id,
        step,
        meta=meta(actor.model_dump(), cid),
        idem=for_request(key, actor.subject, request, body),
        **body.model_dump(),
    )


@router.post("/priority-check", summary="Record the priority check (Vorrangigkeitsprüfung)")
async def priority_check(
    project_id: UUID, body: PriorityCheck, app: App, actor: PriorityChecker,
    cid: CorrelationId, request: Request, key: IdempotencyKey = None,
) -> ProjectState:  # fmt: skip
    return await advance(app, project_id, "record_priority_check", body, actor, cid, request, key)


@router.post(
    "/vote",
    summary="Record the steering group's vote and scoring (endorsed if more for than against; "
    "only voting seats count, more than half of them must take part)",
)
async def vote(
    project_id: UUID, body: Vote, app: App, actor: SteeringGroup,
    cid: CorrelationId, request: Request, key: IdempotencyKey = None,
) -> ProjectState:  # fmt: skip
    return await run_sync(
        app.record_vote,
        project_id,
        **body.model_dump(),
        meta=meta(actor.model_dump(), cid),
        idem=for_request(key, actor.subject, request, body),
    )


@router.post("/submission", summary="Submit the application to NBank")
async def submit(
    project_id: UUID, body: Step, app: App, actor: Submitter,
    cid: CorrelationId, request: Request, key: IdempotencyKey = None,
) -> ProjectState:  # fmt: skip
    return await advance(app, project_id, "submit", body, actor, cid, request, key)


@router.post("/approval", summary="Approve the grant (Bewilligung): commits eligible cost x rate")
async def approve(
    project_id: UUID, body: Approval, app: App, actor: NBank,
    cid: CorrelationId, request: Request, key: IdempotencyKey = None,
) -> ProjectState:  # fmt: skip
    return await advance(app, project_id, "approve", body, actor, cid, request, key)


@router.post("/refusal", summary="Refuse the grant, with the reason")
async def refuse(
    project_id: UUID, body: Refusal, app: App, actor: NBank,
    cid: CorrelationId, request: Request, key: IdempotencyKey = None,
) -> ProjectState:  # fmt: skip
    return await advance(app, project_id, "refuse", body, actor, cid, request, key)


@router.post("/reduction", summary="Reduce the grant; the difference is released")
async def reduce(
    project_id: UUID, body: Reduction, app: App, actor: NBank,
    cid: CorrelationId, request: Request, key: IdempotencyKey = None,
) -> ProjectState:  # fmt: skip
    return await advance(app, project_id, "reduce", body, actor, cid, request, key)


@router.post("/payment-requests", summary="Record a payment request (Mittelabruf)")
async def request_payment(
    project_id: UUID, body: PaymentRequest, app: App, actor: PaymentRequester,
    cid: CorrelationId, request: Request, key: IdempotencyKey = None,
) -> ProjectState:  # fmt: skip
    return await advance(app, project_id, "request_payment", body, actor, cid, request, key)


@router.post("/disbursements", summary="Pay out requested money, never beyond the commitment")
async def disburse(
    project_id: UUID, body: Disbursement, app: App, actor: NBank,
    cid: CorrelationId, request: Request, key: IdempotencyKey = None,
) -> ProjectState:  # fmt: skip
    return await advance(app, project_id, "disburse", body, actor, cid, request, key)


@router.post("/recoveries", summary="Recover money paid out (Rückforderung)")
async def recover(
    project_id: UUID, body: Recovery, app: App, actor: NBank,
    cid: CorrelationId, request: Request, key: IdempotencyKey = None,
) -> ProjectState:  # fmt: skip
    return await advance(app, project_id, "recover", body, actor, cid, request, key)


@router.post("/proof-of-use", summary="Accept the proof of use (Verwendungsnachweis)")
async def accept_proof_of_use(
    project_id: UUID, body: ProofOfUse, app: App, actor: NBank,
    cid: CorrelationId, request: Request, key: IdempotencyKey = None,
) -> ProjectState:  # fmt: skip
    return await advance(app, project_id, "accept_proof_of_use", body, actor, cid, request, key)


@router.post("/closure", summary="Close the project; what was not spent is released")
async def close(
    project_id: UUID, body: Step, app: App, actor: NBank,
    cid: CorrelationId, request: Request, key: IdempotencyKey = None,
) -> ProjectState:  # fmt: skip
    return await advance(app, project_id, "close", body, actor, cid, request, key)


@router.post("/withdrawal", summary="Withdraw the project; a commitment is released")
async def withdraw(
    project_id: UUID, body: Step, app: App, actor: Withdrawer,
    cid: CorrelationId, request: Request, key: IdempotencyKey = None,
) -> ProjectState:  # fmt: skip
    return await advance(app, project_id, "withdraw", body, actor, cid, request, key)
