"""A project from proposal to closure across the three services: the regions service
records the region, funding learns its budget from Kafka, NBank approves and pays, and
the reporting service's audit log shows every step with who and when."""

import httpx

from tests import support
from tests.e2e.conftest import System
from tests.e2e.funding_steps import (
    NBANK,
    record_region,
    region_tokens,
    submitted_project,
    wait_for_budget,
)

AUDITOR = support.bearer("auditor")


async def test_a_project_from_proposal_to_closure(system: System) -> None:
    rm, _ = region_tokens("heide")
    async with httpx.AsyncClient(timeout=30) as http:
        await record_region(http, system.regions.url, "heide", 2_000_000_00)
        await wait_for_budget(http, system.funding.url, "heide", 2_000_000_00)
        pid = await submitted_project(http, system.funding.url, "heide", 250_000_00)
        base = f"{system.funding.url}/projects/{pid}"
        steps = [
            ("approval", {"note": "Bescheid 12/2025"}, NBANK),
            ("payment-requests", {"declared_expenditure_cents": 200_000_00}, rm),
            ("disbursements", {"amount_cents": 120_000_00}, NBANK),
            ("proof-of-use", {"eligible_expenditure_cents": 200_000_00}, NBANK),
            ("closure", {"note": "Verwendungsnachweis geprüft"}, NBANK),
        ]
        for step, body, who in steps:
            headers = {**who, "X-Correlation-ID": f"flow-{step}"}
            r = await http.post(f"{base}/{step}", json=body, headers=headers)
            assert r.status_code == 200, (step, r.text)
        project = r.json()
        assert (project["stage"], project["grant_cents"], project["released_cents"]) == (
            "closed",
            120_000_00,
            30_000_00,  # 60 % of 250,000 = 150,000 committed, 120,000 paid
        )
        [efre, _] = (
            await http.get(f"{system.funding.url}/regions/heide/budgets", headers=NBANK)
        ).json()
        assert efre["available_cents"] == 2_000_000_00 - 120_000_00

        async def audited() -> list[dict[str, object]] | None:
            url = f"{system.reporting.url}/audit/events?aggregate_id={pid}"
            rows = (await http.get(url, headers=AUDITOR)).json()
            return rows if len(rows) >= 10 else None

        rows = await support.eventually(audited, timeout=60)
        budget = (
            await http.get(f"{system.reporting.url}/audit/budgets/heide/EFRE", headers=AUDITOR)
        ).json()
    assert [str(b["type"]).split(".")[-2] for b in budget] == [
        "BudgetAllocated",
        "FundsCommitted",
        "FundsDisbursed",
        "FundsReleased",
    ]
    assert [str(r["type"]).split(".")[-2] for r in rows] == [
        "ProjectProposed",
        "PriorityCheckRecorded",
        "ProjectEndorsed",
        "ApplicationSubmitted",
        "FundsCommitted",
        "PaymentRequested",
        "FundsDisbursed",
        "ProofOfUseAccepted",
        "FundsReleased",
        "ProjectClosed",
    ]
    committed = rows[4]  # who: the role and organisation (the person is in funding's history)
    assert (committed["actor_role"], committed["actor_organisation"]) == ("nbank", "NBank")
    assert committed["actor_subject"] is None
    assert committed["correlation_id"] == "flow-approval"
    assert committed["data"]["amount_cents"] == 150_000_00  # type: ignore[index]


async def test_reporting_shows_where_the_money_stands_now_and_then(system: System) -> None:
    agency = support.bearer("agency")
    async with httpx.AsyncClient(timeout=30) as http:
        await record_region(http, system.regions.url, "moor", 1_000_000_00)
        await wait_for_budget(http, system.funding.url, "moor", 1_000_000_00)
        pid = await submitted_project(http, system.funding.url, "moor", 200_000_00)
        r = await http.post(f"{system.funding.url}/projects/{pid}/approval", json={}, headers=NBANK)
        assert r.status_code == 200, r.text
        funds_url = f"{system.reporting.url}/regions/moor/funds"

        async def committed() -> dict[str, object] | None:
            r = await http.get(funds_url, headers=agency)
            if r.status_code != 200:
                return None
            body = r.json()
            return body if body["funds"][0]["committed_cents"] == 120_000_00 else None

        now = await support.eventually(committed, timeout=60)
        assert now["funds"][0]["available_cents"] == 880_000_00
        assert now["projects_by_stage"] == {"approved": 1}
        before = (await http.get(f"{funds_url}?as_of=2020-01-01", headers=agency)).json()
        assert before["detail"] == "no recognised region 'moor' at 2020-01-01"
        overview = (await http.get(f"{system.reporting.url}/overview", headers=agency)).json()
        assert overview["envelope_cents"] == 9_600_000_000
        assert overview["by_category"]["transition"]["committed_cents"] == 120_000_00
        assert (
            await http.get(f"{system.reporting.url}/projects", headers=agency)
        ).status_code == 403
