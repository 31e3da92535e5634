"""Reporting's lists page by page (keyset: a Link header to the next page), an `as_of`
outside the years the system holds is a clear 422, and a title that looks like a formula
stays text in the CSV and XLSX exports."""

import asyncio
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from services.reporting.bootstrap import create_api
from services.reporting.settings import ReportingSettings
from tests import support
from tests.integration.read_models import projected
from tests.integration.test_reporting_figures import everything

AUDITOR = support.bearer("auditor")
FORMULA = '=HYPERLINK("http://evil.example","Klick")'


async def filled(database: str) -> int:
    events, _ = everything()
    first, *_ = [i for i, (e, p) in enumerate(events) if ".ProjectProposed." in e.type]
    ce, payload = events[first]
    data = {**ce.data, "title": FORMULA}
    assert payload is not None
    events[first] = (
        ce.model_copy(update={"data": data}),
        payload.model_copy(update={"title": FORMULA}),
    )
    async with projected(database, events):
        return len(events)


@pytest.fixture
def reporting(fresh_database: str) -> Iterator[tuple[TestClient, int]]:
    count = asyncio.run(filled(fresh_database))
    settings = ReportingSettings(pg_database=fresh_database, run_consumer=False)
    with TestClient(create_api(settings)) as client:
        yield client, count


def every_page(client: TestClient, url: str) -> tuple[list[Any], int]:
    items, pages = [], 0
    while url:
        response = client.get(url, headers=AUDITOR)
        assert response.status_code == 200, response.text
        items.extend(response.json())
        pages += 1
        url = response.links.get("next", {}).get("url", "")
    return items, pages


def test_the_audit_log_is_read_to_its_end_page_by_page(
    reporting: tuple[TestClient, int],
) -> None:
    client, count = reporting
    entries, pages = every_page(client, "/audit/events?limit=7")
    assert len(entries) == count
    assert pages == -(-count // 7) > 1
    assert len({e["event_id"] for e in entries}) == count
    keys = [(e["time"], e["aggregate_id"], e["sequence"]) for e in entries]
    assert keys == sorted(keys)


def test_every_list_pages_to_the_same_items_as_one_large_page(
    reporting: tuple[TestClient, int],
) -> None:
    client, _ = reporting
    for path in ("/projects", "/regions", "/timeline", "/audit/budgets/heidefinition/EFRE"):
        whole = client.get(f"{path}?limit=1000", headers=AUDITOR).json()
        paged, pages = every_page(client, f"{path}?limit=1")
        assert paged == whole and pages == len(whole), path


def test_a_cursor_that_was_not_handed_out_is_a_422(reporting: tuple[TestClient, int]) -> None:
    client, _ = reporting
    for after in ("not-base64!", "WyJ4Il0", "WzEsMiwzXQ"):  # junk, ["x"], [1,2,3]
        r = client.get(f"/audit/events?after={after}", headers=AUDITOR)
        assert r.status_code == 422, (after, r.text)
        assert "after" in r.json()["detail"]


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "9999-12-31T23:59:59+00:00"])
def test_as_of_beyond_the_years_held_is_a_422(
    reporting: tuple[TestClient, int], as_of: str
) -> None:
    client, _ = reporting
    for path in ("/overview", "/projects", "/timeline"):
        r = client.get(path, params={"as_of": as_of}, headers=AUDITOR)
        assert r.status_code == 422, (path, r.text)
        assert "as_of" in r.json()["detail"]
    r = client.get("/reports/art42", params={"cutoff": as_of[:10]}, headers=AUDITOR)
    assert r.status_code == 422


def test_a_title_that_looks_like_a_formula_stays_text_in_the_exports(
    reporting: tuple[TestClient, int],
) -> None:
    client, _ = reporting
    csv = client.get("/reports/operations?format=csv", headers=AUDITOR).text
    assert f"'{FORMULA}"[:20] in csv.replace('""', '"')
    assert f",{FORMULA[:10]}" not in csv.replace('""', '"')
    xlsx = client.get("/reports/operations?format=xlsx", headers=AUDITOR).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)


def test_one_project_as_it_stood_at_a_past_moment(reporting: tuple[TestClient, int]) -> None:
    """Issue 13, rule 9: GET /projects/{id} takes `as_of`, as the README says."""
    client, _ = reporting
    closed = next(p for p in client.get("/projects", headers=AUDITOR).json()
                  if p["stage"] == "closed")  # fmt: skip
    pid = closed["project_id"]
    log = client.get("/audit/events?limit=1000", headers=AUDITOR).json()
    mine = [e for e in log if e["aggregate_id"] == pid]
    proposed = next(e for e in mine if ".ProjectProposed." in e["type"])
    committed = next(e for e in mine if ".FundsCommitted." in e["type"])

    def at(moment: str) -> Any:
        return client.get(f"/projects/{pid}", params={"as_of": moment}, headers=AUDITOR)

    then = at(proposed["time"])
    assert then.status_code == 200, then.text
    assert then.json()["stage"] == "proposed" and then.json()["committed_cents"] == 0
    later = at(committed["time"]).json()
    assert later["stage"] == "approved" and later["committed_cents"] > 0
    assert client.get(f"/projects/{pid}", headers=AUDITOR).json()["stage"] == "closed"
    before = at("2022-01-01")
    assert before.status_code == 404 and "not yet recorded" in before.json()["detail"]
