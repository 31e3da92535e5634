"""The regions HTTP API on in-memory storage: commands, queries, and bad input refused with a
clear message and nothing stored."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from services.regions.bootstrap import bootstrap, create_api
from services.regions.settings import RegionsSettings
from tests.support import bearer
from tests.unit.service_client import Api

SETTINGS = RegionsSettings(persistence="popo", run_relay=False)


MINISTRY = bearer("ministry")
JADEBAY = {
    "region_id": "jadebay",
    "name": "JadeBay",
    "arl": "ArL Weser-Ems",
    "recognised_on": "2022-10-05",
    "announced_budget_cents": 617_300_000,
}
MEMBERS = {
    "members": [
        {"name": "Landkreis Friesland", "kind": "landkreis", "kreisschluessel": "03455"},
        {"name": "Stadt Wilhelmshaven", "kind": "kreisfreie_stadt", "kreisschluessel": "03405"},
    ],
    "lead_partner": "Landkreis Friesland",
}


@pytest.fixture
def api() -> Iterator[Api]:
    service = bootstrap(SETTINGS)
    with TestClient(create_api(service)) as client:
        a = Api(client, service.app, MINISTRY)
        assert a.post("/programme", {"envelope_cents": 9_600_000_000}).status_code == 201
        assert a.post("/regions", JADEBAY).status_code == 201
        yield a


def test_a_region_is_kept_and_read_back(api: Api) -> None:
    assert api.post("/regions/jadebay/members", MEMBERS).status_code == 200
    hf = {"handlungsfelder": ["HF1", "HF4"], "adopted_on": "2022-06-30"}
    assert api.post("/regions/jadebay/zukunftskonzept", hf).status_code == 200
    seats = {
        "seats": [
            {"organisation": "Landkreis Friesland", "kind": "municipal", "function": "Landrat"},
            {"organisation": "ArL Weser-Ems", "kind": "arl"},
        ]
    }
    assert api.post("/regions/jadebay/steering-group", seats).status_code == 200
    rm = {"host_organisation": "JadeBay GmbH", "annual_grant_cents": 21_000_000}
    assert api.post("/regions/jadebay/regional-management", rm).status_code == 200
    efre = {"fund": "EFRE", "amount_cents": 400_000_000, "basis": "decision"}
    assert api.post("/regions/jadebay/budget", efre).status_code == 201
    adjust = {"fund": "EFRE", "amount_cents": 450_000_000, "reason": "Umschichtung 2025"}
    assert api.post("/regions/jadebay/budget/adjustments", adjust).status_code == 200

    region = api.get("/regions/jadebay").json()
    assert region["lead_partner"] == "Landkreis Friesland"
    assert region["handlungsfelder"] == ["HF1", "HF4"]
    assert region["regional_management"]["annual_cap_cents"] == 21_000_000
    assert region["budget"] == [
        {"fund": "EFRE", "amount_cents": 450_000_000, "basis": "decision", "note": None}
    ]
    programme = api.get("/programme").json()
    assert programme["available_cents"] == 9_600_000_000 - 450_000_000

    history = api.get("/regions/jadebay/history").json()
    assert [e["type"].split(".")[-2] for e in history] == [
        "RegionRecognised",
        "MembersRecorded",
        "ZukunftskonzeptAdopted",
        "SteeringGroupConstituted",
        "RegionalManagementEstablished",
        "BudgetAllocated",
        "BudgetAdjusted",
    ]
    # Who acted, in person, is in the history (not for agencies), not in the public events.
    assert {e["recordedby"]["subject"] for e in history} == {"test-ministry"}
    assert {e["data"]["actor"]["organisation"] for e in history} == {"MB"}
    assert all("subject" not in e["data"]["actor"] for e in history)
    first_day = history[0]["time"][:10]
    past = api.get(f"/regions/jadebay?as_of={first_day}").json()
    assert past["as_of"] is not None and past["version"] == 7  # the whole day counts


BAD_INPUT = [
    ("/programme", {"envelope_cents": 1}, 409, "already open"),
    ("/programme", {"envelope_cents": 1.5}, 422, "envelope_cents: Input should be a valid int"),
    ("/regions", "{not json", 422, "malformed JSON"),
    ("/regions", {**JADEBAY, "arl": "ArL Hamburg"}, 422, "arl: Input should be"),
    ("/regions", {**JADEBAY, "region_id": "Jade Bay!"}, 422, "region_id: String should match"),
    ("/regions", {**JADEBAY, "recognised_on": "5.10.2022"}, 422, "recognised_on"),
    ("/regions", {**JADEBAY, "budget": 1}, 422, "budget: Extra inputs are not permitted"),
    ("/regions", {**JADEBAY, "name": "Other"}, 409, "already recognised"),
    ("/regions", {**JADEBAY, "region_id": "x1", "announced_budget_cents": 0}, 422, "more than"),
    (
        "/regions/jadebay/members",
        {"members": [{"name": "Kreis Pinneberg", "kind": "landkreis", "kreisschluessel": "01056"}]},
        422,
        "kreisschluessel: String should match pattern '^03",
    ),
    ("/regions/jadebay/members", {"members": []}, 422, "members: List should have at least 1"),
    (
        "/regions/jadebay/members",
        {**MEMBERS, "lead_partner": "Landkreis Aurich"},
        422,
        "'Landkreis Aurich' is not one of the members",
    ),
    ("/regions/atlantis/members", MEMBERS, 404, "no recognised region 'atlantis'"),
    (
        "/regions/jadebay/zukunftskonzept",
        {"handlungsfelder": ["HF1", "HF4", "HF6"]},
        422,
        "one or two Handlungsfelder, not 3",
    ),
    ("/regions/jadebay/zukunftskonzept", {"handlungsfelder": ["HF9"]}, 422, "Input should be"),
    (
        "/regions/jadebay/steering-group",
        {"seats": [{"organisation": "Landkreis Friesland", "kind": "municipal"}]},
        422,
        "ArL Weser-Ems) must sit in the steering group",
    ),
    (
        "/regions/jadebay/steering-group",
        {"seats": [{"organisation": "ArL Weser-Ems", "kind": "chair"}]},
        422,
        "seats.0.kind",
    ),
    (
        "/regions/jadebay/regional-management",
        {"host_organisation": "JadeBay GmbH", "annual_grant_cents": 100},
        409,
        "members first",
    ),
    ("/regions/jadebay/regional-management", {"host_organisation": ""}, 422, "annual_grant_cents"),
    ("/regions/jadebay/budget", {"fund": "EFRE", "amount_cents": 9_600_000_001}, 409, "envelope"),
    ("/regions/jadebay/budget", {"fund": "EMFAF", "amount_cents": 1}, 422, "fund: Input should"),
    ("/regions/jadebay/budget", {"fund": "EFRE", "amount_cents": -5}, 422, "greater than or eq"),
    ("/regions/jadebay/budget", {"fund": "EFRE", "amount_cents": 0}, 422, "more than zero"),
    ("/regions/atlantis/budget", {"fund": "EFRE", "amount_cents": 1}, 404, "no recognised region"),
    (
        "/regions/jadebay/budget/adjustments",
        {"fund": "EFRE", "amount_cents": 1, "reason": "Grund"},
        409,
        "no EFRE allocation to adjust",
    ),
    (
        "/regions/jadebay/budget/adjustments",
        {"fund": "EFRE", "amount_cents": 1},
        422,
        "reason: Field required",
    ),
]


@pytest.mark.parametrize(("path", "body", "status", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(
    api: Api, path: str, body: object, status: int, message: str
) -> None:
    before = api.stored()
    response = api.post(path, body)
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]
    assert api.stored() == before


def test_queries_explain_what_is_missing(api: Api) -> None:
    assert "atlantis" in api.get("/regions/atlantis").json()["detail"]
    assert api.get("/regions/atlantis").status_code == 404
    bad_date = api.get("/regions/jadebay?as_of=31.01.2026")
    assert bad_date.status_code == 422
    assert "neither a date" in bad_date.json()["detail"]
    too_early = api.get("/regions/jadebay?as_of=2022-01-01")
    assert too_early.status_code == 404
    assert "not yet recorded" in too_early.json()["detail"]


def test_no_token_is_401_and_a_foreign_region_is_403(api: Api) -> None:
    response = api.client.get("/regions")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "bearer token" in response.json()["detail"]
    other = bearer("regional_management", "heidefinition")
    response = api.get("/regions/jadebay/history", headers=other)
    assert response.status_code == 403
    assert "for region 'heidefinition' cannot act on region 'jadebay'" in response.json()["detail"]
    own = bearer("regional_management", "jadebay")
    assert api.get("/regions/jadebay/history", headers=own).status_code == 200
    response = api.post("/regions/jadebay/members", MEMBERS, headers=own)
    assert response.status_code == 403
    assert "'regional_management' may not do this" in response.json()["detail"]
