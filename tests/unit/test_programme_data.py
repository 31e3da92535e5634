"""The public programme data, loaded through the regions API (in-memory storage)."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from services.regions.api.schemas import BudgetAdjust
from services.regions.bootstrap import bootstrap, create_api
from services.regions.client import RegionsClient
from services.regions.programme_data.load import load
from services.regions.programme_data.plan import load_data, member_kind, plan
from services.regions.settings import RegionsSettings
from shared.auth import Authenticator
from tests.unit.funding_ledgers import NothingCommitted

SETTINGS = RegionsSettings(persistence="popo", run_relay=False)
EUR = 100


@pytest.fixture
def api() -> Iterator[RegionsClient]:
    service = bootstrap(SETTINGS, funding=NothingCommitted())  # nothing is committed to cut into
    token = Authenticator.of(SETTINGS).mint(role="ministry", subject="programme-loader")
    with TestClient(create_api(service)) as client:
        yield RegionsClient("http://test", token, http=client)


def test_districts_are_told_apart_by_their_kreisschluessel() -> None:
    assert member_kind("Landkreis Celle", "03351") == "landkreis"
    assert member_kind("Stadt Wilhelmshaven", "03405") == "kreisfreie_stadt"
    assert member_kind("Stadt Braunschweig", "03101") == "kreisfreie_stadt"
    assert member_kind("Region Hannover", "03241") == "region"
    assert member_kind("Hansestadt Lüneburg", None) == "gemeinde"
    assert member_kind("Süderelbe AG", None) == "other"


def test_budgets_follow_the_published_figures_or_the_documented_rule() -> None:
    plans = {p.region_id: p for p in plan(load_data())}
    assert len(plans) == 14

    def funds(region_id: str) -> dict[str, tuple[int, str]]:
        return {a.fund: (a.amount_cents, a.basis) for a in plans[region_id].allocations}

    assert funds("heidefinition") == {
        "EFRE": (6_000_000 * EUR, "published"),
        "ESF+": (2_000_000 * EUR, "published"),
    }
    assert funds("suedniedersachsen") == {
        "EFRE": (2_800_000 * EUR, "derived"),
        "ESF+": (3_300_000 * EUR, "derived"),
    }
    assert funds("hannover-hildesheim") == {"EFRE": (4_800_000 * EUR, "derived")}
    assert funds("suederelbe") == {"EFRE": (5_900_000 * EUR, "derived")}
    # HF4 without published amounts, or no published Handlungsfelder: nothing invented.
    for region_id in ("jadebay", "ems-vechte", "mitte-niedersachsen", "ostfriesland"):
        assert funds(region_id) == {}
        assert any("not published" in n for n in plans[region_id].recognition["notes"])
    assert plans["ostfriesland"].members["lead_partner"] is None
    assert plans["ostfriesland"].members["note"] == "lead partner not published"
    assert plans["ems-vechte"].zukunftskonzept is None


def test_the_programme_loads_once_however_often_it_runs(api: RegionsClient) -> None:
    first = load(api, load_data())
    assert sum(len(o.done) for o in first) == 14 + 14 + 10 + 11
    programme = api.programme()
    assert programme.envelope_cents == 96_000_000 * EUR
    assert programme.allocated_cents == 52_760_000 * EUR
    assert len(programme.regions) == 14

    again = load(api, load_data())
    assert [o.done for o in again] == [[] for _ in again]
    assert api.programme().version == programme.version

    region = api.region("jadebay")
    assert str(region.recognised_on) == "2022-10-05"
    assert region.lead_partner == "Landkreis Friesland"
    assert region.budget == []
    assert region.announced_budget_cents == 6_173_000 * EUR


def test_a_later_decision_of_the_ministry_is_kept(api: RegionsClient) -> None:
    load(api, load_data())
    api.adjust(
        "suederelbe",
        BudgetAdjust(fund="EFRE", amount_cents=5_000_000 * EUR, reason="Umschichtung"),
    )
    [outcome] = [o for o in load(api, load_data()) if o.region_id == "suederelbe"]
    assert outcome.done == []
    assert outcome.kept == ["EFRE 500000000 cents (published: 590000000)"]
