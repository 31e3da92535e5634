"""HTTP resource /regions of the reporting read model."""

from datetime import date, datetime
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from shared.auth import EVERYONE, allow
from shared.errors import NotFound
from shared.events.base import Actor
from shared.pages import Pages, key_args

router = APIRouter(prefix="/regions", tags=["regions"])


def pool(request: Request) -> asyncpg.Pool:
    return request.app.state.pool  # type: ignore[no-any-return]


Pool = Annotated[asyncpg.Pool, Depends(pool)]
PublicReader = Annotated[Actor, Depends(allow(*EVERYONE, own_region=False))]


class RegionRow(BaseModel):
    region_id: str
    name: str
    arl: str
    recognised_on: date | None
    recognised_at: datetime
    recognised_by: str


@router.get("", summary="All recognised regions, by name")
async def list_regions(db: Pool, _: PublicReader, page: Pages) -> list[RegionRow]:
    rows = await db.fetch(
        "SELECT * FROM region_view WHERE $1::text IS NULL OR (name, region_id) > ($1, $2::text) "
        "ORDER BY name, region_id LIMIT $3",
        *key_args(page, str, str),
        page.limit + 1,
    )
    return page.rows([RegionRow(**dict(r)) for r in rows], lambda r: (r.name, r.region_id))


@router.get("/{region_id}", summary="One recognised region")
async def get_region(region_id: str, db: Pool, _: PublicReader) -> RegionRow:
    row = await db.fetchrow("SELECT * FROM region_view WHERE region_id = $1", region_id)
    if row is None:
        raise NotFound(f"no recognised region {region_id!r} (yet)")
    return RegionRow(**dict(row))
