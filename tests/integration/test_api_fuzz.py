"""API fuzzing (Schemathesis, property-based from the OpenAPI documents): every operation
of the three services, called with tokens of several roles and with none. No answer is a
5xx, and every answer is as documented: its status, its content type, its schema (errors
are RFC 9457 problem details).

Bounded for the suite (ZR_FUZZ_EXAMPLES examples per operation and role, 6 by default);
`make fuzz` runs longer. Regions and funding run on in-memory event stores (what is fuzzed
is HTTP), reporting on the real PostgreSQL.
"""

import asyncio
import os
import uuid
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis import checks

from services.funding.bootstrap import bootstrap as funding_bootstrap
from services.funding.bootstrap import create_api as funding_api
from services.funding.settings import FundingSettings
from services.regions.bootstrap import bootstrap as regions_bootstrap
from services.regions.bootstrap import create_api as regions_api
from services.regions.settings import RegionsSettings
from services.reporting.bootstrap import create_api as reporting_api
from services.reporting.settings import ReportingSettings
from tests import support
from tests.unit.funding_world import RM, feed, proposal, public_events, regions_world

EXAMPLES = int(os.environ.get("ZR_FUZZ_EXAMPLES", "6"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
ROLES: list[tuple[str | None, str | None]] = [
    (None, None),
    ("agency", None),
    ("ministry", None),
    ("nbank", None),
    ("regional_management", "heidefinition"),
]
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


# A probe answers 503 by design when what it checks does not answer (here: no Kafka, and
# no database for the in-memory services); tests/e2e/test_probes.py covers it for real.
PROBES = {"/readyz", "/health"}


def call(app: str, case: schemathesis.Case, role: str | None, region: str | None) -> None:
    wanted = [c for c in CHECKS if c is not checks.not_a_server_error or case.path not in PROBES]
    case.call_and_validate(app=APPS[app], headers=headers(role, region), checks=wanted)


def headers(role: str | None, region: str | None) -> dict[str, str]:
    return support.bearer(role, region) if role else {}


def regions() -> FastAPI:
    return regions_api(regions_bootstrap(RegionsSettings(persistence="popo", run_relay=False)))


def funding() -> FastAPI:
    service = funding_bootstrap(
        FundingSettings(persistence="popo", run_relay=False, run_consumer=False)
    )
    feed(service.app, list(public_events(regions_world())))
    service.app.propose_project(region_id="heidefinition", meta=RM, **proposal())
    return funding_api(service)


REPORTING_DB = f"zr_test_fuzz_{uuid.uuid4().hex[:8]}"


def reporting() -> FastAPI:
    return reporting_api(ReportingSettings(pg_database=REPORTING_DB, run_consumer=False))


# One app per service for the whole module (each call runs its lifespan anew).
APPS = {"regions": regions(), "funding": funding(), "reporting": reporting()}
REGIONS = schemathesis.openapi.from_dict(APPS["regions"].openapi())
FUNDING = schemathesis.openapi.from_dict(APPS["funding"].openapi())
REPORTING = schemathesis.openapi.from_dict(APPS["reporting"].openapi()).exclude(
    path_regex="^/dashboard"
)


@pytest.fixture(scope="module")
def reporting_database(infrastructure: None) -> Iterator[str]:
    support.admin_now(f"CREATE DATABASE {REPORTING_DB}")
    yield REPORTING_DB
    asyncio.run(support.drop_database(REPORTING_DB))


@pytest.mark.parametrize(("role", "region"), ROLES)
@REGIONS.parametrize()
@FUZZ
def test_the_regions_api_answers_as_documented(
    case: schemathesis.Case, role: str | None, region: str | None
) -> None:
    call("regions", case, role, region)


@pytest.mark.parametrize(("role", "region"), ROLES)
@FUNDING.parametrize()
@FUZZ
def test_the_funding_api_answers_as_documented(
    case: schemathesis.Case, role: str | None, region: str | None
) -> None:
    call("funding", case, role, region)


@pytest.mark.parametrize(("role", "region"), ROLES)
@REPORTING.parametrize()
@FUZZ
def test_the_reporting_api_answers_as_documented(
    case: schemathesis.Case, role: str | None, region: str | None, reporting_database: str
) -> None:
    call("reporting", case, role, region)
