"""The reporting read models on the real PostgreSQL, fed with the real public events of a
regions and a funding application: the live figures agree with funding's own ledger, and
"as of" any past moment equals what the live read models showed at that moment."""

from datetime import date
from typing import Any

import asyncpg
import pytest

from services.funding.application.commands import (
    Disbursement,
    GrantAmendment,
    PaymentRequest,
    ProofOfUse,
    Recovery,
    Step,
)
from services.funding.application.funding import FundingApplication
from services.reporting.adapters.figures import Figures, figures, models_as_of
from services.reporting.adapters.projections import project
from services.reporting.adapters.schema import SCHEMA
from shared.events import CloudEvent, PublicEvent, types_of, v1
from tests import support
from tests.integration.read_models import parsed, published
from tests.unit.funding_world import EUR, NBANK, RM, approved, funded_world, propose


def scenario(funding: FundingApplication, claim: bool) -> None:
    closed = approved(funding)
    funding.request_payment(
        closed, PaymentRequest(declared_expenditure_cents=400000 * EUR, note=None), RM
    )
    funding.disburse(closed, Disbursement(amount_cents=240000 * EUR, note=None), NBANK)
    funding.accept_proof_of_use(
        closed, ProofOfUse(eligible_expenditure_cents=400000 * EUR, note=None), NBANK
    )
    funding.close_project(closed, Step(note=None), NBANK)
    withdrawn = approved(
        funding, handlungsfeld="HF4", fund="ESF+", eligible_cost_cents=200_000 * EUR
    )
    funding.withdraw(withdrawn, Step(note=None), RM)
    recovered = approved(funding, location_ags="03358")
    funding.request_payment(
        recovered, PaymentRequest(declared_expenditure_cents=100000 * EUR, note=None), RM
    )
    funding.disburse(recovered, Disbursement(amount_cents=60000 * EUR, note=None), NBANK)
    funding.recover(recovered, Recovery(amount_cents=5000 * EUR, note="Rückforderung"), NBANK)
    propose(funding, title="Noch in Arbeit", start_date=date(2026, 1, 1), end_date=date(2027, 1, 1))
    if not claim:
        return
    # Paid beyond the final grant: a recovery claim, repaid in part.
    claimed = approved(funding, location_ags="03358")
    funding.request_payment(
        claimed, PaymentRequest(declared_expenditure_cents=100000 * EUR, note=None), RM
    )
    funding.disburse(claimed, Disbursement(amount_cents=60000 * EUR, note=None), NBANK)
    funding.accept_proof_of_use(
        claimed, ProofOfUse(eligible_expenditure_cents=10000 * EUR, note=None), NBANK
    )  # a final grant of 6,000 €: 54,000 € claimed back
    funding.recover(claimed, Recovery(amount_cents=4000 * EUR, note="1. Rate"), NBANK)
    # A change notice: a later end and a higher cost, so a higher grant.
    change = GrantAmendment(
        end_date=date(2027, 12, 31), total_cost_cents=1_300_000 * EUR,
        eligible_cost_cents=1_100_000 * EUR, note="Mehrkosten",
    )  # fmt: skip
    funding.amend_grant(recovered, change, NBANK)


def as_published_before_v2(ce: CloudEvent) -> CloudEvent:
    """A FundsCommitted as Kafka holds it from before v2: type v1, no decision date, and
    the person who acted."""
    data = {k: v for k, v in ce.data.items() if k != "decided_on"}
    data["actor"] = {"role": "nbank", "subject": "nbank-bewilligung-1", "region_id": None}
    return ce.model_copy(update={"type": v1.FundsCommittedV1.event_type(), "data": data})


def everything(
    first_commitment_as_v1: bool = False, claim: bool = False
) -> tuple[list[tuple[CloudEvent, PublicEvent | None]], FundingApplication]:
    regions, funding = funded_world()
    scenario(funding, claim)
    events = published(regions, funding)
    commitments = [i for i, ce in enumerate(events) if ce.type in types_of("FundsCommitted")]
    assert len(commitments) == 3 + 2 * claim  # a change notice commits too
    if first_commitment_as_v1:
        events[commitments[0]] = as_published_before_v2(events[commitments[0]])
    return parsed(events), funding


def comparable(f: Figures) -> tuple[Any, ...]:
    return (f.rows, f.stages, f.envelope_cents)


@pytest.mark.parametrize("first_commitment_as_v1", [False, True], ids=["v2", "v1-and-v2"])
async def test_figures_now_and_as_of_every_past_moment(
    fresh_database: str, first_commitment_as_v1: bool
) -> None:
    """With FundsCommitted v3 only, and with a v1 among them (Kafka's history)."""
    events, funding = everything(first_commitment_as_v1, claim=True)
    versions = {p.version for _, p in events if isinstance(p, v1.FundsCommittedV1)}
    assert versions == ({1, 3} if first_commitment_as_v1 else {3})
    conn = await asyncpg.connect(support.dsn(fresh_database), statement_cache_size=0)
    try:
        await conn.execute(SCHEMA)
        seen: list[tuple[Any, tuple[Any, ...]]] = []
        for i in range(0, len(events), 7):
            chunk = events[i : i + 7]
            async with conn.transaction():
                await project(conn, chunk, support.read_at(chunk, first=i))
            seen.append((chunk[-1][0].time, comparable(await figures(conn, None))))

        live = await figures(conn, None)
        ledger = {b.fund: b for b in funding.budgets("heidefinition")}
        for row in live.rows:
            b = ledger[row["fund"]]
            assert (row["allocated_cents"], row["committed_cents"], row["disbursed_cents"]) == (
                b.allocated_cents, b.committed_cents, b.disbursed_cents,
            )  # fmt: skip
            assert (row["released_cents"], row["recovered_cents"], row["available_cents"]) == (
                b.released_cents, b.recovered_cents, b.available_cents,
            )  # fmt: skip
        assert {s["stage"]: s["projects"] for s in live.stages} == {
            "approved": 1, "closed": 1, "proposed": 1, "withdrawn": 1, "proof_accepted": 1,
        }  # fmt: skip
        # The open recovery claims, as funding's projects hold them.
        open_claims = sum(p.open_claim_cents for p in funding.region_projects("heidefinition"))
        assert open_claims == 50_000 * EUR
        assert sum(r["open_claims_cents"] for r in live.rows) == open_claims
        amended = await conn.fetchrow(
            "SELECT end_date, eligible_cost_cents, planned_grant_cents FROM project_view "
            "WHERE project_id = $1",
            next(p.project_id for p in funding.region_projects("heidefinition")
                 if p.end_date == date(2027, 12, 31)),
        )  # fmt: skip
        assert tuple(amended) == (date(2027, 12, 31), 1_100_000 * EUR, 660_000 * EUR)
        # The live fold (batch by batch) and the replay's SQL fold make the same projects,
        # claims, change notices and first commitments included.
        every_project = "SELECT * FROM project_view ORDER BY project_id"
        live_projects = [dict(r) for r in await conn.fetch(every_project)]
        async with models_as_of(conn, events[-1][0].time):
            assert [dict(r) for r in await conn.fetch(every_project)] == live_projects
        [efre] = [r for r in live.rows if r["fund"] == "EFRE"]
        assert efre["proposed_cents"] == 600_000 * EUR  # 60 % of the open proposal

        for moment, expected in seen:
            assert comparable(await figures(conn, None, moment)) == expected, moment
        one_region = await figures(conn, "heidefinition", seen[len(seen) // 2][0])
        assert one_region.rows == seen[len(seen) // 2][1][0]
    finally:
        await conn.close()
