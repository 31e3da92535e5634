"""HTTP resource /projects: proposals, and what a project is and was."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, status

from services.funding.adapters.public_events import to_public
from services.funding.api.deps import (
    App,
    CorrelationId,
    ProjectReader,
    Reader,
    RegionalManagement,
    on_project,
)
from services.funding.application.commands import Erasure, ProjectPropose
from services.funding.application.views import BudgetState, ContactPerson, ProjectState
from shared.auth import check_own_region
from shared.es import meta
from shared.events.base import Actor
from shared.history import HistoryEntry, history
from shared.idempotency import IdempotencyKey, for_request
from shared.pages import LargePages, Pages
from shared.sync import run_sync

router = APIRouter(tags=["projects"])


@router.post(
    "/projects",
    status_code=status.HTTP_201_CREATED,
    summary="Propose a project (the region's management, for its own region)",
)
async def propose_project(
    body: ProjectPropose,
    request: Request,
    app: App,
    actor: RegionalManagement,
    cid: CorrelationId,
    key: IdempotencyKey = None,
) -> ProjectState:
    check_own_region(actor, body.region_id)
    fields = body.model_dump(exclude={"region_id"})
    return await run_sync(
        app.propose_project,
        region_id=body.region_id,
        meta=meta(actor.model_dump(), cid),
        idem=for_request(key, actor.subject, request, body),
        **fields,
    )


@router.get("/projects/{project_id}", summary="A project's current state")
async def get_project(project_id: UUID, app: App, _: ProjectReader) -> ProjectState:
    return await run_sync(app.get_project, project_id)


@router.get(
    "/projects/{project_id}/history",
    summary="Every step as published, with who acted in person and why (not for agencies)",
)
async def project_history(
    project_id: UUID, app: App, _: ProjectReader, page: Pages
) -> list[HistoryEntry]:
    events = await run_sync(app.project_history, project_id)
    return page.of(history(events, to_public), lambda ce: (ce.sequence,))


@router.get("/regions/{region_id}/projects", summary="A region's projects, by operation code")
async def region_projects(
    region_id: str, app: App, _: Reader, page: LargePages
) -> list[ProjectState]:
    projects = await run_sync(app.region_projects, region_id)
    return page.of(projects, lambda p: (p.operation_code,))


@router.get("/regions/{region_id}/budgets", summary="A region's budget ledger per fund")
async def region_budgets(region_id: str, app: App, _: Reader) -> list[BudgetState]:
    return await run_sync(app.budgets, region_id)


ContactReader = Annotated[Actor, Depends(on_project("regional_management", "nbank", "ministry"))]
ContactEraser = Annotated[Actor, Depends(on_project("nbank", "ministry"))]


@router.get(
    "/projects/{project_id}/contact-person",
    summary="The project's contact person (personal data: stored sealed, never published)",
)
async def contact_person(project_id: UUID, app: App, _: ContactReader) -> ContactPerson:
    name, erased = await run_sync(app.contact_person, project_id)
    return ContactPerson(contact_person=name, erased=erased)


@router.post(
    "/projects/{project_id}/contact-person/erasure",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Erase the contact person (Art. 49(3)(b) CPR: two years on): its key is deleted, "
    "so the name is unreadable in every store and replay",
)
async def erase_contact_person(
    project_id: UUID,
    body: Erasure,
    request: Request,
    app: App,
    actor: ContactEraser,
    cid: CorrelationId,
    key: IdempotencyKey = None,
) -> None:
    idem = for_request(key, actor.subject, request, body)
    await run_sync(
        app.erase_contact_person, project_id, body.note, meta(actor.model_dump(), cid), idem
    )
