"""The reporting API's reads of the read models: every query the routers need, page by
page where a list can grow (keyset: each query takes the last key it was given)."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.reporting.adapters.figures import Figures, figures, models_as_of, of_type
from shared.events import types_of, v1
from shared.pg import DbConn
from shared.programme import FUNDING_SOURCE

Row = asyncpg.Record

# Regions --------------------------------------------------------------------------------


async def regions(db: asyncpg.Pool, after: list[Any], limit: int) -> list[Row]:
    """By name (and id), after the key (name, region_id) given."""
    return await db.fetch(
        "SELECT * FROM region_view WHERE $1::text IS NULL OR (name, region_id) > ($1, $2::text) "
        "ORDER BY name, region_id LIMIT $3",
        *after,
        limit,
    )


async def region(db: asyncpg.Pool, region_id: str) -> Row | None:
    return await db.fetchrow("SELECT * FROM region_view WHERE region_id = $1", region_id)


# Projects -------------------------------------------------------------------------------

PROJECT_COLUMNS = (
    "project_id", "operation_code", "region_id", "title", "applicant_name", "handlungsfeld",
    "fund", "location_ags", "category", "kind", "start_date", "end_date", "eligible_cost_cents",
    "planned_grant_cents", "stage", "committed_cents", "disbursed_cents", "released_cents",
    "recovered_cents", "final_grant_cents", "open_claim_cents", "proposed_at", "selected_at",
    "updated_at",
)  # fmt: skip
_PROJECTS = (
    f"SELECT {', '.join(PROJECT_COLUMNS)} FROM project_view "
    "WHERE ($1::text IS NULL OR region_id = $1) AND ($2::text IS NULL OR stage = $2) "
    "AND ($3::text IS NULL OR fund = $3) AND ($4::text IS NULL OR handlungsfeld = $4) "
    "AND ($6::text IS NULL OR operation_code > $6) ORDER BY operation_code LIMIT $5"
)


async def projects(
    db: asyncpg.Pool,
    as_of_pool: asyncpg.Pool,
    filters: tuple[str | None, str | None, str | None, str | None],
    after: list[Any],
    limit: int,
    as_of: datetime | None,
) -> list[Row]:
    """By operation code, filtered by region, stage, fund and Handlungsfeld; now, or as the
    read models stood at `as_of`."""
    args = (*filters, limit, *after)
    if as_of is None:
        return await db.fetch(_PROJECTS, *args)
    async with as_of_pool.acquire() as conn, models_as_of(conn, as_of, filters[0]):
        return await conn.fetch(_PROJECTS, *args)


_PROJECT = f"SELECT {', '.join(PROJECT_COLUMNS)} FROM project_view WHERE project_id = $1"


async def project(
    db: asyncpg.Pool, as_of_pool: asyncpg.Pool, project_id: UUID, as_of: datetime | None
) -> Row | None:
    """One project now, or as the read models stood at `as_of` (replayed for its region
    alone); None when it was not (yet) known."""
    row = await db.fetchrow(_PROJECT, project_id)
    if as_of is None or row is None:
        return row
    async with as_of_pool.acquire() as conn, models_as_of(conn, as_of, row["region_id"]):
        return await conn.fetchrow(_PROJECT, project_id)


# Money ----------------------------------------------------------------------------------


async def money(
    db: asyncpg.Pool, as_of_pool: asyncpg.Pool, region_id: str | None, as_of: datetime | None
) -> Figures:
    """Where the money stands per region and fund: now, or replayed up to `as_of`."""
    if as_of is None:
        async with db.acquire() as conn:
            return await figures(conn, region_id)
    async with as_of_pool.acquire() as conn:
        return await figures(conn, region_id, as_of)


_TIMELINE = f"""
SELECT day, sum(committed) OVER w AS committed_cents, sum(disbursed) OVER w AS disbursed_cents
FROM (
    SELECT (time AT TIME ZONE 'Europe/Berlin')::date AS day,
        sum(CASE WHEN {of_type(v1.FundsCommittedV1)} THEN amount
                 WHEN {of_type(v1.FundsReleasedV1)} THEN -amount
                 WHEN {of_type(v1.FundsRecoveredV1)} THEN -amount ELSE 0 END) AS committed,
        sum(CASE WHEN {of_type(v1.FundsDisbursedV1)} THEN amount
                 WHEN {of_type(v1.FundsRecoveredV1)} THEN -amount ELSE 0 END) AS disbursed
    FROM (SELECT type, time, (data->>'amount_cents')::bigint AS amount FROM audit_log
          WHERE source = '{FUNDING_SOURCE}' AND time <= $1
            AND ($2::text IS NULL OR data->>'region_id' = $2)
            AND data ? 'amount_cents') AS money
    GROUP BY 1
) AS days
WINDOW w AS (ORDER BY day)
"""


async def timeline(
    db: asyncpg.Pool, until: datetime, region_id: str | None, after: date | None, limit: int
) -> list[Row]:
    """Net commitments and payments, cumulative per day (German days), after a day."""
    return await db.fetch(
        f"SELECT * FROM ({_TIMELINE}) AS t WHERE $3::date IS NULL OR day > $3 ORDER BY day "
        "LIMIT $4",
        until,
        region_id,
        after,
        limit,
    )


# The audit log ----------------------------------------------------------------------------

_ENTRY = (
    "SELECT event_id::text, type, subject, aggregate_id, sequence, time, actor_role, "
    "actor_organisation, actor_subject, correlation_id, causation_id, data::text AS data "
    "FROM audit_log "
)
# In order of time, page by page: the key of the last entry of a page is the cursor.
_AFTER = "($1::timestamptz IS NULL OR (time, aggregate_id, sequence) > ($1, $2::text, $3::int)) "
_ORDER = "ORDER BY time, aggregate_id, sequence LIMIT $4"
_MONEY = [
    t
    for c in (v1.FundsCommittedV1, v1.FundsDisbursedV1, v1.FundsReleasedV1, v1.FundsRecoveredV1)
    for t in types_of(c.name)
]
_ALLOCATIONS = [*types_of(v1.BudgetAllocatedV1.name), *types_of(v1.BudgetAdjustedV1.name)]


async def audit_entries(
    db: DbConn | asyncpg.Pool, after: list[Any], limit: int, aggregate_id: str | None
) -> list[Row]:
    return await db.fetch(
        f"{_ENTRY} WHERE {_AFTER} AND ($5::text IS NULL OR aggregate_id = $5) {_ORDER}",
        *after,
        limit,
        aggregate_id,
    )


async def budget_entries(
    db: asyncpg.Pool, region_id: str, fund: str, after: list[Any], limit: int
) -> list[Row]:
    """A budget's allocations and every commitment, payment, release and recovery on it."""
    return await db.fetch(
        f"{_ENTRY} WHERE {_AFTER} AND data->>'region_id' = $5 AND data->>'fund' = $6 "
        f"AND type = ANY($7::text[]) {_ORDER}",
        *after,
        limit,
        region_id,
        fund,
        [*_ALLOCATIONS, *_MONEY],
    )
