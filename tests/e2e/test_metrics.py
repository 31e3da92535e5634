"""Every process tells Prometheus how it is doing: a real Prometheus (Debian's, through
deploy/prometheus.sh) scrapes the running services and answers for consumer lag, relay lag
and HTTP requests with numbers; the alert rules pass `promtool check rules`."""

import asyncio
import os
import subprocess
from typing import Any

import httpx

from tests import support
from tests.e2e.conftest import System
from tests.e2e.funding_steps import record_region, wait_for_budget


def test_the_alert_rules_are_valid() -> None:
    checked = subprocess.run(
        ["promtool", "check", "rules", str(support.ROOT / "deploy/prometheus/alerts.yml")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 6 rules found" in checked.stdout


async def test_prometheus_scrapes_every_service_and_answers_for_consumer_lag(
    system: System, tmp_path: object
) -> None:
    port = support.free_port()
    env = {**os.environ, "ZR_VAR_DIR": str(tmp_path), "ZR_PROMETHEUS_PORT": str(port)}
    targets = [
        f"{name}={getattr(system, name).url.removeprefix('http://')}"
        for name in ("regions", "funding", "reporting")
    ]
    script = str(support.ROOT / "deploy" / "prometheus.sh")
    await asyncio.to_thread(
        subprocess.run, [script, "start", *targets], env=env, check=True, capture_output=True
    )
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            await record_region(http, system.regions.url, "metrik", 10_000_000_00)
            await wait_for_budget(http, system.funding.url, "metrik", 10_000_000_00)
            scraped = (await http.get(f"{system.reporting.url}/metrics")).text
            assert 'zr_http_requests_total{method="GET"' in scraped

            async def answer(query: str, label: str, values: set[str]) -> list[Any] | None:
                """The query's series, once there is one for each of `values` of `label`."""
                url = f"http://127.0.0.1:{port}/api/v1/query"
                result: list[Any] = (await http.get(url, params={"query": query})).json()["data"][
                    "result"
                ]
                return result if {row["metric"][label] for row in result} == values else None

            lag = await support.eventually(
                lambda: answer("zr_consumer_lag", "group", {"funding", "reporting"}), timeout=60
            )
            assert all(float(row["value"][1]) >= 0 for row in lag)  # a number, per partition
            await support.eventually(
                lambda: answer("zr_relay_lag", "service", {"regions", "funding"}), timeout=60
            )
            await support.eventually(
                lambda: answer("up == 1", "job", {"regions", "funding", "reporting"}),
                timeout=60,
            )
    finally:
        await asyncio.to_thread(subprocess.run, [script, "stop"], env=env, check=False)
