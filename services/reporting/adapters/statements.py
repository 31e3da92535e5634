"""The programme's and regions' public events as the SQL statements that apply them to
the read models (the projects' events are folded per batch: project_fold.py).

A statement is (sql, args). The projection runs a batch's statements in the order of the
events, sending consecutive statements of the same SQL together (`executemany`).
"""

from collections.abc import Callable
from typing import Any

from shared.events import PublicEvent, v1, v2
from shared.events.base import public_actor
from shared.programme import region_category as districts_category

Statement = tuple[str, tuple[Any, ...]]


def region_category(p: v1.MembersRecordedV1) -> str:
    """The categories of the region's districts: one, or "both" (shared/programme.py)."""
    return districts_category(m.kreisschluessel for m in p.members)


def _allocation(p: v1.BudgetAllocatedV1 | v1.BudgetAdjustedV1, e: Any) -> Statement:
    return (
        "INSERT INTO region_allocation (region_id, fund, allocated_cents) VALUES ($1, $2, $3) "
        "ON CONFLICT (region_id, fund) DO UPDATE SET allocated_cents = EXCLUDED.allocated_cents",
        (p.region_id, p.fund, p.amount_cents),
    )


# By event name: every version (they subclass v1) through the same statement.
STATEMENTS: dict[str, Callable[[Any, Any], Statement]] = {
    v1.ProgrammeOpenedV1.name: lambda p, e: (
        "INSERT INTO programme_view (programme_id, name, envelope_cents) VALUES ($1, $2, $3)",
        (p.programme_id, p.programme_name, p.envelope_cents),
    ),
    v1.RegionRecognisedV1.name: lambda p, e: (
        "INSERT INTO region_view (region_id, name, arl, recognised_on, recognised_at, "
        "recognised_by, announced_budget_cents) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        (
            p.region_id,
            p.region_name,
            p.arl,
            p.recognised_on,
            p.occurred_at,
            public_actor(p.actor).organisation,  # the organisation, never a person
            p.announced_budget_cents,
        ),
    ),
    v1.MembersRecordedV1.name: lambda p, e: (
        "UPDATE region_view SET category = $2 WHERE region_id = $1",
        (p.region_id, region_category(p)),
    ),
    v1.ZukunftskonzeptAdoptedV1.name: lambda p, e: (
        "UPDATE region_view SET handlungsfelder = $2 WHERE region_id = $1",
        (p.region_id, list(p.handlungsfelder)),
    ),
    v2.RegionalManagementGrantedV1.name: lambda p, e: (
        "UPDATE region_view SET rm_eu_cents = rm_eu_cents + $2, "
        "rm_land_cents = rm_land_cents + $3 WHERE region_id = $1",
        (p.region_id, p.eu_cents, p.land_cents),
    ),
    v2.HandlungsfelderAmendedV1.name: lambda p, e: (
        "UPDATE region_view SET handlungsfelder = $2 WHERE region_id = $1",
        (p.region_id, list(p.handlungsfelder)),
    ),
    v1.BudgetAllocatedV1.name: _allocation,
    v1.BudgetAdjustedV1.name: _allocation,
}


def statement_for(payload: PublicEvent | None, envelope: Any) -> Statement | None:
    if payload is None:
        return None
    make = STATEMENTS.get(payload.name)
    return make(payload, envelope) if make else None
