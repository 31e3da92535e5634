"""The door of every service: who is calling is known before a byte of the body is read.

An ASGI middleware in front of the routes. For a route that declares who may call it
(`shared.auth.allow`), the bearer token is verified and the role checked before the
request's body is read: a caller without a valid token gets 401, a role that may not
gets 403, whatever the body holds (so a refused caller learns nothing about the input
rules, and spends none of our memory). Then a body larger than the limit is refused
with 413, unread when Content-Length says so, and cut off when a streamed body grows
past it. The route's own dependencies check again (and the region) as before.
A path or query string holding a control character (NUL cannot even be stored) is
refused with 422 before any route sees it.
"""

import re
from collections.abc import Callable, MutableMapping, Sequence
from typing import Any
from urllib.parse import unquote_plus

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.errors import DomainError, Forbidden, PayloadTooLarge, Unauthorized
from shared.http import error_response
from shared.text import has_control_characters

Message = MutableMapping[str, Any]
Verify = Callable[[str], Any]


class Gate:
    def __init__(self, app: ASGIApp, *, verify: Verify, max_body_bytes: int) -> None:
        self.app = app
        self.verify = verify
        self.limit = max_body_bytes
        self._table: Table | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            self._authenticate(scope)
            _check_url(scope)
            self._check_length(scope)
        except DomainError as exc:
            await _refuse(scope, send, exc)
            return
        await self.app(scope, self._limited(receive), send)

    def _authenticate(self, scope: Scope) -> None:
        roles = self._roles_of(scope)
        if roles is None:
            return  # a route anyone may call (health, docs), or none at all (404)
        token = _bearer(scope)
        if token is None:
            raise Unauthorized("this endpoint needs a bearer token (Authorization: Bearer ...)")
        actor = self.verify(token)
        if actor.role not in roles:
            raise Forbidden(
                f"the role {actor.role!r} may not do this; allowed: {', '.join(sorted(roles))}"
            )

    def _check_length(self, scope: Scope) -> None:
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            raise self._too_large()

    def _too_large(self) -> PayloadTooLarge:
        return PayloadTooLarge(f"the request body is larger than {self.limit} bytes")

    def _limited(self, receive: Receive) -> Receive:
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:  # answered by the service's error handlers
                    raise HTTPException(413, str(self._too_large()))
            return message

        return limited

    def _roles_of(self, scope: Scope) -> frozenset[str] | None:
        if self._table is None:  # built at the first request, when every router is in
            self._table = _route_table(scope["app"].routes)
        path, method = scope["path"], scope["method"]
        for pattern, methods, roles in self._table:
            if pattern.match(path) and (method in methods or method == "HEAD"):
                return roles
        return None


Table = list[tuple[re.Pattern[str], set[str], frozenset[str] | None]]


def _route_table(routes: Sequence[BaseRoute]) -> Table:
    """Each API route's path, methods and the roles it declares (None: anyone)."""
    table: Table = []
    for ctx in iter_route_contexts(routes):
        route = ctx.original_route
        if isinstance(route, APIRoute) and ctx.path:
            pattern, _, _ = compile_path(ctx.path)
            table.append((pattern, set(ctx.methods or ()), _declared_roles(route.dependant)))
    return table


def _declared_roles(dependant: Dependant) -> frozenset[str] | None:
    for dep in dependant.dependencies:
        roles = getattr(dep.call, "allowed_roles", None)
        if roles is not None:
            return frozenset(roles)
        found = _declared_roles(dep)
        if found is not None:
            return found
    return None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _check_url(scope: Scope) -> None:
    raw = scope.get("query_string", b"").decode("latin-1")
    query = unquote_plus(raw, encoding="utf-8", errors="replace")
    if has_control_characters(scope.get("path", "")) or has_control_characters(query):
        raise DomainError("the URL holds a control character, which no field may hold")


def _bearer(scope: Scope) -> str | None:
    value = _header(scope, b"authorization")
    if value is None:
        return None
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def _refuse(scope: Scope, send: Send, exc: DomainError) -> None:
    response = error_response(exc, scope.get("path"))
    await response({"type": "http"}, _nothing, send)


async def _nothing() -> Message:
    return {"type": "http.disconnect"}
