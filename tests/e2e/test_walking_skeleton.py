"""A region recognised over HTTP becomes visible in the reporting API: three real processes."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest

from tests import support


@dataclass
class System:
    regions: str
    funding: str
    reporting: str
    regions_db: str


@pytest.fixture
def system(
    databases: Callable[[], str], topic_prefix: str, processes: list[support.Process]
) -> System:
    """The three services as processes, each with its own new database (database per service)."""
    urls, dbs = {}, {}
    for name in ("regions", "funding", "reporting"):
        port, dbs[name] = support.free_port(), databases()
        env = support.service_env(name.upper(), dbs[name], topic_prefix, http_port=port)
        proc = support.start_process(name, ["-m", f"services.{name}", "serve"], env)
        processes.append(proc)
        urls[name] = f"http://127.0.0.1:{port}"
        support.wait_healthy(urls[name], proc)
    return System(urls["regions"], urls["funding"], urls["reporting"], dbs["regions"])


async def test_a_recognised_region_shows_up_in_reporting(system: System) -> None:
    region = {
        "region_id": f"e2e-{uuid.uuid4().hex[:8]}",
        "name": "Süderelbe",
        "arl": "ArL Lüneburg",
        "recognised_on": "2022-09-21",
    }
    async with httpx.AsyncClient(timeout=10) as http:
        created = await http.post(
            f"{system.regions}/regions", json=region, headers={"X-Correlation-ID": "e2e-corr"}
        )
        assert created.status_code == 201, created.text

        async def visible() -> dict[str, object] | None:
            r = await http.get(f"{system.reporting}/regions/{region['region_id']}")
            return r.json() if r.status_code == 200 else None

        row = await support.eventually(visible, timeout=60)
        assert row["name"] == "Süderelbe" and row["recognised_on"] == "2022-09-21"

        audit = (await http.get(f"{system.reporting}/audit/events")).json()
        assert [(a["type"].split(".")[-2], a["correlation_id"]) for a in audit] == [
            ("RegionRecognised", "e2e-corr")
        ]
        for url in (system.regions, system.funding, system.reporting):
            health = (await http.get(f"{url}/health")).json()
            assert health == {"kafka": True, "database": True, "status": "ok"}


async def test_bad_input_stores_nothing_in_the_real_event_store(system: System) -> None:
    good = {
        "region_id": "jadebay",
        "name": "JadeBay",
        "arl": "ArL Weser-Ems",
        "recognised_on": None,
    }
    async with httpx.AsyncClient(timeout=10) as http:
        assert (await http.post(f"{system.regions}/regions", json=good)).status_code == 201
        bad = [
            ({"content": b"{", "headers": {"content-type": "application/json"}}, 422),
            ({"json": {**good, "region_id": "x2", "arl": "ArL Bremen"}}, 422),
            ({"json": {**good, "region_id": "x3", "recognised_on": "yesterday"}}, 422),
            ({"json": good}, 409),
        ]
        for kwargs, status in bad:
            r = await http.post(f"{system.regions}/regions", **kwargs)  # type: ignore[arg-type]
            assert r.status_code == status, r.text
            assert r.json()["detail"]
    rows = await support.table(system.regions_db, "SELECT count(*) AS n FROM regions_events")
    assert rows[0]["n"] == 1
