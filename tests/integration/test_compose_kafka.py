"""docker-compose.yml's Kafka, without Docker.

deploy/compose/kafka.sh itself (its configuration written by deploy/compose/kafka-config.sh,
the storage formatted with the SCRAM users, the file the health check waits for) runs a
broker from Kafka's jars (var/kafka/libs) in place of the apache/kafka image, with the
kafka service's environment from docker-compose.yml and a fresh set of secrets of
deploy/compose/secrets.sh, on ports of its own. Then the `provision` service's command
provisions it over TLS, and the users reach it as compose's services and agencies would:
by name (the certificate's), over SASL_SSL with the CA, with their own passwords only.
And every service's environment in docker-compose.yml is read by its settings as meant.
"""

import asyncio
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, TopicAuthorizationFailedError
from pydantic_settings import BaseSettings

from services.funding.settings import FundingSettings
from services.regions.settings import RegionsSettings
from services.reporting.settings import ReportingSettings
from shared.kafka import KafkaAccess, dev_password
from shared.provisioning import PRINCIPALS, read_principals
from shared.settings import SYSTEM_WIDE, SigningSettings
from shared.topics import Topics
from tests import support

ROOT = support.ROOT
COMPOSE = ROOT / "docker-compose.yml"
SCRIPT = ROOT / "deploy" / "compose" / "kafka.sh"
CONFIG_SCRIPT = ROOT / "deploy" / "compose" / "kafka-config.sh"
LIBS = ROOT / "var" / "kafka" / "libs"
CERTS = ROOT / "var" / "certs"  # mounted as /certs
CA = CERTS / "ca.crt"
LOG4J = ROOT / "deploy" / "kafka" / "log4j2.yaml"
# The apache/kafka image's scripts that kafka.sh calls, as Kafka's classes from the jars.
TOOLS = {
    "kafka-storage.sh": ("kafka.tools.StorageTool", "-Xmx256m -XX:TieredStopAtLevel=1"),
    "kafka-server-start.sh": ("kafka.Kafka", "-Xms256m -Xmx512m"),
    "kafka-topics.sh": ("org.apache.kafka.tools.TopicCommand", "-Xmx128m -XX:TieredStopAtLevel=1"),
}
TOPICS = Topics("zr")  # compose provisions the deployment "zr"
START_SECONDS = 60
PRINCIPAL_NAMES = [*read_principals(PRINCIPALS), "controller"]
SETTINGS: dict[str, type[BaseSettings]] = {
    "services.regions": RegionsSettings,
    "services.funding": FundingSettings,
    "services.reporting": ReportingSettings,
    "services.regions.programme_data.load": SigningSettings,
}
VARIABLE = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def password_variable(name: str) -> str:
    return "ZR_KAFKA_PASSWORD_" + name.upper().replace("-", "_")


def compose_secrets() -> dict[str, str]:
    """A fresh set of compose's secrets, as `deploy/compose/secrets.sh > .env` makes it."""
    out = subprocess.run(
        ["bash", str(ROOT / "deploy" / "compose" / "secrets.sh")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def compose_services(values: dict[str, str]) -> dict[str, Any]:
    """docker-compose.yml's services, its variables set as compose sets them."""

    def substitute(m: re.Match[str]) -> str:
        name, kind, default = m.groups()
        if name in values:
            return values[name]
        if kind in (":-", "-"):
            return str(default)
        raise AssertionError(f"docker-compose.yml needs {name}: secrets.sh does not make it")

    services: dict[str, Any] = yaml.safe_load(VARIABLE.sub(substitute, COMPOSE.read_text()))[
        "services"
    ]
    return services


@pytest.fixture(scope="module")
def stack() -> dict[str, Any]:
    return compose_services(compose_secrets())


def environment(service: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in (service.get("environment") or {}).items()}


def without_ours(env: dict[str, str]) -> dict[str, str]:
    """The process's environment without the settings compose sets (only compose's count)."""
    prefixes = ("ZR_", "KAFKA_", "REGIONS_", "FUNDING_", "REPORTING_", "CLUSTER_ID")
    return {k: v for k, v in env.items() if not k.startswith(prefixes)}


@dataclass
class Broker:
    home: Path
    env: dict[str, str]
    plain: int
    tls: int
    passwords: dict[str, str]
    process: support.Process | None = None

    @property
    def ready_file(self) -> Path:
        return Path(self.env["ZR_KAFKA_READY_FILE"])

    def user(self, name: str, password: str | None = None, *, tls: bool = True) -> KafkaAccess:
        """A user as compose's services reach the broker: by name, TLS with the CA."""
        port = self.tls if tls else self.plain
        return KafkaAccess(
            f"localhost:{port}",
            name,
            self.passwords[name] if password is None else password,
            str(CA) if tls else None,
        )

    def start(self) -> support.Process:
        """kafka.sh, as the container's command; returns once the health check would pass."""
        support.LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = support.LOG_DIR / f"compose-kafka-{int(time.time() * 1000)}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                ["bash", str(SCRIPT)],
                cwd=self.home, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.process = support.Process(popen, log)
        deadline = time.monotonic() + START_SECONDS
        # Not ready until the broker is, even with the file of an earlier start (a
        # restarted container keeps its /tmp): it has to go, and come again.
        gone = False
        while not (gone and self.ready_file.exists()):
            gone = gone or not self.ready_file.exists()
            if popen.poll() is not None:
                pytest.fail(f"deploy/compose/kafka.sh exited ({popen.returncode})\n{log_of(self)}")
            if time.monotonic() > deadline:
                pytest.fail(f"the compose broker not ready in {START_SECONDS}s\n{log_of(self)}")
            time.sleep(0.2)
        return self.process

    def stop(self) -> None:
        """The script and everything it started (its process group), even when the script
        ended and left the broker behind: SIGTERM, then SIGKILL."""
        if self.process is None:
            return
        group = self.process.popen.pid
        for sig, grace in ((signal.SIGTERM, 20.0), (signal.SIGKILL, 5.0)):
            if not signal_group(group, sig):
                break
            deadline = time.monotonic() + grace
            while signal_group(group, 0) and time.monotonic() < deadline:
                with suppress(subprocess.TimeoutExpired):
                    self.process.popen.wait(0.2)
        self.process.popen.wait(5)


def signal_group(group: int, sig: int) -> bool:
    """Whether the group still had a process to signal."""
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        return False
    return True


def log_of(broker: Broker) -> str:
    return broker.process.output() if broker.process else ""


def kafka_home(home: Path) -> Path:
    """Kafka's installation as the image has it (bin/*.sh), made of the Maven jars."""
    bin_dir = home / "opt-kafka" / "bin"
    bin_dir.mkdir(parents=True)
    classpath = shlex.quote(f"{LIBS}/*")
    for script, (main_class, jvm) in TOOLS.items():
        path = bin_dir / script
        path.write_text(
            "#!/bin/sh\n"
            f"exec java {jvm} -Dlog4j2.configurationFile={shlex.quote(str(LOG4J))} "
            f'-cp {classpath} {main_class} "$@"\n'
        )
        path.chmod(0o755)
    return bin_dir.parent


def distinct_ports(n: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < n:
        ports.add(support.free_port())
    return sorted(ports)


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory, stack: dict[str, Any]) -> Iterator[Broker]:
    if not any(LIBS.glob("kafka_*.jar")) or not CA.exists():
        pytest.fail("Kafka's jars or the certificates are missing: run the tests with `make test`")
    kafka = stack["kafka"]
    assert kafka["command"] == ["bash", "/zr/deploy/compose/kafka.sh"]
    assert "./deploy:/zr/deploy:ro" in kafka["volumes"]  # the script run here
    home = tmp_path_factory.mktemp("compose-kafka")
    plain, tls, controller = distinct_ports(3)
    env = {
        **without_ours(dict(os.environ)),
        **environment(kafka),  # CLUSTER_ID and the passwords, as compose gives them
        "ZR_KAFKA_HOME": str(kafka_home(home)),
        "ZR_KAFKA_READY_FILE": str(home / "broker-ready"),
        "ZR_KAFKA_CONFIG_DIR": str(home / "config"),
        "ZR_KAFKA_DATA": str(home / "data"),
        "ZR_KAFKA_CERT_DIR": str(CERTS),
        "ZR_KAFKA_LISTEN": "127.0.0.1",
        "ZR_KAFKA_HOST": "localhost",  # "kafka" does not resolve here; the certificate has both
        "ZR_KAFKA_PORT": str(plain),
        "ZR_KAFKA_SSL_PORT": str(tls),
        "ZR_KAFKA_CONTROLLER_PORT": str(controller),
    }
    passwords = {name: env[password_variable(name)] for name in PRINCIPAL_NAMES}
    b = Broker(home, env, plain, tls, passwords)
    try:
        b.start()
        # compose's `provision` service: its command and environment, over TLS with the CA.
        command = [
            {
                "python": sys.executable,
                "kafka:9094": f"localhost:{tls}",
                "/certs/ca.crt": str(CA),
            }.get(arg, arg)
            for arg in stack["provision"]["command"]
        ]
        provision_env = {**without_ours(dict(os.environ)), **environment(stack["provision"])}
        provision = subprocess.run(
            command, cwd=ROOT, env=provision_env, capture_output=True, text=True, timeout=90,
            check=False,
        )  # fmt: skip
        assert provision.returncode == 0, provision.stdout + provision.stderr + log_of(b)
        assert "provisioned zr" in provision.stdout
        yield b
    finally:
        b.stop()


def test_the_configuration_is_composes_own(broker: Broker) -> None:
    config = (broker.home / "config" / "server.properties").read_text()
    assert (
        f"listeners=SASL_PLAINTEXT://127.0.0.1:{broker.plain},"
        f"SASL_SSL://127.0.0.1:{broker.tls},CONTROLLER://127.0.0.1:"
    ) in config
    assert (
        f"advertised.listeners=SASL_PLAINTEXT://localhost:{broker.plain},"
        f"SASL_SSL://localhost:{broker.tls}"
    ) in config
    assert f"ssl.keystore.location={CA.parent}/kafka.pem" in config
    assert "@" not in config.replace("1@127.0.0.1", "")  # every placeholder filled in
    assert broker.passwords["admin"] in config
    assert "dev-password" not in config
    for name in ("server.properties", "admin.properties"):
        assert (broker.home / "config" / name).stat().st_mode & 0o077 == 0  # passwords in them


async def test_a_service_writes_its_topic_and_an_agency_reads_it_over_tls(broker: Broker) -> None:
    body = await produce(broker)
    assert body in await asyncio.wait_for(read(broker.user("agency-eu-audit")), 60)


async def test_an_agency_may_not_write_a_public_topic(broker: Broker) -> None:
    producer = AIOKafkaProducer(**broker.user("agency-lsn").options(), request_timeout_ms=5000)
    await producer.start()
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            await asyncio.wait_for(producer.send_and_wait(TOPICS.funding_events, b"{}"), 30)
    finally:
        await producer.stop()


@pytest.mark.parametrize(
    ("listener", "password"),
    [("plain", "not-the-password"), ("tls", "not-the-password"), ("tls", "development")],
)
async def test_only_the_users_own_passwords_get_in(
    broker: Broker, listener: str, password: str
) -> None:
    if password == "development":
        password = dev_password("funding")
    impostor = broker.user("funding", password, tls=listener == "tls")
    consumer = AIOKafkaConsumer(**impostor.options(), request_timeout_ms=5000)
    try:
        with pytest.raises(KafkaConnectionError):
            await asyncio.wait_for(consumer.start(), 30)
    finally:
        await consumer.stop()


def test_the_broker_stops_with_the_container_and_comes_back_on_its_data(broker: Broker) -> None:
    """`docker stop` signals the script alone: the broker shuts down cleanly; started again
    (restart: the same volume, the same /tmp) it keeps its users and its topics."""
    body = asyncio.run(produce(broker))
    process = broker.process
    assert process is not None
    os.kill(process.popen.pid, signal.SIGTERM)  # the script, not its process group
    try:
        process.popen.wait(30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"kafka.sh did not end on SIGTERM\n{process.output()}")
    with pytest.raises(ProcessLookupError):  # nothing of it left: the broker ended too
        os.killpg(process.popen.pid, 0)
    assert process.popen.returncode != -signal.SIGTERM, "the script died of the signal"
    broker.start()
    assert body in asyncio.run(asyncio.wait_for(read(broker.user("agency-arl")), 60))


async def produce(broker: Broker) -> bytes:
    """A message on funding's topic, as the funding service (its relay) writes them."""
    body = f'{{"probe": "{secrets.token_hex(8)}"}}'.encode()
    producer = AIOKafkaProducer(
        **broker.user("funding").options(), enable_idempotence=True, acks="all"
    )
    await producer.start()
    try:
        await asyncio.wait_for(producer.send_and_wait(TOPICS.funding_events, body), 30)
    finally:
        await producer.stop()
    return body


async def read(access: KafkaAccess) -> list[bytes]:
    """The funding topic from its start, as an agency's consumer group reads it."""
    group = f"{access.username}.compose-{secrets.token_hex(4)}"
    consumer = AIOKafkaConsumer(
        TOPICS.funding_events, **access.options(), group_id=group,
        auto_offset_reset="earliest", enable_auto_commit=False,
    )  # fmt: skip
    await consumer.start()
    try:
        values: list[bytes] = []
        while not values:
            batch = await consumer.getmany(timeout_ms=2000)
            values = [r.value for part in batch.values() for r in part if r.value is not None]
        return values
    finally:
        await consumer.stop()


# The rest of docker-compose.yml, against what reads it ----------------------------------


def test_the_broker_configuration_defaults_are_composes(tmp_path: Path) -> None:
    """kafka-config.sh with nothing but where to write: the container's configuration."""
    env = {**without_ours(dict(os.environ)), "ZR_KAFKA_CONFIG_DIR": str(tmp_path)}
    subprocess.run(["bash", str(CONFIG_SCRIPT)], env=env, check=True, timeout=30)
    config = (tmp_path / "server.properties").read_text().splitlines()
    for line in (
        "listeners=SASL_PLAINTEXT://0.0.0.0:9092,SASL_SSL://0.0.0.0:9094,"
        "CONTROLLER://127.0.0.1:9093",
        "advertised.listeners=SASL_PLAINTEXT://kafka:9092,SASL_SSL://kafka:9094",
        "controller.quorum.voters=1@127.0.0.1:9093",
        "ssl.keystore.location=/certs/kafka.pem",
        "ssl.truststore.location=/certs/ca.crt",
        "log.dirs=/var/lib/kafka/data",
    ):
        assert line in config
    assert (tmp_path / "admin.properties").exists()


def test_kafka_is_reached_at_kafka_9094_with_the_ca(stack: dict[str, Any]) -> None:
    assert stack["kafka"]["ports"] == ["9094:9094"]
    assert "kafkadata:/var/lib/kafka/data" in stack["kafka"]["volumes"]
    command = stack["provision"]["command"]
    assert command[command.index("--bootstrap") + 1] == "kafka:9094"
    assert command[command.index("--ca-file") + 1] == "/certs/ca.crt"
    for name, service in stack.items():
        env = environment(service)
        for key, value in env.items():
            if key.endswith("_KAFKA_BOOTSTRAP"):
                assert value == "kafka:9094", name
            if value.startswith("/certs/"):
                assert "./var/certs:/certs:ro" in service.get("volumes", []), name


def test_every_user_has_a_password_of_its_own(stack: dict[str, Any]) -> None:
    """The broker formats every user with compose's password, provisioning sets the same,
    and each service logs in with its own (a missing one would be the development one)."""
    kafka, provision = environment(stack["kafka"]), environment(stack["provision"])
    for name in PRINCIPAL_NAMES:
        assert password_variable(name) in kafka, name
        if name != "controller":
            assert provision[password_variable(name)] == kafka[password_variable(name)], name
    passwords = list(kafka.values())
    assert len(set(passwords)) == len(passwords)  # fresh and different (CLUSTER_ID too)
    postgres = environment(stack["postgres"])
    for service in ("regions", "funding", "reporting"):
        prefix = service.upper()
        for name in (service, f"{service}-migrate"):
            env = environment(stack[name])
            assert env[f"{prefix}_KAFKA_PASSWORD"] == kafka[password_variable(service)]
            assert env[f"{prefix}_PG_PASSWORD"] == postgres[f"ZR_PG_PASSWORD_ZR_{prefix}"]
        migrate = environment(stack[f"{service}-migrate"])
        assert migrate[f"{prefix}_PG_OWNER_USER"] == f"zr_{service}_owner"
        owner = postgres[f"ZR_PG_PASSWORD_ZR_{prefix}_OWNER"]
        assert migrate[f"{prefix}_PG_OWNER_PASSWORD"] == owner


def test_every_service_environment_is_read_by_its_settings(
    stack: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each image-built service's settings accept its environment as production, and every
    variable it is given is one they read (a misspelt one would be ignored silently)."""
    checked = set()
    for name, service in stack.items():
        if "build" not in service or "shared.provisioning" in service["command"]:
            continue
        module = service["command"][service["command"].index("-m") + 1]
        kind = SETTINGS[module]
        env = environment(service)
        for key in list(os.environ):
            if key.startswith(("ZR_", "REGIONS_", "FUNDING_", "REPORTING_")):
                monkeypatch.delenv(key)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        settings = kind()
        assert settings.environment == "production", name  # type: ignore[attr-defined]
        prefix = str(kind.model_config.get("env_prefix", "")).upper()
        fields = {f.upper() for f in kind.model_fields}
        unread = {
            key for key in env
            if key not in SYSTEM_WIDE.values() and key != "PORT"  # PORT: the health check's
            and not (prefix and key.startswith(prefix) and key.removeprefix(prefix) in fields)
        }  # fmt: skip
        assert not unread, f"{name}: {sorted(unread)} not read"
        if service["command"][-1] == "serve":
            assert isinstance(settings, RegionsSettings | FundingSettings | ReportingSettings)
            assert settings.http_port == int(env["PORT"]), name  # the health check's port
        checked.add(module)
    assert checked == set(SETTINGS)
