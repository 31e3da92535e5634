"""The dashboard in a real browser (Debian's chromium, headless, driven by Playwright): the
figures match the API, the charts render, the table filters, a project's history opens
as a timeline, the "as of" picker shows a past day, and a clear message appears when the
API is down."""

import httpx
from playwright.async_api import Page, async_playwright

from services.reporting.client import ReportingClient
from tests import support
from tests.e2e.conftest import System
from tests.e2e.funding_steps import (
    NBANK,
    record_region,
    region_tokens,
    submitted_project,
    wait_for_budget,
)

CHROMIUM = "/usr/bin/chromium"
MINISTRY = support.bearer("ministry", subject="mb-dashboard")


async def prepare(http: httpx.AsyncClient, system: System) -> None:
    rm, _ = region_tokens("dash")
    await record_region(http, system.regions.url, "dash", 3_000_000_00)
    await wait_for_budget(http, system.funding.url, "dash", 3_000_000_00)
    paid = await submitted_project(http, system.funding.url, "dash", 400_000_00)
    base = f"{system.funding.url}/projects/{paid}"
    for step, body, who in (
        ("approval", {}, NBANK),
        ("payment-requests", {"declared_expenditure_cents": 100_000_00}, rm),
        ("disbursements", {"amount_cents": 60_000_00}, NBANK),
    ):
        assert (await http.post(f"{base}/{step}", json=body, headers=who)).status_code == 200
    await submitted_project(http, system.funding.url, "dash", 150_000_00)
    # The regional management's grant of a year (Celle: 90 %, two thirds of it from the EU).
    regions = f"{system.regions.url}/regions/dash/regional-management"
    establish = {"host_organisation": "Landkreis Celle", "annual_grant_cents": 270_000_00}
    assert (await http.post(regions, json=establish, headers=MINISTRY)).status_code == 200
    grant = {"year": 2025, "eligible_cost_cents": 100_000_00}
    assert (await http.post(f"{regions}/grants", json=grant, headers=NBANK)).status_code == 200

    async def projected() -> bool:
        """Both projects, each fully: their events travel on partitions of their own, so
        the payment of one says nothing of the other's submission."""
        r = await http.get(f"{system.reporting.url}/overview", headers=MINISTRY)
        paid = r.status_code == 200 and r.json()["totals"]["disbursed_cents"] == 60_000_00
        paid = paid and r.json()["regional_management"]["eu_cents"] == 60_000_00
        listed = await http.get(f"{system.reporting.url}/projects?region_id=dash", headers=MINISTRY)
        stages = sorted(p["stage"] for p in listed.json()) if listed.status_code == 200 else []
        return paid and stages == ["approved", "submitted"]

    await support.eventually(projected, timeout=60)


async def kpi(page: Page, name: str) -> str:
    return await page.get_attribute(f"#kpi-{name}", "data-cents") or ""


async def test_the_dashboard_shows_what_the_api_says(system: System) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        await prepare(http, system)
    token = MINISTRY["Authorization"].removeprefix("Bearer ")
    # What the API says, through the reporting service's typed client.
    with ReportingClient(system.reporting.url, token) as reporting:
        overview = reporting.overview()
        projects = reporting.projects()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        page = await browser.new_page(viewport={"width": 1400, "height": 1800})
        await page.goto(f"{system.reporting.url}/dashboard#token={token}")
        await page.wait_for_function("document.getElementById('kpi-committed').dataset.cents")
        assert await kpi(page, "envelope") == str(overview.envelope_cents)
        for name in ("allocated", "committed", "disbursed", "available", "open_claims"):
            assert await kpi(page, name) == str(getattr(overview.totals, f"{name}_cents")), name
        assert await kpi(page, "regional_management") == "6000000"  # 60,000 euros
        assert await page.text_content("#kpi-committed") == "240.000,00 €"

        await page.wait_for_selector("#chart-regionen .main-svg")
        assert await page.locator("#chart-regionen .barlayer .trace").count() == 3
        assert await page.locator("#chart-regionen .barlayer .point").count() >= 3
        assert await page.locator("#chart-zeit .scatterlayer .trace").count() == 2

        rows = page.locator("#vorhaben tbody tr")
        await page.wait_for_function(
            f"document.querySelectorAll('#vorhaben tbody tr').length == {len(projects)}"
        )
        await page.select_option("#f-stage", "approved")
        await page.wait_for_function("document.querySelectorAll('#vorhaben tbody tr').length == 1")
        assert "Bewilligt" in (await rows.first.text_content() or "")

        await rows.first.locator("a").click()
        await page.wait_for_selector("#verlauf li >> nth=6")
        history = await page.locator("#verlauf li .was").all_text_contents()
        assert history[0] == "Vorgeschlagen" and history[4] == "Bewilligt – 240.000,00 €"
        await page.screenshot(path=str(support.LOG_DIR / "dashboard.png"), full_page=True)

        await page.fill("#stichtag", "2020-01-01")
        await page.click("#stand button[type=submit]")
        await page.wait_for_function(
            "document.getElementById('kpi-committed').dataset.cents === '0'"
        )
        assert await kpi(page, "envelope") == ""  # the programme did not exist yet
        assert "01.01.2020" in (await page.text_content("#stand-anzeige") or "") or "1.1.2020" in (
            await page.text_content("#stand-anzeige") or ""
        )

        system.reporting.process.kill9()
        await page.click("#heute")
        await page.wait_for_selector("#fehler", state="visible")
        assert "nicht erreichbar" in (await page.text_content("#fehler") or "")
        await browser.close()
