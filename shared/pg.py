"""asyncpg typing helpers."""

from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    import asyncpg
    from asyncpg.pool import PoolConnectionProxy

    # A connection, whether taken from a pool or opened on its own (generic only in the stubs).
    DbConn: TypeAlias = asyncpg.Connection[Any] | PoolConnectionProxy[Any]
else:
    DbConn: TypeAlias = Any
