"""HTTP plumbing every service uses: error mapping, correlation ids, dates of `as_of`."""

import asyncio
import logging
from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from uuid import uuid4

import asyncpg
import psycopg
import psycopg_pool
from aiokafka import AIOKafkaClient
from eventsourcing import persistence
from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared import observability
from shared.errors import DomainError
from shared.kafka import KafkaAccess
from shared.problems import problem
from shared.programme import BERLIN
from shared.text import EARLIEST, LATEST

log = logging.getLogger(__name__)

# What the drivers raise while the database is down or restarting: the request could not
# be served now and may be sent again (HTTP 503), which says nothing about its input.
UNAVAILABLE: tuple[type[Exception], ...] = (
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.InterfaceError,
    psycopg.OperationalError,
    psycopg_pool.PoolTimeout,
    persistence.OperationalError,
    persistence.InterfaceError,
    ConnectionError,
)


def install_error_handlers(app: FastAPI) -> None:
    """Every error as problem details (shared/problems.py), never a stack trace."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return error_response(exc, request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(
            exc.status_code, str(exc.detail), instance=request.url.path, headers=exc.headers
        )

    for kind in UNAVAILABLE:
        app.add_exception_handler(kind, _unavailable)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_problem(e) for e in exc.errors()]
        return problem(
            422, "; ".join(errors), kind="InvalidRequest", instance=request.url.path, errors=errors
        )


def error_response(exc: DomainError, path: str | None = None) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    return problem(
        exc.status_code, str(exc), kind=type(exc).__name__, instance=path, headers=headers
    )


async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("%s %s: unavailable: %r", request.method, request.url.path, exc)
    return problem(
        503,
        "the service's database is not reachable right now; try again (a command sent again "
        "with the same Idempotency-Key takes effect once)",
        kind="Unavailable",
        instance=request.url.path,
        headers={"Retry-After": "1"},
    )


def _problem(error: dict[str, Any]) -> str:
    if error.get("type") == "json_invalid":
        ctx = error.get("ctx") or {}
        return f"body: malformed JSON ({ctx.get('error', 'cannot be parsed')})"
    loc = [str(p) for p in error.get("loc", ()) if p != "body"]
    return f"{'.'.join(loc) or 'body'}: {error['msg']}"


def correlation_id(
    x_correlation_id: Annotated[str | None, Header(max_length=200)] = None,
) -> str:
    """The request's correlation id (observability.Correlation chose it; the header is
    declared here for the OpenAPI document)."""
    return observability.correlation.get() or x_correlation_id or str(uuid4())


async def kafka_reachable(kafka: KafkaAccess, timeout: float = 3.0) -> bool:
    client = AIOKafkaClient(**kafka.options(), request_timeout_ms=int(timeout * 1000))
    try:
        await asyncio.wait_for(client.bootstrap(), timeout)
        return True
    except Exception:
        return False
    finally:
        await client.close()


def parse_as_of(text: str) -> datetime:
    """A date (the end of that day, German time) or an ISO date-time (German time if naive),
    within the years the system can hold (shared/text.py)."""
    problem = (
        f"as_of: {text!r} is neither a date (2026-01-31) nor an ISO date-time "
        "(2026-01-31T12:00:00+01:00)"
    )
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time.max, tzinfo=BERLIN)
        else:
            moment = datetime.fromisoformat(text)
            moment = moment if moment.tzinfo else moment.replace(tzinfo=BERLIN)
        if not EARLIEST <= moment.date() <= LATEST:
            problem = f"as_of: {text!r} must lie between {EARLIEST} and {LATEST}"
            raise ValueError(problem)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise DomainError(problem) from None
