"""Traces and logs: what one command did, across every process it reached.

Traces (OpenTelemetry). A command's HTTP request opens the trace; its W3C `traceparent`
is kept in the domain events' `meta` with the event store's write, so the relay, which
publishes later and maybe in another process, continues the same trace and puts the
`traceparent` into the Kafka message's headers; each consumer continues it from there,
down to its read-model write. Spans go to an OTLP collector when `otlp_endpoint` is set
(`<PREFIX>_OTLP_ENDPOINT`, e.g. http://127.0.0.1:4318/v1/traces), and to a file of JSON
lines when `traces_file` is (`make run` does; `python -m tools.ops trace` reads them);
otherwise they only give the logs their trace ids.

Logs (structlog). One JSON object per line, for our own loggers and the libraries' alike
(uvicorn, aiokafka, eventsourcing), each with the trace id, the span id and the
correlation id (null outside a request or a message). The correlation id comes from the
caller's `X-Correlation-ID` (a new one when absent or unusable), is echoed in the
response, recorded with every event (`correlationid`), and taken up by the consumers.
"""

import json
import logging
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import structlog
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.text import has_control_characters

HEADER = "X-Correlation-ID"
correlation: ContextVar[str | None] = ContextVar("correlation_id", default=None)
tracer = trace.get_tracer("zukunftsregionen")


def configure(
    service: str,
    *,
    otlp_endpoint: str | None = None,
    traces_file: str | None = None,
    level: int = logging.INFO,
) -> None:
    """Once per process, before anything logs: the tracer provider and JSON logs."""
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint)))
    if traces_file:
        lines = open(traces_file, "a", encoding="utf-8")  # noqa: SIM115 (the process's life)
        exporter = ConsoleSpanExporter(out=lines, formatter=_one_line)
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    configure_logs(service, level)


def configure_logs(service: str, level: int = logging.INFO) -> None:
    chain: list[Any] = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _context(service),
    ]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=chain,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []  # through the root's handler
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").filters[:] = [_answered_probe]
    structlog.configure(
        processors=[*chain, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


PROBES = ("/livez", "/readyz", "/health", "/metrics")


def _answered_probe(record: logging.LogRecord) -> bool:
    """Not a line for each answered probe (the balancer asks every second, Prometheus every
    few): what is logged is a probe that failed."""
    args = record.args if isinstance(record.args, tuple) else ()
    answered = len(args) >= 5 and str(args[2]).startswith(PROBES) and args[4] == 200
    return not answered


def _context(service: str) -> Any:
    def add(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
        span = trace.get_current_span().get_span_context()
        event["service"] = service
        event["trace_id"] = format(span.trace_id, "032x") if span.is_valid else None
        event["span_id"] = format(span.span_id, "016x") if span.is_valid else None
        event["correlation_id"] = correlation.get()
        return event

    return add


def _one_line(span: ReadableSpan) -> str:
    return json.dumps(json.loads(span.to_json()), separators=(",", ":")) + "\n"


def current_traceparent() -> str | None:
    """The current span as a W3C `traceparent`, to be kept with what it causes."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


def context_of(traceparent: str | None) -> otel_context.Context | None:
    return propagate.extract({"traceparent": traceparent}) if traceparent else None


def kafka_headers() -> list[tuple[str, bytes]]:
    """The current trace context as Kafka message headers."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return [(k, v.encode()) for k, v in carrier.items()]


def context_from_headers(headers: Sequence[tuple[str, bytes]] | None) -> otel_context.Context:
    carrier = {
        k: v.decode("latin-1") for k, v in headers or () if k in ("traceparent", "tracestate")
    }
    return propagate.extract(carrier)


@contextmanager
def correlated(correlation_id: str | None) -> Iterator[None]:
    token = correlation.set(correlation_id)
    try:
        yield
    finally:
        correlation.reset(token)


def usable(value: str | None) -> str | None:
    """A caller's correlation id when it is one line of at most 200 characters (a tab may
    be in a header, a line break may not)."""
    if not value or len(value) > 200 or has_control_characters(value) or "\n" in value:
        return None
    return value


class Correlation:
    """ASGI middleware: the request's correlation id (the caller's, or a new one) for
    everything it does, and in the response's `X-Correlation-ID`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope.get("headers", ()), HEADER.lower().encode())
        cid = usable(given) or str(uuid.uuid4())

        async def echo(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = cid
            await send(message)

        with correlated(cid):
            await self.app(scope, receive, echo)


def _header(headers: Sequence[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None
