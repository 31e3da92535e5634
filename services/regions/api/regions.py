"""HTTP resource /regions: recognition, and the regions' state now, then and over time."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from services.regions.adapters.public_events import to_public
from services.regions.api.deps import App, CorrelationId, HistoryReader, Ministry, PublicReader
from services.regions.api.schemas import RegionRecognise
from services.regions.application.views import RegionState
from shared.es import meta
from shared.history import HistoryEntry, history
from shared.http import parse_as_of
from shared.idempotency import IdempotencyKey, for_request
from shared.pages import Pages
from shared.sync import run_sync

router = APIRouter(prefix="/regions", tags=["regions"])


@router.post("", status_code=status.HTTP_201_CREATED, summary="Recognise a Zukunftsregion")
async def recognise_region(
    body: RegionRecognise,
    app: App,
    actor: Ministry,
    cid: CorrelationId,
    request: Request,
    key: IdempotencyKey = None,
) -> RegionState:
    return await run_sync(
        app.recognise_region,
        region_id=body.region_id,
        name=body.name,
        arl=body.arl,
        recognised_on=body.recognised_on,
        announced_budget_cents=body.announced_budget_cents,
        notes=body.notes,
        meta=meta(actor.model_dump(), cid),
        idem=for_request(key, actor.subject, request, body),
    )


@router.get("", summary="All recognised regions, by id")
async def list_regions(app: App, _: PublicReader, page: Pages) -> list[RegionState]:
    return page.of(await run_sync(app.list_regions), lambda r: (r.region_id,))


@router.get("/{region_id}", summary="A region's state, now or as it was recorded at a past time")
async def get_region(
    region_id: str,
    app: App,
    _: PublicReader,
    as_of: Annotated[
        str | None,
        Query(
            description="a date (end of that day, German time) or an ISO date-time: the state "
            "as the system had recorded it then",
            examples=["2026-01-31", "2026-01-31T12:00:00+01:00"],
        ),
    ] = None,
) -> RegionState:
    return await run_sync(app.get_region, region_id, parse_as_of(as_of) if as_of else None)


@router.get(
    "/{region_id}/history",
    summary="Every event of the region, oldest first, with who and when",
)
async def region_history(
    region_id: str, app: App, _: HistoryReader, page: Pages
) -> list[HistoryEntry]:
    events = await run_sync(app.history, region_id)
    return page.of(history(events, to_public), lambda ce: (ce.sequence,))
