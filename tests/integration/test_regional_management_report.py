"""Rule: the regional management's grant reaches the reports: the EU's part and the Land's
top-up, in the overview's figures, live and as of any past moment (replayed)."""

from datetime import date

from services.reporting.adapters.figures import figures
from tests.integration.read_models import parsed, projected, published
from tests.unit.funding_world import EUR, MINISTRY, NBANK, regions_world


async def test_the_overview_shows_the_regional_managements_grants(fresh_database: str) -> None:
    regions = regions_world()  # HeiDefinition: Celle (03351, transition) leads
    regions.establish_regional_management(
        "heidefinition", host_organisation="Landkreis Celle", annual_grant_cents=270_000 * EUR,
        established_on=date(2023, 1, 1), meta=MINISTRY,
    )  # fmt: skip
    for year, euros in ((2024, 300_000), (2025, 100_000)):
        regions.grant_regional_management(
            "heidefinition", year=year, eligible_cost_cents=euros * EUR, decided_on=None,
            note=None, meta=NBANK,
        )  # fmt: skip
    events = published(regions)
    async with projected(fresh_database, parsed(events)) as conn:
        live = await figures(conn, None)
        # 2024: 270,000 € (capped) = 180,000 EU + 90,000 Land; 2025: 90,000 = 60,000 + 30,000.
        assert live.regional_management == {"eu_cents": 240_000 * EUR, "land_cents": 120_000 * EUR}
        replayed = await figures(conn, "heidefinition", events[-1].time)
        assert replayed.regional_management == live.regional_management
        before = await figures(conn, None, events[-2].time)
        assert before.regional_management == {"eu_cents": 180_000 * EUR, "land_cents": 90_000 * EUR}
