"""HTTP resource /reports: the EU list of operations and the Art. 42 financial tables,
as JSON, CSV (list of operations) or XLSX, downloadable; and the figures by business date."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from services.reporting.adapters.business_dates import MEANING, by_business_date
from services.reporting.adapters.eu_reports import (
    ART42_COLUMNS,
    OPERATION_COLUMNS,
    art42_tables,
    as_csv,
    as_json,
    as_xlsx,
    list_of_operations,
)
from services.reporting.api.deps import AsOfPool, Pool, PublicReader
from shared.text import Day

router = APIRouter(prefix="/reports", tags=["EU reports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(name: str, body: bytes | str, media_type: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/operations",
    summary="List of operations, Art. 49(3) CPR (public)",
    responses={200: {"content": {"text/csv": {}, XLSX: {}}}},
)
async def operations(
    db: Pool, _: PublicReader, format: Literal["json", "csv", "xlsx"] = "json"
) -> Response:
    async with db.acquire() as conn:
        rows = await list_of_operations(conn)
    if format == "csv":
        return download(
            "vorhabenliste.csv", as_csv(rows, OPERATION_COLUMNS), "text/csv; charset=utf-8"
        )
    if format == "xlsx":
        return download(
            "vorhabenliste.xlsx", as_xlsx("Vorhabenliste", rows, OPERATION_COLUMNS), XLSX
        )
    return JSONResponse(as_json(rows))


@router.get(
    "/art42",
    summary="Financial tables, Art. 42 CPR, cumulative at a cut-off date",
    responses={200: {"content": {XLSX: {}}}},
)
async def art42(
    as_of_pool: AsOfPool,
    _: PublicReader,
    cutoff: Annotated[Day, Query(description="a transmission date, e.g. 2026-01-31")],
    format: Literal["json", "xlsx"] = "json",
) -> Response:
    async with as_of_pool.acquire() as conn:
        rows = await art42_tables(conn, cutoff)
    if format == "xlsx":
        return download(
            f"art42-{cutoff.isoformat()}.xlsx", as_xlsx("Art. 42", rows, ART42_COLUMNS), XLSX
        )
    return JSONResponse({"cutoff": cutoff.isoformat(), "rows": as_json(rows)})


class BusinessDateRow(BaseModel):
    region_id: str
    fund: str
    committed_cents: int
    approved_projects: int
    endorsed_projects: int
    disbursed_cents: int
    released_cents: int
    recovered_cents: int


class BusinessDateFigures(BaseModel):
    until: Day
    region_id: str | None
    meaning: dict[str, str]
    rows: list[BusinessDateRow]


@router.get(
    "/business-dates",
    summary="Figures by business date: grants by the date of their decision, endorsements by "
    "the date of the vote, however late recorded (`as_of` elsewhere: by the time recorded)",
)
async def business_dates(
    db: Pool,
    _: PublicReader,
    until: Annotated[Day, Query(description="the last business day counted, e.g. 2025-12-31")],
    region_id: str | None = None,
) -> BusinessDateFigures:
    async with db.acquire() as conn:
        rows = await by_business_date(conn, until, region_id)
    return BusinessDateFigures(
        until=until,
        region_id=region_id,
        meaning=MEANING,
        rows=[BusinessDateRow(**r) for r in rows],
    )
