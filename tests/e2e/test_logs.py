"""A real service process logs JSON, one object per line, each with the service, the trace
id and the correlation id; the correlation id a caller sends is echoed and logged, and a
caller that sends none gets a new one."""

import json

import httpx

from tests import support
from tests.e2e.conftest import Service


def lines(service: Service) -> list[dict[str, object]]:
    text = service.process.log.read_text(errors="replace")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


async def test_every_log_line_is_json_with_the_trace_and_the_correlation_id(
    regions: Service,
) -> None:
    async with httpx.AsyncClient(base_url=regions.url, timeout=10) as http:
        sent = await http.post(
            "/regions", json={"region_id": "x"}, headers={**support.bearer("ministry"),
            "X-Correlation-ID": "log-test-7"},
        )  # fmt: skip
        fresh = await http.get("/regions", headers=support.bearer("ministry"))
    assert sent.status_code == 422
    assert sent.headers["X-Correlation-ID"] == "log-test-7"
    assert len(fresh.headers["X-Correlation-ID"]) == 36  # a new one (a UUID)

    async def logged() -> list[dict[str, object]]:
        return [e for e in lines(regions) if e.get("correlation_id") == "log-test-7"]

    ours = await support.eventually(logged, timeout=10)
    assert all(isinstance(e["trace_id"], str) and len(e["trace_id"]) == 32 for e in ours), ours
    every = lines(regions)  # each line parsed: a line that is not JSON fails the test here
    assert every and all(
        {"service", "level", "timestamp", "trace_id", "correlation_id", "event"} <= e.keys()
        for e in every
    )
    assert {e["service"] for e in every} == {"regions"}
