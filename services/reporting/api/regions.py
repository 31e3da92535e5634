"""HTTP resource /regions of the reporting read model (public data)."""

from datetime import date, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.reporting.adapters import queries
from services.reporting.api.deps import Pool, PublicReader
from shared.errors import NotFound
from shared.pages import Pages, key_args

router = APIRouter(prefix="/regions", tags=["regions"])


class RegionRow(BaseModel):
    region_id: str
    name: str
    arl: str
    recognised_on: date | None
    recognised_at: datetime
    recognised_by: str = Field(description="the organisation that recognised it")


@router.get("", summary="All recognised regions, by name")
async def list_regions(db: Pool, _: PublicReader, page: Pages) -> list[RegionRow]:
    rows = await queries.regions(db, key_args(page, str, str), page.limit + 1)
    return page.rows([RegionRow(**dict(r)) for r in rows], lambda r: (r.name, r.region_id))


@router.get("/{region_id}", summary="One recognised region")
async def get_region(region_id: str, db: Pool, _: PublicReader) -> RegionRow:
    row = await queries.region(db, region_id)
    if row is None:
        raise NotFound(f"no recognised region {region_id!r} (yet)")
    return RegionRow(**dict(row))
