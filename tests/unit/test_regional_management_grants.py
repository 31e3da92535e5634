"""Rule: the regional management's grant is programme money. NBank books it per year,
within the yearly cap of its category (the applicant's, the lead partner's district), at
the EU rate of that category with the Land's top-up apart; the EU part counts against the
programme's envelope, not the region's budget, whose published amount is for projects.
(Source: the programme's data, regional_management_rules; docs/programme-data.md.)"""

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from services.regions.adapters.public_events import to_public
from services.regions.bootstrap import bootstrap, create_api
from services.regions.settings import RegionsSettings
from shared.events import v2
from tests.support import bearer
from tests.unit.service_client import Api

EUR = 100
GRANTS = "/regions/heidefinition/regional-management/grants"
HEIDE = {"region_id": "heidefinition", "name": "HeiDefinition", "arl": "ArL Lüneburg"}
MEMBERS = {
    "members": [
        {"name": "Landkreis Celle", "kind": "landkreis", "kreisschluessel": "03351"},
        {"name": "Heidekreis", "kind": "landkreis", "kreisschluessel": "03358"},
    ],
    "lead_partner": "Landkreis Celle",
}


@pytest.fixture
def api() -> Iterator[Api]:
    service = bootstrap(RegionsSettings(persistence="popo", run_relay=False))
    with TestClient(create_api(service)) as client:
        a = Api(client, service.app, bearer("ministry"))
        assert a.post("/programme", {"envelope_cents": 96_000_000 * EUR}).status_code == 201
        assert a.post("/regions", HEIDE).status_code == 201
        assert a.post("/regions/heidefinition/members", MEMBERS).status_code == 200
        yield a


def grant(api: Api, year: int, euros: int) -> object:
    body = {"year": year, "eligible_cost_cents": euros * EUR, "decided_on": f"{year}-01-15"}
    return api.post(GRANTS, body, bearer("nbank"))


def test_booked_per_year_within_the_cap_at_the_eu_rate_with_the_land_apart(api: Api) -> None:
    assert grant(api, 2025, 100_000).status_code == 409  # type: ignore[attr-defined]  # not established yet
    rm = {"host_organisation": "Landkreis Celle", "annual_grant_cents": 270_000 * EUR}
    assert api.post("/regions/heidefinition/regional-management", rm).status_code == 200
    # Celle lies in the transition region: 90 % with the Land's top-up, 60 % from the EU,
    # at most 270,000 € a year. 400,000 € eligible would be 360,000 €: capped.
    first = grant(api, 2025, 400_000)
    assert first.status_code == 200, first.text  # type: ignore[attr-defined]
    [booked] = first.json()["regional_management_grants"]  # type: ignore[attr-defined]
    assert booked == {
        "year": 2025, "eligible_cost_cents": 400_000 * EUR, "grant_cents": 270_000 * EUR,
        "eu_cents": 180_000 * EUR, "land_cents": 90_000 * EUR, "category": "transition",
    }  # fmt: skip
    full = grant(api, 2025, 10_000)
    assert full.status_code == 422 and "270.000,00 € of 2025 are granted" in full.json()["detail"]  # type: ignore[attr-defined]
    assert grant(api, 2026, 100_000).json()["regional_management_grants"][1]["eu_cents"] == (  # type: ignore[attr-defined]
        60_000 * EUR
    )
    # The EU part counts against the envelope, not the region's budget for projects.
    programme = api.get("/programme").json()
    assert programme["regional_management_cents"] == 240_000 * EUR
    assert programme["available_cents"] == (96_000_000 - 240_000) * EUR
    assert api.get("/regions/heidefinition").json()["budget_total_cents"] == 0
    history = api.app.history("heidefinition")  # type: ignore[attr-defined]
    published = [ce.type for event in history for ce in to_public(event)]
    assert published[-1] == v2.RegionalManagementGrantedV1.event_type()


def test_only_nbank_grants_and_only_for_programme_years(api: Api) -> None:
    rm = {"host_organisation": "Landkreis Celle", "annual_grant_cents": 270_000 * EUR}
    assert api.post("/regions/heidefinition/regional-management", rm).status_code == 200
    body = {"year": 2025, "eligible_cost_cents": 100_000 * EUR}
    assert api.post(GRANTS, body).status_code == 403  # the ministry does not decide grants
    assert api.post(GRANTS, body, bearer("regional_management", "heidefinition")).status_code == 403
    assert api.post(GRANTS, {**body, "year": 2031}, bearer("nbank")).status_code == 422
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    future = api.post(GRANTS, {**body, "decided_on": tomorrow}, bearer("nbank"))
    assert future.status_code == 422 and "lies in the future" in future.json()["detail"]
