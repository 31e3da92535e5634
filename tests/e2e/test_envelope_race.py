"""Allocations racing for the last money of the envelope, as real concurrent HTTP requests
against the running regions service on PostgreSQL: exactly as many win as fit."""

import asyncio

import httpx
import pytest

from tests import support
from tests.e2e.conftest import Service

MINISTRY = support.bearer("ministry")
RACERS = 20


async def prepare(http: httpx.AsyncClient, url: str, envelope_cents: int) -> None:
    r = await http.post(f"{url}/programme", json={"envelope_cents": envelope_cents})
    assert r.status_code == 201, r.text
    for i in range(RACERS):
        region = {"region_id": f"race-{i}", "name": f"Region {i}", "arl": "ArL Lüneburg"}
        assert (await http.post(f"{url}/regions", json=region)).status_code == 201


@pytest.mark.parametrize(
    ("envelope_cents", "amount_cents", "winners"), [(1_000, 1_000, 1), (5_000, 1_000, 5)]
)
async def test_exactly_as_many_allocations_win_as_fit(
    regions: Service, envelope_cents: int, amount_cents: int, winners: int
) -> None:
    async with httpx.AsyncClient(timeout=60, headers=MINISTRY) as http:
        await prepare(http, regions.url, envelope_cents)
        responses = await asyncio.gather(
            *(
                http.post(
                    f"{regions.url}/regions/race-{i}/budget",
                    json={"fund": "EFRE", "amount_cents": amount_cents},
                )
                for i in range(RACERS)
            )
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [201] * winners + [409] * (RACERS - winners)
        for r in responses:
            if r.status_code == 409:
                assert (
                    "would exceed the programme's envelope: 0 cents are left" in r.json()["detail"]
                )
        programme = (await http.get(f"{regions.url}/programme")).json()
    assert programme["allocated_cents"] == winners * amount_cents <= envelope_cents
    stored = await support.table(
        regions.database,
        "SELECT count(*) AS n FROM regions_events WHERE topic LIKE '%BudgetAllocated'",
    )
    assert stored[0]["n"] == winners
