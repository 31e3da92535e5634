"""The programme's rules for regions (public programme data, RL ZRN), as plain checks."""

from collections.abc import Sequence
from fractions import Fraction
from typing import TypedDict

from shared.errors import Conflict, DomainError, NotFound
from shared.money import apply_rate, format_eur
from shared.programme import (
    ARLS,
    FUNDS,
    HANDLUNGSFELDER,
    KREISSCHLUESSEL,
    MAX_HANDLUNGSFELDER,
    RM_CAP_CENTS,
    RM_EU_RATE,
    RM_RATE_WITH_TOPUP,
    RM_YEARS,
    Category,
    rm_category,
)

DISTRICT_KINDS = ("landkreis", "kreisfreie_stadt", "region")
MEMBER_KINDS = (*DISTRICT_KINDS, "gemeinde", "other")
SEAT_KINDS = ("municipal", "economic_social_partner", "arl")


class RegionError(DomainError):
    """A rule of the programme was broken (HTTP 422)."""


class RegionNotFound(NotFound):
    pass


class RegionAlreadyRecognised(Conflict):
    pass


class RegionConflict(Conflict):
    """The command does not fit the region's current state (HTTP 409)."""


class Member(TypedDict):
    name: str
    kind: str
    kreisschluessel: str | None


class Seat(TypedDict):
    organisation: str
    kind: str
    function: str | None


def check_arl(arl: str) -> None:
    if arl not in ARLS:
        raise RegionError(f"unknown ArL {arl!r}; one of {', '.join(ARLS)}")


def check_fund(fund: str) -> None:
    if fund not in FUNDS:
        raise RegionError(f"unknown fund {fund!r}; one of {', '.join(FUNDS)}")


def check_members(members: Sequence[Member], lead_partner: str | None) -> None:
    if not members:
        raise RegionError("a region has at least one member")
    names = [m["name"] for m in members]
    if len(set(names)) != len(names):
        raise RegionError("each member is listed once")
    keys = [m["kreisschluessel"] for m in members if m["kreisschluessel"]]
    if len(set(keys)) != len(keys):
        raise RegionError("each Kreisschlüssel is listed once")
    for m in members:
        check_member(m)
    if lead_partner is not None and lead_partner not in names:
        raise RegionError(f"the lead partner {lead_partner!r} is not one of the members")


def check_member(m: Member) -> None:
    if m["kind"] not in MEMBER_KINDS:
        raise RegionError(f"{m['name']}: unknown kind {m['kind']!r}")
    key = m["kreisschluessel"]
    if m["kind"] in DISTRICT_KINDS:
        if key is None:
            raise RegionError(f"{m['name']}: a district needs its Kreisschlüssel")
        if not KREISSCHLUESSEL.match(key):
            raise RegionError(
                f"{m['name']}: Kreisschlüssel {key!r} is not a district of Niedersachsen (03xxx)"
            )
    elif key is not None:
        raise RegionError(f"{m['name']}: only districts have a Kreisschlüssel")


def check_handlungsfelder(fields: Sequence[str]) -> None:
    unknown = [f for f in fields if f not in HANDLUNGSFELDER]
    if unknown:
        raise RegionError(
            f"unknown Handlungsfeld {', '.join(unknown)}; one of {', '.join(HANDLUNGSFELDER)}"
        )
    if len(set(fields)) != len(fields):
        raise RegionError("each Handlungsfeld is named once")
    if not 1 <= len(fields) <= MAX_HANDLUNGSFELDER:
        raise RegionError(f"a Zukunftskonzept has one or two Handlungsfelder, not {len(fields)}")


def check_seats(seats: Sequence[Seat], arl: str) -> None:
    if not seats:
        raise RegionError("a steering group has at least one seat")
    for s in seats:
        if s["kind"] not in SEAT_KINDS:
            raise RegionError(f"{s['organisation']}: unknown kind {s['kind']!r}")
    if not any(s["kind"] == "arl" and s["organisation"] == arl for s in seats):
        raise RegionError(f"the responsible ArL ({arl}) must sit in the steering group")


def regional_management_category(members: Sequence[Member], lead_partner: str | None) -> Category:
    """The regional management's category of region: its applicant's, the lead partner's
    district (shared/programme.py). Its cap (RM_CAP_CENTS) and rates follow it."""
    return rm_category({m["name"]: m["kreisschluessel"] for m in members}, lead_partner)


class RmGrant(TypedDict):
    """One year's grant of the regional management: the EU's part and the Land's top-up."""

    year: int
    eligible_cost_cents: int
    grant_cents: int
    eu_cents: int
    land_cents: int
    category: Category


def regional_management_grant(
    year: int, eligible_cost_cents: int, category: Category, granted_in_year: int
) -> RmGrant:
    """The grant is the eligible cost x the rate with the Land's top-up (70 % or 90 %),
    within what the year's cap leaves; the EU pays its category's rate of the eligible
    cost (40 % or 60 %: four sevenths or two thirds of the grant, rounded down to the
    cent), the Land the rest."""
    if year not in RM_YEARS:
        raise RegionError(
            f"regional management: {year} is not a year of the programme "
            f"({RM_YEARS.start} to {RM_YEARS.stop - 1})"
        )
    check_positive("the eligible cost", eligible_cost_cents)
    cap, rate = RM_CAP_CENTS[category], RM_RATE_WITH_TOPUP[category]
    if granted_in_year >= cap:
        raise RegionError(
            f"regional management: the cap: {format_eur(cap)} of {year} are granted already "
            f"(the yearly cap of a {category} regional management)"
        )
    grant = min(apply_rate(eligible_cost_cents, rate), cap - granted_in_year)
    # Exactly (fractions, not a rounded quotient of the rates), rounded down as every grant.
    eu = int(Fraction(grant) * Fraction(RM_EU_RATE[category]) / Fraction(rate))
    return RmGrant(
        year=year, eligible_cost_cents=eligible_cost_cents, grant_cents=grant, eu_cents=eu,
        land_cents=grant - eu, category=category,
    )  # fmt: skip


def check_positive(what: str, cents: int) -> None:
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise RegionError(f"{what} must be whole cents")
    if cents <= 0:
        raise RegionError(f"{what} must be more than zero")
