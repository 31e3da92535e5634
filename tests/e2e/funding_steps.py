"""Steps the funding end-to-end tests share: a region recorded in the regions service, and
projects taken through their lifecycle over HTTP."""

from typing import Any

import httpx

from tests import support

MINISTRY = support.bearer("ministry")
NBANK = support.bearer("nbank", subject="nbank-bewilligung-3")
# Eight voting seats and the ArL's advisory one; a vote carries the project's scoring.
SEATS = [
    {"organisation": "ArL Lüneburg", "kind": "arl", "function": "beratend"},
    *({"organisation": f"Kommune {n}", "kind": "municipal"} for n in range(5)),
    *({"organisation": f"Partner {n}", "kind": "economic_social_partner"} for n in range(3)),
]
SCORES = [{"criterion": "Beitrag zum Zukunftskonzept", "points": 8, "max_points": 10}]


def region_tokens(region_id: str) -> tuple[dict[str, str], dict[str, str]]:
    return (
        support.bearer("regional_management", region_id),
        support.bearer("steering_group", region_id),
    )


async def record_region(
    http: httpx.AsyncClient, regions_url: str, region_id: str, efre_cents: int
) -> None:
    """A region in the transition region (Celle, 03351): grants are 60 % of eligible cost."""
    calls: list[tuple[str, dict[str, Any]]] = [
        ("/programme", {"envelope_cents": 9_600_000_000}),
        ("/regions", {"region_id": region_id, "name": region_id.title(), "arl": "ArL Lüneburg"}),
        (
            f"/regions/{region_id}/members",
            {
                "members": [
                    {"name": "Landkreis Celle", "kind": "landkreis", "kreisschluessel": "03351"}
                ]
            },
        ),
        (f"/regions/{region_id}/zukunftskonzept", {"handlungsfelder": ["HF1", "HF4"]}),
        (f"/regions/{region_id}/steering-group", {"seats": SEATS, "constituted_on": "2023-03-01"}),
        (f"/regions/{region_id}/budget", {"fund": "EFRE", "amount_cents": efre_cents}),
    ]
    for path, body in calls:
        r = await http.post(f"{regions_url}{path}", json=body, headers=MINISTRY)
        assert r.status_code in (201, 200, 409), r.text


async def wait_for_budget(
    http: httpx.AsyncClient, funding_url: str, region_id: str, allocated_cents: int
) -> None:
    async def learnt() -> bool:
        r = await http.get(f"{funding_url}/regions/{region_id}/budgets", headers=NBANK)
        return r.status_code == 200 and r.json()[0]["allocated_cents"] == allocated_cents

    await support.eventually(learnt, timeout=60)


def proposal(region_id: str, eligible_cents: int, title: str = "Reallabor") -> dict[str, Any]:
    return {
        "region_id": region_id,
        "title": title,
        "purpose": "Digitale Dienste im ländlichen Raum",
        "applicant_name": "Landkreis Celle",
        "applicant_kind": "municipality",
        "handlungsfeld": "HF1",
        "fund": "EFRE",
        "location_ags": "03351",
        "start_date": "2025-01-01",
        "end_date": "2027-06-30",
        "total_cost_cents": eligible_cents,
        "eligible_cost_cents": eligible_cents,
    }


async def submitted_project(
    http: httpx.AsyncClient, funding_url: str, region_id: str, eligible_cents: int
) -> str:
    rm, sg = region_tokens(region_id)
    r = await http.post(
        f"{funding_url}/projects", json=proposal(region_id, eligible_cents), headers=rm
    )
    assert r.status_code == 201, r.text
    pid: str = r.json()["project_id"]
    for step, body, who in (
        ("priority-check", {"passed": True}, rm),
        (
            "vote",
            {"votes_for": 5, "votes_against": 0, "voted_on": "2025-02-01", "scores": SCORES},
            sg,
        ),
        ("submission", {}, rm),
    ):
        r = await http.post(f"{funding_url}/projects/{pid}/{step}", json=body, headers=who)
        assert r.status_code == 200, r.text
    return pid
