"""HTTP resource /projects of the reporting read model: the list with filters, and one
project. Not public (agencies read the EU list of operations); regional roles see their
own region's projects only."""

from datetime import date, datetime
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.reporting.adapters import queries
from services.reporting.api.deps import AsOf, AsOfPool, Pool, Reader
from shared.auth import REGIONAL_ROLES, check_own_region
from shared.errors import NotFound
from shared.events.v1 import Fund, Handlungsfeld
from shared.http import parse_as_of
from shared.pages import LargePages, key_args

router = APIRouter(prefix="/projects", tags=["projects"])


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
    final_grant_cents: int | None = Field(None, description="as reconciled by the proof of use")
    open_claim_cents: int = Field(0, description="of a recovery claim, not yet repaid")
    proposed_at: datetime
    selected_at: datetime | None
    updated_at: datetime


@router.get("", summary="Projects, filtered by region, stage, fund and Handlungsfeld")
async def list_projects(
    db: Pool,
    as_of_pool: AsOfPool,
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
    rows = await queries.projects(
        db, as_of_pool, (region_id, stage, fund, handlungsfeld), key_args(page, str),
        page.limit + 1, parse_as_of(as_of) if as_of else None,
    )  # fmt: skip
    return page.rows([ProjectRow(**dict(r)) for r in rows], lambda p: (p.operation_code,))


@router.get(
    "/{project_id}",
    summary="One project's state, now or as recorded up to `as_of` (the time the events were "
    "recorded, not a business date: the dates of the vote and the grant decision are in the "
    "project's history)",
)
async def get_project(
    project_id: UUID, db: Pool, as_of_pool: AsOfPool, actor: Reader, as_of: AsOf = None
) -> ProjectRow:
    moment = parse_as_of(as_of) if as_of else None
    live = await queries.project(db, as_of_pool, project_id, None)
    if live is None:
        raise NotFound(f"no project {project_id} (yet)")
    check_own_region(actor, live["region_id"])  # before anything of it is replayed
    row = live if moment is None else await queries.project(db, as_of_pool, project_id, moment)
    if row is None:
        raise NotFound(f"project {project_id} was not yet recorded at {moment}")
    return ProjectRow(**dict(row))
