"""The EU reports from the command line:

python -m services.reporting.reports operations --format csv --out vorhabenliste.csv
python -m services.reporting.reports art42 --cutoff 2026-11-30 --format xlsx --out art42.xlsx
"""

import argparse
import asyncio
import json
import sys
from datetime import date
from pathlib import Path

import asyncpg

from services.reporting.adapters.eu_reports import (
    ART42_COLUMNS,
    OPERATION_COLUMNS,
    art42_tables,
    as_csv,
    as_json,
    as_xlsx,
    list_of_operations,
)
from services.reporting.settings import ReportingSettings
from shared.errors import DomainError


async def produce(report: str, fmt: str, cutoff: date | None) -> bytes:
    conn = await asyncpg.connect(ReportingSettings().pg_dsn, statement_cache_size=0)
    try:
        if report == "operations":
            rows, columns, title = (
                await list_of_operations(conn),
                OPERATION_COLUMNS,
                "Vorhabenliste",
            )
        else:
            assert cutoff is not None
            rows, columns, title = await art42_tables(conn, cutoff), ART42_COLUMNS, "Art. 42"
    finally:
        await conn.close()
    if fmt == "xlsx":
        return as_xlsx(title, rows, columns)
    if fmt == "csv":
        return as_csv(rows, columns).encode()
    return json.dumps(as_json(rows), ensure_ascii=False, indent=1).encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.reporting.reports", description=__doc__
    )
    parser.add_argument("report", choices=["operations", "art42"])
    parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
    parser.add_argument("--cutoff", type=date.fromisoformat, help="art42: a transmission date")
    parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    if args.report == "art42" and args.cutoff is None:
        parser.error("art42 needs --cutoff (a transmission date such as 2026-11-30)")
    try:
        body = asyncio.run(produce(args.report, args.format, args.cutoff))
    except DomainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"error: the reporting database is not reachable: {exc}", file=sys.stderr)
        return 1
    if args.out:
        args.out.write_bytes(body)
        print(f"written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
