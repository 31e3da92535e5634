"""Where the money stands, per region and fund: now, from the read models, or as of a past
moment, by replaying the events recorded up to then.

"As of" builds the read models again inside a transaction that is rolled back: temporary
tables of the same names shadow the live ones (PostgreSQL looks in `pg_temp` first). The
programme's and regions' events (few) go through the same statements as the live
projection; the projects' events (many) are folded in one SQL statement over the audit
log. The figures are then read with the very queries that read the live models.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from services.reporting.adapters import schema
from services.reporting.adapters.project_fold import STAGE_OF
from services.reporting.adapters.statements import statement_for
from shared.events import contract_for, types_of, v1, v2
from shared.pg import DbConn
from shared.programme import (
    FUNDING_SOURCE,
    FUNDS,
    RATE_MORE_DEVELOPED,
    RATE_TRANSITION,
    REGIONS_SOURCE,
    TRANSITION_PREFIX,
)

MODELS = tuple(m for m in schema.MODELS if m != "audit_log")  # as of: replayed models

PER_REGION_AND_FUND = """
SELECT r.region_id, r.name, r.arl, r.category, f.fund,
       coalesce(a.allocated_cents, 0) AS allocated_cents,
       coalesce(sum(p.planned_grant_cents) FILTER (WHERE p.stage IN ('proposed', 'priority_checked')), 0) AS proposed_cents,
       coalesce(sum(p.planned_grant_cents) FILTER (WHERE p.stage = 'endorsed'), 0) AS endorsed_cents,
       coalesce(sum(p.planned_grant_cents) FILTER (WHERE p.stage = 'submitted'), 0) AS submitted_cents,
       coalesce(sum(p.committed_cents), 0) AS committed_cents,
       coalesce(sum(p.disbursed_cents), 0) AS disbursed_cents,
       coalesce(sum(p.released_cents), 0) AS released_cents,
       coalesce(sum(p.recovered_cents), 0) AS recovered_cents,
       coalesce(sum(p.open_claim_cents), 0) AS open_claims_cents
FROM region_view r
CROSS JOIN unnest($2::text[]) AS f(fund)
LEFT JOIN region_allocation a ON a.region_id = r.region_id AND a.fund = f.fund
LEFT JOIN project_view p ON p.region_id = r.region_id AND p.fund = f.fund
WHERE $1::text IS NULL OR r.region_id = $1
GROUP BY r.region_id, r.name, r.arl, r.category, f.fund, a.allocated_cents
ORDER BY r.region_id, f.fund
"""  # noqa: E501

STAGES = """
SELECT region_id, stage, count(*) AS projects FROM project_view
WHERE $1::text IS NULL OR region_id = $1 GROUP BY region_id, stage ORDER BY region_id, stage
"""


def of_type(contract: Any) -> str:
    """SQL: the event is of this contract's name, in any of its versions."""
    return of_name(contract.name)


def of_name(name: str) -> str:
    """SQL: the event is of this name, in any of its versions."""
    return "type IN (" + ", ".join(f"'{t}'" for t in types_of(name)) + ")"


# Project stage after each kind of event: the fold's mapping, written as SQL
# (PriorityCheckRecorded depends on its outcome).
_STAGE_CASE = (
    f"CASE WHEN {of_type(v1.PriorityCheckRecordedV1)} THEN CASE WHEN "
    "outcome = 'passed' THEN 'priority_checked' ELSE 'referred_elsewhere' END "
    # one WHEN per event name: of_type covers all its versions
    + " ".join(f"WHEN {of_name(name)} THEN '{stage}'" for name, stage in STAGE_OF.items())
    + " END"
)
_RATE = (
    f"CASE WHEN d->>'location_ags' LIKE '{TRANSITION_PREFIX}%' "
    f"THEN {RATE_TRANSITION} ELSE {RATE_MORE_DEVELOPED} END"
)
_CATEGORY = (
    f"CASE WHEN d->>'location_ags' LIKE '{TRANSITION_PREFIX}%' "
    "THEN 'transition' ELSE 'more_developed' END"
)


def _sum(contract: Any, column: str = "amount") -> str:
    return f"coalesce(sum({column}) FILTER (WHERE {of_type(contract)}), 0)"


# The events are read once, as the few fields the fold needs (a proposal's data whole).
FOLD_PROJECTS = f"""
WITH ev AS (
    SELECT type, time, aggregate_id, sequence, data->>'outcome' AS outcome,
        (data->>'amount_cents')::bigint AS amount,
        (data->>'declared_expenditure_cents')::bigint AS declared,
        (data->>'eligible_expenditure_cents')::bigint AS eligible,
        (data->>'final_grant_cents')::bigint AS final_grant,
        coalesce((data->>'recovery_claim_cents')::bigint, (data->>'open_claim_cents')::bigint)
            AS open_claim,
        CASE WHEN {of_type(v1.ProjectProposedV1)} THEN data END AS proposal,
        CASE WHEN {of_type(v2.GrantAmendedV1)} THEN data END AS amendment
    FROM audit_log
    WHERE time <= $1 AND source = '{FUNDING_SOURCE}'
      AND ($2::text IS NULL OR data->>'region_id' = $2)
), stage AS (
    SELECT DISTINCT ON (aggregate_id) aggregate_id, {_STAGE_CASE} AS stage FROM ev
    WHERE ({_STAGE_CASE}) IS NOT NULL ORDER BY aggregate_id, sequence DESC
), claim AS (
    SELECT DISTINCT ON (aggregate_id) aggregate_id, open_claim FROM ev
    WHERE open_claim IS NOT NULL ORDER BY aggregate_id, sequence DESC
), amended AS (
    SELECT DISTINCT ON (aggregate_id) aggregate_id, amendment AS a FROM ev
    WHERE amendment IS NOT NULL ORDER BY aggregate_id, sequence DESC
), money AS (
    SELECT aggregate_id,
        {_sum(v1.FundsCommittedV1)} AS committed, {_sum(v1.PaymentRequestedV1)} AS requested,
        {_sum(v1.PaymentRequestedV1, "declared")} AS declared,
        {_sum(v1.FundsDisbursedV1)} AS disbursed, {_sum(v1.FundsReleasedV1)} AS released,
        {_sum(v1.FundsRecoveredV1)} AS recovered,
        max(eligible) FILTER (WHERE {of_type(v1.ProofOfUseAcceptedV1)})
            AS eligible_expenditure,
        max(final_grant) AS final_grant,
        min(time) FILTER (WHERE {of_type(v1.FundsCommittedV1)}) AS selected_at,
        max(time) AS updated_at
    FROM ev GROUP BY aggregate_id
)
INSERT INTO project_view
SELECT (d->>'project_id')::uuid, d->>'operation_code', d->>'region_id', d->>'title',
    d->>'purpose', d->>'applicant_name', d->>'applicant_kind', d->>'handlungsfeld', d->>'fund',
    d->>'location_ags',
    {_CATEGORY},
    d->>'kind', (d->>'start_date')::date, coalesce(a->>'end_date', d->>'end_date')::date,
    coalesce(a->>'total_cost_cents', d->>'total_cost_cents')::bigint,
    coalesce(a->>'eligible_cost_cents', d->>'eligible_cost_cents')::bigint,
    coalesce((a->>'grant_cents')::bigint,
             floor((d->>'eligible_cost_cents')::bigint * {_RATE})::bigint),
    coalesce(s.stage, 'proposed'), m.committed, m.requested, m.declared, m.disbursed,
    m.released, m.recovered, m.eligible_expenditure, p.time, m.selected_at, m.updated_at,
    m.final_grant, coalesce(c.open_claim, 0)
FROM (SELECT proposal AS d, time, aggregate_id FROM ev WHERE proposal IS NOT NULL) AS p
JOIN money m USING (aggregate_id)
LEFT JOIN stage s USING (aggregate_id)
LEFT JOIN claim c USING (aggregate_id)
LEFT JOIN amended USING (aggregate_id)
"""

REGIONAL_MANAGEMENT = """
SELECT coalesce(sum(rm_eu_cents), 0)::bigint AS eu_cents,
       coalesce(sum(rm_land_cents), 0)::bigint AS land_cents
FROM region_view WHERE $1::text IS NULL OR region_id = $1
"""

REGION_EVENTS = f"""
SELECT type, data, time FROM audit_log
WHERE time <= $1 AND source = '{REGIONS_SOURCE}'
ORDER BY time, aggregate_id, sequence
"""


@dataclass(frozen=True)
class Figures:
    rows: list[dict[str, Any]]
    stages: list[dict[str, Any]]
    envelope_cents: int | None
    as_of: datetime | None
    # The regional managements' grants: the EU's part (out of the envelope) and the Land's.
    regional_management: dict[str, int] = field(default_factory=dict)


async def _read(conn: DbConn, region_id: str | None, as_of: datetime | None) -> Figures:
    rows = [dict(r) for r in await conn.fetch(PER_REGION_AND_FUND, region_id, list(FUNDS))]
    for r in rows:
        r["available_cents"] = (
            r["allocated_cents"] - r["committed_cents"] + r["released_cents"] + r["recovered_cents"]
        )
    stages = [dict(r) for r in await conn.fetch(STAGES, region_id)]
    envelope = await conn.fetchval("SELECT sum(envelope_cents) FROM programme_view")
    rm = await conn.fetchrow(REGIONAL_MANAGEMENT, region_id)  # one row: an aggregate
    return Figures(
        rows, stages, int(envelope) if envelope is not None else None, as_of, dict(rm or {})
    )


async def figures(
    conn: DbConn, region_id: str | None = None, as_of: datetime | None = None
) -> Figures:
    if as_of is None:
        return await _read(conn, region_id, None)
    async with models_as_of(conn, as_of, region_id):
        return await _read(conn, region_id, as_of)


@asynccontextmanager
async def models_as_of(
    conn: DbConn, as_of: datetime, region_id: str | None = None
) -> AsyncIterator[None]:
    """Inside: the read models as they stood at `as_of` (use a connection without a
    statement cache: the temporary tables shadow the live ones)."""
    async with conn.transaction():
        for table in MODELS:
            await conn.execute(
                f"CREATE TEMP TABLE {table} (LIKE public.{table} INCLUDING ALL) ON COMMIT DROP"
            )
        await replay_models(conn, as_of, region_id)
        yield  # the temporary tables go with the transaction (ON COMMIT DROP)


async def replay_models(conn: DbConn, until: datetime, region_id: str | None = None) -> None:
    """Fill the (empty) read models other than the audit log from the audit log's events
    recorded up to `until`: as of a past moment, and in a rebuild."""
    for row in await conn.fetch(REGION_EVENTS, until):
        contract = contract_for(row["type"])
        payload = contract.model_validate_json(row["data"]) if contract else None
        statement = statement_for(payload, SimpleNamespace(time=row["time"]))
        if statement:
            await conn.execute(statement[0], *statement[1])
    await conn.execute(FOLD_PROJECTS, until, region_id)
