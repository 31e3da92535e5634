"""HTTP resources /overview and /regions/{id}/funds: where the money stands, now or as of
a past moment. The figures are aggregates of public events: every role may read them."""

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.reporting.adapters import queries
from services.reporting.adapters.figures import Figures
from services.reporting.api.deps import AsOf, AsOfPool, Pool, PublicReader
from shared.errors import NotFound
from shared.http import parse_as_of
from shared.pages import LargePages, key_args

router = APIRouter(tags=["money"])

MONEY = ("allocated_cents", "proposed_cents", "endorsed_cents", "submitted_cents",
         "committed_cents", "disbursed_cents", "released_cents", "recovered_cents",
         "available_cents", "open_claims_cents")  # fmt: skip


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
    open_claims_cents: int = Field(
        0, description="recovery claims (Rückforderungen) from proofs of use, not yet repaid"
    )


class FundFigures(Totals):
    region_id: str
    fund: str


class RegionFigures(BaseModel):
    region_id: str
    as_of: datetime | None
    funds: list[FundFigures]
    projects_by_stage: dict[str, int]


class RegionalManagementMoney(BaseModel):
    """The regional managements' grants: programme money, out of the envelope, not out of
    a region's budget (which is for projects)."""

    eu_cents: int = Field(0, description="the EU's part, out of the programme's envelope")
    land_cents: int = Field(0, description="the Land's top-up")


class Overview(BaseModel):
    as_of: datetime | None
    envelope_cents: int | None
    totals: Totals
    by_fund: dict[str, Totals]
    by_arl: dict[str, Totals]
    regional_management: RegionalManagementMoney
    by_category: dict[str, Totals] = Field(
        description="by the region's category of region: its districts' one, or \"both\" for "
        "a region that spans the two (each project's own category, by its location, is in "
        "/projects and the Art. 42 tables)"
    )
    by_region: dict[str, Totals]
    projects_by_stage: dict[str, int]


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
async def overview(db: Pool, as_of_pool: AsOfPool, _: PublicReader, as_of: AsOf = None) -> Overview:
    f = await queries.money(db, as_of_pool, None, parse_as_of(as_of) if as_of else None)
    return Overview(
        as_of=f.as_of,
        envelope_cents=f.envelope_cents,
        regional_management=RegionalManagementMoney(**f.regional_management),
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
    region_id: str, db: Pool, as_of_pool: AsOfPool, _: PublicReader, as_of: AsOf = None
) -> RegionFigures:
    f = await queries.money(db, as_of_pool, region_id, parse_as_of(as_of) if as_of else None)
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


@router.get("/timeline", summary="Commitments and payments over time (cumulative, per day)")
async def timeline(
    db: Pool, _: PublicReader, page: LargePages, region_id: str | None = None, as_of: AsOf = None
) -> list[Day]:
    moment = parse_as_of(as_of) if as_of else datetime.now(UTC)
    [after] = key_args(page, date)
    rows = await queries.timeline(db, moment, region_id, after, page.limit + 1)
    return page.rows([Day(**dict(r)) for r in rows], lambda d: (d.day.isoformat(),))
