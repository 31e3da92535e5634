"""One trace from a command to reporting's read model, over the real PostgreSQL and Kafka.

The regions service and reporting run in this process (their APIs with their relay and
consumer), so an in-memory exporter sees every span: the HTTP command, the event store's
write, the relay's publishing (whose `traceparent` travels in the Kafka headers), the
consumer's handling and the read-model write all carry the command's trace id.
"""

import time
from collections.abc import Callable

from fastapi.testclient import TestClient
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from services.regions.bootstrap import bootstrap as regions_bootstrap
from services.regions.bootstrap import create_api as regions_api
from services.regions.settings import RegionsSettings
from services.reporting.bootstrap import create_api as reporting_api
from services.reporting.settings import ReportingSettings
from tests import support

MINISTRY = support.bearer("ministry")


def exporter() -> InMemorySpanExporter:
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    memory = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    return memory


def wait(check: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout}s")


def names(spans: list[ReadableSpan]) -> set[str]:
    return {s.name for s in spans}


def test_one_trace_spans_a_command_from_http_to_reportings_read_model(
    databases: Callable[[], str], topic_prefix: str
) -> None:
    memory = exporter()
    common = {"topic_prefix": topic_prefix, "kafka_bootstrap": support.KAFKA}
    regions = regions_api(regions_bootstrap(RegionsSettings(pg_database=databases(), **common)))
    reporting = reporting_api(ReportingSettings(pg_database=databases(), **common))
    with TestClient(regions) as r, TestClient(reporting) as rep:
        assert r.post("/programme", json={"envelope_cents": 96_000_000_00},
                      headers=MINISTRY).status_code in (200, 201)  # fmt: skip
        answer = r.post(
            "/regions",
            json={"region_id": "spur", "name": "Spur", "arl": "ArL Lüneburg"},
            headers={**MINISTRY, "X-Correlation-ID": "trace-test-1"},
        )
        assert answer.status_code == 201, answer.text
        assert answer.headers["X-Correlation-ID"] == "trace-test-1"
        wait(lambda: rep.get("/regions/spur", headers=MINISTRY).status_code == 200)

        def the_write_is_traced() -> bool:
            return any(s.name == "reporting: write read model" for s in memory.get_finished_spans())

        wait(the_write_is_traced)

    spans = list(memory.get_finished_spans())
    command = next(s for s in spans if s.name == "POST /regions" and s.kind.name == "SERVER")
    assert command.context is not None
    in_trace = [s for s in spans if s.context and s.context.trace_id == command.context.trace_id]
    found = names(in_trace)
    assert "event store: save" in found, found
    assert any(n.startswith("relay: publish") and "RegionRecognised" in n for n in found), found
    assert "reporting: apply" in found, found
    assert "reporting: write read model" in found, found
    # The consumer's span is the relay's child: the context came through Kafka's headers.
    publish = next(s for s in in_trace if s.name.startswith("relay: publish"))
    apply = next(s for s in in_trace if s.name == "reporting: apply")
    assert publish.context is not None and apply.parent is not None
    assert apply.parent.span_id == publish.context.span_id
