"""HTTP resource /regions."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from pydantic import BaseModel, ConfigDict, Field

from services.regions.application.regions import RegionsApplication, RegionView
from shared.auth import CurrentActor
from shared.es import meta
from shared.events.v1 import ArL, RegionId
from shared.http import correlation_id
from shared.sync import run_sync

router = APIRouter(prefix="/regions", tags=["regions"])


def regions_app(request: Request) -> RegionsApplication:
    return request.app.state.service.app  # type: ignore[no-any-return]


App = Annotated[RegionsApplication, Depends(regions_app)]
CorrelationId = Annotated[str, Depends(correlation_id)]


class RegionRecognise(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region_id: RegionId
    name: str = Field(min_length=1, max_length=200)
    arl: ArL
    recognised_on: date | None = Field(None, description="null where the date was not published")


class RegionPublic(BaseModel):
    region_id: str
    name: str
    arl: str
    recognised_on: date | None
    version: int

    @classmethod
    def of(cls, v: RegionView) -> "RegionPublic":
        return cls(**v.__dict__)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Recognise a Zukunftsregion")
async def recognise_region(
    body: RegionRecognise, app: App, actor: CurrentActor, cid: CorrelationId
) -> RegionPublic:
    view = await run_sync(
        app.recognise_region,
        region_id=body.region_id,
        name=body.name,
        arl=body.arl,
        recognised_on=body.recognised_on,
        meta=meta(actor.model_dump(), cid),
    )
    return RegionPublic.of(view)


@router.get("/{region_id}", summary="A region's current state")
async def get_region(region_id: str, app: App) -> RegionPublic:
    return RegionPublic.of(await run_sync(app.get_region, region_id))
