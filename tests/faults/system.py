"""The system as production runs it, on this machine, for the fault suite.

A Kafka cluster of three KRaft nodes (deploy/kafka.sh, ZR_KAFKA_NODES=3: topics with
replication factor 3 and min.insync.replicas 2) in a directory of its own; every service
as separate processes on new databases of the shared PostgreSQL: two API instances behind
HAProxy (deploy/haproxy.sh, health-checked on /readyz), two relays of each producing
service (one active, one standing by) and two consumer processes in each consuming group.
Every process can be killed, paused and started again; the relays and consumers serve
their metrics on ports of their own, where the suite reads which relay is active.
"""

import os
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

from shared.kafka import KafkaAccess
from tests import support

VAR = support.ROOT / "var" / "faults"
KAFKA_PORT, STATS_PORT = 19092, 18404
PORTS = {"regions": 18001, "funding": 18002, "reporting": 18003}
PREFIX = "zr"


def run(script: str, *args: str, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(
        [str(support.ROOT / "deploy" / script), *args], env=env, capture_output=True,
        text=True, timeout=timeout, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise AssertionError(
            f"deploy/{script} {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
        )
    return done.stdout


@dataclass
class KafkaCluster:
    nodes: int = 3
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.env = {
            **os.environ,
            "ZR_VAR_DIR": str(VAR),
            "ZR_KAFKA_NODES": str(self.nodes),
            "ZR_KAFKA_PORT": str(KAFKA_PORT),
            "ZR_KAFKA_CONTROLLER_PORT": str(KAFKA_PORT + 1),
            "ZR_KAFKA_SSL_PORT": str(KAFKA_PORT + 2),
            "ZR_KAFKA_LIBS": str(support.ROOT / "var" / "kafka" / "libs"),
        }

    @property
    def bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{KAFKA_PORT + 100 * n}" for n in range(self.nodes))

    @property
    def admin(self) -> KafkaAccess:
        return KafkaAccess.development(self.bootstrap, "admin")

    def start(self) -> None:
        run("kafka.sh", "start", env=self.env)

    def fresh(self) -> None:
        run("kafka.sh", "reset", env=self.env)
        self.start()

    def stop(self) -> None:
        run("kafka.sh", "stop", env=self.env)

    def kill(self, node: int) -> None:
        run("kafka.sh", "kill", str(node), env=self.env)

    def leader(self) -> int:
        return int(run("kafka.sh", "leader", env=self.env).strip().splitlines()[-1])


@dataclass
class Instance:
    """One process of a service: an API instance, a relay or a consumer."""

    service: str
    kind: str  # api | relay | consume
    number: int
    port: int  # HTTP (api) or metrics (relay, consume)
    env: dict[str, str]
    process: support.Process | None = None

    @property
    def name(self) -> str:
        return f"{self.service}-{self.kind}-{self.number}"

    def start(self) -> None:
        command = "serve" if self.kind == "api" else self.kind
        self.process = support.start_process(
            self.name, ["-m", f"services.{self.service}", command], self.env
        )

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill9()

    def pause(self) -> None:
        assert self.process is not None
        os.killpg(self.process.popen.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        os.killpg(self.process.popen.pid, signal.SIGCONT)

    def alive(self) -> bool:
        return self.process is not None and self.process.popen.poll() is None

    def metric(self, name: str) -> float | None:
        """A metric this process serves (the first sample of that name), or None."""
        try:
            text = httpx.get(f"http://127.0.0.1:{self.port}/metrics", timeout=2).text
        except httpx.HTTPError:
            return None
        found = re.search(rf"^{re.escape(name)}(?:{{[^}}]*}})? (\S+)$", text, re.MULTILINE)
        return float(found.group(1)) if found else None


@dataclass
class Deployment:
    kafka: KafkaCluster
    databases: dict[str, str]
    instances: list[Instance] = field(default_factory=list)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{PORTS[service]}"

    def of(self, service: str, kind: str) -> list[Instance]:
        return [i for i in self.instances if i.service == service and i.kind == kind]

    def active_relay(self, service: str) -> Instance:
        for _ in range(100):
            active = [r for r in self.of(service, "relay") if r.metric("zr_relay_active") == 1]
            if active:
                return active[0]
            time.sleep(0.2)
        raise AssertionError(f"no active relay of {service}")

    def start(self) -> None:
        port = 18100
        plan = {"regions": ("api", "relay"), "funding": ("api", "relay", "consume"),
                "reporting": ("api", "consume")}  # fmt: skip
        for service, kinds in plan.items():
            for kind in kinds:
                for number in (1, 2):
                    port += 1
                    self.instances.append(
                        Instance(service, kind, number, port, self._env(service, kind, port))
                    )
        for instance in self.instances:
            instance.start()
        for api in (i for i in self.instances if i.kind == "api"):
            assert api.process is not None
            support.wait_healthy(f"http://127.0.0.1:{api.port}", api.process, timeout=120)
        run("haproxy.sh", "start", *self._balanced(), env=self._haproxy_env())
        for service in PORTS:
            support.wait_healthy(self.url(service))  # through the balancer

    def stop(self) -> None:
        for instance in self.instances:
            if instance.process is not None:
                instance.resume()
                instance.process.stop()
        run("haproxy.sh", "stop", env=self._haproxy_env())

    def _env(self, service: str, kind: str, port: int) -> dict[str, str]:
        extra: dict[str, object] = {
            "kafka_bootstrap": self.kafka.bootstrap,
            "run_relay": "false",
            **support.service_role(service),
            # A consumer that stops polling (paused) leaves its group after 10 s.
            "consumer_max_poll_interval_ms": 10_000,
        }
        if service != "regions" and kind == "api":
            extra["run_consumer"] = "false"  # the API instances only serve
        if service == "regions":
            extra.pop("consumer_max_poll_interval_ms")
            extra["funding_url"] = self.url("funding")  # a budget cut asks funding first
        extra["http_port" if kind == "api" else "metrics_port"] = port
        return support.service_env(service.upper(), self.databases[service], PREFIX, **extra)

    def _balanced(self) -> list[str]:
        return [
            f"{s}={p}:" + ",".join(f"127.0.0.1:{i.port}" for i in self.of(s, "api"))
            for s, p in PORTS.items()
        ]

    def _haproxy_env(self) -> dict[str, str]:
        return {**os.environ, "ZR_VAR_DIR": str(VAR), "ZR_HAPROXY_STATS_PORT": str(STATS_PORT)}


def new_databases() -> dict[str, str]:
    tag = uuid.uuid4().hex[:8]
    names = {s: f"zr_fault_{s}_{tag}" for s in PORTS}
    for service, name in names.items():
        support.admin_now(f"CREATE DATABASE {name}")
        support.as_service_database(service, name)
    return names


@dataclass
class Postgres:
    """The faults of the shared PostgreSQL: a crash and restart, and one service's
    connections cut (its role may not log in, its sessions are ended) for a while."""

    def restart(self) -> None:
        run("postgres.sh", "crash", env=dict(os.environ))
        run("postgres.sh", "start", env=dict(os.environ))

    @contextmanager
    def cut(self, service: str) -> Iterator[None]:
        role = f"zr_{service}"
        support.as_superuser(
            "postgres",
            f"ALTER ROLE {role} NOLOGIN;\n"
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}';\n",
        )
        try:
            yield
        finally:
            support.as_superuser("postgres", f"ALTER ROLE {role} LOGIN;\n")
