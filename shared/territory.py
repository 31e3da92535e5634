"""Where a place lies in the EU funds' categories of region (public programme data): the
statistical region Lüneburg (NUTS-2 DE93, Kreisschlüssel 033xx) is a transition region,
the rest of Niedersachsen more developed. The one place every service asks."""

from collections.abc import Mapping
from decimal import Decimal
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")  # the programme's days are German days

TRANSITION_PREFIX = "033"
RATE_MORE_DEVELOPED = Decimal("0.40")
RATE_TRANSITION = Decimal("0.60")


def in_transition(kreisschluessel: str | None) -> bool:
    return bool(kreisschluessel) and str(kreisschluessel).startswith(TRANSITION_PREFIX)


def category(kreisschluessel: str | None) -> str:
    return "transition" if in_transition(kreisschluessel) else "more_developed"


def funding_rate(kreisschluessel: str) -> Decimal:
    """The EU co-financing rate of a project located there."""
    return RATE_TRANSITION if in_transition(kreisschluessel) else RATE_MORE_DEVELOPED


def region_in_transition(keys: Mapping[str, str | None], lead_partner: str | None) -> bool:
    """A region (members by name -> Kreisschlüssel) lies where its lead partner does;
    without a known lead partner, only a region wholly inside the transition region does."""
    lead = keys.get(lead_partner) if lead_partner else None
    if lead:
        return in_transition(lead)
    districts = [k for k in keys.values() if k]
    return bool(districts) and all(in_transition(k) for k in districts)
