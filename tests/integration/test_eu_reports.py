"""Both EU reports against a hand-checked fixture (tests/fixtures/eu_reports.json)."""

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from services.reporting.adapters.eu_reports import (
    ART42_COLUMNS,
    OPERATION_COLUMNS,
    art42_tables,
    as_csv,
    as_json,
    as_xlsx,
    list_of_operations,
)
from shared.errors import DomainError
from tests.integration.read_models import projected
from tests.integration.test_reporting_figures import everything

FIXTURE = json.loads((Path(__file__).parent.parent / "fixtures" / "eu_reports.json").read_text())


async def test_the_eu_reports_match_the_hand_checked_figures(fresh_database: str) -> None:
    events, _ = everything()
    async with projected(fresh_database, events) as conn:
        operations = await list_of_operations(conn)
        assert as_json(operations) == FIXTURE["operations"]
        this_year = await art42_tables(conn, date(2026, 11, 30))
        assert as_json(this_year) == FIXTURE["art42"]
        assert await art42_tables(conn, date(2026, 9, 30)) == []  # nothing selected yet then
        with pytest.raises(DomainError, match="not a transmission date"):
            await art42_tables(conn, date(2026, 11, 29))

    text = as_csv(operations, OPERATION_COLUMNS)
    assert "Mustermann" not in text  # the contact person never reaches a report
    [header, *rows] = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["operation_code", "a_beneficiary", "d_name"]
    assert [r[0] for r in rows] == ["ZRN-HEIDEFINITION-0001", "ZRN-HEIDEFINITION-0003"]

    book = load_workbook(io.BytesIO(as_xlsx("Art. 42", this_year, ART42_COLUMNS)))
    sheet = book.active
    assert sheet is not None
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][3] == "Anzahl ausgewählter Vorhaben"
    assert cells[1][:4] == ["EFRE", "HF1", "transition", 2]
    assert cells[1][4:] == [2_000_000.02, 835_000, 500_000]  # numbers in Excel
