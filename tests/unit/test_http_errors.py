"""What a caller gets when the infrastructure fails under a request: 503 with Retry-After
and a message, never a 500 or a stack trace."""

import psycopg
import pytest
from eventsourcing import persistence
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shared.http import install_error_handlers


@pytest.mark.parametrize(
    "failure",
    [
        psycopg.OperationalError("connection refused"),
        persistence.OperationalError("server closed the connection unexpectedly"),
        ConnectionRefusedError(111, "Connection refused"),
    ],
)
def test_a_database_that_is_down_is_a_503_the_caller_may_retry(failure: Exception) -> None:
    api = FastAPI()
    install_error_handlers(api)

    @api.post("/command")
    async def command() -> None:
        raise failure

    response = TestClient(api, raise_server_exceptions=False).post("/command")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert "try again" in response.json()["detail"]
    assert "Traceback" not in response.text
