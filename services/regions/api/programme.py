"""HTTP resource /programme: the EU envelope."""

from fastapi import APIRouter, Request, status

from services.regions.api.deps import App, CorrelationId, Ministry, PublicReader
from services.regions.api.schemas import ProgrammeOpen
from services.regions.application.views import ProgrammeState
from shared.es import meta
from shared.idempotency import IdempotencyKey, for_request
from shared.sync import run_sync

router = APIRouter(prefix="/programme", tags=["programme"])


@router.post("", status_code=status.HTTP_201_CREATED, summary="Open the programme (ministry)")
async def open_programme(
    body: ProgrammeOpen,
    app: App,
    actor: Ministry,
    cid: CorrelationId,
    request: Request,
    key: IdempotencyKey = None,
) -> ProgrammeState:
    return await run_sync(
        app.open_programme,
        name=body.name,
        envelope_cents=body.envelope_cents,
        meta=meta(actor.model_dump(), cid),
        idem=for_request(key, actor.subject, request, body),
    )


@router.get("", summary="The envelope, what is allocated and what is left")
async def get_programme(app: App, _: PublicReader) -> ProgrammeState:
    return await run_sync(app.get_programme)
