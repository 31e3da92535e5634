"""The EU reports, from the read models.

- The list of operations (Art. 49(3) CPR): one row per selected operation, with the fields
  (a) to (n) that apply to this programme and a unique operation code. No natural person's
  name: (b) is never filled (beneficiaries are legal persons; a contact person stays in
  funding). (c) is for EMFAF only and (m) for mobile operations: they do not apply.
  (j) the specific objective and (n) the type of intervention are not in the public
  programme data; they stay empty until the managing authority records them.
- The financial tables (Art. 42 CPR), cumulative at a transmission cut-off date, by fund,
  Handlungsfeld and category of region: number of selected operations, their total
  eligible cost, the EU contribution, and the eligible expenditure declared.
"""

import csv
import io
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from services.reporting.adapters.figures import models_as_of
from shared.errors import DomainError
from shared.money import cents_to_euros
from shared.pg import DbConn
from shared.programme import BERLIN, funding_rate

SELECTED = ("approved", "proof_accepted", "closed")
TRANSMISSION_DATES = ("01-31", "04-30", "07-31", "09-30", "11-30")

# (key, heading): the keys are the machine-readable names (JSON, CSV), the headings German.
OPERATION_COLUMNS = [
    ("operation_code", "Vorhabenkennung"),
    ("a_beneficiary", "(a) Begünstigter"),
    ("d_name", "(d) Bezeichnung des Vorhabens"),
    ("e_purpose", "(e) Zweck und erwartete Ergebnisse"),
    ("f_start_date", "(f) Beginn"),
    ("g_end_date", "(g) Voraussichtliches oder tatsächliches Ende"),
    ("h_total_cost_eur", "(h) Gesamtkosten (EUR)"),
    ("i_fund", "(i) Fonds"),
    ("j_specific_objective", "(j) Spezifisches Ziel"),
    ("k_union_cofinancing_rate", "(k) Kofinanzierungssatz der Union"),
    ("l_location", "(l) Standort (Kreisschlüssel)"),
    ("l_country", "(l) Land"),
    ("n_type_of_intervention", "(n) Interventionskategorie"),
    ("region_id", "Zukunftsregion"),
    ("handlungsfeld", "Handlungsfeld"),
]
ART42_COLUMNS = [
    ("fund", "Fonds"),
    ("handlungsfeld", "Handlungsfeld"),
    ("category", "Regionenkategorie"),
    ("selected_operations", "Anzahl ausgewählter Vorhaben"),
    ("eligible_cost_eur", "Förderfähige Gesamtkosten (EUR)"),
    ("eu_contribution_eur", "Beitrag der Union (EUR)"),
    ("declared_expenditure_eur", "Von Begünstigten gemeldete förderfähige Ausgaben (EUR)"),
]


async def list_of_operations(conn: DbConn) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT operation_code, applicant_name, title, purpose, start_date, end_date, "
        "total_cost_cents, fund, location_ags, region_id, handlungsfeld "
        "FROM project_view WHERE stage = ANY($1::text[]) ORDER BY operation_code",
        list(SELECTED),
    )
    return [
        {
            "operation_code": r["operation_code"],
            "a_beneficiary": r["applicant_name"],
            "d_name": r["title"],
            "e_purpose": r["purpose"],
            "f_start_date": r["start_date"],
            "g_end_date": r["end_date"],
            "h_total_cost_eur": cents_to_euros(r["total_cost_cents"]),
            "i_fund": r["fund"],
            "j_specific_objective": None,
            "k_union_cofinancing_rate": funding_rate(r["location_ags"]),
            "l_location": r["location_ags"],
            "l_country": "DE",
            "n_type_of_intervention": None,
            "region_id": r["region_id"],
            "handlungsfeld": r["handlungsfeld"],
        }
        for r in rows
    ]


def cutoff_moment(cutoff: date) -> datetime:
    if cutoff.strftime("%m-%d") not in TRANSMISSION_DATES:
        raise DomainError(
            f"cutoff: {cutoff.isoformat()} is not a transmission date "
            f"({', '.join(TRANSMISSION_DATES)} of a year)"
        )
    return datetime.combine(cutoff, time.max, tzinfo=BERLIN).astimezone(UTC)


async def art42_tables(conn: DbConn, cutoff: date) -> list[dict[str, Any]]:
    """Cumulative at the end of the cut-off day: the read models as they stood then."""
    async with models_as_of(conn, cutoff_moment(cutoff)):
        rows = await conn.fetch(
            "SELECT fund, handlungsfeld, category, count(*) AS selected_operations, "
            "sum(eligible_cost_cents) AS eligible, "
            "sum(committed_cents - released_cents - recovered_cents) AS contribution, "
            "sum(declared_expenditure_cents) AS declared "
            "FROM project_view WHERE stage = ANY($1::text[]) "
            "GROUP BY fund, handlungsfeld, category ORDER BY fund, handlungsfeld, category",
            list(SELECTED),
        )
    return [
        {
            "fund": r["fund"],
            "handlungsfeld": r["handlungsfeld"],
            "category": r["category"],
            "selected_operations": r["selected_operations"],
            "eligible_cost_eur": cents_to_euros(r["eligible"]),
            "eu_contribution_eur": cents_to_euros(r["contribution"]),
            "declared_expenditure_eur": cents_to_euros(r["declared"]),
        }
        for r in rows
    ]


def as_json(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Dates as ISO strings, money as decimal strings (never floats)."""
    return [{k: _plain(v) for k, v in r.items()} for r in rows]


def _plain(v: Any) -> Any:
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    return v


# A cell starting with one of these is a formula to a spreadsheet (OWASP: CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Any) -> Any:
    """Text as text in a spreadsheet: a leading apostrophe keeps it from being a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def as_csv(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([key for key, _ in columns])
    for r in as_json(rows):
        writer.writerow(["" if r[key] is None else inert(r[key]) for key, _ in columns])
    return out.getvalue()


def as_xlsx(title: str, rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([heading for _, heading in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rows:
        sheet.append([r[key] for key, _ in columns])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
    for i, (key, heading) in enumerate(columns, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = max(12, min(60, len(heading) + 2))
        if key.endswith("_eur"):
            for row in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                row[0].number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
