"""The budget is never overspent: approvals and disbursements racing over HTTP against the
running funding service (which learnt the budget from the regions service via Kafka)."""

import asyncio

import httpx

from tests import support
from tests.e2e.conftest import Service, start_service
from tests.e2e.funding_steps import (
    NBANK,
    record_region,
    region_tokens,
    submitted_project,
    wait_for_budget,
)

RACERS = 50
GRANT = 60_000_00  # 60 % of 100,000 euros eligible cost
FITTING = 17


async def test_fifty_approvals_commit_exactly_as_many_as_fit(
    regions_and_funding: tuple[Service, Service],
    topic_prefix: str,
    processes: list[support.Process],
) -> None:
    """Two funding processes on the one database: the in-process lock cannot help, the
    budget's version decides."""
    regions, funding = regions_and_funding
    twin = start_service(
        "funding", funding.database, topic_prefix, processes, run_relay=False, run_consumer=False
    )
    allocated = FITTING * GRANT + GRANT - 1
    async with httpx.AsyncClient(timeout=120) as http:
        await record_region(http, regions.url, "wettlauf", allocated)
        await wait_for_budget(http, funding.url, "wettlauf", allocated)
        projects = await asyncio.gather(
            *(submitted_project(http, funding.url, "wettlauf", 100_000_00) for _ in range(RACERS))
        )
        urls = [(funding.url, twin.url)[i % 2] for i in range(RACERS)]
        responses = await asyncio.gather(
            *(
                http.post(f"{url}/projects/{p}/approval", json={}, headers=NBANK)
                for url, p in zip(urls, projects, strict=True)
            )
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [200] * FITTING + [409] * (RACERS - FITTING)
        for r in responses:
            if r.status_code == 409:
                assert f"available ({GRANT - 1} cents)" in r.json()["detail"]
        [efre, _] = (
            await http.get(f"{funding.url}/regions/wettlauf/budgets", headers=NBANK)
        ).json()
    assert efre["committed_cents"] == FITTING * GRANT
    assert efre["available_cents"] == GRANT - 1


async def test_disbursements_never_exceed_the_commitment(
    regions_and_funding: tuple[Service, Service],
) -> None:
    regions, funding = regions_and_funding
    rm, _ = region_tokens("auszahlung")
    async with httpx.AsyncClient(timeout=120) as http:
        await record_region(http, regions.url, "auszahlung", 1_000_000_00)
        await wait_for_budget(http, funding.url, "auszahlung", 1_000_000_00)
        pid = await submitted_project(http, funding.url, "auszahlung", 100_000_00)
        base = f"{funding.url}/projects/{pid}"
        assert (await http.post(f"{base}/approval", json={}, headers=NBANK)).status_code == 200
        request = {"declared_expenditure_cents": 100_000_00}
        assert (
            await http.post(f"{base}/payment-requests", json=request, headers=rm)
        ).status_code == 200
        # 12.5 payments of 4,800 euros fit in the 60,000 committed: 12 are paid.
        responses = await asyncio.gather(
            *(
                http.post(f"{base}/disbursements", json={"amount_cents": 4_800_00}, headers=NBANK)
                for _ in range(RACERS)
            )
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [200] * 12 + [409] * (RACERS - 12)
        project = (await http.get(base, headers=NBANK)).json()
    assert project["disbursed_cents"] == 12 * 4_800_00 <= project["grant_cents"]


async def test_a_retried_disbursement_is_paid_once(
    regions_and_funding: tuple[Service, Service],
) -> None:
    regions, funding = regions_and_funding
    rm, _ = region_tokens("wiederholung")
    async with httpx.AsyncClient(timeout=120) as http:
        await record_region(http, regions.url, "wiederholung", 1_000_000_00)
        await wait_for_budget(http, funding.url, "wiederholung", 1_000_000_00)
        pid = await submitted_project(http, funding.url, "wiederholung", 100_000_00)
        base = f"{funding.url}/projects/{pid}"
        await http.post(f"{base}/approval", json={}, headers=NBANK)
        await http.post(
            f"{base}/payment-requests", json={"declared_expenditure_cents": 100_000_00}, headers=rm
        )
        headers = {**NBANK, "Idempotency-Key": "auszahlung-2025-0042"}
        responses = await asyncio.gather(
            *(
                http.post(f"{base}/disbursements", json={"amount_cents": 1_000_00}, headers=headers)
                for _ in range(10)
            )
        )
        assert {r.status_code for r in responses} == {200}
        assert len({r.text for r in responses}) == 1
        project = (await http.get(base, headers=NBANK)).json()
    assert project["disbursed_cents"] == 1_000_00
