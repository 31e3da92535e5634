"""A real service process logs JSON, one object per line, each with the service, the trace
id and the correlation id; the correlation id a caller sends is echoed and logged, and a
caller that sends none gets a new one. Its spans go to its traces file, where the
operator's tool finds a command's trace by its correlation id."""

import asyncio
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx

from tests import support
from tests.e2e.conftest import Service, start_service


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


async def test_the_operators_tool_shows_a_commands_trace_by_its_correlation_id(
    databases: Callable[[], str], topic_prefix: str, processes: list[support.Process],
    tmp_path: Path,
) -> None:  # fmt: skip
    spans = tmp_path / "traces-regions-1.jsonl"
    regions = start_service("regions", databases, topic_prefix, processes, traces_file=spans)
    async with httpx.AsyncClient(base_url=regions.url, timeout=10) as http:
        r = await http.post(
            "/programme", json={"envelope_cents": 96_000_000_00},
            headers={**support.bearer("ministry"), "X-Correlation-ID": "ops-trace-3"},
        )  # fmt: skip
    assert r.status_code in (200, 201), r.text

    def ops(*args: str) -> subprocess.CompletedProcess[str]:
        shutil.copy(regions.process.log, tmp_path / "regions-1.log")
        return subprocess.run(
            [sys.executable, "-m", "tools.ops", *args, "--dir", str(tmp_path)],
            cwd=support.ROOT, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip

    async def traced() -> subprocess.CompletedProcess[str] | None:
        done = await asyncio.to_thread(ops, "trace", "ops-trace-3")
        return done if done.returncode == 0 else None

    done = await support.eventually(traced, timeout=30, interval=1)  # spans: every 5 s
    assert "POST /programme" in done.stdout, done.stdout
    assert "event store: save" in done.stdout, done.stdout
    unknown = await asyncio.to_thread(ops, "trace", "no-such-id")
    assert unknown.returncode == 1 and "no trace 'no-such-id'" in unknown.stderr
