"""A budget cut never makes available money negative (issue 13, rule 1), the regions
service's half: a cut asks funding to hold it first, a refusal reaches the ministry with
funding's message, a funding out of reach is a 503, and a cut regions does not record is
cancelled in funding again. Nothing of a refused cut is stored (in memory)."""

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from eventsourcing.persistence import OperationalError
from fastapi.testclient import TestClient

from services.funding.application.funding import FundingApplication
from services.funding.client import FundingClient
from services.regions.adapters.funding import FundingOverHttp
from services.regions.application.budget_cuts import Cut, CutRefused, FundingUnavailable
from services.regions.application.regions import RegionsApplication
from services.regions.bootstrap import bootstrap, create_api
from services.regions.settings import RegionsSettings
from shared.auth import Authenticator
from shared.errors import Conflict
from shared.idempotency import Idempotency
from shared.settings import DEV_JWT_SECRET
from tests.support import bearer
from tests.unit.funding_ledgers import InProcessFunding, NeverAsked, Unreachable
from tests.unit.funding_world import EUR, MINISTRY, approved, available, funded_world

REFUSAL = (
    "budget cut: 600.000,00 € are committed in the EFRE budget of heidefinition; "
    "the budget cannot go below that"
)


@pytest.fixture
def world() -> tuple[RegionsApplication, FundingApplication, InProcessFunding]:
    """HeiDefinition with 6 million euros of EFRE in both services, 600,000 committed."""
    regions, funding = funded_world()
    approved(funding)
    port = InProcessFunding(funding)
    regions.funding = port
    return regions, funding, port


def cut(regions: RegionsApplication, euros: int, **kw: Any) -> Any:
    return regions.adjust_budget(
        "heidefinition", fund="EFRE", amount_cents=euros * EUR, reason="Umschichtung",
        meta=MINISTRY, **kw,
    )  # fmt: skip


def efre(regions: RegionsApplication) -> int:
    budget = regions.get_region("heidefinition").budget
    return next(b.amount_cents for b in budget if b.fund == "EFRE")


def test_a_cut_below_what_is_committed_is_refused_with_fundings_message(world: Any) -> None:
    regions, _, _ = world
    stored = regions.recorder.max_notification_id()
    with pytest.raises(CutRefused, match=re.escape(REFUSAL)):
        cut(regions, 1)
    assert regions.recorder.max_notification_id() == stored
    assert efre(regions) == 6_000_000 * EUR


def test_a_cut_that_fits_is_held_in_funding_then_recorded(world: Any) -> None:
    regions, funding, port = world
    cut(regions, 600_000)
    assert efre(regions) == 600_000 * EUR
    assert len(port.reserved) == 1 and port.cancelled == []
    assert available(funding) == 0  # held until funding's feed applies the cut


def test_the_ministrys_key_makes_a_repeated_cut_one_cut(world: Any) -> None:
    regions, _, port = world
    adjustment = {"fund": "EFRE", "amount_cents": 600_000 * EUR, "reason": "Umschichtung"}
    idem = Idempotency.of("kuerzung-7", "mb-402", "POST adjustments", adjustment)
    first = cut(regions, 600_000, idem=idem)
    assert cut(regions, 600_000, idem=idem) == first
    assert len(port.reserved) == 1


def test_a_raise_needs_no_confirmation(world: Any) -> None:
    regions, _, _ = world
    regions.funding = NeverAsked()
    cut(regions, 7_000_000)
    assert efre(regions) == 7_000_000 * EUR


def test_a_funding_out_of_reach_leaves_the_budget_as_it_was(world: Any) -> None:
    regions, _, _ = world
    regions.funding = Unreachable()
    stored = regions.recorder.max_notification_id()
    with pytest.raises(FundingUnavailable) as raised:
        cut(regions, 600_000)
    assert raised.value.status_code == 503
    assert regions.recorder.max_notification_id() == stored


def test_a_cut_whose_save_may_have_committed_keeps_its_hold_in_funding(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database failed while saving: the cut may be recorded after all (the answer
    was lost), so the hold stays. It holds money back only until funding applies the
    budget's next change, and a hold taken away from a recorded cut would let approvals
    commit the cut money."""
    regions, funding, port = world

    def database_down(*_: Any, **__: Any) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(regions, "save", database_down)
    with pytest.raises(OperationalError):
        cut(regions, 600_000)
    assert port.cancelled == [] and len(port.reserved) == 1
    assert available(funding) == 0  # held: 600,000 of which 600,000 are committed
    assert efre(regions) == 6_000_000 * EUR


def test_a_cut_refused_by_regions_after_funding_held_it_is_cancelled(world: Any) -> None:
    """Two officials cut at once: the second save loses on the region's version, runs again,
    and finds the budget already at that amount. Its hold in funding is cancelled."""
    regions, funding, port = world
    reserve = port.reserve

    def meanwhile(c: Cut) -> None:
        reserve(c)
        if len(port.reserved) == 1:
            regions.funding = port.__class__(funding)  # the other official's own request
            cut(regions, 600_000)
            regions.funding = port

    port.reserve = meanwhile  # type: ignore[method-assign]
    with pytest.raises(Conflict, match="already 60000000 cents"):
        cut(regions, 600_000)
    assert port.cancelled == port.reserved
    assert available(funding) == 0  # the other official's cut holds, until it is applied


# the regions API over its adapter to funding's HTTP API ----------------------------------


def funding_answering(*answers: httpx.Response | Exception) -> FundingOverHttp:
    pending = list(answers)
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = pending.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    http = httpx.Client(base_url="http://funding", transport=httpx.MockTransport(handle))
    client = FundingClient("http://funding", "", attempts=2, backoff=0.001, http=http)
    ledger = FundingOverHttp(client, Authenticator(DEV_JWT_SECRET, "zukunftsregionen"), "regions")
    ledger.seen = seen  # type: ignore[attr-defined]
    return ledger


@pytest.fixture
def api_with(request: pytest.FixtureRequest) -> Iterator[Any]:
    def make(funding: FundingOverHttp | None) -> TestClient:
        settings = RegionsSettings(persistence="popo", run_relay=False)
        service = bootstrap(settings, funding=funding)
        client = TestClient(create_api(service))
        client.__enter__()
        request.addfinalizer(lambda: client.__exit__(None, None, None))
        ministry = bearer("ministry")
        for path, body in (
            ("/programme", {"envelope_cents": 9_600_000_000}),
            (
                "/regions",
                {"region_id": "heidefinition", "name": "HeiDefinition", "arl": "ArL Lüneburg"},
            ),
            ("/regions/heidefinition/budget", {"fund": "EFRE", "amount_cents": 6_000_000 * EUR}),
        ):
            assert client.post(path, json=body, headers=ministry).status_code == 201
        return client

    yield make


ADJUST = "/regions/heidefinition/budget/adjustments"
CUT = {"fund": "EFRE", "amount_cents": 100, "reason": "Umschichtung"}


def test_the_ministry_gets_fundings_refusal_as_a_409(api_with: Any) -> None:
    ledger = funding_answering(httpx.Response(409, json={"detail": REFUSAL}))
    api = api_with(ledger)
    response = api.post(ADJUST, json=CUT, headers=bearer("ministry"))
    assert response.status_code == 409 and response.json()["detail"] == REFUSAL
    [asked] = ledger.seen  # type: ignore[attr-defined]
    assert asked.url.path.startswith("/regions/heidefinition/budgets/EFRE/cuts/")
    assert asked.headers["Idempotency-Key"]
    token = asked.headers["Authorization"].removeprefix("Bearer ")
    actor = Authenticator(DEV_JWT_SECRET, "zukunftsregionen").verify(token)
    assert (actor.role, actor.subject) == ("service", "regions")
    region = api.get("/regions/heidefinition", headers=bearer("ministry")).json()
    assert region["budget"][0]["amount_cents"] == 6_000_000 * EUR


def test_the_ministry_gets_a_503_when_funding_cannot_be_reached(api_with: Any) -> None:
    refused = httpx.ConnectError("connection refused")
    ledger = funding_answering(refused, refused, refused, refused)
    api = api_with(ledger)
    response = api.post(ADJUST, json=CUT, headers=bearer("ministry"))
    assert response.status_code == 503, response.text
    assert "the funding service" in response.json()["detail"]
    assert "nothing was changed" in response.json()["detail"]
    region = api.get("/regions/heidefinition", headers=bearer("ministry")).json()
    assert region["budget"][0]["amount_cents"] == 6_000_000 * EUR


def test_a_cut_funding_holds_is_recorded_by_regions(api_with: Any) -> None:
    held = {
        "cut_id": "8b8e1f4e-6f0a-4f7e-9a55-0d2b4c7e2a11", "region_id": "heidefinition",
        "fund": "EFRE", "held": True, "allocated_cents": 600_000_000, "ceiling_cents": 100,
        "committed_cents": 0, "available_cents": 100, "version": 3,
    }  # fmt: skip
    ledger = funding_answering(httpx.Response(201, json=held))
    api = api_with(ledger)
    response = api.post(ADJUST, json=CUT, headers=bearer("ministry"))
    assert response.status_code == 200, response.text
    assert response.json()["budget"][0]["amount_cents"] == 100


def test_a_regions_service_not_told_where_funding_is_refuses_cuts(api_with: Any) -> None:
    api = api_with(None)  # no REGIONS_FUNDING_URL
    response = api.post(ADJUST, json=CUT, headers=bearer("ministry"))
    assert response.status_code == 503, response.text
    assert "REGIONS_FUNDING_URL" in response.json()["detail"]
    raise_ = {"fund": "EFRE", "amount_cents": 7_000_000 * EUR, "reason": "Aufstockung"}
    assert api.post(ADJUST, json=raise_, headers=bearer("ministry")).status_code == 200
