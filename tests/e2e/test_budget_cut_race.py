"""A budget cut never makes available money negative (issue 13, rule 1), against the real
services: the ministry's cut races NBank's approvals (threads over HTTP). Funding holds
the cut before regions records it, so either the cut is refused naming what is committed,
or the approvals that no longer fit are refused; funding's available money is never
negative, during the race or after the cut arrived over Kafka. A funding out of reach is
a 503 that changes nothing."""

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest

from tests import support
from tests.e2e.conftest import Service, start_service
from tests.e2e.funding_steps import (
    MINISTRY,
    NBANK,
    record_region,
    submitted_project,
    wait_for_budget,
)

GRANT = 60_000_00  # 60 % of 100,000 euros of eligible cost
ALLOCATED = 20 * GRANT  # 1.2 million euros of EFRE
CUT_TO = 10 * GRANT  # the ministry cuts it to 600,000
FIRST = 5  # approved before the race: 300,000 committed
RACERS = 15  # approvals racing the cut: all of them fit the allocation, 5 fit the cut
COMMITTED = "budget cut: {} are committed in the EFRE budget of {}; the budget cannot go below that"


@pytest.fixture
def funding_then_regions(
    databases: Callable[[], str], topic_prefix: str, processes: list[support.Process]
) -> tuple[Service, Service]:
    """Funding first, so the regions service can be told where it is."""
    funding = start_service("funding", databases, topic_prefix, processes)
    regions = start_service("regions", databases, topic_prefix, processes, funding_url=funding.url)
    return regions, funding


def euros(text: str) -> int:
    """Cents of a German amount ("660.000,00 €")."""
    return int(Decimal(text.removesuffix(" €").replace(".", "").replace(",", ".")) * 100)


def adjustment(regions: Service, region_id: str) -> str:
    return f"{regions.url}/regions/{region_id}/budget/adjustments"


async def test_a_cut_racing_approvals_never_leaves_the_budget_negative(
    funding_then_regions: tuple[Service, Service],
) -> None:
    regions, funding = funding_then_regions
    rid = "kuerzung"
    budgets = f"{funding.url}/regions/{rid}/budgets"
    async with httpx.AsyncClient(timeout=120) as http:
        await record_region(http, regions.url, rid, ALLOCATED)
        await wait_for_budget(http, funding.url, rid, ALLOCATED)
        projects = await asyncio.gather(
            *(submitted_project(http, funding.url, rid, 100_000_00) for _ in range(FIRST + RACERS))
        )
        for pid in projects[:FIRST]:
            r = await http.post(f"{funding.url}/projects/{pid}/approval", json={}, headers=NBANK)
            assert r.status_code == 200, r.text
        # A cut below what is committed: refused, naming it; regions keeps the allocation.
        to_one_euro = {"fund": "EFRE", "amount_cents": 100, "reason": "Kürzung"}
        r = await http.post(adjustment(regions, rid), json=to_one_euro, headers=MINISTRY)
        assert r.status_code == 409, r.text
        assert r.json()["detail"] == COMMITTED.format("300.000,00 €", rid)

    # The race: the cut and fifteen approvals let go at once; a reader watches the budget.
    go = threading.Barrier(RACERS + 1)
    settled = threading.Event()
    seen: list[int] = []

    def post(url: str, body: dict[str, object], headers: dict[str, str]) -> httpx.Response:
        with httpx.Client(timeout=120) as h:
            go.wait()
            return h.post(url, json=body, headers=headers)

    def watch() -> None:
        with httpx.Client(timeout=30) as h:
            while not settled.is_set():
                [efre, _] = h.get(budgets, headers=NBANK).json()
                seen.append(efre["available_cents"])

    cut = {"fund": "EFRE", "amount_cents": CUT_TO, "reason": "Umschichtung in den ESF+"}
    with ThreadPoolExecutor(RACERS + 2) as pool:
        watching = pool.submit(watch)
        cutting = pool.submit(post, adjustment(regions, rid), cut, MINISTRY)
        racing = [
            pool.submit(post, f"{funding.url}/projects/{pid}/approval", {}, NBANK)
            for pid in projects[FIRST:]
        ]
        answer, approvals = cutting.result(), [f.result() for f in racing]
        async with httpx.AsyncClient(timeout=120) as http:
            if answer.status_code == 200:  # funding applies the cut from regions' event
                await wait_for_budget(http, funding.url, rid, CUT_TO)
            [efre, _] = (await http.get(budgets, headers=NBANK)).json()
        settled.set()
        watching.result()

    won = sum(r.status_code == 200 for r in approvals)
    refused = [r for r in approvals if r.status_code != 200]
    assert all(r.status_code == 409 for r in refused), [r.text for r in refused]
    assert all("cannot be committed" in r.json()["detail"] for r in refused)
    if answer.status_code == 200:
        # The cut was held first: the approvals that did not fit it were refused.
        assert FIRST + won == 10 and len(refused) == RACERS - won
        assert (efre["allocated_cents"], efre["committed_cents"]) == (CUT_TO, CUT_TO)
    else:
        # Too much was committed when the cut came: refused, naming what was committed then.
        assert answer.status_code == 409, answer.text
        detail = answer.json()["detail"]
        named = detail.removeprefix("budget cut: ").split(" are committed")[0]
        assert detail == COMMITTED.format(named, rid)
        assert CUT_TO < euros(named) <= ALLOCATED and euros(named) % GRANT == 0
        assert FIRST + won == 20 and refused == []
        assert efre["allocated_cents"] == ALLOCATED
    assert efre["available_cents"] >= 0 and seen and min(seen) >= 0


async def test_a_cut_while_funding_is_down_is_a_503_and_changes_nothing(
    funding_then_regions: tuple[Service, Service],
) -> None:
    regions, funding = funding_then_regions
    rid = "ausfall"
    async with httpx.AsyncClient(timeout=120, headers=MINISTRY) as http:
        await record_region(http, regions.url, rid, ALLOCATED)
        await wait_for_budget(http, funding.url, rid, ALLOCATED)
        funding.process.stop()
        cut = {"fund": "EFRE", "amount_cents": CUT_TO, "reason": "Kürzung"}
        r = await http.post(adjustment(regions, rid), json=cut)
        assert r.status_code == 503, r.text
        assert "the funding service" in r.json()["detail"]
        region = (await http.get(f"{regions.url}/regions/{rid}")).json()
        assert region["budget"] == [
            {"fund": "EFRE", "amount_cents": ALLOCATED, "basis": "decision", "note": None}
        ]
        # A raise needs no confirmation: it goes through without funding.
        more = {"fund": "EFRE", "amount_cents": ALLOCATED + GRANT, "reason": "Aufstockung"}
        r = await http.post(adjustment(regions, rid), json=more)
        assert r.status_code == 200, r.text
