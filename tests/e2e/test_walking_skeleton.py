"""A region recognised over HTTP becomes visible in the reporting API: three real processes."""

import uuid

import httpx

from tests import support
from tests.e2e.conftest import Service, System

MINISTRY = support.bearer("ministry", subject="mb-referat-402")


async def open_programme(http: httpx.AsyncClient, regions: Service) -> None:
    r = await http.post(
        f"{regions.url}/programme", json={"envelope_cents": 9_600_000_000}, headers=MINISTRY
    )
    assert r.status_code == 201, r.text


async def test_a_recognised_region_shows_up_in_reporting(system: System) -> None:
    region = {
        "region_id": f"e2e-{uuid.uuid4().hex[:8]}",
        "name": "Süderelbe",
        "arl": "ArL Lüneburg",
        "recognised_on": "2022-09-21",
    }
    agency = support.bearer("agency")
    async with httpx.AsyncClient(timeout=10) as http:
        await open_programme(http, system.regions)
        created = await http.post(
            f"{system.regions.url}/regions",
            json=region,
            headers={**MINISTRY, "X-Correlation-ID": "e2e-corr"},
        )
        assert created.status_code == 201, created.text

        async def visible() -> dict[str, object] | None:
            url = f"{system.reporting.url}/regions/{region['region_id']}"
            r = await http.get(url, headers=agency)
            return r.json() if r.status_code == 200 else None

        row = await support.eventually(visible, timeout=60)
        assert row["name"] == "Süderelbe" and row["recognised_on"] == "2022-09-21"
        assert row["recognised_by"] == "MB"  # the organisation, never the person

        audit_url = f"{system.reporting.url}/audit/events"
        assert (await http.get(audit_url, headers=agency)).status_code == 403
        audit = (await http.get(audit_url, headers=support.bearer("auditor"))).json()
        kinds = [a["type"].split(".")[-2] for a in audit if ".ChainAnchored." not in a["type"]]
        assert kinds == ["ProgrammeOpened", "RegionRecognised"]
        assert audit[1]["correlation_id"] == "e2e-corr"
        assert (audit[1]["actor_organisation"], audit[1]["actor_subject"]) == ("MB", None)
        history = f"{system.regions.url}/regions/{region['region_id']}/history"
        assert (await http.get(history, headers=agency)).status_code == 403
        recorded = (await http.get(history, headers=support.bearer("auditor"))).json()
        assert recorded[0]["recordedby"]["subject"] == "mb-referat-402"  # for auditors only
        for service in (system.regions, system.funding, system.reporting):
            health = (await http.get(f"{service.url}/readyz")).json()
            assert (health["kafka"], health["database"], health["status"]) == (True, True, "ok")
            assert (await http.get(f"{service.url}/livez")).json() == {"status": "alive"}


async def test_bad_input_stores_nothing_in_the_real_event_store(regions: Service) -> None:
    good = {
        "region_id": "jadebay",
        "name": "JadeBay",
        "arl": "ArL Weser-Ems",
        "recognised_on": None,
    }
    async with httpx.AsyncClient(timeout=10, headers=MINISTRY) as http:
        await open_programme(http, regions)
        assert (await http.post(f"{regions.url}/regions", json=good)).status_code == 201
        bad = [
            ({"content": b"{", "headers": {"content-type": "application/json"}}, 422),
            ({"json": {**good, "region_id": "x2", "arl": "ArL Bremen"}}, 422),
            ({"json": {**good, "region_id": "x3", "recognised_on": "yesterday"}}, 422),
            ({"json": good}, 409),
            ({"json": good, "headers": {"Authorization": "Bearer forged"}}, 401),
            ({"json": good, "headers": support.bearer("nbank")}, 403),
        ]
        for kwargs, status in bad:
            r = await http.post(f"{regions.url}/regions", **kwargs)  # type: ignore[arg-type]
            assert r.status_code == status, r.text
            assert r.json()["detail"]
    # the programme's opening; the recognition (region and programme) in one save
    rows = await support.table(regions.database, "SELECT count(*) AS n FROM regions_events")
    assert rows[0]["n"] == 3
