"""What the reporting routers need: the read models' pools, the settings, and who may read
what. Agencies read the public figures and reports; the projects and the audit log are for
those who work in or oversee the programme."""

from typing import Annotated

import asyncpg
from fastapi import Depends, Query, Request

from services.reporting.settings import ReportingSettings
from shared.auth import EVERYONE, NON_PUBLIC_READERS, allow
from shared.events.base import Actor


def pool(request: Request) -> asyncpg.Pool:
    return request.app.state.pool  # type: ignore[no-any-return]


def as_of_pool(request: Request) -> asyncpg.Pool:
    """Connections without a statement cache: "as of" shadows the tables with temporary
    ones of the same names."""
    return request.app.state.as_of_pool  # type: ignore[no-any-return]


def settings(request: Request) -> ReportingSettings:
    return request.app.state.settings  # type: ignore[no-any-return]


Pool = Annotated[asyncpg.Pool, Depends(pool)]
AsOfPool = Annotated[asyncpg.Pool, Depends(as_of_pool)]
Settings = Annotated[ReportingSettings, Depends(settings)]

PublicReader = Annotated[Actor, Depends(allow(*EVERYONE, own_region=False))]
Reader = Annotated[Actor, Depends(allow(*NON_PUBLIC_READERS))]
# Who did what is for those who oversee the programme, not for agencies or the regions.
AuditReader = Annotated[Actor, Depends(allow("ministry", "nbank", "auditor", "service"))]

AsOf = Annotated[
    str | None,
    Query(
        description="a date (end of that day, German time) or an ISO date-time: the figures "
        "as they stood then, replayed from the events recorded up to that moment",
        examples=["2026-01-31"],
    ),
]
