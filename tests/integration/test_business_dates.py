"""Rule: an auditor reads the figures by business date too. A grant counts from the date of
its decision (a change notice's from its own), an endorsement from the date of the vote,
however late either was recorded; the money moved without a date of its own (payments,
releases, repayments) counts from the day it was recorded. `as_of` stays what the system
had recorded by then."""

from datetime import UTC, date, datetime

from services.funding.application.commands import (
    Approval,
    Disbursement,
    GrantAmendment,
    PaymentRequest,
)
from services.funding.application.funding import FundingApplication
from services.reporting.adapters.business_dates import MEANING, by_business_date
from services.reporting.adapters.figures import figures
from tests.integration.read_models import parsed, projected, published
from tests.unit.funding_world import EUR, NBANK, RM, funded_world, submitted


def scenario(funding: FundingApplication) -> None:
    # Voted on 2025-02-01 (funding_world), decided on 2025-03-14, both recorded today.
    early = submitted(funding)
    funding.approve(early, Approval(decided_on=date(2025, 3, 14), note=None), NBANK)
    request = PaymentRequest(declared_expenditure_cents=100_000 * EUR, note=None)
    funding.request_payment(early, request, RM)
    funding.disburse(early, Disbursement(amount_cents=60_000 * EUR, note=None), NBANK)
    # A change notice of 2025-09-01 raises the grant by 60,000 €.
    change = GrantAmendment(
        eligible_cost_cents=1_100_000 * EUR, total_cost_cents=1_200_000 * EUR,
        decided_on=date(2025, 9, 1), note="Mehrkosten",
    )  # fmt: skip
    funding.amend_grant(early, change, NBANK)
    later = submitted(funding, location_ags="03358")
    funding.approve(later, Approval(decided_on=date(2026, 2, 2), note=None), NBANK)


async def test_figures_by_the_date_of_the_decision_not_of_the_record(
    fresh_database: str,
) -> None:
    regions, funding = funded_world()
    scenario(funding)
    async with projected(fresh_database, parsed(published(regions, funding))) as conn:

        def efre(rows: list[dict[str, object]]) -> dict[str, object]:
            return next(r for r in rows if r["fund"] == "EFRE")

        end_of_2025 = efre(await by_business_date(conn, date(2025, 12, 31), None))
        assert end_of_2025["committed_cents"] == 660_000 * EUR  # 600,000 + the change notice
        assert end_of_2025["approved_projects"] == 1
        assert end_of_2025["endorsed_projects"] == 2  # both voted on 2025-02-01
        # Payments have no business date of their own: recorded today, not yet in 2025.
        assert end_of_2025["disbursed_cents"] == 0
        before_the_change = efre(await by_business_date(conn, date(2025, 8, 31), None))
        assert before_the_change["committed_cents"] == 600_000 * EUR
        today = efre(await by_business_date(conn, date.today(), "heidefinition"))
        assert (today["committed_cents"], today["approved_projects"]) == (1_260_000 * EUR, 2)
        assert today["disbursed_cents"] == 60_000 * EUR
        assert await by_business_date(conn, date(2025, 1, 31), "heidefinition") == [
            {"region_id": "heidefinition", "fund": "EFRE", **dict.fromkeys(MEANING, 0)},
        ]
        # As of the end of 2025 (what had been recorded then): nothing, all came later.
        recorded = await figures(conn, None, datetime(2025, 12, 31, 23, tzinfo=UTC))
        assert sum(r["committed_cents"] for r in recorded.rows) == 0
