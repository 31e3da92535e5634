"""The programme's rules for projects (public programme data, RL ZRN), as plain checks.

Each refusal names the rule it applies.
"""

from collections.abc import Sequence
from datetime import date
from typing import Literal, TypedDict, get_args

from shared.errors import Conflict, DomainError, NotFound
from shared.events.v1 import ApplicantKind
from shared.money import format_eur
from shared.programme import KREISSCHLUESSEL, fund_for

MIN_ELIGIBLE_CENTS = 100_000_00
MIN_ELIGIBLE_STUDY_CENTS = 25_000_00
MAX_MONTHS = 36
LATEST_END = date(2028, 12, 31)
KINDS = ("project", "study")
# Commercial companies are eligible only inside a consortium (RL ZRN).
ELIGIBLE_APPLICANTS = tuple(kind for kind in get_args(ApplicantKind) if kind != "company")
# What a project's step does to the region's budget: a kind of movement and its amount.
Movement = tuple[Literal["commit", "disburse", "release", "recover"], int]


class ProjectRuleBroken(DomainError):
    """A programme rule refuses the project (HTTP 422)."""


class StepOutOfOrder(Conflict):
    """The step does not fit the project's stage (HTTP 409)."""


class NothingToErase(Conflict):
    """The personal data is not there (any more)."""


class NotEnoughMoney(Conflict):
    """The budget or the commitment has not that much left (HTTP 409)."""


class ProjectNotFound(NotFound):
    pass


class RegionUnknown(Conflict):
    """Funding has not (yet) learnt of the region from the regions service (HTTP 409)."""


class RegionNotFound(NotFound):
    """A read of a region funding does not know (HTTP 404)."""


def months_between(start: date, end: date) -> int:
    """Whole and begun months from start to end (2025-01-01..2025-12-31 is 12)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months + (1 if end.day >= start.day else 0)


def check_proposal(
    *,
    kind: str,
    applicant_kind: str,
    handlungsfeld: str,
    fund: str,
    location_ags: str,
    start: date,
    end: date,
    total_cents: int,
    eligible_cents: int,
) -> None:
    if kind not in KINDS:
        raise ProjectRuleBroken(f"kind: one of {', '.join(KINDS)}")
    if applicant_kind not in ELIGIBLE_APPLICANTS:
        raise ProjectRuleBroken(
            f"eligible applicants: {applicant_kind!r} is not eligible on its own "
            "(commercial companies only inside a consortium)"
        )
    if fund != fund_for(handlungsfeld):
        raise ProjectRuleBroken(
            f"funds: {handlungsfeld} is financed from {fund_for(handlungsfeld)}, not {fund} "
            "(ESF+ finances Handlungsfeld 4, EFRE the others)"
        )
    if not KREISSCHLUESSEL.match(location_ags):
        raise ProjectRuleBroken(f"location: {location_ags!r} is not a district of Niedersachsen")
    check_frame(
        kind=kind, start=start, end=end, total_cents=total_cents, eligible_cents=eligible_cents
    )


def check_frame(
    *, kind: str, start: date, end: date, total_cents: int, eligible_cents: int
) -> None:
    """The programme's frame of a project, at its proposal and at every change: its size,
    its costs, at most 36 months, and its end by 2028-12-31."""
    minimum = MIN_ELIGIBLE_STUDY_CENTS if kind == "study" else MIN_ELIGIBLE_CENTS
    if eligible_cents < minimum:
        raise ProjectRuleBroken(
            f"minimum size: the eligible cost of a {kind} is at least {format_eur(minimum)}, "
            f"not {format_eur(eligible_cents)}"
        )
    if eligible_cents > total_cents:
        raise ProjectRuleBroken("costs: the eligible cost cannot exceed the total cost")
    if end < start:
        raise ProjectRuleBroken("duration: the project ends before it starts")
    if months_between(start, end) > MAX_MONTHS:
        raise ProjectRuleBroken(
            f"duration: at most {MAX_MONTHS} months, not {months_between(start, end)}"
        )
    if end > LATEST_END:
        raise ProjectRuleBroken(f"end date: projects end by {LATEST_END.isoformat()}")


class SteeringGroup(TypedDict):
    """What funding knows of a region's Steuerungsgruppe: its voting seats (every seat but
    the ArL's, which advises) and the day it was constituted (None: not published)."""

    voting_seats: int
    constituted_on: date | None


class Score(TypedDict):
    """One selection criterion of the Projektbewertung, with the points given."""

    criterion: str
    points: int
    max_points: int


def check_vote(
    group: SteeringGroup | None,
    *,
    votes_for: int,
    votes_against: int,
    abstentions: int,
    voted_on: date,
    today: date,
    scores: Sequence[Score],
) -> None:
    """A vote counts only in a constituted steering group, by its voting seats, with a
    quorum (more than half of the voting seats take part), dated from the constitution to
    today, with the project's scoring (Projektbewertung)."""
    what = "the steering group's vote"
    if group is None:
        raise ProjectRuleBroken(
            f"{what}: the region's steering group is not constituted (the ministry records "
            "it: POST /regions/{region_id}/steering-group)"
        )
    seats, cast = group["voting_seats"], votes_for + votes_against + abstentions
    if cast > seats:
        raise ProjectRuleBroken(
            f"{what}: {cast} votes, but the steering group has {seats} voting seats (the "
            "ArL advises and does not vote)"
        )
    if cast * 2 <= seats:
        raise ProjectRuleBroken(
            f"{what}: no quorum: {cast} of {seats} voting seats took part; more than half must"
        )
    constituted = group["constituted_on"]
    if constituted is not None and voted_on < constituted:
        raise ProjectRuleBroken(
            f"{what}: dated {voted_on}, before the steering group was constituted on {constituted}"
        )
    if voted_on > today:
        raise ProjectRuleBroken(f"{what}: {voted_on} lies in the future")
    if not scores:
        raise ProjectRuleBroken(f"{what}: the project's scoring (Projektbewertung) is missing")
    for s in scores:
        if not 0 <= s["points"] <= s["max_points"]:
            raise ProjectRuleBroken(
                f"{what}: {s['criterion']}: {s['points']} points of at most {s['max_points']}"
            )
