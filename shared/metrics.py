"""What every process tells Prometheus (`GET /metrics`; a worker without an API on
`<PREFIX>_METRICS_PORT`).

- HTTP: requests by route and status, and their duration; commands (POST) by outcome.
- The relay: its position, the newest stored notification, their difference (the lag),
  and what it published.
- The consumers: the lag per partition (the partition's end minus the stored position),
  the events applied and parked, and the delay from an event's time to its write.
- The database pools: connections in use and idle.
"""

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    start_http_server,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
DELAY = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)

http_requests = Counter(
    "zr_http_requests", "HTTP requests answered", ["service", "method", "route", "status"]
)
http_seconds = Histogram(
    "zr_http_request_seconds", "HTTP request duration", ["service", "method", "route"],
    buckets=SECONDS,
)  # fmt: skip
commands = Counter("zr_commands", "Commands (POST) by outcome", ["service", "route", "outcome"])
relay_position = Gauge("zr_relay_position", "Last notification published", ["service"])
relay_head = Gauge("zr_relay_head", "Newest notification stored", ["service"])
relay_lag = Gauge("zr_relay_lag", "Notifications stored but not yet published", ["service"])
relay_published = Counter("zr_relay_published", "Events published to Kafka", ["service"])
relay_active = Gauge(
    "zr_relay_active", "1 while this instance's relay is the active one", ["service"]
)
consumer_lag = Gauge(
    "zr_consumer_lag", "Messages after the stored position", ["group", "topic", "partition"]
)
consumer_applied = Counter("zr_consumer_applied", "Events applied", ["group"])
consumer_parked = Counter("zr_consumer_parked", "Messages parked, with their reason", ["group"])
consumer_failed = Counter("zr_consumer_failed_batches", "Batches fetched again", ["group"])
consumer_delay = Histogram(
    "zr_consumer_delay_seconds", "From an event's time to its write by the consumer", ["group"],
    buckets=DELAY,
)  # fmt: skip
db_pool = Gauge("zr_db_pool_connections", "Database pool connections", ["service", "pool", "state"])


def outcome(status: int) -> str:
    if status < 400:
        return "done"
    if status in (401, 403):
        return "refused"
    if status in (409,):
        return "conflict"
    if status < 500:
        return "invalid"
    return "failed"


class HttpMetrics:
    """ASGI middleware: every answered request, by the route's template (not the path: the
    ids in paths would make a series each)."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app, self.service = app, service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def sending(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope["method"]
            http_requests.labels(self.service, method, route, str(status)).inc()
            http_seconds.labels(self.service, method, route).observe(time.perf_counter() - started)
            if method == "POST":
                commands.labels(self.service, route, outcome(status)).inc()


Sampler = Callable[[], Awaitable[None] | None]


async def metrics_endpoint(request: Request) -> Response:
    for sample in request.app.state.metric_samplers:
        result = sample()
        if result is not None:
            await result
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def serve_metrics(port: int | None) -> None:
    """For a process without an API (a relay or consumer alone)."""
    if port:
        start_http_server(port)
