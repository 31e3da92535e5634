"""Issue 13, rule 5: an adopted Zukunftskonzept can be amended. The ministry changes a
region's Handlungsfelder with a reason (public, as a budget's adjustment is); projects
already proposed keep theirs, new proposals take one of the new ones.
(Source: RL ZRN, the Zukunftskonzept as the region's territorial strategy under
Art. 29 CPR, which the managing authority may have amended; docs/programme-data.md.)"""

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from services.funding.application.funding import FundingApplication
from services.funding.domain.rules import ProjectRuleBroken
from services.regions.adapters.public_events import to_public
from services.regions.bootstrap import bootstrap, create_api
from services.regions.settings import RegionsSettings
from shared.events import v2
from tests.support import bearer
from tests.unit.funding_world import MINISTRY, POPO, feed, propose, public_events, regions_world
from tests.unit.service_client import Api
from tests.unit.test_regions_api import JADEBAY

AMEND = "/regions/jadebay/zukunftskonzept/amendments"
CHANGE = {"handlungsfelder": ["HF2", "HF4"], "reason": "Beschluss des MB vom 2.5.2025",
          "amended_on": "2025-05-02"}  # fmt: skip


@pytest.fixture
def api() -> Iterator[Api]:
    service = bootstrap(RegionsSettings(persistence="popo", run_relay=False))
    with TestClient(create_api(service)) as client:
        a = Api(client, service.app, bearer("ministry"))
        assert a.post("/programme", {"envelope_cents": 9_600_000_000}).status_code == 201
        assert a.post("/regions", JADEBAY).status_code == 201
        yield a


def test_the_ministry_amends_the_handlungsfelder_with_a_reason(api: Api) -> None:
    before = api.post(AMEND, CHANGE)
    assert before.status_code == 409 and "adopt it first" in before.json()["detail"]
    konzept = {"handlungsfelder": ["HF1", "HF4"], "adopted_on": "2022-06-30"}
    assert api.post("/regions/jadebay/zukunftskonzept", konzept).status_code == 200
    assert api.post("/regions/jadebay/zukunftskonzept", konzept).status_code == 409  # still

    amended = api.post(AMEND, CHANGE)
    assert amended.status_code == 200, amended.text
    assert amended.json()["handlungsfelder"] == ["HF2", "HF4"]
    history = api.get("/regions/jadebay/history").json()
    assert history[-1]["type"] == v2.HandlungsfelderAmendedV1.event_type()
    assert history[-1]["data"]["reason"] == "Beschluss des MB vom 2.5.2025"

    same = api.post(AMEND, CHANGE)
    assert same.status_code == 409 and "already" in same.json()["detail"]
    assert api.post(AMEND, {**CHANGE, "reason": ""}).status_code == 422
    three = {**CHANGE, "handlungsfelder": ["HF1", "HF2", "HF3"]}
    assert api.post(AMEND, three).status_code == 422
    rm = bearer("regional_management", "jadebay")
    assert api.post(AMEND, CHANGE, rm).status_code == 403


def test_projects_already_proposed_keep_their_handlungsfeld() -> None:
    regions = regions_world()  # heidefinition: HF1 and HF4
    funding = FundingApplication(env=POPO)
    feed(funding, list(public_events(regions)))
    kept = propose(funding, handlungsfeld="HF1", fund="EFRE")
    regions.amend_handlungsfelder(
        "heidefinition", handlungsfelder=["HF2", "HF4"], reason="Schwerpunkt verlagert",
        amended_on=date(2025, 5, 2), meta=MINISTRY,
    )  # fmt: skip
    amendment = regions.history("heidefinition")[-1]
    [published] = to_public(amendment)
    assert published.type == v2.HandlungsfelderAmendedV1.event_type()
    feed(funding, list(public_events(regions)))  # from the start: the news is learnt

    assert funding.get_project(kept).handlungsfeld == "HF1"  # untouched
    with pytest.raises(ProjectRuleBroken, match="HF1"):
        propose(funding, handlungsfeld="HF1", fund="EFRE")
    assert funding.get_project(propose(funding, handlungsfeld="HF2", fund="EFRE")).stage == (
        "proposed"
    )
