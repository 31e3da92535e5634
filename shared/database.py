"""Who owns a service's database, and what the service itself may do there.

Each service's database belongs to an owner role (`zr_<service>_owner`). The service runs
as a role of its own (`zr_<service>`) that owns nothing: it reads and writes its tables
as far as its work needs and no further. It cannot drop, truncate or alter a table, cannot
disable a trigger, and cannot connect to another service's database. The stores that only
ever grow (the event stores, the audit log) refuse UPDATE, DELETE and TRUNCATE with
triggers only their owner could remove; the event store's role keeps UPDATE because
eventsourcing locks the table (LOCK ... IN EXCLUSIVE MODE) to keep notification ids in
commit order, and the trigger refuses every actual update.

The owner creates the tables and grants: `python -m services.<name> migrate` (make run,
compose's migrate services, a Kubernetes job). In development and the in-process tests
one role does both (`<PREFIX>_PG_CREATE_SCHEMA=true`, never in production).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

import psycopg

ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION public.zr_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END $$ LANGUAGE plpgsql
"""

READ_WRITE = ("SELECT", "INSERT", "UPDATE", "DELETE")
APPEND = ("SELECT", "INSERT")


def append_only(table: str) -> list[str]:
    """Triggers that refuse UPDATE, DELETE and TRUNCATE on a table, for every role but
    the owner (who alone can drop them)."""
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION public.zr_append_only()",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION public.zr_append_only()",
    ]


@dataclass(frozen=True)
class Access:
    """What the service's role may do on each of its tables (and sequences)."""

    tables: Mapping[str, tuple[str, ...]]
    append_only: tuple[str, ...] = ()
    sequences: tuple[str, ...] = ()
    schema: str = "public"

    def guards(self) -> list[str]:
        out = [GUARD_FUNCTION]
        for table in self.append_only:
            out += append_only(table)
        return out

    def grants(self, role: str) -> list[str]:
        if not ROLE.match(role):
            raise ValueError(f"not a role name: {role!r}")
        out = [f"GRANT USAGE ON SCHEMA {self.schema} TO {role}"]
        for table, privileges in self.tables.items():
            out += [
                f"REVOKE ALL ON {table} FROM {role}",
                f"GRANT {', '.join(privileges)} ON {table} TO {role}",
            ]
        out += [f"GRANT USAGE ON SEQUENCE {s} TO {role}" for s in self.sequences]
        return out


@dataclass(frozen=True)
class Schema:
    """A service's tables: how they are made (by the owner) and what its role may do."""

    ddl: tuple[str, ...]
    access: Access


def migrate(owner_dsn: str, schema: Schema, role: str) -> None:
    """As the owner: the tables (idempotent DDL, one process at a time), the guards of the
    append-only ones, and the service role's grants (none when it is the owner itself)."""
    with psycopg.connect(owner_dsn, autocommit=False) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('zr-schema'))")
        owner = conn.execute("SELECT current_user").fetchone()
        grants = [] if owner and owner[0] == role else schema.access.grants(role)
        for statement in (*schema.ddl, *schema.access.guards(), *grants):
            conn.execute(statement)
        conn.commit()


def event_store(app_name: str, *, tracking: bool = False) -> Access:
    """An eventsourcing application's tables, as its role uses them."""
    events = f"{app_name}_events"
    tables: dict[str, tuple[str, ...]] = {events: ("SELECT", "INSERT", "UPDATE")}
    if tracking:
        tables[f"{app_name}_tracking"] = ("SELECT", "INSERT", "UPDATE")
    return Access(
        tables=tables,
        append_only=(events,),
        sequences=(f"{events}_notification_id_seq",),
    )


def combined(*parts: Access) -> Access:
    tables: dict[str, tuple[str, ...]] = {}
    for part in parts:
        tables.update(part.tables)
    return Access(
        tables=tables,
        append_only=tuple(t for p in parts for t in p.append_only),
        sequences=tuple(s for p in parts for s in p.sequences),
    )
