"""`make run` loads the 14 regions through the regions service: each event once, on Kafka too."""

import json
import subprocess
import sys
from collections import Counter

import httpx

from shared.topics import Topics
from tests import support
from tests.e2e.conftest import Service


def run_loader(regions: Service) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.regions.programme_data.load", "--url", regions.url],
        cwd=support.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_the_programme_is_loaded_once_and_published_once(
    regions: Service, topic_prefix: str
) -> None:
    first = run_loader(regions)
    assert first.returncode == 0, first.stderr
    assert "49 commands sent" in first.stderr
    # No steering group's seats are published: the loader says so, and constitutes none.
    assert "its votes are refused" in first.stderr
    second = run_loader(regions)
    assert second.returncode == 0, second.stderr
    assert "0 commands sent: all there" in second.stderr

    expected = {
        "ProgrammeOpened": 1,
        "RegionRecognised": 14,
        "MembersRecorded": 14,
        "ZukunftskonzeptAdopted": 10,
        "BudgetAllocated": 11,
    }
    topic = Topics(topic_prefix).regions_events
    records = await support.read_topic(topic, idle_ms=5000)
    events = [json.loads(r.value) for r in records if b".ChainAnchored." not in (r.value or b"")]
    assert Counter(e["type"].split(".")[-2] for e in events) == expected  # and the anchors
    assert len({e["id"] for e in events}) == len(events)

    async with httpx.AsyncClient(timeout=10, headers=support.bearer("auditor")) as http:
        listed = (await http.get(f"{regions.url}/regions")).json()
        assert len(listed) == 14
        history = (await http.get(f"{regions.url}/regions/heidefinition/history")).json()
    on_kafka = [e["id"] for e in events if e["subject"] == "regions/heidefinition"]
    assert [e["id"] for e in history] == on_kafka
    assert [e["type"].split(".")[-2] for e in history] == [
        "RegionRecognised",
        "MembersRecorded",
        "ZukunftskonzeptAdopted",
        "BudgetAllocated",
        "BudgetAllocated",
    ]
    assert {e["recordedby"]["subject"] for e in history} == {"programme-loader"}
    total = sum(e["data"]["amount_cents"] for e in events if ".BudgetAllocated." in e["type"])
    assert total == 52_760_000_00


def test_the_loader_says_what_is_wrong_when_the_service_is_not_there() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "services.regions.programme_data.load", "--url",
         f"http://127.0.0.1:{support.free_port()}"],
        cwd=support.ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "is not reachable" in result.stderr
    assert "Traceback" not in result.stderr
