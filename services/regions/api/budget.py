"""HTTP commands on a region's budget per fund: allocation out of the envelope, adjustment
with a reason. The ministry decides them; a cut is confirmed by funding first."""

from fastapi import APIRouter, Request, status

from services.regions.api.deps import App, CorrelationId, Ministry
from services.regions.api.schemas import BudgetAdjust, BudgetAllocate
from services.regions.application.views import RegionState
from shared.es import meta
from shared.idempotency import IdempotencyKey, for_request
from shared.sync import run_sync

router = APIRouter(prefix="/regions/{region_id}/budget", tags=["budget"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Allocate a fund's budget to the region, within the envelope",
)
async def allocate_budget(
    region_id: str,
    body: BudgetAllocate,
    app: App,
    actor: Ministry,
    cid: CorrelationId,
    request: Request,
    key: IdempotencyKey = None,
) -> RegionState:
    return await run_sync(
        app.allocate_budget,
        region_id,
        fund=body.fund,
        amount_cents=body.amount_cents,
        basis=body.basis,
        note=body.note,
        meta=meta(actor.model_dump(), cid),
        idem=for_request(key, actor.subject, request, body),
    )


@router.post(
    "/adjustments",
    summary="Adjust a fund's allocation, with a reason. A cut is held by funding first: "
    "409 with funding's message while more is committed, 503 while funding cannot be asked "
    "(nothing changed either way)",
)
async def adjust_budget(
    region_id: str,
    body: BudgetAdjust,
    app: App,
    actor: Ministry,
    cid: CorrelationId,
    request: Request,
    key: IdempotencyKey = None,
) -> RegionState:
    return await run_sync(
        app.adjust_budget,
        region_id,
        fund=body.fund,
        amount_cents=body.amount_cents,
        reason=body.reason,
        meta=meta(actor.model_dump(), cid),
        idem=for_request(key, actor.subject, request, body),
    )
