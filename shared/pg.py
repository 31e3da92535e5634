"""asyncpg typing helpers."""

from typing import Any, TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

# A connection, whether taken from a pool or opened on its own.
DbConn: TypeAlias = asyncpg.Connection[Any] | PoolConnectionProxy[Any]
