"""From the public programme data to the commands that record it (pure, no I/O).

Nothing is invented: where a figure or date was not published, the command carries null
and the recognition notes say what is missing. Budgets per fund follow one documented
rule (docs/programme-data.md): ESF+ finances Handlungsfeld 4 only, EFRE the others. So a
published split is taken as it is; a region without HF4 gets its whole budget from EFRE;
where per-Handlungsfeld amounts were published, HF4's share goes to ESF+; anything else
(HF4 without published amounts, or Handlungsfelder not published) stays unallocated.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Any

from shared.money import euros_to_cents
from shared.programme import ESF_PLUS_FIELDS, fund_for

# Per-Handlungsfeld amounts stated in the published budget notes (data file, budget_note).
PUBLISHED_PER_FIELD_EUR: dict[str, dict[str, int]] = {
    "hannover-hildesheim": {"HF1": 2_800_000, "HF6": 2_000_000},  # "about 2.8 m HF1 + 2.0 m HF6"
    "suedniedersachsen": {"HF1": 2_800_000, "HF4": 3_300_000},  # "2.8 m HF1 + 3.3 m HF4"
}


@dataclass(frozen=True)
class Allocation:
    fund: str
    amount_cents: int
    basis: str
    note: str


@dataclass(frozen=True)
class RegionPlan:
    region_id: str
    recognition: dict[str, Any]
    members: dict[str, Any]
    zukunftskonzept: dict[str, Any] | None
    allocations: list[Allocation] = field(default_factory=list)


def load_data() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("zukunftsregionen.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def envelope_cents(data: dict[str, Any]) -> int:
    return euros_to_cents(Decimal(data["programme"]["eu_funds_total_eur"]))


def plan(data: dict[str, Any]) -> list[RegionPlan]:
    return [plan_region(r) for r in data["regions"]]


def plan_region(r: dict[str, Any]) -> RegionPlan:
    allocations, budget_note = allocate(r)
    notes = [f"published budget: {r['budget_note']}"]
    if r["recognised_on"] is None:
        notes.append("day of recognition not published")
    if r.get("arl_inferred"):
        notes.append("responsible ArL derived from the districts' location, not published")
    if r["handlungsfelder"] is None:
        notes.append("Handlungsfelder not published: no Zukunftskonzept recorded")
    if budget_note:
        notes.append(budget_note)
    recognition = {
        "region_id": r["id"],
        "name": r["name"],
        "arl": r["arl"],
        "recognised_on": r["recognised_on"],
        "announced_budget_cents": euros_to_cents(Decimal(r["project_budget_eur"])),
        "notes": notes,
    }
    leads = [m["name"] for m in r["members"] if m["lead"] is True]
    members = {
        "members": [
            {
                "name": m["name"],
                "kind": member_kind(m["name"], m["ags"]),
                "kreisschluessel": m["ags"],
            }
            for m in r["members"]
        ],
        "lead_partner": leads[0] if len(leads) == 1 else None,
        "note": None if len(leads) == 1 else "lead partner not published",
    }
    concept = None
    if r["handlungsfelder"]:
        concept = {"handlungsfelder": r["handlungsfelder"], "adopted_on": None}
    return RegionPlan(r["id"], recognition, members, concept, allocations)


def allocate(r: dict[str, Any]) -> tuple[list[Allocation], str | None]:
    """The region's allocations per fund, and a note where none can be made."""
    by_fund = r.get("budget_by_fund_eur")
    if by_fund:
        return [
            Allocation(fund, euros_to_cents(Decimal(eur)), "published", r["budget_note"])
            for fund, eur in by_fund.items()
        ], None
    fields: list[str] | None = r["handlungsfelder"]
    total = euros_to_cents(Decimal(r["project_budget_eur"]))
    per_field = PUBLISHED_PER_FIELD_EUR.get(r["id"])
    if per_field:
        sums: dict[str, int] = {}
        for hf, eur in per_field.items():
            fund = fund_for(hf)
            sums[fund] = sums.get(fund, 0) + euros_to_cents(Decimal(eur))
        if sum(sums.values()) != total:
            raise ValueError(f"{r['id']}: per-field amounts do not add up to the budget")
        note = f"derived: {r['budget_note']}; HF4 from ESF+, the other fields from EFRE"
        return [Allocation(f, c, "derived", note) for f, c in sorted(sums.items())], None
    if fields and not ESF_PLUS_FIELDS & set(fields):
        note = f"derived: no ESF+ field (HF4) among {', '.join(fields)}, so all from EFRE"
        return [Allocation("EFRE", total, "derived", note)], None
    return [], "split between EFRE and ESF+ not published: no fund allocated"


def member_kind(name: str, ags: str | None) -> str:
    """Landkreis, kreisfreie Stadt or the Region Hannover by Kreisschlüssel (kreisfreie
    Städte have a 0 in the fourth digit: 03101, 03405); other members by name."""
    if ags is not None:
        if ags == "03241":
            return "region"
        return "kreisfreie_stadt" if ags[3] == "0" else "landkreis"
    if name.split()[0] in {"Stadt", "Hansestadt", "Landeshauptstadt"}:
        return "gemeinde"
    return "other"
