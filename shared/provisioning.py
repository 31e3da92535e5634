"""Provisioning a deployment on the broker, as the admin: users, topics, and who may do what.

Least privilege: each service writes only its own topic and its own dead-letter topic,
reads only what it consumes, uses only consumer groups named after itself, and may not
create, delete or alter anything. Agencies read the two public topics with consumer
groups named `<user>.<anything>`. Topics are created here (partitions, replication,
`min.insync.replicas`, kept forever), never by a service. Run again, it makes the ACLs of
the deployment's principals exactly these (what else they had is removed).

`python -m shared.provisioning [--prefix zr]` (deploy/kafka.sh and compose run it); the
tests provision a deployment of their own per test.
"""

import argparse
import os
import sys
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from confluent_kafka import KafkaException
from confluent_kafka.admin import (
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    AdminClient,
    NewTopic,
    ResourcePatternType,
    ResourceType,
    ScramCredentialInfo,
    ScramMechanism,
    UserScramCredentialAlteration,
    UserScramCredentialUpsertion,
)

from shared.kafka import KafkaAccess, dev_password
from shared.topics import KEEP_FOREVER, Topics

PRINCIPALS = Path(__file__).resolve().parent.parent / "deploy" / "kafka" / "principals"
TOPIC, GROUP = ResourceType.TOPIC, ResourceType.GROUP
LITERAL, PREFIXED = ResourcePatternType.LITERAL, ResourcePatternType.PREFIXED
READ, WRITE, DESCRIBE = AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE
Binding = tuple[ResourceType, str, ResourcePatternType, AclOperation]


@dataclass(frozen=True)
class Access:
    """What one principal may do: write and read topics, use consumer groups (a prefix)."""

    writes: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    def bindings(self) -> set[Binding]:
        out: set[Binding] = set()
        for topic in self.writes:
            out |= {(TOPIC, topic, LITERAL, WRITE), (TOPIC, topic, LITERAL, DESCRIBE)}
        for topic in self.reads:
            out |= {(TOPIC, topic, LITERAL, READ), (TOPIC, topic, LITERAL, DESCRIBE)}
        for group in self.groups:
            out |= {(GROUP, group, PREFIXED, READ), (GROUP, group, PREFIXED, DESCRIBE)}
        return out


def rules(prefix: str, agencies: Iterable[str]) -> dict[str, Access]:
    """Who may do what in the deployment `prefix`."""
    t = Topics(prefix)
    out = {
        # Each reads its own topic too: the anchors of its hash chain are there (verify).
        "regions": Access(writes=(t.regions_events,), reads=(t.regions_events,)),
        # Funding reads its dead letters: they are the only record of what it parked (the
        # operator's tool lists and replays them as funding).
        "funding": Access(
            writes=(t.funding_events, t.dead_letter("funding")),
            reads=(t.regions_events, t.funding_events, t.dead_letter("funding")),
            groups=("funding",),
        ),
        "reporting": Access(
            writes=(t.dead_letter("reporting"),), reads=t.public, groups=("reporting",)
        ),
    }
    for agency in agencies:
        out[agency] = Access(reads=t.public, groups=(f"{agency}.",))
    return out


@dataclass(frozen=True)
class Deployment:
    prefix: str = "zr"
    partitions: int = 3
    replication: int = 1
    min_insync: int = 1
    principals: dict[str, str] = field(default_factory=lambda: read_principals(PRINCIPALS))

    @property
    def topics(self) -> list[str]:
        t = Topics(self.prefix)
        return [*t.public, t.dead_letter("funding"), t.dead_letter("reporting")]

    def access(self) -> dict[str, Access]:
        agencies = [n for n, kind in self.principals.items() if kind == "agency"]
        return rules(self.prefix, agencies)


def read_principals(path: Path) -> dict[str, str]:
    """name -> kind (admin, service, agency), from deploy/kafka/principals."""
    out = {}
    for line in path.read_text().splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 2:
            out[words[0]] = words[1]
    return out


def admin_client(kafka: KafkaAccess) -> AdminClient:
    tls = {"ssl.ca.location": kafka.ca_file} if kafka.ca_file else {}
    return AdminClient(
        {
            "bootstrap.servers": kafka.bootstrap,
            "security.protocol": "SASL_SSL" if kafka.ca_file else "SASL_PLAINTEXT",
            "sasl.mechanism": "SCRAM-SHA-512",
            "sasl.username": kafka.username,
            "sasl.password": kafka.password,
            **tls,
        }
    )


def provision(admin: AdminClient, d: Deployment) -> None:
    create_topics(admin, d)
    grant_exactly(admin, d.prefix, d.access())


def create_topics(admin: AdminClient, d: Deployment) -> None:
    config = {**KEEP_FOREVER, "min.insync.replicas": str(d.min_insync)}
    new = [NewTopic(n, d.partitions, d.replication, config=config) for n in d.topics]
    for name, done in admin.create_topics(new, request_timeout=30).items():
        try:
            done.result()
        except KafkaException as exc:
            if exc.args[0].name() != "TOPIC_ALREADY_EXISTS":
                raise RuntimeError(f"creating topic {name}: {exc}") from exc


def grant_exactly(admin: AdminClient, prefix: str, access: dict[str, Access]) -> None:
    """The deployment's ACLs of these principals: exactly `access` (extra ones removed)."""
    for principal, rule in access.items():
        user = f"User:{principal}"
        wanted = rule.bindings()
        filter_ = AclBindingFilter(  # None: any name, any host
            ResourceType.ANY, None, ResourcePatternType.ANY, user, None,  # type: ignore[arg-type]
            AclOperation.ANY, AclPermissionType.ANY,
        )  # fmt: skip
        existing = admin.describe_acls(filter_, request_timeout=30).result()
        stale = [
            b
            for b in existing
            if (b.restype, b.name, b.resource_pattern_type, b.operation) not in wanted
            and (b.restype == GROUP or b.name == prefix or b.name.startswith(f"{prefix}."))
        ]
        if stale:
            for done in admin.delete_acls([_filter(b) for b in stale]).values():
                done.result()
        have = {(b.restype, b.name, b.resource_pattern_type, b.operation) for b in existing}
        missing = wanted - have
        if missing:
            bindings = [
                AclBinding(kind, name, pattern, user, "*", op, AclPermissionType.ALLOW)
                for kind, name, pattern, op in sorted(missing, key=str)
            ]
            for done in admin.create_acls(bindings, request_timeout=30).values():
                done.result()


def remove(admin: AdminClient, d: Deployment) -> None:
    """A deployment's topics and their ACLs gone (the tests' own deployments)."""
    for name in d.topics:
        anyone: str = None  # type: ignore[assignment]  # a filter's None: any principal, host
        f = AclBindingFilter(
            TOPIC, name, LITERAL, anyone, anyone, AclOperation.ANY, AclPermissionType.ANY
        )
        for done in admin.delete_acls([f]).values():
            done.result()
    for done in admin.delete_topics(d.topics, request_timeout=30).values():
        with suppress(KafkaException):  # never created
            done.result()


def set_passwords(admin: AdminClient, principals: dict[str, str]) -> None:
    """Every principal's SCRAM password (ZR_KAFKA_PASSWORD_<NAME>, or the development one)."""
    info = ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192)
    upserts: list[UserScramCredentialAlteration] = [
        UserScramCredentialUpsertion(name, info, password_of(name).encode())
        for name, kind in principals.items()
        if kind != "admin"
    ]
    for done in admin.alter_user_scram_credentials(upserts).values():
        done.result()


def password_of(name: str) -> str:
    var = "ZR_KAFKA_PASSWORD_" + name.upper().replace("-", "_")
    return os.environ.get(var) or dev_password(name)


def _filter(b: AclBinding) -> AclBindingFilter:
    return AclBindingFilter(
        b.restype, b.name, b.resource_pattern_type, b.principal, b.host, b.operation,
        b.permission_type,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.provisioning", description=__doc__)
    env = os.environ.get
    parser.add_argument("--bootstrap", default=env("ZR_KAFKA_BOOTSTRAP", "127.0.0.1:9092"))
    parser.add_argument("--prefix", default=env("ZR_TOPIC_PREFIX", "zr"))
    parser.add_argument("--partitions", type=int, default=int(env("ZR_TOPIC_PARTITIONS", "3")))
    parser.add_argument("--replication", type=int, default=int(env("ZR_TOPIC_REPLICATION", "1")))
    parser.add_argument("--min-insync", type=int, default=int(env("ZR_TOPIC_MIN_INSYNC", "1")))
    parser.add_argument("--ca-file", default=env("ZR_KAFKA_CA_FILE"), help="TLS: the brokers' CA")
    parser.add_argument("--users", action="store_true", help="(re)set every user's password")
    args = parser.parse_args(argv)
    d = Deployment(args.prefix, args.partitions, args.replication, args.min_insync)
    admin = admin_client(KafkaAccess(args.bootstrap, "admin", password_of("admin"), args.ca_file))
    try:
        if args.users:
            set_passwords(admin, d.principals)
        provision(admin, d)
    except (KafkaException, RuntimeError) as exc:
        print(f"error: provisioning {args.prefix} at {args.bootstrap}: {exc}", file=sys.stderr)
        return 1
    print(f"provisioned {args.prefix}: {len(d.topics)} topics, access for {len(d.access())} users")
    return 0


if __name__ == "__main__":
    sys.exit(main())
