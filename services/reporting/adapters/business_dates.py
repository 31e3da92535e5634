"""Figures by business date: what the programme had decided by a day, however late it was
recorded. `as_of` elsewhere means the time the events were recorded (what the system knew
then); here a grant counts from the date on its notice and an endorsement from the date of
the vote. Money moved without a date of its own in the events (payments, releases,
repayments) counts from the day it was recorded, German time.
"""

from datetime import date
from typing import Any

from services.reporting.adapters.figures import of_type
from shared.events import v1
from shared.pg import DbConn
from shared.programme import FUNDING_SOURCE

# What each figure means (the API returns it with the figures).
MEANING = {
    "committed_cents": "granted by decisions dated up to the day: grant decisions "
    "(Bewilligungsbescheid) and the increases of change notices (Änderungsbescheid), by the "
    "date on the notice",
    "approved_projects": "projects with a grant decision dated up to the day",
    "endorsed_projects": "projects the steering group endorsed in a vote held up to the day",
    "disbursed_cents": "paid out, by the day the payment was recorded (no date of its own)",
    "released_cents": "released from commitments, by the day it was recorded",
    "recovered_cents": "paid back, by the day it was recorded",
}

BY_BUSINESS_DATE = f"""
WITH project AS (
    SELECT aggregate_id, data->>'region_id' AS region_id, data->>'fund' AS fund
    FROM audit_log WHERE {of_type(v1.ProjectProposedV1)}
      AND ($2::text IS NULL OR data->>'region_id' = $2)
), ev AS (
    SELECT type, aggregate_id, (data->>'amount_cents')::bigint AS amount,
        (time AT TIME ZONE 'Europe/Berlin')::date AS recorded_on,
        coalesce((data->>'decided_on')::date, (data->>'voted_on')::date,
                 (time AT TIME ZONE 'Europe/Berlin')::date) AS business_date
    FROM audit_log WHERE source = '{FUNDING_SOURCE}'
      AND ($2::text IS NULL OR data->>'region_id' = $2)
)
SELECT p.region_id, p.fund,
    coalesce(sum(amount) FILTER (WHERE {of_type(v1.FundsCommittedV1)} AND business_date <= $1),
             0) AS committed_cents,
    count(DISTINCT aggregate_id)
        FILTER (WHERE {of_type(v1.FundsCommittedV1)} AND business_date <= $1)
        AS approved_projects,
    count(DISTINCT aggregate_id)
        FILTER (WHERE {of_type(v1.ProjectEndorsedV1)} AND business_date <= $1)
        AS endorsed_projects,
    coalesce(sum(amount) FILTER (WHERE {of_type(v1.FundsDisbursedV1)} AND recorded_on <= $1),
             0) AS disbursed_cents,
    coalesce(sum(amount) FILTER (WHERE {of_type(v1.FundsReleasedV1)} AND recorded_on <= $1),
             0) AS released_cents,
    coalesce(sum(amount) FILTER (WHERE {of_type(v1.FundsRecoveredV1)} AND recorded_on <= $1),
             0) AS recovered_cents
FROM project p JOIN ev USING (aggregate_id)
GROUP BY p.region_id, p.fund
ORDER BY p.region_id, p.fund
"""


async def by_business_date(
    conn: DbConn, until: date, region_id: str | None
) -> list[dict[str, Any]]:
    """Per region and fund with projects: the figures of MEANING up to `until`."""
    return [dict(r) for r in await conn.fetch(BY_BUSINESS_DATE, until, region_id)]
