"""Issue 13, rule 8: every command keeps its note and honours the Idempotency-Key.

The typed clients retry a command with the same key when an answer is lost; before, the
regions service ignored the key, so a retried `record_members` recorded the members
twice, a retried programme opening got 409, and a retried erasure of a contact person
was refused. The note sent with a proposal was dropped, while every other step kept its
own. (Source: the programme's audit trail, docs/programme-data.md.)
"""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from services.funding.bootstrap import bootstrap as funding_bootstrap
from services.funding.bootstrap import create_api as funding_api
from services.funding.settings import FundingSettings
from services.regions.bootstrap import bootstrap, create_api
from services.regions.settings import RegionsSettings
from tests.support import bearer
from tests.unit.funding_world import feed, proposal, public_events, regions_world
from tests.unit.service_client import Api
from tests.unit.test_regions_api import JADEBAY, MEMBERS

MINISTRY = bearer("ministry")


def keyed(key: str) -> dict[str, str]:
    return {**MINISTRY, "Idempotency-Key": key}


@pytest.fixture
def regions() -> Iterator[Api]:
    service = bootstrap(RegionsSettings(persistence="popo", run_relay=False))
    with TestClient(create_api(service)) as client:
        yield Api(client, service.app, MINISTRY)


def opened(api: Api) -> None:
    assert api.post("/programme", {"envelope_cents": 9_600_000_000}).status_code == 201
    assert api.post("/regions", JADEBAY).status_code == 201


def test_a_retried_opening_of_the_programme_gets_its_first_answer(regions: Api) -> None:
    body = {"envelope_cents": 9_600_000_000}
    first = regions.post("/programme", body, keyed("open-1"))
    again = regions.post("/programme", body, keyed("open-1"))
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.json() == first.json()
    assert regions.post("/programme", body).status_code == 409  # a new request: refused


def test_retried_members_are_recorded_once(regions: Api) -> None:
    opened(regions)
    before = regions.stored()
    first = regions.post("/regions/jadebay/members", MEMBERS, keyed("members-1"))
    again = regions.post("/regions/jadebay/members", MEMBERS, keyed("members-1"))
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    history = regions.get("/regions/jadebay/history").json()
    assert [e["type"] for e in history].count(
        next(e["type"] for e in history if "MembersRecorded" in e["type"])
    ) == 1
    assert regions.stored() == before + 2  # the members and the key's record, once


def test_a_key_used_for_another_request_is_refused(regions: Api) -> None:
    opened(regions)
    allocate = {"fund": "EFRE", "amount_cents": 100_000_00}
    assert regions.post("/regions/jadebay/budget", allocate, keyed("b-1")).status_code == 201
    assert regions.post("/regions/jadebay/budget", allocate, keyed("b-1")).status_code == 201
    other = {**allocate, "amount_cents": 200_000_00}
    refused = regions.post("/regions/jadebay/budget", other, keyed("b-1"))
    assert refused.status_code == 422 and "used before" in refused.json()["detail"]
    assert regions.get("/regions/jadebay").json()["budget_total_cents"] == 100_000_00


@pytest.fixture
def funding() -> Iterator[Api]:
    service = funding_bootstrap(
        FundingSettings(persistence="popo", run_relay=False, run_consumer=False)
    )
    feed(service.app, list(public_events(regions_world())))
    rm = bearer("regional_management", "heidefinition")
    with TestClient(funding_api(service)) as client:
        yield Api(client, service.app, rm)


def proposed(**fields: object) -> dict[str, object]:
    body = {**proposal(), "region_id": "heidefinition", **fields}
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in body.items()}


def test_the_note_sent_with_a_proposal_is_kept(funding: Api) -> None:
    body = proposed(note="Beschluss der Lenkungsrunde vom 3. März")
    created = funding.post("/projects", body)
    assert created.status_code == 201, created.text
    history = funding.get(f"/projects/{created.json()['project_id']}/history").json()
    assert history[0]["note"] == "Beschluss der Lenkungsrunde vom 3. März"


def test_a_retried_erasure_gets_its_first_answer(funding: Api) -> None:
    created = funding.post("/projects", proposed())
    pid = created.json()["project_id"]
    eraser = {**bearer("nbank"), "Idempotency-Key": "erase-1"}
    path = f"/projects/{pid}/contact-person/erasure"
    first = funding.post(path, {"note": "zwei Jahre nach Abschluss"}, eraser)
    again = funding.post(path, {"note": "zwei Jahre nach Abschluss"}, eraser)
    assert (first.status_code, again.status_code) == (204, 204), again.text
    history = funding.get(f"/projects/{pid}/history", bearer("nbank")).json()
    assert sum("ContactPersonErased" in e["type"] for e in history) <= 1
