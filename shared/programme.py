"""The programme's vocabulary and the rules every service, contract, report and SQL builder
shares, in one place (public programme data, ../shared/data/zukunftsregionen.json; RL ZRN):
the funds and which fund finances each Handlungsfeld, the ArL, the district keys, the
categories of region with their rates, the regional management's rates and caps, the
stages of a project and the sources of the events.

The category of region is a property of a district: the statistical region Lüneburg
(NUTS-2 DE93, Kreisschlüssel 033xx) is a transition region, the rest of Niedersachsen more
developed. An operation takes the category of the district where it is located (a
project: its location; the regional management: its applicant, the lead partner); a
region takes the categories of its districts, and one that spans both reports both.
"""

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Literal, get_args
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")  # the programme's days are German days

Fund = Literal["EFRE", "ESF+"]
FUNDS: tuple[Fund, ...] = get_args(Fund)
ArL = Literal["ArL Braunschweig", "ArL Leine-Weser", "ArL Lüneburg", "ArL Weser-Ems"]
ARLS: tuple[ArL, ...] = get_args(ArL)
Handlungsfeld = Literal["HF1", "HF2", "HF3", "HF4", "HF5", "HF6"]
HANDLUNGSFELDER: tuple[Handlungsfeld, ...] = get_args(Handlungsfeld)
MAX_HANDLUNGSFELDER = 2
ESF_PLUS_FIELDS: frozenset[str] = frozenset({"HF4"})  # ESF+ finances HF4, EFRE the others

KREISSCHLUESSEL_PATTERN = r"^03\d{3}$"  # a district of Niedersachsen
KREISSCHLUESSEL = re.compile(KREISSCHLUESSEL_PATTERN)

Category = Literal["transition", "more_developed"]
RegionCategory = Literal["transition", "more_developed", "both"]
TRANSITION_PREFIX = "033"
RATE_MORE_DEVELOPED = Decimal("0.40")
RATE_TRANSITION = Decimal("0.60")

# The regional management: the EU's rate of its category, the Land's top-up to 70 % or
# 90 %, and a cap on the grant per year.
RM_EU_RATE: dict[Category, Decimal] = {"more_developed": RATE_MORE_DEVELOPED,
                                       "transition": RATE_TRANSITION}  # fmt: skip
RM_RATE_WITH_TOPUP: dict[Category, Decimal] = {"more_developed": Decimal("0.70"),
                                               "transition": Decimal("0.90")}  # fmt: skip
RM_CAP_CENTS: dict[Category, int] = {"more_developed": 210_000_00, "transition": 270_000_00}
RM_YEARS = range(2022, 2029)  # from the recognitions to the projects' last year

Stage = Literal[
    "proposed", "priority_checked", "referred_elsewhere", "endorsed", "rejected", "submitted",
    "approved", "refused", "proof_accepted", "closed", "withdrawn",
]  # fmt: skip

# Who publishes the events: the CloudEvents `source` of each service.
REGIONS_SOURCE = "/zukunftsregionen/regions"
FUNDING_SOURCE = "/zukunftsregionen/funding"


def fund_for(handlungsfeld: str) -> Fund:
    return "ESF+" if handlungsfeld in ESF_PLUS_FIELDS else "EFRE"


def in_transition(kreisschluessel: str | None) -> bool:
    return bool(kreisschluessel) and str(kreisschluessel).startswith(TRANSITION_PREFIX)


def category(kreisschluessel: str | None) -> Category:
    """The category of region of a district (and of an operation located there)."""
    return "transition" if in_transition(kreisschluessel) else "more_developed"


def funding_rate(kreisschluessel: str) -> Decimal:
    """The EU co-financing rate of a project located there."""
    return RATE_TRANSITION if in_transition(kreisschluessel) else RATE_MORE_DEVELOPED


def region_category(districts: Iterable[str | None]) -> RegionCategory:
    """A region's category from its districts: one, or "both" when it spans the two."""
    found = {category(k) for k in districts if k}
    if len(found) == 1:
        return found.pop()
    return "both" if found else "more_developed"


def rm_category(keys: dict[str, str | None], lead_partner: str | None) -> Category:
    """The regional management's category: that of its applicant, the lead partner (its
    district); while the lead partner is not known, the region's one category, or the
    more developed one (the lower cap) for a region that spans both."""
    lead = keys.get(lead_partner) if lead_partner else None
    if lead:
        return category(lead)
    return "transition" if region_category(keys.values()) == "transition" else "more_developed"
