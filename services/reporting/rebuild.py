"""Rebuild the reporting read models from offset 0 and switch over, while the service
keeps serving: `python -m services.reporting.rebuild [--keep-old]`."""

import argparse
import asyncio
import sys
import time

import asyncpg
import psycopg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from services.reporting.adapters.rebuild import Rebuild
from services.reporting.bootstrap import migrate
from services.reporting.settings import ReportingSettings
from shared.topics import Topics

console = Console(stderr=True)


async def run(keep_old: bool, revalidate: bool, settings: ReportingSettings | None = None) -> int:
    settings = settings or ReportingSettings()
    try:  # as the database's owner: the rebuild makes tables and switches them in
        await asyncio.to_thread(migrate, settings)
        pool = await asyncpg.create_pool(settings.owner_dsn, min_size=1, max_size=3)
    except (OSError, asyncpg.PostgresError, psycopg.Error) as exc:
        console.print(f"[red]error:[/red] the reporting database is not reachable: {exc}")
        return 1
    try:
        rebuild = Rebuild(
            pool=pool,
            kafka=settings.kafka,
            topics=Topics(settings.topic_prefix).public,
            owners=Topics(settings.topic_prefix).owners,
            group_id=settings.consumer_group,
            revalidate=revalidate,
            role=settings.pg_user,
        )
        started = time.perf_counter()
        columns = (
            *Progress.get_default_columns()[:1],
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("replaying events", total=None)

            def show(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            await rebuild.run(show, keep_old=keep_old)
        seconds = time.perf_counter() - started
        console.print(
            f"rebuilt from {rebuild.read:,} messages ({rebuild.applied:,} events, "
            f"{rebuild.skipped:,} invalid left out, {rebuild.replays:,} replayed after "
            f"parking appended) in {seconds:.1f} s and switched over"
            + (f"; the replaced tables are in schema {rebuild.replaced_schema}" if keep_old else "")
        )
        return 0
    finally:
        await pool.close()


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.reporting.rebuild", description=__doc__
    )
    parser.add_argument("--keep-old", action="store_true", help="keep the replaced tables")
    parser.add_argument(
        "--revalidate",
        action="store_true",
        help="check every message against its contract again instead of trusting the live "
        "consumer's verdicts (slower; after a contract or consumer fix)",
    )
    args = parser.parse_args()
    return asyncio.run(run(args.keep_old, args.revalidate))


if __name__ == "__main__":
    sys.exit(main())
