"""Bad input on the regions HTTP API: a clear 4xx, and nothing stored (in-memory storage)."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from services.regions.bootstrap import bootstrap, create_api
from services.regions.settings import RegionsSettings

GOOD = {
    "region_id": "jadebay",
    "name": "JadeBay",
    "arl": "ArL Weser-Ems",
    "recognised_on": "2022-10-05",
}


@pytest.fixture
def client() -> Iterator[tuple[TestClient, object]]:
    service = bootstrap(RegionsSettings(persistence="popo", run_relay=False))
    with TestClient(create_api(service)) as c:
        yield c, service.app


def stored(app: object) -> int:
    return app.recorder.max_notification_id() or 0  # type: ignore[attr-defined]


def test_recognise_and_read_back(client: tuple[TestClient, object]) -> None:
    c, _ = client
    assert c.post("/regions", json=GOOD).status_code == 201
    assert c.get("/regions/jadebay").json()["arl"] == "ArL Weser-Ems"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "malformed JSON"),
        ({**GOOD, "arl": "ArL Hamburg"}, "arl: Input should be"),
        ({**GOOD, "region_id": "Jade Bay!"}, "region_id: String should match pattern"),
        ({**GOOD, "recognised_on": "5.10.2022"}, "recognised_on"),
        ({**GOOD, "budget": 1}, "budget: Extra inputs are not permitted"),
        ({k: v for k, v in GOOD.items() if k != "name"}, "name: Field required"),
    ],
)
def test_bad_input_is_refused_with_a_message(
    client: tuple[TestClient, object], body: object, message: str
) -> None:
    c, app = client
    response = (
        c.post("/regions", content=body, headers={"content-type": "application/json"})
        if isinstance(body, str)
        else c.post("/regions", json=body)
    )
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert stored(app) == 0


def test_a_second_recognition_is_a_conflict(client: tuple[TestClient, object]) -> None:
    c, app = client
    c.post("/regions", json=GOOD)
    response = c.post("/regions", json={**GOOD, "name": "Other"})
    assert response.status_code == 409
    assert "already recognised" in response.json()["detail"]
    assert stored(app) == 1
    assert c.get("/regions/jadebay").json()["name"] == "JadeBay"


def test_an_unknown_region_is_404(client: tuple[TestClient, object]) -> None:
    c, _ = client
    response = c.get("/regions/atlantis")
    assert response.status_code == 404
    assert "atlantis" in response.json()["detail"]
