"""HTTP commands on a region's structure: members, Zukunftskonzept, steering group and
regional management. The ministry records them."""

from fastapi import APIRouter, Request

from services.regions.api.deps import App, CorrelationId, Ministry, NBank
from services.regions.api.schemas import (
    HandlungsfelderAmend,
    MembersRecord,
    RegionalManagementEstablish,
    RegionalManagementGrant,
    SteeringGroupConstitute,
    ZukunftskonzeptAdopt,
)
from services.regions.application.views import RegionState
from shared.es import meta
from shared.idempotency import IdempotencyKey, for_request
from shared.sync import run_sync

router = APIRouter(prefix="/regions/{region_id}", tags=["regions"])


@router.post("/members", summary="Record the region's members (the whole list)")
async def record_members(
    region_id: str,
    body: MembersRecord,
    app: App,
    actor: Ministry,
    cid: CorrelationId,
    request: Request,
    key: IdempotencyKey = None,
) -> RegionState:
    return await run_sync(
        app.record_members,
        region_id,
        members=[m.model_dump() for m in body.members],  # type: ignore[misc]
        lead_partner=body.lead_partner,
        note=body.note,
        meta=meta(actor.model_dump(), cid),
        idem=for_request(key, actor.subject, request, body),
    )


@router.post("/zukunftskonzept", summary="Adopt the Zukunftskonzept (one or two Handlungsfelder)")
async def adopt_zukunftskonzept(
    region_id: str,
    body: ZukunftskonzeptAdopt,
    app: App,
    actor: Ministry,
    cid: CorrelationId,
    request: Request,
    key: IdempotencyKey = None,
) -> RegionState:
    return await run_sync(
        app.adopt_zukunftskonzept,
        region_id,
        handlungsfelder=list(body.handlungsfelder),
        adopted_on=body.adopted_on,
        meta=meta(actor.model_dump(), cid),
        idem=for_request(key, actor.subject, request, body),
    )


@router.post(
    "/zukunftskonzept/amendments",
    summary="Amend the Handlungsfelder of the adopted Zukunftskonzept, with a reason "
    "(projects already proposed keep theirs)",
)
async def amend_handlungsfelder(
    region_id: str,
    body: HandlungsfelderAmend,
    app: App,
    actor: Ministry,
    cid: CorrelationId,
    request: Request,
    key: IdempotencyKey = None,
) -> RegionState:
    return await run_sync(
        app.amend_handlungsfelder,
        region_id,
        handlungsfelder=list(body.handlungsfelder),
        reason=body.reason,
        amended_on=body.amended_on,
        meta=meta(actor.model_dump(), cid),
        idem=for_request(key, actor.subject, request, body),
    )


@router.post("/steering-group", summary="Constitute the Steuerungsgruppe (the ArL sits in it)")
async def constitute_steering_group(
    region_id: str,
    body: SteeringGroupConstitute,
    app: App,
    actor: Ministry,
    cid: CorrelationId,
    request: Request,
    key: IdempotencyKey = None,
) -> RegionState:
    return await run_sync(
        app.constitute_steering_group,
        region_id,
        seats=[s.model_dump() for s in body.seats],  # type: ignore[misc]
        constituted_on=body.constituted_on,
        meta=meta(actor.model_dump(), cid),
        idem=for_request(key, actor.subject, request, body),
    )


@router.post(
    "/regional-management/grants",
    summary="NBank's grant to the Regionalmanagement for a year: within the year's cap, the "
    "EU's part out of the programme's envelope, the Land's top-up apart",
)
async def grant_regional_management(
    region_id: str,
    body: RegionalManagementGrant,
    app: App,
    actor: NBank,
    cid: CorrelationId,
    request: Request,
    key: IdempotencyKey = None,
) -> RegionState:
    return await run_sync(
        app.grant_regional_management,
        region_id,
        year=body.year,
        eligible_cost_cents=body.eligible_cost_cents,
        decided_on=body.decided_on,
        note=body.note,
        meta=meta(actor.model_dump(), cid),
        idem=for_request(key, actor.subject, request, body),
    )


@router.post("/regional-management", summary="Establish the Regionalmanagement and its grant")
async def establish_regional_management(
    region_id: str,
    body: RegionalManagementEstablish,
    app: App,
    actor: Ministry,
    cid: CorrelationId,
    request: Request,
    key: IdempotencyKey = None,
) -> RegionState:
    return await run_sync(
        app.establish_regional_management,
        region_id,
        host_organisation=body.host_organisation,
        annual_grant_cents=body.annual_grant_cents,
        established_on=body.established_on,
        meta=meta(actor.model_dump(), cid),
        idem=for_request(key, actor.subject, request, body),
    )
