"""Who may do what: every endpoint of every service, every role, on the real PostgreSQL.

The expected matrix is written out here, independently of the code; a new endpoint without
a row fails the test. Refused callers get 401 (no token) or 403 before their input is even
looked at, so allowed callers send a body with an unknown field and get a 422 instead:
nothing changes.
"""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.funding.bootstrap import bootstrap as funding_bootstrap
from services.funding.bootstrap import create_api as funding_api
from services.funding.settings import FundingSettings
from services.regions.bootstrap import bootstrap as regions_bootstrap
from services.regions.bootstrap import create_api as regions_api
from services.regions.settings import RegionsSettings
from services.reporting.bootstrap import create_api as reporting_api
from services.reporting.settings import ReportingSettings
from shared.auth import TOKEN_ROLES
from tests import support
from tests.unit.funding_world import RM, feed, proposal, public_events, regions_world

ALL = set(TOKEN_ROLES)
NOT_AGENCY = ALL - {"agency"}
MINISTRY = {"ministry"}
OWN_REGION = "jadebay"
OTHER_REGION = "heidefinition"

# (method, path) -> (roles allowed, regional roles limited to their own region)
# Who may verify a hash chain: those who oversee the programme.
OVERSEERS = {"ministry", "nbank", "auditor", "service"}

REGIONS: dict[tuple[str, str], tuple[set[str], bool]] = {
    ("GET", "/audit/chain"): (OVERSEERS, False),
    ("POST", "/programme"): (MINISTRY, False),
    ("GET", "/programme"): (ALL, False),
    ("POST", "/regions"): (MINISTRY, False),
    ("GET", "/regions"): (ALL, False),
    ("GET", "/regions/{region_id}"): (ALL, False),
    ("GET", "/regions/{region_id}/history"): (NOT_AGENCY, True),
    ("POST", "/regions/{region_id}/members"): (MINISTRY, True),
    ("POST", "/regions/{region_id}/zukunftskonzept"): (MINISTRY, True),
    ("POST", "/regions/{region_id}/zukunftskonzept/amendments"): (MINISTRY, True),
    ("POST", "/regions/{region_id}/steering-group"): (MINISTRY, True),
    ("POST", "/regions/{region_id}/regional-management"): (MINISTRY, True),
    ("POST", "/regions/{region_id}/regional-management/grants"): ({"nbank"}, True),
    ("POST", "/regions/{region_id}/budget"): (MINISTRY, True),
    ("POST", "/regions/{region_id}/budget/adjustments"): (MINISTRY, True),
}
REPORTING: dict[tuple[str, str], tuple[set[str], bool]] = {
    ("GET", "/audit/chain"): (OVERSEERS, False),
    ("GET", "/overview"): (ALL, False),
    ("GET", "/timeline"): (ALL, False),
    ("GET", "/audit/budgets/{region_id}/{fund}"): (
        {"ministry", "nbank", "auditor", "service"},
        False,
    ),
    ("GET", "/reports/operations"): (ALL, False),
    ("GET", "/reports/art42"): (ALL, False),
    ("GET", "/reports/business-dates"): (ALL, False),
    ("GET", "/regions/{region_id}/funds"): (ALL, False),
    ("GET", "/projects"): (NOT_AGENCY, False),
    # The project's region is known only once it is found (the matrix database is empty).
    ("GET", "/projects/{project_id}"): (NOT_AGENCY, False),
    ("GET", "/regions"): (ALL, False),
    ("GET", "/regions/{region_id}"): (ALL, False),
    ("GET", "/audit/events"): ({"ministry", "nbank", "auditor", "service"}, False),
    ("GET", "/contracts/events"): (ALL, False),
    ("GET", "/contracts/events/{event_type}"): (ALL, False),
    ("GET", "/contracts/asyncapi.json"): (ALL, False),
}
RM_ = "regional_management"
FUNDING: dict[tuple[str, str], tuple[set[str], bool]] = {
    ("GET", "/audit/chain"): (OVERSEERS, False),
    # The region is in the body: a foreign region is refused by the handler (unit tests).
    ("POST", "/projects"): ({RM_}, False),
    ("GET", "/projects/{project_id}"): (NOT_AGENCY, True),
    ("GET", "/projects/{project_id}/history"): (NOT_AGENCY, True),
    ("GET", "/regions/{region_id}/projects"): (NOT_AGENCY, True),
    ("GET", "/regions/{region_id}/budgets"): (NOT_AGENCY, True),
    # A budget cut held while the regions service records it: the regions service only.
    ("POST", "/regions/{region_id}/budgets/{fund}/cuts/{cut_id}"): ({"service"}, False),
    ("POST", "/regions/{region_id}/budgets/{fund}/cuts/{cut_id}/cancellation"): (
        {"service"},
        False,
    ),
    ("POST", "/projects/{project_id}/priority-check"): ({RM_, "arl", "nbank"}, True),
    ("POST", "/projects/{project_id}/vote"): ({"steering_group"}, True),
    ("POST", "/projects/{project_id}/submission"): ({RM_}, True),
    ("POST", "/projects/{project_id}/approval"): ({"nbank"}, True),
    ("POST", "/projects/{project_id}/amendments"): ({"nbank"}, True),
    ("GET", "/projects/{project_id}/contact-person"): ({RM_, "nbank", "ministry"}, True),
    ("POST", "/projects/{project_id}/contact-person/erasure"): ({"nbank", "ministry"}, True),
    ("POST", "/projects/{project_id}/refusal"): ({"nbank"}, True),
    ("POST", "/projects/{project_id}/reduction"): ({"nbank"}, True),
    ("POST", "/projects/{project_id}/payment-requests"): ({RM_, "nbank"}, True),
    ("POST", "/projects/{project_id}/disbursements"): ({"nbank"}, True),
    ("POST", "/projects/{project_id}/recoveries"): ({"nbank"}, True),
    ("POST", "/projects/{project_id}/proof-of-use"): ({"nbank"}, True),
    ("POST", "/projects/{project_id}/closure"): ({"nbank"}, True),
    ("POST", "/projects/{project_id}/withdrawal"): ({RM_, "nbank"}, True),
}
OPEN = {"/health", "/livez", "/readyz"}


@pytest.fixture
def regions_client(fresh_database: str) -> Iterator[TestClient]:
    settings = RegionsSettings(pg_database=fresh_database, run_relay=False, zr_environment="test")
    with TestClient(regions_api(regions_bootstrap(settings))) as client:
        ministry = support.bearer("ministry")
        assert client.post("/programme", json={"envelope_cents": 100}, headers=ministry).is_success
        for rid in (OWN_REGION, OTHER_REGION):
            region = {"region_id": rid, "name": rid, "arl": "ArL Weser-Ems"}
            assert client.post("/regions", json=region, headers=ministry).is_success
        yield client


@pytest.fixture
def reporting_client(second_database: str) -> Iterator[TestClient]:
    settings = ReportingSettings(pg_database=second_database, run_consumer=False)
    with TestClient(reporting_api(settings)) as client:
        yield client


@pytest.fixture
def funding_client(fresh_database: str) -> Iterator[tuple[TestClient, str]]:
    """Funding with HeiDefinition learnt from the regions' events, and one project in it."""
    settings = FundingSettings(
        pg_database=fresh_database, run_relay=False, run_consumer=False, zr_environment="test"
    )
    service = funding_bootstrap(settings)
    feed(service.app, list(public_events(regions_world())))
    project = service.app.propose_project(region_id="heidefinition", meta=RM, **proposal())
    with TestClient(funding_api(service)) as client:
        yield client, str(project.project_id)


def callers(own: str, other: str) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for role in TOKEN_ROLES:
        if role in {"regional_management", "steering_group"}:
            out += [(role, own), (role, other)]
        else:
            out.append((role, None))
    return out


def walk(
    client: TestClient,
    matrix: dict[tuple[str, str], tuple[set[str], bool]],
    own: str = OWN_REGION,
    other: str = OTHER_REGION,
    project_id: str = "",
) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    paths = app.openapi()["paths"]
    endpoints = {(m.upper(), p) for p, ops in paths.items() for m in ops if p not in OPEN}
    assert endpoints == set(matrix), "every endpoint has its row in the matrix"
    refused = []
    for (method, template), (allowed, own_only) in sorted(matrix.items()):
        path = (
            template.replace("{region_id}", own)
            .replace("{project_id}", project_id)
            .replace("{fund}", "EFRE")
            .replace("{cut_id}", "5d0c1f2e-7a3b-4c8d-9e6f-0a1b2c3d4e5f")
            .replace("{event_type}", "de.niedersachsen.zukunftsregionen.FundsCommitted.v2")
        )
        body = {"not_a_field": True} if method == "POST" else None
        anonymous = client.request(method, path, json=body)
        assert anonymous.status_code == 401, (method, path, anonymous.text)
        for role, region in callers(own, other):
            may = role in allowed and not (own_only and region not in (None, own))
            response = client.request(method, path, json=body, headers=support.bearer(role, region))
            if may:
                assert response.status_code not in (401, 403), (method, path, role, region)
            else:
                assert response.status_code == 403, (method, path, role, region, response.text)
                assert response.json()["detail"]
                refused.append((method, path, role))
    assert refused, "the matrix refuses someone somewhere"


def test_the_regions_service_lets_each_role_do_only_its_part(regions_client: TestClient) -> None:
    walk(regions_client, REGIONS)
    # Nothing the matrix sent changed anything.
    listed = regions_client.get("/regions", headers=support.bearer("agency")).json()
    assert [(r["region_id"], r["version"]) for r in listed] == [(OTHER_REGION, 1), (OWN_REGION, 1)]


def test_the_reporting_service_lets_each_role_read_only_its_part(
    reporting_client: TestClient,
) -> None:
    walk(reporting_client, REPORTING, project_id="8f1c4a52-0c5e-4d7e-9a63-2f1b9d0c7e11")


def test_the_funding_service_lets_each_role_do_only_its_part(
    funding_client: tuple[TestClient, str],
) -> None:
    client, project_id = funding_client
    walk(client, FUNDING, own="heidefinition", other="jadebay", project_id=project_id)
    state = client.get(f"/projects/{project_id}", headers=support.bearer("nbank")).json()
    assert (state["stage"], state["version"]) == ("proposed", 1)
