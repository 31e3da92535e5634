"""Who is calling is known before the body is read: no token is a 401 and a role that may
not is a 403, whatever the body holds; a body over the limit is a 413, unread."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from services.funding.bootstrap import bootstrap, create_api
from services.funding.settings import FundingSettings
from tests.support import bearer

SETTINGS = FundingSettings(
    persistence="popo", run_relay=False, run_consumer=False, max_body_bytes=10_000
)
MALFORMED = b'{"region_id": '
RM = bearer("regional_management", "heidefinition")


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_api(bootstrap(SETTINGS))) as client:
        yield client


def post(client: TestClient, body: bytes, headers: dict[str, str]) -> object:
    return client.post(
        "/projects", content=body, headers={"content-type": "application/json", **headers}
    )


def test_a_malformed_body_without_a_token_is_a_401(client: TestClient) -> None:
    r = post(client, MALFORMED, {})
    assert r.status_code == 401, r.text  # type: ignore[attr-defined]
    assert r.headers["WWW-Authenticate"] == "Bearer"  # type: ignore[attr-defined]


def test_a_malformed_body_with_a_forged_token_is_a_401(client: TestClient) -> None:
    r = post(client, MALFORMED, {"Authorization": "Bearer not.a.token"})
    assert r.status_code == 401  # type: ignore[attr-defined]


def test_a_malformed_body_from_a_role_that_may_not_is_a_403(client: TestClient) -> None:
    r = post(client, MALFORMED, bearer("agency"))
    assert r.status_code == 403  # type: ignore[attr-defined]
    assert "agency" in r.json()["detail"]  # type: ignore[attr-defined]


def test_a_malformed_body_from_a_role_that_may_is_a_422(client: TestClient) -> None:
    r = post(client, MALFORMED, RM)
    assert r.status_code == 422  # type: ignore[attr-defined]


def test_a_body_over_the_limit_is_a_413_without_being_read(client: TestClient) -> None:
    r = post(client, b"x" * 10_001, RM)
    assert r.status_code == 413  # type: ignore[attr-defined]
    assert "10000 bytes" in r.json()["detail"]  # type: ignore[attr-defined]


def test_an_unauthenticated_huge_body_is_refused_before_it_is_read(client: TestClient) -> None:
    r = post(client, b"x" * 10_001, {})
    assert r.status_code == 401  # type: ignore[attr-defined]


def test_a_streamed_body_is_cut_off_at_the_limit(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"x" * 1000

    r = client.post(
        "/projects",
        content=chunks(),
        headers={"content-type": "application/json", **RM},
    )
    assert r.status_code == 413


def test_health_and_docs_need_no_token(client: TestClient) -> None:
    assert client.get("/openapi.json").status_code == 200


CONTROLLED = [
    "/regions/heidefinition/projects?after=%00",
    "/regions/a%1Fb/projects",
    "/regions/heidefinition/projects?after=%C2%85",
]


@pytest.mark.parametrize("url", CONTROLLED)
def test_a_control_character_in_the_url_is_a_422(client: TestClient, url: str) -> None:
    r = client.get(url, headers=RM)
    assert r.status_code == 422, r.text
    assert "control character" in r.json()["detail"]


def test_letters_beyond_ascii_in_the_url_pass(client: TestClient) -> None:
    # Ö is C3 96 in UTF-8: its second byte alone would look like a C1 control character.
    r = client.get("/regions/heidefinition/projects?after=%C3%96", headers=RM)
    assert "not a cursor" in r.json()["detail"], r.text  # refused by the route, not the gate
    r = client.get("/regions/%C3%96stliches/projects", headers=RM)
    assert r.status_code == 403, r.text  # another region: refused for that, not the URL
