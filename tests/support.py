"""Helpers for tests that run against the real PostgreSQL and Kafka, and real processes."""

import asyncio
import importlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import psycopg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord

from shared.auth import Authenticator
from shared.kafka import KafkaAccess
from shared.settings import DEV_PG_PASSWORD, ServiceSettings

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "var" / "log" / "tests"
KAFKA = os.environ.get("ZR_TEST_KAFKA", "127.0.0.1:9092")
# The tests' own clients act as the operations user (deploy/kafka/principals); the
# services they start use their own users and ACLs.
ADMIN = KafkaAccess.development(KAFKA, "admin")
PG = {
    "host": "127.0.0.1",
    "port": int(os.environ.get("ZR_PG_PORT", "5433")),
    "user": "zr",
    "password": os.environ.get("ZR_PG_PASSWORD", DEV_PG_PASSWORD),
}


def dsn(database: str) -> str:
    return f"postgresql://{PG['user']}:{PG['password']}@{PG['host']}:{PG['port']}/{database}"


def read_at(events: Sequence[Any], first: int = 0, topic: str = "zrt.test") -> list[Any]:
    """Positions for events projected without Kafka: one partition, in their order."""
    return [(topic, 0, first + i) for i in range(len(events))]


def as_superuser(database: str, sql: str) -> str:
    """SQL as the database server's superuser (deploy/postgres.sh sql): what an attacker
    with the server's keys could do, triggers and grants notwithstanding."""
    done = subprocess.run(
        [str(ROOT / "deploy" / "postgres.sh"), "sql", database],
        input=sql, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise AssertionError(f"superuser SQL failed: {done.stderr}")
    return done.stdout


def role_password(role: str) -> str:
    """deploy/postgres.sh's password of a role (ZR_PG_PASSWORD_<ROLE> or the development one)."""
    return os.environ.get(f"ZR_PG_PASSWORD_{role.upper()}", f"{role}-dev-password")


def service_role(service: str) -> dict[str, object]:
    """A service's database settings as in production: its own role, owning nothing."""
    return {
        "pg_user": f"zr_{service}",
        "pg_password": role_password(f"zr_{service}"),
        "pg_create_schema": "false",
    }


def as_service_database(service: str, database: str) -> None:
    """Make a new database a service's, as deploy/postgres.sh does: owned by its owner role,
    connectable by its own role only; then migrated by the owner (services.<name> migrate)."""
    owner, role = f"zr_{service}_owner", f"zr_{service}"
    admin_now(
        f"ALTER DATABASE {database} OWNER TO {owner}",
        f"REVOKE ALL ON DATABASE {database} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {role}",
    )
    settings = importlib.import_module(f"services.{service}.settings")
    kind = getattr(settings, f"{service.capitalize()}Settings")
    importlib.import_module(f"services.{service}.bootstrap").migrate(
        kind(
            pg_database=database,
            pg_port=PG["port"],
            pg_user=role,
            pg_owner_user=owner,
            pg_owner_password=role_password(owner),
        )
    )


def bearer(role: str, region: str | None = None, subject: str | None = None) -> dict[str, str]:
    """Authorization header of a token the services under test accept (same signing key)."""
    token = Authenticator.of(ServiceSettings()).mint(
        role=role,  # type: ignore[arg-type]
        subject=subject or f"test-{role}",
        region_id=region,
    )
    return {"Authorization": f"Bearer {token}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def service_env(prefix: str, database: str, topic_prefix: str, **extra: Any) -> dict[str, str]:
    """Environment for one service process (`prefix` is REGIONS, FUNDING or REPORTING)."""
    env = dict(os.environ)
    env.update(
        {
            f"{prefix}_PG_DATABASE": database,
            f"{prefix}_PG_PORT": str(PG["port"]),
            f"{prefix}_TOPIC_PREFIX": topic_prefix,
            f"{prefix}_KAFKA_BOOTSTRAP": KAFKA,
            "ZR_ENVIRONMENT": "test",
        }
    )
    env.update({f"{prefix}_{k.upper()}": str(v) for k, v in extra.items()})
    return env


@dataclass
class Process:
    popen: subprocess.Popen[bytes]
    log: Path

    def kill9(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.kill9()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def start_process(name: str, args: list[str], env: dict[str, str]) -> Process:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"{name}-{int(time.time() * 1000)}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Process(popen, log)


def wait_healthy(url: str, proc: Process | None = None, timeout: float = 60) -> None:
    """Until `url` is ready (and its process, if given, has not exited)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.popen.poll() is not None:
            raise AssertionError(f"{url}: process exited\n{proc.output()}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} not healthy after {timeout}s\n{proc.output() if proc else ''}")


async def eventually(check: Any, timeout: float = 60, interval: float = 0.2) -> Any:
    """Await `check()` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last: {last!r})")


async def read_topic(
    topic: str, expected: int | None = None, idle_ms: int = 3000
) -> list[ConsumerRecord[bytes, bytes]]:
    """Everything on a topic from offset 0, until `expected` records or the topic is idle."""
    consumer = AIOKafkaConsumer(
        topic,
        **ADMIN.options(),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=idle_ms, max_records=5000)
            if not batch:
                break
            for part in batch.values():
                records.extend(part)
            if expected is not None and len(records) >= expected:
                break
    finally:
        await consumer.stop()
    return records


async def produce(topic: str, messages: Iterable[tuple[bytes | None, bytes]]) -> None:
    producer = AIOKafkaProducer(**ADMIN.options(), enable_idempotence=True, acks="all")
    await producer.start()
    try:
        futures = [await producer.send(topic, value=v, key=k) for k, v in messages]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def table(database: str, sql: str) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(dsn(database))
    try:
        return [dict(r) for r in await conn.fetch(sql)]
    finally:
        await conn.close()


def admin_now(*statements: str) -> None:
    """Statements as the tests' DBA, from sync or async code alike (psycopg, no loop)."""
    with psycopg.connect(dsn("postgres"), autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)  # type: ignore[arg-type]


async def admin(sql: str) -> None:
    conn = await asyncpg.connect(dsn("postgres"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def drop_database(name: str, attempts: int = 10) -> None:
    """Drop a test database; a backend of another role (autovacuum) may hold it a moment."""
    for attempt in range(attempts):
        try:
            await admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            return
        except asyncpg.PostgresError:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.5)
