"""A small world for funding's unit tests: the regions application (in memory) records two
regions, and funding learns of them from the regions' real public events."""

from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from services.funding.application.commands import Approval, PriorityCheck, Step, Vote
from services.funding.application.funding import FundingApplication
from services.funding.domain.rules import Score
from services.regions.adapters.public_events import to_public as regions_public
from services.regions.application.regions import RegionsApplication
from services.regions.domain.rules import Seat
from shared.es import meta
from shared.events import CloudEvent, contract_for

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
EUR = 100
MINISTRY = meta({"role": "ministry", "subject": "mb-402"}, "c-regions")
RM = meta({"role": "regional_management", "subject": "rm-1", "region_id": "heidefinition"}, "c")
SG = meta({"role": "steering_group", "subject": "sg-1", "region_id": "heidefinition"}, "c")
NBANK = meta({"role": "nbank", "subject": "nbank-7"}, "c")
# The steering group's scoring of a project (Projektbewertung), as every vote carries it.
SCORES: list[Score] = [
    {"criterion": "Beitrag zum Zukunftskonzept", "points": 8, "max_points": 10},
    {"criterion": "Regionale Wirkung", "points": 6, "max_points": 10},
]
# Eight voting seats and the ArL's advisory one.
SEATS: list[Seat] = [
    Seat(organisation="ArL Lüneburg", kind="arl", function="beratend"),
    *(Seat(organisation=f"Kommune {n}", kind="municipal", function=None) for n in range(5)),
    *(Seat(organisation=f"Partner {n}", kind="economic_social_partner", function=None)
      for n in range(3)),
]  # fmt: skip


def regions_world(steering_group: bool = True) -> RegionsApplication:
    regions = RegionsApplication(env=POPO)
    regions.open_programme(name="ZRN", envelope_cents=96_000_000 * EUR, meta=MINISTRY)
    regions.recognise_region(
        region_id="heidefinition",
        name="HeiDefinition",
        arl="ArL Lüneburg",
        recognised_on=date(2022, 9, 20),
        meta=MINISTRY,
    )
    regions.record_members(
        "heidefinition",
        members=[
            {"name": "Landkreis Celle", "kind": "landkreis", "kreisschluessel": "03351"},
            {"name": "Heidekreis", "kind": "landkreis", "kreisschluessel": "03358"},
        ],
        lead_partner="Landkreis Celle",
        note=None,
        meta=MINISTRY,
    )
    regions.adopt_zukunftskonzept(
        "heidefinition", handlungsfelder=["HF1", "HF4"], adopted_on=None, meta=MINISTRY
    )
    if steering_group:
        regions.constitute_steering_group(
            "heidefinition", seats=SEATS, constituted_on=date(2023, 3, 1), meta=MINISTRY
        )
    for fund, euros in (("EFRE", 6_000_000), ("ESF+", 2_000_000)):
        regions.allocate_budget(
            "heidefinition",
            fund=fund,
            amount_cents=euros * EUR,
            basis="published",
            note=None,
            meta=MINISTRY,
        )
    return regions


def public_events(regions: RegionsApplication, start: int = 1) -> Iterator[CloudEvent]:
    for n in regions.recorder.select_notifications(start=start, limit=10_000):
        yield from regions_public(regions.mapper.to_domain_event(n))


def feed(funding: FundingApplication, events: list[CloudEvent], first_offset: int = 0) -> int:
    """Deliver events as if from one partition; returns how many were applied."""
    applied = 0
    for offset, ce in enumerate(events, start=first_offset):
        contract = contract_for(ce.type)
        payload = contract.model_validate(ce.data) if contract else None
        applied += funding.apply_region_event(payload, ce, Tracking("zr.regions.events#0", offset))
    return applied


def funded_world() -> tuple[RegionsApplication, FundingApplication]:
    regions = regions_world()
    funding = FundingApplication(env=POPO)
    feed(funding, list(public_events(regions)))
    return regions, funding


def proposal(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Innovationslabor Heide",
        "purpose": "Ein Reallabor für digitale Dienste im ländlichen Raum",
        "applicant_name": "Landkreis Celle",
        "applicant_kind": "municipality",
        "contact_person": "Erika Mustermann",
        "handlungsfeld": "HF1",
        "fund": "EFRE",
        "location_ags": "03351",
        "start_date": date(2025, 1, 1),
        "end_date": date(2027, 6, 30),
        "total_cost_cents": 1_200_000 * EUR,
        "eligible_cost_cents": 1_000_000 * EUR + 1,
        "kind": "project",
    } | overrides


def available(funding: FundingApplication, fund: str = "EFRE") -> int:
    """What the region's budget in `fund` has left to commit."""
    return next(b.available_cents for b in funding.budgets("heidefinition") if b.fund == fund)


def propose(funding: FundingApplication, **overrides: Any) -> UUID:
    state = funding.propose_project(region_id="heidefinition", meta=RM, **proposal(**overrides))
    return state.project_id


def approved(funding: FundingApplication, **overrides: Any) -> UUID:
    pid = submitted(funding, **overrides)
    funding.approve(pid, Approval(note="Bewilligungsbescheid 2025-03"), NBANK)
    return pid


def submitted(funding: FundingApplication, **overrides: Any) -> UUID:
    pid = propose(funding, **overrides)
    funding.record_priority_check(
        pid, PriorityCheck(passed=True, other_programme=None, note=None), RM
    )
    funding.record_vote(
        pid,
        Vote(
            votes_for=7,
            votes_against=1,
            abstentions=0,
            voted_on=date(2025, 2, 1),
            scores=SCORES,
            note=None,
        ),
        SG,
    )
    funding.submit(pid, Step(note=None), RM)
    return pid
