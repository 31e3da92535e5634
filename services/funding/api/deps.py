"""What the funding routers need: the application, the caller, and who may do what.

On a project's path a regional role acts only for the project's region.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request

from services.funding.application.funding import FundingApplication
from shared.auth import NON_PUBLIC_READERS, allow, check_own_region
from shared.events.base import Actor, Role
from shared.http import correlation_id
from shared.sync import run_sync


def funding_app(request: Request) -> FundingApplication:
    return request.app.state.service.app  # type: ignore[no-any-return]


App = Annotated[FundingApplication, Depends(funding_app)]
CorrelationId = Annotated[str, Depends(correlation_id)]


def on_project(*roles: Role) -> Callable[..., Awaitable[Actor]]:
    """Dependency: the caller, if their role may, and a regional role only for the
    project's own region."""
    role_check = allow(*roles)

    async def caller(
        project_id: UUID, app: App, actor: Annotated[Actor, Depends(role_check)]
    ) -> Actor:
        project = await run_sync(app.get_project, project_id)
        check_own_region(actor, project.region_id)
        return actor

    caller.allowed_roles = role_check.allowed_roles  # type: ignore[attr-defined]
    return caller


# Reading projects and budgets: not agencies (they read the public reports).
Reader = Annotated[Actor, Depends(allow(*NON_PUBLIC_READERS))]
ProjectReader = Annotated[Actor, Depends(on_project(*NON_PUBLIC_READERS))]
# The region's management proposes, submits, and may withdraw; its steering group votes.
RegionalManagement = Annotated[Actor, Depends(allow("regional_management"))]
Submitter = Annotated[Actor, Depends(on_project("regional_management"))]
PriorityChecker = Annotated[Actor, Depends(on_project("regional_management", "arl", "nbank"))]
SteeringGroup = Annotated[Actor, Depends(on_project("steering_group"))]
PaymentRequester = Annotated[Actor, Depends(on_project("regional_management", "nbank"))]
Withdrawer = Annotated[Actor, Depends(on_project("regional_management", "nbank"))]
# NBank decides grants, pays, recovers and closes.
NBank = Annotated[Actor, Depends(on_project("nbank"))]
