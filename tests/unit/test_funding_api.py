"""The funding HTTP API in memory: bad input for every command gets a clear 4xx and changes
nothing; a region's management acts for its own region only; retries are idempotent."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.funding.bootstrap import bootstrap, create_api
from services.funding.settings import FundingSettings
from tests.support import bearer
from tests.unit.funding_world import EUR, SCORES, feed, proposal, public_events, regions_world
from tests.unit.service_client import Api

SETTINGS = FundingSettings(persistence="popo", run_relay=False, run_consumer=False)


RM = bearer("regional_management", "heidefinition")
SG = bearer("steering_group", "heidefinition")
NBANK = bearer("nbank")


def as_json(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in body.items()}


PROPOSAL = as_json({"region_id": "heidefinition", **proposal()})


@pytest.fixture
def api() -> Iterator[tuple[Api, str]]:
    service = bootstrap(SETTINGS)
    feed(service.app, list(public_events(regions_world())))
    with TestClient(create_api(service)) as client:
        api = Api(client, service.app, NBANK)
        created = api.post("/projects", PROPOSAL, RM)
        assert created.status_code == 201, created.text
        yield api, created.json()["project_id"]


def test_a_project_goes_its_way_over_http(api: tuple[Api, str]) -> None:
    a, pid = api
    steps = [
        ("priority-check", {"passed": True}, RM),
        (
            "vote",
            {"votes_for": 6, "votes_against": 1, "voted_on": "2025-02-01", "scores": SCORES},
            SG,
        ),
        ("submission", {}, RM),
        ("approval", {"note": "Bescheid vom 3.3.2025"}, NBANK),
        ("payment-requests", {"declared_expenditure_cents": 100_000 * EUR}, RM),
        ("disbursements", {"amount_cents": 60_000 * EUR}, NBANK),
        ("proof-of-use", {"eligible_expenditure_cents": 100_000 * EUR}, NBANK),
        ("closure", {}, NBANK),
    ]
    for step, body, who in steps:
        r = a.post(f"/projects/{pid}/{step}", body, who)
        assert r.status_code == 200, (step, r.text)
    project = a.client.get(f"/projects/{pid}", headers=NBANK).json()
    assert (project["stage"], project["disbursed_cents"], project["released_cents"]) == (
        "closed",
        60_000 * EUR,
        540_000 * EUR,
    )
    history = a.client.get(f"/projects/{pid}/history", headers=RM).json()
    # The public event names the role and organisation; the history, for overseers, the
    # person and the note as well.
    approval = history[4]
    assert len(history) == 10 and approval["type"].endswith("FundsCommitted.v3")
    assert approval["data"]["actor"] == {
        "role": "nbank",
        "organisation": "NBank",
        "region_id": None,
    }
    assert "note" not in approval["data"]
    assert approval["recordedby"]["subject"] == "test-nbank"
    assert approval["note"] == "Bescheid vom 3.3.2025"
    budgets = a.client.get("/regions/heidefinition/budgets", headers=NBANK).json()
    assert budgets[0]["available_cents"] == 5_940_000 * EUR


BAD = [
    ("/projects", "{", RM, 422, "malformed JSON"),
    ("/projects", {**PROPOSAL, "budget": 1}, RM, 422, "budget: Extra inputs are not permitted"),
    ("/projects", {**PROPOSAL, "total_cost_cents": 1.5}, RM, 422, "total_cost_cents"),
    ("/projects", {**PROPOSAL, "location_ags": "04011"}, RM, 422, "location_ags"),
    # What no store can hold: more cents than a bigint, NUL, other control characters.
    ("/projects", {**PROPOSAL, "eligible_cost_cents": 2**63}, RM, 422, "eligible_cost_cents"),
    ("/projects", {**PROPOSAL, "total_cost_cents": 10**13 + 1}, RM, 422, "less than or equal"),
    ("/projects", {**PROPOSAL, "title": "Reallabor\u0000"}, RM, 422, "title: String should match"),
    ("/projects", {**PROPOSAL, "applicant_name": "Stadt\nCelle"}, RM, 422, "applicant_name"),
    ("/projects", {**PROPOSAL, "start_date": "1900-01-01"}, RM, 422, "between 2000-01-01"),
    ("/projects", {**PROPOSAL, "eligible_cost_cents": 50_000 * EUR}, RM, 422, "minimum size"),
    ("/projects", {**PROPOSAL, "handlungsfeld": "HF2"}, RM, 422, "not one of HeiDefinition's"),
    ("/projects", {**PROPOSAL, "end_date": "2029-03-31"}, RM, 422, "duration"),
    ("/projects", PROPOSAL, bearer("regional_management", "jadebay"), 403, "cannot act on"),
    (
        "/projects",
        {**PROPOSAL, "region_id": "jadebay"},
        bearer("regional_management", "jadebay"),
        409,
        "not (yet) known",
    ),
    ("/projects", PROPOSAL, NBANK, 403, "may not do this"),
    ("/projects/{pid}/priority-check", {}, RM, 422, "passed: Field required"),
    (
        "/projects/{pid}/vote",
        {"votes_for": 5, "votes_against": 0, "voted_on": "2025-01-01", "scores": SCORES},
        SG,
        409,
        "order of steps",
    ),
    (
        "/projects/{pid}/vote",
        {"votes_for": -1, "votes_against": 0, "voted_on": "2025-01-01", "scores": SCORES},
        SG,
        422,
        "votes_for",
    ),
    (
        "/projects/{pid}/submission",
        {},
        RM,
        409,
        "submitting the application needs a project that is endorsed",
    ),
    ("/projects/{pid}/approval", {}, NBANK, 409, "the grant decision needs"),
    ("/projects/{pid}/refusal", {}, NBANK, 422, "note: Field required"),
    (
        "/projects/{pid}/reduction",
        {"grant_cents": 1, "note": "weniger"},
        NBANK,
        409,
        "order of steps",
    ),
    (
        "/projects/{pid}/payment-requests",
        {"declared_expenditure_cents": -1},
        RM,
        422,
        "greater than or equal",
    ),
    ("/projects/{pid}/disbursements", {"amount_cents": 1}, NBANK, 409, "a disbursement needs"),
    ("/projects/{pid}/recoveries", {"amount_cents": 1}, NBANK, 422, "note: Field required"),
    (
        "/projects/{pid}/proof-of-use",
        {"eligible_expenditure_cents": "viel"},
        NBANK,
        422,
        "valid int",
    ),
    ("/projects/{pid}/closure", {}, NBANK, 409, "closing needs"),
    ("/projects/8f1c4a52-0c5e-4d7e-9a63-2f1b9d0c7e11/withdrawal", {}, RM, 404, "no project"),
    ("/projects/not-a-uuid/withdrawal", {}, RM, 422, "project_id"),
]


@pytest.mark.parametrize(("path", "body", "who", "status", "message"), BAD)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(
    api: tuple[Api, str], path: str, body: object, who: dict[str, str], status: int, message: str
) -> None:
    a, pid = api
    before = a.stored()
    response = a.post(path.replace("{pid}", pid), body, who)
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]
    assert a.stored() == before


def test_a_retry_with_the_same_idempotency_key_returns_the_first_result(
    api: tuple[Api, str],
) -> None:
    a, _ = api
    key = {"Idempotency-Key": "proposal-2025-17"}
    first = a.post("/projects", PROPOSAL, {**RM, **key})
    stored = a.stored()
    again = a.post("/projects", PROPOSAL, {**RM, **key})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert a.stored() == stored
    other = a.post("/projects", {**PROPOSAL, "title": "Etwas anderes"}, {**RM, **key})
    assert other.status_code == 422
    assert "used before for a different request" in other.json()["detail"]
    codes = [
        p["operation_code"]
        for p in a.client.get("/regions/heidefinition/projects", headers=NBANK).json()
    ]
    assert codes == ["ZRN-HEIDEFINITION-0001", "ZRN-HEIDEFINITION-0002"]


def test_a_regions_projects_page_by_page(api: tuple[Api, str]) -> None:
    a, _ = api
    for title in ("Zweites Vorhaben", "Drittes Vorhaben"):
        assert a.post("/projects", {**PROPOSAL, "title": title}, RM).status_code == 201
    first = a.get("/regions/heidefinition/projects?limit=2")
    assert len(first.json()) == 2 and "next" in first.links
    rest = a.get(first.links["next"]["url"])
    assert len(rest.json()) == 1 and "next" not in rest.links
    codes = [p["operation_code"] for p in first.json() + rest.json()]
    assert codes == sorted(set(codes))
