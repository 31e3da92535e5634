"""One database role per service, apart from the role that owns its tables: the service's
role cannot rewrite history (the audit log, the event stores), cannot remove the guards,
and cannot even connect to another service's database. On the real PostgreSQL, set up as
deploy/postgres.sh and `python -m services.<name> migrate` set up production."""

from collections.abc import Callable

import asyncpg
import pytest

from tests import support

REFUSED = (asyncpg.InsufficientPrivilegeError, asyncpg.RaiseError)


def as_role(service: str, database: str) -> str:
    role = f"zr_{service}"
    return support.dsn(database).replace(
        f"{support.PG['user']}:{support.PG['password']}", f"{role}:{support.role_password(role)}"
    )


@pytest.fixture
def service_database(databases: Callable[[], str]) -> Callable[[str], str]:
    def make(service: str) -> str:
        database = databases()
        support.as_service_database(service, database)
        return database

    return make


async def refused(conn: asyncpg.Connection, sql: str) -> str:
    with pytest.raises(REFUSED) as caught:
        await conn.execute(sql)
    return str(caught.value)


async def test_reporting_may_only_append_to_the_audit_log(
    service_database: Callable[[str], str],
) -> None:
    reporting, funding = service_database("reporting"), service_database("funding")
    conn = await asyncpg.connect(as_role("reporting", reporting))
    try:
        await conn.execute(
            "INSERT INTO audit_log (event_id, type, source, subject, aggregate_id, sequence, "
            "time, data) VALUES (gen_random_uuid(), 't', 's', 'x', 'a', 1, now(), '{}')"
        )
        assert await conn.fetchval("SELECT count(*) FROM audit_log") == 1
        await conn.execute("UPDATE project_view SET stage = stage")  # its read models: yes
        for sql in (
            "UPDATE audit_log SET type = 'forged'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
            "ALTER TABLE audit_log DISABLE TRIGGER ALL",
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
            "DROP TRIGGER audit_log_no_truncate ON audit_log",
            "DROP TABLE audit_log",
            "CREATE TABLE shadow (x int)",
            "DELETE FROM consumer_parked",
        ):
            await refused(conn, sql)
        assert await conn.fetchval("SELECT count(*) FROM audit_log") == 1
    finally:
        await conn.close()
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
        await asyncpg.connect(as_role("reporting", funding))  # funding's keys: out of reach


@pytest.mark.parametrize(
    ("service", "events"), [("regions", "regions_events"), ("funding", "funding_events")]
)
async def test_an_event_store_refuses_every_rewrite_by_its_service(
    service_database: Callable[[str], str], service: str, events: str
) -> None:
    own, other = service_database(service), service_database("reporting")
    conn = await asyncpg.connect(as_role(service, own))
    try:
        await conn.execute(
            f"INSERT INTO {events} (originator_id, originator_version, topic, state) "
            "VALUES (gen_random_uuid(), 1, 'probe', '\\x00')"
        )
        assert "append-only" in await refused(conn, f"UPDATE {events} SET state = '\\x01'")
        for sql in (
            f"DELETE FROM {events}",
            f"TRUNCATE {events}",
            f"ALTER TABLE {events} DISABLE TRIGGER ALL",
            f"DROP TABLE {events}",
        ):
            await refused(conn, sql)
        if service == "funding":  # erasure deletes a person's key: that much it may
            await conn.execute("DELETE FROM personal_data_keys")
    finally:
        await conn.close()
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
        await asyncpg.connect(as_role(service, other))


async def test_even_the_owner_cannot_rewrite_the_audit_log_without_removing_its_guards(
    service_database: Callable[[str], str],
) -> None:
    conn = await asyncpg.connect(support.dsn(service_database("reporting")))  # zr acts as owner
    try:
        assert "append-only" in await refused(conn, "TRUNCATE audit_log")
    finally:
        await conn.close()
