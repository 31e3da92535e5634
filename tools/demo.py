"""Fill a running system with synthetic projects: `python -m tools.demo`.

Every project is clearly synthetic (its title starts with "[Demo]", its applicant is
invented, its purpose says so) and goes through the public HTTP APIs only, with the
tokens of the roles that take each step. Projects are spread over the regions and over
every stage of the lifecycle. Each step carries an Idempotency-Key made of the project's
demo number and the step, so running the command again changes nothing.

Regions whose Handlungsfelder were not published cannot have projects (a rule of the
programme); regions without a budget in a fund stop at "submitted" (NBank cannot commit
money that was not allocated). The command says so. A region whose steering group is not
in the public data gets a synthetic one ("[Demo]" seats), since only a constituted group
votes.
"""

import argparse
import hashlib
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rich.console import Console
from rich.progress import Progress

from services.funding.api.lifecycle import LIFECYCLE
from services.funding.application.commands import ProjectPropose
from services.funding.client import FundingClient
from services.funding.settings import FundingSettings
from services.regions.api.schemas import SteeringGroupConstitute
from services.regions.application.views import RegionState
from services.regions.client import RegionsClient
from shared.auth import Authenticator
from shared.client import Conflict, Invalid, ServiceError
from shared.events.base import Role
from shared.programme import fund_for

console = Console(stderr=True)
PER_REGION = 9
# The stage each demo project is taken to, in turn; early stages more often.
STAGES = [
    "closed", "paying", "approved", "submitted", "endorsed", "proposed", "proof_accepted",
    "rejected", "paying", "withdrawn", "refused", "referred_elsewhere", "priority_checked",
]  # fmt: skip
TITLES = {
    "HF1": ["Innovationslabor", "Digitaler Marktplatz", "Gründungszentrum", "Transferstelle"],
    "HF2": ["Wärmenetz", "Kreislaufzentrum", "Klimaschutzagentur", "Solardach-Initiative"],
    "HF3": ["Moorschutz-Kooperation", "Blühstreifen-Netz", "Auenlandschaft", "Artenschutzzentrum"],
    "HF4": ["Fachkräfteallianz", "Weiterbildungsnetz", "Integrationslotsen", "Jugendberufsagentur"],
    "HF5": ["Gesundheitsregion", "Pflegenetzwerk", "Telemedizin-Verbund", "Landarzt-Programm"],
    "HF6": ["Kulturscheune", "Radwegenetz", "Erlebnispfad", "Freizeitregion"],
}  # fmt: skip


@dataclass
class Demo:
    regions: RegionsClient
    funding: FundingClient
    auth: Authenticator
    rng: random.Random

    def token(self, role: Role, region: str | None = None) -> str:
        return self.auth.mint(role=role, subject=f"demo-{role}", region_id=region)


def plan_project(demo: Demo, region: RegionState, n: int) -> ProjectPropose:
    rng = demo.rng
    hf = rng.choice(region.handlungsfelder)
    districts = [m for m in region.members if m.kreisschluessel]
    where = rng.choice(districts)
    study = rng.random() < 0.2
    eligible = rng.randrange(30_000, 90_000) if study else rng.randrange(120_000, 900_000)
    # Projects start after the steering groups' votes (spring 2025) and end by 2028, the
    # programme's last date; their grants are decided a week before they start.
    start = date(2025, 4, 1) + timedelta(days=rng.randrange(0, 400))
    end = min(start + timedelta(days=rng.randrange(540, 1080)), date(2028, 12, 31))
    return ProjectPropose.model_validate(
        {
            "region_id": region.region_id,
            "title": f"[Demo] {rng.choice(TITLES[hf])} {where.name.split()[-1]} {n}",
            "purpose": "Synthetic demo project: not a real operation of the programme.",
            "applicant_name": f"Demo-Träger {where.name}",
            "applicant_kind": rng.choice(
                ["municipality", "non_profit", "consortium", "foundation"]
            ),
            "handlungsfeld": hf,
            "fund": fund_for(hf),
            "location_ags": where.kreisschluessel,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "total_cost_cents": eligible * 100 + rng.randrange(0, 50_000) * 100,
            "eligible_cost_cents": eligible * 100,
            "kind": "study" if study else "project",
        }
    )


StepSpec = tuple[str, dict[str, Any], str]


def steps_to(stage: str, declared_cents: int, decided_on: date) -> list[StepSpec]:
    """The steps (path, body, role) that take a proposed project to `stage`."""
    rm, sg = "regional_management", "steering_group"
    scores = [{"criterion": "[Demo] Beitrag zum Zukunftskonzept", "points": 7, "max_points": 10}]
    vote = {"votes_for": 7, "votes_against": 1, "abstentions": 1, "voted_on": "2025-03-12",
            "scores": scores}  # fmt: skip
    checked: list[StepSpec] = [("priority-check", {"passed": True}, rm)]
    endorsed = [*checked, ("vote", vote, sg)]
    submitted = [*endorsed, ("submission", {}, rm)]
    decision = {"note": "[Demo] Bewilligung", "decided_on": decided_on.isoformat()}
    approved = [*submitted, ("approval", decision, "nbank")]
    paying = [
        *approved,
        ("payment-requests", {"declared_expenditure_cents": declared_cents}, rm),
        ("disbursements", {}, "nbank"),  # pays what was requested
    ]
    proof = [*paying, ("proof-of-use", {"eligible_expenditure_cents": declared_cents}, "nbank")]
    paths: dict[str, list[StepSpec]] = {
        "proposed": [],
        "referred_elsewhere": [
            ("priority-check", {"passed": False, "other_programme": "GRW"}, "arl")
        ],
        "priority_checked": checked,
        "rejected": [*checked, ("vote", {**vote, "votes_for": 2, "votes_against": 6}, sg)],
        "endorsed": endorsed,
        "submitted": submitted,
        "refused": [*submitted, ("refusal", {"note": "[Demo] nicht förderfähig"}, "nbank")],
        "approved": approved,
        "withdrawn": [*approved, ("withdrawal", {"note": "[Demo] zurückgezogen"}, rm)],
        "paying": paying,
        "proof_accepted": proof,
        "closed": [*proof, ("closure", {"note": "[Demo] abgeschlossen"}, "nbank")],
    }
    return paths[stage]


def run_project(demo: Demo, region: RegionState, n: int, stage: str) -> str:
    """Take one demo project as far as it can go; returns the stage it reached."""
    rid = region.region_id
    ministry = demo.regions.as_(demo.token("ministry"))
    if not ministry.region(rid).steering_group:
        ministry.constitute_steering_group(rid, demo_steering_group(region))
    body = plan_project(demo, region, n)
    # The key names the plan too: a changed plan (a new version of this command) is a new
    # project, not a different request under an old key.
    plan = hashlib.sha256(body.model_dump_json().encode()).hexdigest()[:8]
    key = f"demo-{rid}-{n}-{plan}"
    rm = demo.funding.as_(demo.token("regional_management", rid))
    project = rm.propose(body, idempotency_key=key)
    declared = body.eligible_cost_cents * 3 // 4
    decided_on = body.start_date - timedelta(days=7)
    for i, (step, payload, role) in enumerate(steps_to(stage, declared, decided_on)):
        if step == "disbursements":
            payload = {"amount_cents": project.requested_cents - project.disbursed_cents}
        regional = role in ("regional_management", "steering_group")
        who = demo.funding.as_(demo.token(role, rid if regional else None))  # type: ignore[arg-type]
        try:
            project = vote_when_known(who, project.project_id, step, payload, f"{key}-{i}-{step}")
        except Conflict:
            if step != "approval":
                raise
            return f"{project.stage}: approval refused, not enough {body.fund} budget"
    return str(project.stage)


def vote_when_known(
    who: FundingClient, project_id: Any, step: str, payload: dict[str, Any], key: str
) -> Any:
    """A step; a vote waits (a little) until funding has learnt of the steering group the
    demo just constituted (it learns from the regions service's events)."""
    for _ in range(40):
        try:
            return who.step(project_id, step, LIFECYCLE[step].command.model_validate(payload),
                            idempotency_key=key)  # fmt: skip
        except Invalid as exc:
            if step != "vote" or "not constituted" not in exc.message:
                raise
            time.sleep(0.5)
    raise SystemExit("funding did not learn of the demo's steering groups in 20 s")


def demo_steering_group(region: RegionState) -> SteeringGroupConstitute:
    """A synthetic Steuerungsgruppe for a region whose group is not in the public data:
    nine voting seats and the ArL's advisory one."""
    seats = [
        {"organisation": region.arl, "kind": "arl", "function": "beratend"},
        *({"organisation": f"[Demo] Kommune {n}", "kind": "municipal"} for n in range(1, 6)),
        *({"organisation": f"[Demo] Partner {n}", "kind": "economic_social_partner"}
          for n in range(1, 5)),
    ]  # fmt: skip
    return SteeringGroupConstitute.model_validate({"seats": seats, "constituted_on": "2024-01-15"})


def run(demo: Demo, per_region: int, progress: Progress | None = None) -> Counter[str]:
    regions = demo.regions.as_(demo.token("ministry")).regions()
    fundable = [g for g in regions if g.handlungsfelder]
    task = (
        progress.add_task("demo projects", total=len(fundable) * per_region) if progress else None
    )
    reached: Counter[str] = Counter()
    for g in regions:
        if not g.handlungsfelder:
            reached["(no projects: Handlungsfelder not published) " + g.region_id] += 1
    for g in fundable:
        for n in range(1, per_region + 1):
            stage = STAGES[(n + len(g.region_id)) % len(STAGES)]
            reached[run_project(demo, g, n, stage)] += 1
            if progress and task is not None:
                progress.update(task, advance=1, description=f"demo projects: {g.region_id}")
    return reached


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.demo", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--regions-url", default="http://127.0.0.1:8001")
    parser.add_argument("--funding-url", default="http://127.0.0.1:8002")
    parser.add_argument("--per-region", type=int, default=PER_REGION)
    args = parser.parse_args(argv)
    settings = FundingSettings()
    if settings.environment == "production":
        console.print("error: synthetic data is never loaded into production")
        return 2
    auth = Authenticator.of(settings)
    with (
        RegionsClient(args.regions_url, "", timeout=30) as regions,
        FundingClient(args.funding_url, "", timeout=30) as funding,
    ):
        demo = Demo(regions, funding, auth, random.Random(2026))  # noqa: S311
        try:
            with Progress(console=console, transient=True) as progress:
                reached = run(demo, args.per_region, progress)
        except ServiceError as exc:
            console.print(f"[red]error:[/red] {exc}")
            return 1
    for stage, count in sorted(reached.items()):
        console.print(f"{count:4d}  {stage}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
