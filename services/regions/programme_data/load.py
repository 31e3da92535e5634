"""Load the real programme (its 14 regions) into a running regions service, through the
service's own HTTP commands: `python -m services.regions.programme_data.load`.

It asks the service what is already there and sends only what is missing, so running it
twice records nothing twice, and it never overwrites what the ministry changed since (a
different allocation is reported and kept).
"""

import argparse
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from services.regions.programme_data.plan import RegionPlan, envelope_cents, load_data, plan
from services.regions.settings import RegionsSettings
from shared.auth import Authenticator

console = Console(stderr=True)


class LoadError(Exception):
    pass


@dataclass
class Outcome:
    region_id: str
    done: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


class RegionsApi:
    def __init__(self, url: str, token: str, client: httpx.Client | None = None) -> None:
        self.http = client or httpx.Client(base_url=url, timeout=30)
        self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: Any = None, *, ok: tuple[int, ...] = ()) -> Any:
        try:
            response = self.http.request(method, path, json=body)
        except httpx.HTTPError as exc:
            url = self.http.base_url
            raise LoadError(f"the regions service at {url} is not reachable: {exc}") from None
        if response.status_code in ok:
            return None
        if response.is_error:
            raise LoadError(f"{method} {path}: {response.status_code} {_detail(response)}")
        return response.json()


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json()["detail"])
    except (ValueError, KeyError, TypeError):
        return response.text[:300] or response.reason_phrase


def load(api: RegionsApi, data: dict[str, Any], progress: Progress | None = None) -> list[Outcome]:
    if api.call("GET", "/programme", ok=(404,)) is None:
        api.call("POST", "/programme", {"envelope_cents": envelope_cents(data)})
    plans = plan(data)
    task = progress.add_task("loading regions", total=len(plans)) if progress else None
    outcomes = []
    for p in plans:
        outcomes.append(load_region(api, p))
        if progress and task is not None:
            progress.update(task, advance=1, description=f"loaded {p.region_id}")
    return outcomes


def load_region(api: RegionsApi, p: RegionPlan) -> Outcome:
    out = Outcome(p.region_id)
    path = f"/regions/{p.region_id}"
    state = api.call("GET", path, ok=(404,))
    if state is None:
        state = api.call("POST", "/regions", p.recognition)
        out.done.append("recognised")
    if not state["members"]:
        state = api.call("POST", f"{path}/members", p.members)
        out.done.append("members")
    if p.zukunftskonzept and not state["handlungsfelder"]:
        state = api.call("POST", f"{path}/zukunftskonzept", p.zukunftskonzept)
        out.done.append("Zukunftskonzept")
    have = {a["fund"]: a["amount_cents"] for a in state["budget"]}
    for a in p.allocations:
        if a.fund not in have:
            body = {
                "fund": a.fund,
                "amount_cents": a.amount_cents,
                "basis": a.basis,
                "note": a.note,
            }
            api.call("POST", f"{path}/budget", body)
            out.done.append(a.fund)
        elif have[a.fund] != a.amount_cents:
            out.kept.append(f"{a.fund} {have[a.fund]} cents (published: {a.amount_cents})")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.regions.programme_data.load")
    parser.add_argument("--url", default="http://127.0.0.1:8001", help="the regions service")
    parser.add_argument(
        "--token",
        default=os.environ.get("ZR_TOKEN"),
        help="a ministry bearer token (default: ZR_TOKEN, or a development token)",
    )
    args = parser.parse_args(argv)
    token = args.token or development_token()
    if token is None:
        console.print("error: give a ministry token with --token or ZR_TOKEN")
        return 2
    api = RegionsApi(args.url, token)
    try:
        with Progress(console=console, transient=True) as progress:
            outcomes = load(api, load_data(), progress)
    except LoadError as exc:
        console.print(f"[red]error:[/red] {exc}")
        return 1
    report(outcomes)
    return 0


def development_token() -> str | None:
    settings = RegionsSettings()
    if settings.environment == "production":
        return None
    return Authenticator.of(settings).mint(role="ministry", subject="programme-loader")


def report(outcomes: list[Outcome]) -> None:
    table = Table(title="Zukunftsregionen loaded from the public programme data")
    table.add_column("region")
    table.add_column("recorded now")
    table.add_column("kept as it was")
    for o in outcomes:
        table.add_row(o.region_id, ", ".join(o.done) or "-", "; ".join(o.kept) or "-")
    console.print(table)
    counts = Counter(step for o in outcomes for step in o.done)
    total = sum(counts.values())
    console.print(f"{total} commands sent" + (f" ({dict(counts)})" if total else ": all there"))


if __name__ == "__main__":
    sys.exit(main())
