"""asyncpg typing helpers."""

from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    import asyncpg
    from asyncpg.pool import PoolConnectionProxy

    # A connection, whether taken from a pool or opened on its own (generic only in the stubs).
    DbConn: TypeAlias = asyncpg.Connection[Any] | PoolConnectionProxy[Any]
else:
    DbConn: TypeAlias = Any


async def create_schema(conn: "DbConn", *ddl: str) -> None:
    """Run idempotent DDL (CREATE ... IF NOT EXISTS) one process at a time: PostgreSQL's
    catalog does not take concurrent CREATE TABLE IF NOT EXISTS of the same table well
    ("tuple concurrently updated", duplicate pg_type rows) when services start together."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('zr-schema'))")
        for statement in ddl:
            await conn.execute(statement)
