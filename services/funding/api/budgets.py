"""HTTP resource /regions/{region_id}/budgets/{fund}/cuts/{cut_id}: a cut of a budget,
held in funding's ledger while the regions service records it (issue 13, rule 1). Only
the regions service calls it (role service); the ministry cuts through the regions API.
The cut id is the regions service's own, so a repeated call holds the cut once."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, status

from services.funding.api.deps import App, CorrelationId
from services.funding.application.budget_cuts import (
    CutCancel,
    CutReserve,
    CutState,
    cancel_cut,
    reserve_cut,
)
from shared.auth import allow
from shared.es import meta
from shared.events.base import Actor
from shared.events.v1 import Fund
from shared.idempotency import IdempotencyKey, for_request
from shared.sync import run_sync

router = APIRouter(prefix="/regions/{region_id}/budgets/{fund}/cuts/{cut_id}", tags=["budgets"])

RegionsService = Annotated[Actor, Depends(allow("service"))]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Hold a cut of the budget while the regions service records it (the regions "
    "service only): refused (409) while more is committed than the new allocation",
)
async def reserve(
    region_id: str,
    fund: Fund,
    cut_id: UUID,
    body: CutReserve,
    app: App,
    actor: RegionsService,
    cid: CorrelationId,
    request: Request,
    key: IdempotencyKey = None,
) -> CutState:
    return await run_sync(
        reserve_cut, app, region_id, fund, cut_id, body, meta(actor.model_dump(), cid),
        for_request(key, actor.subject, request, body),
    )  # fmt: skip


@router.post(
    "/cancellation",
    summary="Let go of a cut the regions service did not record (the regions service only)",
)
async def cancel(
    region_id: str,
    fund: Fund,
    cut_id: UUID,
    body: CutCancel,
    app: App,
    actor: RegionsService,
    cid: CorrelationId,
    request: Request,
    key: IdempotencyKey = None,
) -> CutState:
    return await run_sync(
        cancel_cut, app, region_id, fund, cut_id, body, meta(actor.model_dump(), cid),
        for_request(key, actor.subject, request, body),
    )  # fmt: skip
