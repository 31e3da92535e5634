"""HTTP resource /projects of the reporting read model: the list with filters, and one
project. Not public (agencies read the EU list of operations); regional roles see their
own region's projects only."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from services.reporting.adapters.figures import models_as_of
from services.reporting.api.money import AsOf
from services.reporting.api.regions import Pool
from shared.auth import NON_PUBLIC_READERS, REGIONAL_ROLES, allow, check_own_region
from shared.errors import NotFound
from shared.events.base import Actor
from shared.events.v1 import Fund, Handlungsfeld
from shared.http import parse_as_of
from shared.pages import LargePages, key_args

router = APIRouter(prefix="/projects", tags=["projects"])
Reader = Annotated[Actor, Depends(allow(*NON_PUBLIC_READERS))]


class ProjectRow(BaseModel):
    project_id: UUID
    operation_code: str
    region_id: str
    title: str
    applicant_name: str
    handlungsfeld: str
    fund: str
    location_ags: str
    category: str
    kind: str
    start_date: date
    end_date: date
    eligible_cost_cents: int
    planned_grant_cents: int
    stage: str
    committed_cents: int
    disbursed_cents: int
    released_cents: int
    recovered_cents: int
    proposed_at: datetime
    selected_at: datetime | None
    updated_at: datetime


COLUMNS = ", ".join(ProjectRow.model_fields)


LIST = (
    f"SELECT {COLUMNS} FROM project_view "
    "WHERE ($1::text IS NULL OR region_id = $1) AND ($2::text IS NULL OR stage = $2) "
    "AND ($3::text IS NULL OR fund = $3) AND ($4::text IS NULL OR handlungsfeld = $4) "
    "AND ($6::text IS NULL OR operation_code > $6) ORDER BY operation_code LIMIT $5"
)


@router.get("", summary="Projects, filtered by region, stage, fund and Handlungsfeld")
async def list_projects(
    request: Request,
    db: Pool,
    actor: Reader,
    page: LargePages,
    region_id: str | None = None,
    stage: str | None = None,
    fund: Fund | None = None,
    handlungsfeld: Handlungsfeld | None = None,
    as_of: AsOf = None,
) -> list[ProjectRow]:
    if actor.role in REGIONAL_ROLES:
        region_id = region_id or actor.region_id
        check_own_region(actor, region_id or "")
    args = (region_id, stage, fund, handlungsfeld, page.limit + 1, *key_args(page, str))
    if as_of:
        moment = parse_as_of(as_of)
        async with (
            request.app.state.as_of_pool.acquire() as conn,
            models_as_of(conn, moment, region_id),
        ):
            rows = await conn.fetch(LIST, *args)
    else:
        rows = await db.fetch(LIST, *args)
    return page.rows([ProjectRow(**dict(r)) for r in rows], lambda p: (p.operation_code,))


@router.get("/{project_id}", summary="One project's current state")
async def get_project(project_id: UUID, db: Pool, actor: Reader) -> ProjectRow:
    row = await db.fetchrow(f"SELECT {COLUMNS} FROM project_view WHERE project_id = $1", project_id)
    if row is None:
        raise NotFound(f"no project {project_id} (yet)")
    check_own_region(actor, row["region_id"])
    return ProjectRow(**dict(row))
