"""HTTP resources /overview and /regions/{id}/funds: where the money stands, now or as of
a past moment. The figures are aggregates of public events: every role may read them."""

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from services.reporting.adapters.figures import Figures, figures, of_type
from services.reporting.api.regions import Pool, PublicReader
from shared.errors import NotFound
from shared.events import v1
from shared.http import parse_as_of
from shared.pages import LargePages, key_args

router = APIRouter(tags=["money"])

AsOf = Annotated[
    str | None,
    Query(
        description="a date (end of that day, German time) or an ISO date-time: the figures "
        "as they stood then, replayed from the events recorded up to that moment",
        examples=["2026-01-31"],
    ),
]
MONEY = ("allocated_cents", "proposed_cents", "endorsed_cents", "submitted_cents",
         "committed_cents", "disbursed_cents", "released_cents", "recovered_cents",
         "available_cents")  # fmt: skip


class Totals(BaseModel):
    allocated_cents: int = 0
    proposed_cents: int = 0
    endorsed_cents: int = 0
    submitted_cents: int = 0
    committed_cents: int = 0
    disbursed_cents: int = 0
    released_cents: int = 0
    recovered_cents: int = 0
    available_cents: int = 0


class FundFigures(Totals):
    region_id: str
    fund: str


class RegionFigures(BaseModel):
    region_id: str
    as_of: datetime | None
    funds: list[FundFigures]
    projects_by_stage: dict[str, int]


class Overview(BaseModel):
    as_of: datetime | None
    envelope_cents: int | None
    totals: Totals
    by_fund: dict[str, Totals]
    by_arl: dict[str, Totals]
    by_category: dict[str, Totals]
    by_region: dict[str, Totals]
    projects_by_stage: dict[str, int]


async def read(
    request: Request, pool: asyncpg.Pool, region_id: str | None, as_of: str | None
) -> Figures:
    moment = parse_as_of(as_of) if as_of else None
    if moment is None:
        async with pool.acquire() as conn:
            return await figures(conn, region_id)
    # "As of" uses temporary tables: on connections without a statement cache.
    async with request.app.state.as_of_pool.acquire() as conn:
        return await figures(conn, region_id, moment)


def _total(rows: list[dict[str, Any]]) -> Totals:
    return Totals(**{k: sum(r[k] for r in rows) for k in MONEY})


def _by(rows: list[dict[str, Any]], key: str) -> dict[str, Totals]:
    groups: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[r[key]].append(r)
    return {k: _total(v) for k, v in sorted(groups.items())}


def _stages(f: Figures) -> dict[str, int]:
    counts: defaultdict[str, int] = defaultdict(int)
    for s in f.stages:
        counts[s["stage"]] += s["projects"]
    return dict(sorted(counts.items()))


@router.get(
    "/overview", summary="The programme: envelope, allocated, committed, disbursed, available"
)
async def overview(request: Request, db: Pool, _: PublicReader, as_of: AsOf = None) -> Overview:
    f = await read(request, db, None, as_of)
    return Overview(
        as_of=f.as_of,
        envelope_cents=f.envelope_cents,
        totals=_total(f.rows),
        by_fund=_by(f.rows, "fund"),
        by_arl=_by(f.rows, "arl"),
        by_category=_by(f.rows, "category"),
        by_region=_by(f.rows, "region_id"),
        projects_by_stage=_stages(f),
    )


@router.get(
    "/regions/{region_id}/funds", summary="A region's money per fund, and its projects by stage"
)
async def region_funds(
    region_id: str, request: Request, db: Pool, _: PublicReader, as_of: AsOf = None
) -> RegionFigures:
    f = await read(request, db, region_id, as_of)
    if not f.rows:
        raise NotFound(f"no recognised region {region_id!r}" + (f" at {as_of}" if as_of else ""))
    return RegionFigures(
        region_id=region_id,
        as_of=f.as_of,
        funds=[FundFigures(**{k: r[k] for k in (*MONEY, "region_id", "fund")}) for r in f.rows],
        projects_by_stage=_stages(f),
    )


class Day(BaseModel):
    day: date
    committed_cents: int = Field(
        description="net commitments so far (committed - released - recovered)"
    )
    disbursed_cents: int = Field(description="net payments so far (disbursed - recovered)")


TIMELINE = f"""
SELECT day, sum(committed) OVER w AS committed_cents, sum(disbursed) OVER w AS disbursed_cents
FROM (
    SELECT (time AT TIME ZONE 'Europe/Berlin')::date AS day,
        sum(CASE WHEN {of_type(v1.FundsCommittedV1)} THEN amount
                 WHEN {of_type(v1.FundsReleasedV1)} THEN -amount
                 WHEN {of_type(v1.FundsRecoveredV1)} THEN -amount ELSE 0 END) AS committed,
        sum(CASE WHEN {of_type(v1.FundsDisbursedV1)} THEN amount
                 WHEN {of_type(v1.FundsRecoveredV1)} THEN -amount ELSE 0 END) AS disbursed
    FROM (SELECT type, time, (data->>'amount_cents')::bigint AS amount FROM audit_log
          WHERE source = '/zukunftsregionen/funding' AND time <= $1
            AND ($2::text IS NULL OR data->>'region_id' = $2)
            AND data ? 'amount_cents') AS money
    GROUP BY 1
) AS days
WINDOW w AS (ORDER BY day)
"""


@router.get("/timeline", summary="Commitments and payments over time (cumulative, per day)")
async def timeline(
    db: Pool, _: PublicReader, page: LargePages, region_id: str | None = None, as_of: AsOf = None
) -> list[Day]:
    moment = parse_as_of(as_of) if as_of else datetime.now(UTC)
    rows = await db.fetch(
        f"SELECT * FROM ({TIMELINE}) AS t WHERE $3::date IS NULL OR day > $3 ORDER BY day LIMIT $4",
        moment,
        region_id,
        *key_args(page, date),
        page.limit + 1,
    )
    return page.rows([Day(**dict(r)) for r in rows], lambda d: (d.day.isoformat(),))
