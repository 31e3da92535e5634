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

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from services.regions.api.schemas import (
    BudgetAllocate,
    MembersRecord,
    ProgrammeOpen,
    RegionRecognise,
    ZukunftskonzeptAdopt,
)
from services.regions.client import RegionsClient
from services.regions.programme_data.plan import RegionPlan, envelope_cents, load_data, plan
from shared.auth import Authenticator
from shared.client import NotFound, ServiceError
from shared.settings import SigningSettings

console = Console(stderr=True)


@dataclass
class Outcome:
    region_id: str
    done: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    # What the public data does not say and the ministry must record itself.
    missing: list[str] = field(default_factory=list)


def load(
    api: RegionsClient, data: dict[str, Any], progress: Progress | None = None
) -> list[Outcome]:
    try:
        api.programme()
    except NotFound:
        api.open_programme(ProgrammeOpen(envelope_cents=envelope_cents(data)))
    plans = plan(data)
    task = progress.add_task("loading regions", total=len(plans)) if progress else None
    outcomes = []
    for p in plans:
        outcomes.append(load_region(api, p))
        if progress and task is not None:
            progress.update(task, advance=1, description=f"loaded {p.region_id}")
    return outcomes


def load_region(api: RegionsClient, p: RegionPlan) -> Outcome:
    out = Outcome(p.region_id)
    try:
        state = api.region(p.region_id)
    except NotFound:
        state = api.recognise(RegionRecognise.model_validate(p.recognition))
        out.done.append("recognised")
    if not state.members:
        state = api.record_members(p.region_id, MembersRecord.model_validate(p.members))
        out.done.append("members")
    if p.zukunftskonzept and not state.handlungsfelder:
        konzept = ZukunftskonzeptAdopt.model_validate(p.zukunftskonzept)
        state = api.adopt_zukunftskonzept(p.region_id, konzept)
        out.done.append("Zukunftskonzept")
    have = {a.fund: a.amount_cents for a in state.budget}
    for a in p.allocations:
        if a.fund not in have:
            body = BudgetAllocate.model_validate(
                {"fund": a.fund, "amount_cents": a.amount_cents, "basis": a.basis, "note": a.note}
            )
            api.allocate(p.region_id, body)
            out.done.append(a.fund)
        elif have[a.fund] != a.amount_cents:
            out.kept.append(f"{a.fund} {have[a.fund]} cents (published: {a.amount_cents})")
    if not state.steering_group:
        out.missing.append("steering group")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.regions.programme_data.load")
    parser.add_argument("--url", default="http://127.0.0.1:8001", help="the regions service")
    parser.add_argument(
        "--token",
        default=os.environ.get("ZR_TOKEN"),
        help="a ministry bearer token (default: ZR_TOKEN, or one signed with ZR_JWT_SECRET)",
    )
    args = parser.parse_args(argv)
    token = args.token or own_token()
    if token is None:
        console.print("error: give a ministry token with --token or ZR_TOKEN")
        return 2
    try:
        with (
            RegionsClient(args.url, token, timeout=30) as api,
            Progress(console=console, transient=True) as progress,
        ):
            outcomes = load(api, load_data(), progress)
    except ServiceError as exc:
        console.print(f"[red]error:[/red] {exc}")
        return 1
    report(outcomes)
    return 0


def own_token() -> str | None:
    """The loader runs as a job of the deployment, with its signing key (ZR_JWT_SECRET);
    outside production the development key will do."""
    settings = SigningSettings()
    if settings.environment == "production" and settings.jwt_secret is None:
        return None
    return Authenticator.of(settings).mint(role="ministry", subject="programme-loader")


def report(outcomes: list[Outcome]) -> None:
    table = Table(title="Zukunftsregionen loaded from the public programme data")
    table.add_column("region")
    table.add_column("recorded now")
    table.add_column("kept as it was")
    table.add_column("not in the public data")
    for o in outcomes:
        table.add_row(
            o.region_id, ", ".join(o.done) or "-", "; ".join(o.kept) or "-",
            ", ".join(o.missing) or "-",
        )  # fmt: skip
    console.print(table)
    if any("steering group" in o.missing for o in outcomes):
        console.print("The steering groups' seats are not published; record each region's group")
        console.print("(POST /regions/{id}/steering-group): until then its votes are refused.")
    counts = Counter(step for o in outcomes for step in o.done)
    total = sum(counts.values())
    console.print(f"{total} commands sent" + (f" ({dict(counts)})" if total else ": all there"))


if __name__ == "__main__":
    sys.exit(main())
