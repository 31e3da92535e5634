"""The typed clients' plumbing (shared/client.py) on a scripted transport: retries with
backoff on 503 and on a service that cannot be reached, the same Idempotency-Key on
every attempt, the service's message in the exception, no retry of a refusal."""

from collections.abc import Callable

import httpx
import pytest
from fastapi.routing import APIRoute

from services.funding.api import lifecycle
from services.funding.api.lifecycle import LIFECYCLE
from services.funding.application.commands import Approval, Vote
from services.funding.client import FundingClient
from services.regions.client import RegionsClient
from shared.client import Conflict, Invalid, NotFound, Refused, Unavailable
from shared.settings import ServiceSettings
from tests.unit.funding_world import SCORES

PROJECT = "8b8e1f4e-6f0a-4f7e-9a55-0d2b4c7e2a11"


def client(
    answers: list[httpx.Response | Exception], seen: list[httpx.Request], attempts: int = 4
) -> FundingClient:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    http = httpx.Client(base_url="http://funding", transport=httpx.MockTransport(handle))
    return FundingClient("http://funding", "t0ken", attempts=attempts, backoff=0.001, http=http)


def state(**overrides: object) -> dict[str, object]:
    return {
        "project_id": PROJECT, "operation_code": "ZRN-HEIDE-0001", "region_id": "heide",
        "title": "Reallabor", "purpose": "Digitale Dienste", "applicant_name": "Landkreis Celle",
        "applicant_kind": "municipality", "handlungsfeld": "HF1", "fund": "EFRE",
        "location_ags": "03351", "category": "transition", "kind": "project",
        "start_date": "2025-01-01", "end_date": "2027-06-30", "total_cost_cents": 100,
        "eligible_cost_cents": 100, "funding_rate": "0.60", "planned_grant_cents": 60,
        "stage": "approved", "grant_cents": 60, "committed_cents": 60, "requested_cents": 0,
        "declared_expenditure_cents": 0, "disbursed_cents": 0, "released_cents": 0,
        "recovered_cents": 0, "payment_requests": 0, "eligible_expenditure_cents": None,
        "version": 5,
    } | overrides  # fmt: skip


def test_a_command_is_retried_on_503_with_the_same_idempotency_key() -> None:
    seen: list[httpx.Request] = []
    unavailable = httpx.Response(503, json={"detail": "database not reachable"})
    funding = client(
        [unavailable, httpx.ConnectError("refused"), httpx.Response(200, json=state())], seen
    )
    project = funding.approve(PROJECT, Approval(note="Bescheid"))
    assert project.stage == "approved" and project.committed_cents == 60
    assert len(seen) == 3
    assert len({r.headers["Idempotency-Key"] for r in seen}) == 1
    assert {r.headers["Authorization"] for r in seen} == {"Bearer t0ken"}


def test_a_service_that_stays_unavailable_raises_its_message() -> None:
    seen: list[httpx.Request] = []
    answers: list[httpx.Response | Exception] = [
        httpx.Response(503, json={"detail": "database not reachable"}) for _ in range(3)
    ]
    with pytest.raises(Unavailable, match="database not reachable") as raised:
        client(answers, seen, attempts=3).project(PROJECT)
    assert len(seen) == 3 and raised.value.status == 503


def test_an_unreachable_service_is_unavailable_after_the_retries() -> None:
    seen: list[httpx.Request] = []
    answers: list[httpx.Response | Exception] = [httpx.ConnectTimeout("slow") for _ in range(2)]
    with pytest.raises(Unavailable, match="funding service at http://funding is not reachable"):
        client(answers, seen, attempts=2).project(PROJECT)
    assert len(seen) == 2


@pytest.mark.parametrize(
    ("status", "error"),
    [(404, NotFound), (403, Refused), (401, Refused), (409, Conflict), (422, Invalid)],
)
def test_a_refusal_is_not_retried_and_carries_the_service_message(
    status: int, error: type[Exception]
) -> None:
    seen: list[httpx.Request] = []
    answers: list[httpx.Response | Exception] = [
        httpx.Response(status, json={"detail": "0 cents are left in EFRE"})
    ]
    with pytest.raises(
        error, match=f"funding: POST /projects/{PROJECT}/approval: {status} 0 cents"
    ):
        client(answers, seen).approve(PROJECT, Approval())
    assert len(seen) == 1


def test_a_step_refuses_the_wrong_body_before_sending() -> None:
    seen: list[httpx.Request] = []
    vote = Vote(votes_for=5, votes_against=0, abstentions=0, voted_on="2025-02-01", scores=SCORES)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="takes a Approval"):
        client([], seen).approve(PROJECT, vote)  # type: ignore[arg-type]
    assert seen == []


def test_a_service_client_carries_a_service_token() -> None:
    regions = RegionsClient.as_service("http://regions", ServiceSettings(service_name="funding"))
    assert regions.token.count(".") == 2
    acting: Callable[[str], RegionsClient] = regions.as_
    other = acting("user-token")
    assert (
        other.token == "user-token" and other.http is regions.http and regions.token != "user-token"
    )


def test_the_router_and_the_client_read_one_table_of_the_lifecycle() -> None:
    routes = {r.path: r for r in lifecycle.router.routes if isinstance(r, APIRoute)}
    for case in LIFECYCLE.values():
        route = routes[f"/projects/{{project_id}}/{case.path}"]
        assert route.summary == case.summary and route.methods == {"POST"}
        assert (
            route.body_field is not None and route.body_field.field_info.annotation is case.command
        )
        # The client's method has the use case's name and sends its command to its path.
        seen: list[httpx.Request] = []
        send = getattr(client([httpx.Response(200, json=state())], seen), case.run.__name__)
        body = case.command.model_construct(note="x")
        send(PROJECT, body)
        assert seen[0].url.path == f"/projects/{PROJECT}/{case.path}"
    assert len(routes) == len(LIFECYCLE)
