"""The typed clients against the running services: the programme loader and the demo go
through them; a refusal arrives as an exception with the service's own message."""

import pytest

from services.funding.application.commands import Approval
from services.funding.client import FundingClient
from services.regions.client import RegionsClient
from services.regions.programme_data.load import load
from services.regions.programme_data.plan import load_data
from services.reporting.client import ReportingClient
from shared.auth import Authenticator
from shared.client import Conflict, NotFound, Refused
from shared.settings import ServiceSettings
from tests import support
from tests.e2e.conftest import System
from tools import demo


def token(role: str, region: str | None = None) -> str:
    return support.bearer(role, region)["Authorization"].split()[1]


async def test_the_loader_and_the_demo_work_through_the_typed_clients(system: System) -> None:
    with (
        RegionsClient(system.regions.url, token("ministry")) as regions,
        FundingClient(system.funding.url, token("nbank")) as funding,
        ReportingClient(system.reporting.url, token("ministry")) as reporting,
    ):
        outcomes = load(regions, load_data())
        assert len(outcomes) == 14 and regions.programme().allocated_cents == 52_760_000_00

        async def funding_knows_the_budgets() -> bool:
            """Both funds, allocated as the regions service has them (not only opened)."""
            known = {b.fund: b.allocated_cents for b in funding.budgets("heidefinition")}
            return sorted(known) == ["EFRE", "ESF+"] and all(known.values())

        await support.eventually(funding_knows_the_budgets, timeout=60)
        run = demo.Demo(
            regions, funding, Authenticator.of(ServiceSettings()), demo.random.Random(7)
        )
        heide = regions.region("heidefinition")
        reached = [demo.run_project(run, heide, n, stage) for n, stage in
                   enumerate(["closed", "approved", "submitted"], start=1)]  # fmt: skip
        assert reached == ["closed", "approved", "submitted"]

        projects = funding.as_(token("regional_management", "heidefinition")).region_projects(
            "heidefinition"
        )
        submitted = next(p for p in projects if p.stage == "submitted")
        # Refusals arrive as exceptions carrying the service's message.
        with pytest.raises(Refused, match="403"):
            funding.as_(token("agency")).project(submitted.project_id)
        with pytest.raises(NotFound, match="no project"):
            funding.project("00000000-0000-4000-8000-000000000000")
        closed = next(p for p in projects if p.stage == "closed")
        with pytest.raises(Conflict, match="order of steps"):
            funding.approve(closed.project_id, Approval())

        async def reported() -> bool:
            rows = reporting.projects(region_id="heidefinition")
            return sorted(r.stage for r in rows) == ["approved", "closed", "submitted"]

        await support.eventually(reported, timeout=60)
        assert reporting.region_funds("heidefinition").funds[0].committed_cents > 0
        assert "de.niedersachsen.zukunftsregionen.FundsCommitted.v2" in reporting.event_schemas()
