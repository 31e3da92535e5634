"""Rule: one rule for the category of region, and the programme's vocabulary in one place
(shared/programme.py). The category is a property of a district (033xx: transition); an
operation takes its location's, the regional management its applicant's (the lead
partner's); a region that spans both categories reports both."""

import re
from pathlib import Path

import pytest

from services.reporting.adapters.statements import region_category
from shared.events import v1
from shared.programme import category, rm_category
from shared.programme import region_category as districts_category

ROOT = Path(__file__).resolve().parents[2]
# Mitte Niedersachsen: Verden (lead, 03361, transition), Diepholz and Nienburg (more developed).
MITTE = {"Landkreis Verden": "03361", "Landkreis Diepholz": "03251", "Landkreis Nienburg": "03256"}


def members(keys: dict[str, str], lead: str | None) -> v1.MembersRecordedV1:
    return v1.MembersRecordedV1.model_validate(
        {
            "actor": {"role": "ministry", "subject": "mb-1", "region_id": None},
            "occurred_at": "2024-01-01T00:00:00Z",
            "region_id": "mitte-niedersachsen",
            "members": [
                {"name": n, "kind": "landkreis", "kreisschluessel": k} for n, k in keys.items()
            ],
            "lead_partner": lead,
        }
    )


def test_a_region_that_spans_both_categories_reports_both() -> None:
    assert region_category(members(MITTE, "Landkreis Verden")) == "both"
    assert districts_category(["03351", "03358"]) == "transition"
    assert districts_category(["03451", "03453"]) == "more_developed"


def test_an_operation_takes_the_category_of_its_district() -> None:
    assert [category(k) for k in MITTE.values()] == [
        "transition", "more_developed", "more_developed",
    ]  # fmt: skip
    # The regional management's applicant is the lead partner: Verden, a transition district.
    assert rm_category(MITTE, "Landkreis Verden") == "transition"
    assert rm_category(MITTE, None) == "more_developed"  # the lower cap until it is known


# What the programme's vocabulary looks like when copied: each may appear only in
# shared/programme.py (and the JSON Schemas generated from it).
COPIES = {
    "the district key pattern": re.compile(r"03\\d\{3\}"),
    "the funds as a list": re.compile(r"""["']EFRE["'],\s*["']ESF\+["']"""),
    "HF4 is ESF+": re.compile(r"""\{["']HF4["']\}|==\s*["']HF4["']"""),
    "the event sources": re.compile(r"""["']/zukunftsregionen/(regions|funding)["']"""),
    "the transition prefix": re.compile(r"""["']033["']|LIKE '033"""),
    "the regional management's caps": re.compile(r"(210|270)_000_00"),
}


@pytest.mark.parametrize("what", COPIES)
def test_the_vocabulary_is_written_once(what: str) -> None:
    pattern = COPIES[what]
    sources = [*(ROOT / "services").rglob("*.py"), *(ROOT / "shared").rglob("*.py"),
               *(ROOT / "tools").rglob("*.py")]  # fmt: skip
    copies = [
        str(path.relative_to(ROOT))
        for path in sources
        if path.name != "programme.py" and pattern.search(path.read_text())
    ]
    assert copies == [], f"{what} is copied in {copies}"
