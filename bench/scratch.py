"""Scratch databases for a benchmark run: created fresh, dropped when the run ends."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import asyncpg

from shared.settings import ServiceSettings


@asynccontextmanager
async def scratch_databases(base: ServiceSettings) -> AsyncIterator[Callable[[], Awaitable[str]]]:
    """Inside: `await fresh()` makes a new empty database and returns its name."""
    admin_dsn = base.model_copy(update={"pg_database": "postgres"}).pg_dsn
    made: list[str] = []

    async def fresh() -> str:
        name = f"zr_bench_{uuid.uuid4().hex[:8]}"
        conn = await asyncpg.connect(admin_dsn)
        try:
            await conn.execute(f"CREATE DATABASE {name}")
        finally:
            await conn.close()
        made.append(name)
        return name

    try:
        yield fresh
    finally:
        conn = await asyncpg.connect(admin_dsn)
        try:
            for name in made:
                await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await conn.close()
