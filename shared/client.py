"""Base of the typed Python clients of the services, for internal callers.

One client per service (`services/<name>/client.py`) with a method per endpoint, typed
with the service's own request and response models. Every client:

- authenticates with a bearer token: a service token (role "service") minted with the
  shared signing key, or the token of whoever it acts for (`as_(token)`);
- has a timeout on every request, and sends its caller's correlation id (X-Correlation-ID,
  a new one per call when there is none) and trace (traceparent);
- retries, with exponential backoff and jitter (tenacity), when the service answers 503
  or cannot be reached. Commands carry an Idempotency-Key (one per call, the same for
  each attempt), so a retried command takes effect once;
- raises the service's message as an exception: `NotFound`, `Refused` (401/403),
  `Conflict` (409), `Invalid` (400/422), `Unavailable` (503 or unreachable after the
  retries), all `ServiceError`.
"""

import uuid
from typing import Any, ClassVar, Self, TypeVar

import httpx
from opentelemetry import propagate
from pydantic import BaseModel, TypeAdapter
from tenacity import (
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)
from tenacity import Retrying as _Retrying

from shared import observability
from shared.auth import Authenticator
from shared.settings import ServiceSettings

T = TypeVar("T")


class ServiceError(Exception):
    """The service refused the request; `message` is what it said."""

    def __init__(self, service: str, method: str, path: str, status: int, message: str) -> None:
        self.service, self.method, self.path = service, method, path
        self.status, self.message = status, message
        super().__init__(f"{service}: {method} {path}: {status} {message}")


class Invalid(ServiceError):
    pass


class Refused(ServiceError):
    pass


class NotFound(ServiceError):
    pass


class Conflict(ServiceError):
    pass


class Unavailable(ServiceError):
    pass


ERRORS: dict[int, type[ServiceError]] = {
    400: Invalid, 401: Refused, 403: Refused, 404: NotFound, 409: Conflict, 422: Invalid,
    503: Unavailable,
}  # fmt: skip


class _TryAgain(Exception):
    def __init__(self, error: Unavailable) -> None:
        self.error = error


class ServiceClient:
    service: ClassVar[str]

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 10.0,
        attempts: int = 5,
        backoff: float = 0.2,
        http: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url
        self.token = token
        self.attempts, self.backoff = attempts, backoff
        self.http = http or httpx.Client(base_url=base_url, timeout=timeout)

    @classmethod
    def as_service(cls, base_url: str, settings: ServiceSettings, **kw: Any) -> Self:
        """A client with a service token (role "service") for an internal caller."""
        token = Authenticator.of(settings).mint(role="service", subject=settings.service_name)
        return cls(base_url, token, **kw)

    def as_(self, token: str) -> Self:
        """The same client (and connections), acting with another token."""
        other = type(self).__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.token = token
        return other

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # requests -------------------------------------------------------------------------

    def get(self, path: str, into: type[T], *, every_page: bool = True, **params: Any) -> T:
        """A resource; of a list, every page (following the Link header's next page)
        unless `every_page` is off."""
        query = {k: v for k, v in params.items() if v is not None}
        response = self._send("GET", path, params=query)
        body = None if response.status_code == 204 else response.json()
        while every_page and isinstance(body, list) and "next" in response.links:
            response = self._send("GET", response.links["next"]["url"])
            body.extend(response.json())
        return TypeAdapter(into).validate_python(body)

    def command(
        self,
        path: str,
        body: BaseModel | dict[str, Any],
        into: type[T],
        *,
        idempotency_key: str | None = None,
    ) -> T:
        payload = (
            body.model_dump(mode="json", exclude_none=True) if isinstance(body, BaseModel) else body
        )
        key = idempotency_key or str(uuid.uuid4())
        response = self._send("POST", path, json=payload, key=key)
        answer = None if response.status_code == 204 else response.json()
        return TypeAdapter(into).validate_python(answer)

    def _send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        key: str | None = None,
    ) -> httpx.Response:
        # The conversation this call belongs to (the caller's, or a new one), the same for
        # every attempt; and the caller's trace, which the service continues.
        headers = {
            "Authorization": f"Bearer {self.token}",
            observability.HEADER: observability.correlation.get() or str(uuid.uuid4()),
        }
        propagate.inject(headers)
        if key:
            headers["Idempotency-Key"] = key

        def attempt() -> httpx.Response:
            try:
                response = self.http.request(
                    method, path, json=json, params=params, headers=headers
                )
            except httpx.TransportError as exc:
                problem = f"the {self.service} service at {self.base_url} is not reachable: {exc}"
                raise _TryAgain(Unavailable(self.service, method, path, 0, problem)) from exc
            if response.status_code == 503:
                raise _TryAgain(self._error(method, path, response))  # type: ignore[arg-type]
            if response.is_error:
                raise self._error(method, path, response)
            return response

        retrying = _Retrying(
            retry=retry_if_exception_type(_TryAgain),
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential_jitter(multiplier=self.backoff, max=5, jitter=self.backoff),
            retry_error_callback=_give_up,
            reraise=False,
        )
        response: httpx.Response = retrying(attempt)
        return response

    def _error(self, method: str, path: str, response: httpx.Response) -> ServiceError:
        kind = ERRORS.get(response.status_code, ServiceError)
        return kind(self.service, method, path, response.status_code, _detail(response))


def _give_up(state: RetryCallState) -> None:
    """After the last attempt: the service's own answer, as an exception."""
    exc = state.outcome.exception() if state.outcome else None
    if isinstance(exc, _TryAgain):
        raise exc.error
    if exc is not None:
        raise exc


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json()["detail"]
    except (ValueError, KeyError, TypeError):
        return response.text[:300] or response.reason_phrase
    return detail if isinstance(detail, str) else str(detail)
