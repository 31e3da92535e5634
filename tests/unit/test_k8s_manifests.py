"""The Kubernetes manifests (deploy/k8s, docs/operations.md) say what the code says.

Each service's Deployment and migrate Job start with settings that pass production's
checks (the service's own Settings class, built from the manifest's environment) and set
no variable the service does not read; the API listens where the probes and the Service
look; the database, its roles, secrets and CA are the service's CloudNativePG cluster's;
the Kafka users' ACLs and the topics are exactly shared/provisioning.py's; no password
is written in the manifests. A manifest that drifts from the code fails here.
"""

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from confluent_kafka.admin import AclOperation

from services.funding.settings import FundingSettings
from services.regions.settings import RegionsSettings
from services.reporting.settings import ReportingSettings
from shared.provisioning import GROUP, LITERAL, PREFIXED, TOPIC, Binding, Deployment
from shared.settings import ServiceSettings, SigningSettings
from shared.topics import KEEP_FOREVER

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
PREFIX = "zr"  # the deployment's topic prefix (and the Kafka cluster's name)
# What a value from a Secret stands for here: long enough for every check, from nowhere.
SECRET = "a-secret-of-at-least-32-characters-0000"
SETTINGS: dict[str, type[ServiceSettings]] = {
    "regions": RegionsSettings,
    "funding": FundingSettings,
    "reporting": ReportingSettings,
}
API_VERSIONS = {
    "Kafka": "kafka.strimzi.io/v1",
    "KafkaNodePool": "kafka.strimzi.io/v1",
    "KafkaTopic": "kafka.strimzi.io/v1",
    "KafkaUser": "kafka.strimzi.io/v1",
    "Cluster": "postgresql.cnpg.io/v1",
    "Deployment": "apps/v1",
    "Service": "v1",
    "PodDisruptionBudget": "policy/v1",
    "Job": "batch/v1",
}
Manifest = dict[str, Any]


def load() -> list[tuple[str, Manifest]]:
    """Every YAML document under deploy/k8s, with the name of its file."""
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc is not None:
                docs.append((path.name, doc))
    return docs


DOCS = load()


def of_kind(kind: str) -> list[Manifest]:
    return [doc for _, doc in DOCS if doc["kind"] == kind]


def named(kind: str, name: str) -> Manifest:
    found = [doc for doc in of_kind(kind) if doc["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name!r}, found {len(found)}"
    return found[0]


def file_of(kind: str, name: str) -> str:
    return next(f for f, d in DOCS if d["kind"] == kind and d["metadata"]["name"] == name)


def pod(workload: Manifest) -> Manifest:
    spec: Manifest = workload["spec"]["template"]["spec"]
    return spec


def container(workload: Manifest) -> Manifest:
    containers = pod(workload)["containers"]
    assert len(containers) == 1, f"{workload['metadata']['name']}: one container expected"
    c: Manifest = containers[0]
    return c


def service_command(workload: Manifest) -> tuple[str, str] | None:
    """("regions", "serve") for `python -m services.regions serve`."""
    command = container(workload)["command"]
    if command[:2] != ["python", "-m"] or not command[2].startswith("services."):
        return None
    module = command[2].removeprefix("services.")
    return (module, command[3]) if module in SETTINGS else None


# Every Deployment and Job that runs a service: (service, command, workload).
WORKLOADS = [
    (*command, doc)
    for kind in ("Deployment", "Job")
    for doc in of_kind(kind)
    if (command := service_command(doc)) is not None
]
WORKLOAD_IDS = [f"{svc}-{command}" for svc, command, _ in WORKLOADS]
DEPLOYMENTS = [(svc, doc) for svc, command, doc in WORKLOADS if command == "serve"]


def environment(workload: Manifest) -> dict[str, str]:
    """The container's environment; a value from a Secret is SECRET."""
    env = {}
    for var in container(workload)["env"]:
        if "value" in var:
            env[var["name"]] = str(var["value"])
        else:
            assert set(var["valueFrom"]) == {"secretKeyRef"}, f"{var['name']}: only secrets"
            env[var["name"]] = SECRET
    return env


def secret_refs(workload: Manifest) -> dict[str, tuple[str, str]]:
    """Variable -> (secret, key), for the variables taken from secrets."""
    return {
        var["name"]: (ref["name"], ref["key"])
        for var in container(workload)["env"]
        if (ref := var.get("valueFrom", {}).get("secretKeyRef"))
    }


def settings_from(
    monkeypatch: pytest.MonkeyPatch, cls: type[SigningSettings], workload: Manifest
) -> Any:
    """The settings class built from the manifest's environment and nothing else."""
    prefixes = (*(str(s.model_config["env_prefix"]) for s in SETTINGS.values()), "ZR_")
    for name in list(os.environ):
        if name.upper().startswith(prefixes):
            monkeypatch.delenv(name)
    for name, value in environment(workload).items():
        monkeypatch.setenv(name, value)
    return cls()


def read_by(cls: type[SigningSettings]) -> set[str]:
    """Every variable the settings class reads: prefix + field, or the field's own name
    (ZR_ENVIRONMENT, ZR_JWT_SECRET, ZR_JWT_AUDIENCE)."""
    prefix = str(cls.model_config.get("env_prefix", "")).upper()
    names = set()
    for name, field in cls.model_fields.items():
        alias = field.validation_alias
        names.add(alias.upper() if isinstance(alias, str) else f"{prefix}{name.upper()}")
    return names


def port_number(port: int | str, c: Manifest) -> int:
    if isinstance(port, int):
        return port
    return int(next(p["containerPort"] for p in c["ports"] if p.get("name") == port))


def mounted_file(workload: Manifest, path: str) -> tuple[str, str]:
    """The (secret, key) a file path in the container comes from."""
    directory, filename = path.rsplit("/", 1)
    mounts = [m for m in container(workload)["volumeMounts"] if m["mountPath"] == directory]
    assert len(mounts) == 1, f"{path} is not in a mounted volume"
    volume = next(v for v in pod(workload)["volumes"] if v["name"] == mounts[0]["name"])
    assert "secret" in volume, f"{path} does not come from a secret"
    items = {i["path"]: i["key"] for i in volume["secret"].get("items", [])}
    assert filename in items, f"{path}: the volume does not project {filename}"
    return volume["secret"]["secretName"], items[filename]


def kafka() -> Manifest:
    (cluster,) = of_kind("Kafka")
    return cluster


def tls_listener() -> Manifest:
    (listener,) = kafka()["spec"]["kafka"]["listeners"]
    return listener


def test_every_document_is_a_known_kind_of_its_api_named_once() -> None:
    assert DOCS, "no manifests under deploy/k8s"
    seen = set()
    for file, doc in DOCS:
        kind, name = doc["kind"], doc["metadata"]["name"]
        assert doc["apiVersion"] == API_VERSIONS.get(kind), f"{file}: {kind} {name}"
        assert (kind, name) not in seen, f"{file}: {kind} {name} twice"
        seen.add((kind, name))
        assert "namespace" not in doc["metadata"], f"{file}: the namespace is kubectl's -n"
        if doc["apiVersion"].startswith("kafka.strimzi.io/") and kind != "Kafka":
            assert doc["metadata"]["labels"]["strimzi.io/cluster"] == kafka()["metadata"]["name"]


def test_no_password_is_written_in_the_manifests() -> None:
    assert not of_kind("Secret"), "secrets are made at deployment time, never committed"
    for kind in ("Deployment", "Job"):
        for doc in of_kind(kind):
            for var in container(doc)["env"]:
                if any(word in var["name"] for word in ("PASSWORD", "SECRET", "TOKEN")):
                    assert "secretKeyRef" in var.get("valueFrom", {}), var["name"]
    for path in K8S.glob("*.yaml"):
        assert "dev-password" not in path.read_text(), path.name


def test_each_service_has_its_deployment_and_its_migration_job() -> None:
    found = {(svc, command, doc["kind"]) for svc, command, doc in WORKLOADS}
    assert found == {
        (svc, command, kind)
        for svc in SETTINGS
        for command, kind in (("serve", "Deployment"), ("migrate", "Job"))
    }
    images = {container(doc)["image"] for kind in ("Deployment", "Job") for doc in of_kind(kind)}
    assert len(images) == 1, f"one image (the Dockerfile's) for everything: {images}"


@pytest.mark.parametrize(("svc", "command", "workload"), WORKLOADS, ids=WORKLOAD_IDS)
def test_the_settings_pass_productions_checks(
    monkeypatch: pytest.MonkeyPatch, svc: str, command: str, workload: Manifest
) -> None:
    """Every setting production requires is set: the service's own checks say so."""
    assert environment(workload)["ZR_ENVIRONMENT"] == "production"
    settings = settings_from(monkeypatch, SETTINGS[svc], workload)  # raises when not
    assert settings.environment == "production"
    assert settings.topic_prefix == PREFIX
    assert (settings.pg_user, settings.pg_database) == (f"zr_{svc}", f"zr_{svc}")
    if command == "migrate":
        assert settings.pg_owner_user == f"zr_{svc}_owner"
        assert settings.pg_owner_password is not None
    else:  # the owner's credentials never reach the service's pods
        assert settings.pg_owner_user is None
        assert not {n for n in environment(workload) if "_PG_OWNER_" in n}


@pytest.mark.parametrize(("svc", "command", "workload"), WORKLOADS, ids=WORKLOAD_IDS)
def test_every_variable_is_one_the_service_reads(
    svc: str, command: str, workload: Manifest
) -> None:
    unread = set(environment(workload)) - read_by(SETTINGS[svc])
    assert not unread, f"{svc} {command} does not read {sorted(unread)}"


@pytest.mark.parametrize(("svc", "deployment"), DEPLOYMENTS, ids=[s for s, _ in DEPLOYMENTS])
def test_the_api_listens_where_the_probes_and_the_service_look(
    monkeypatch: pytest.MonkeyPatch, svc: str, deployment: Manifest
) -> None:
    settings = settings_from(monkeypatch, SETTINGS[svc], deployment)
    c = container(deployment)
    assert deployment["spec"]["replicas"] == 2
    assert settings.http_host == "0.0.0.0"
    assert [p["containerPort"] for p in c["ports"]] == [settings.http_port]
    probes = {"livenessProbe": "/livez", "readinessProbe": "/readyz", "startupProbe": "/livez"}
    for probe, path in probes.items():
        if probe == "startupProbe" and probe not in c:
            continue
        get = c[probe]["httpGet"]
        assert (get["path"], port_number(get["port"], c)) == (path, settings.http_port), probe
    service = named("Service", svc)
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    (port,) = service["spec"]["ports"]
    assert port["port"] == settings.http_port == port_number(port["targetPort"], c)


@pytest.mark.parametrize(("svc", "command", "workload"), WORKLOADS, ids=WORKLOAD_IDS)
def test_the_database_is_the_services_own_cluster(
    monkeypatch: pytest.MonkeyPatch, svc: str, command: str, workload: Manifest
) -> None:
    """Host, database, roles, password secrets and CA are those of the CNPG cluster."""
    settings = settings_from(monkeypatch, SETTINGS[svc], workload)
    clusters = [c for c in of_kind("Cluster") if f"{c['metadata']['name']}-rw" == settings.pg_host]
    assert len(clusters) == 1, f"{settings.pg_host} is not a CNPG cluster's read-write service"
    cluster = clusters[0]
    name, spec = cluster["metadata"]["name"], cluster["spec"]
    assert spec["instances"] == 3 and settings.pg_port == 5432
    initdb = spec["bootstrap"]["initdb"]
    assert (initdb["database"], initdb["owner"]) == (settings.pg_database, f"zr_{svc}_owner")
    roles = {r["name"]: r for r in spec["managed"]["roles"]}
    assert set(roles) == {f"zr_{svc}", f"zr_{svc}_owner"}
    assert all(r["login"] and r.get("ensure", "present") == "present" for r in roles.values())
    secrets = secret_refs(workload)
    prefix = str(SETTINGS[svc].model_config["env_prefix"])
    role = roles[settings.pg_user]
    assert secrets[f"{prefix}PG_PASSWORD"] == (role["passwordSecret"]["name"], "password")
    if command == "migrate":
        owner = roles[settings.pg_owner_user]
        expected = (initdb["secret"]["name"], "password")
        assert secrets[f"{prefix}PG_OWNER_PASSWORD"] == expected
        assert owner["passwordSecret"]["name"] == initdb["secret"]["name"]
    assert mounted_file(workload, settings.pg_sslrootcert) == (f"{name}-ca", "ca.crt")


@pytest.mark.parametrize(("svc", "command", "workload"), WORKLOADS, ids=WORKLOAD_IDS)
def test_kafka_is_reached_as_the_services_own_user_over_tls(
    monkeypatch: pytest.MonkeyPatch, svc: str, command: str, workload: Manifest
) -> None:
    settings = settings_from(monkeypatch, SETTINGS[svc], workload)
    cluster = kafka()["metadata"]["name"]
    listener = tls_listener()
    assert listener["tls"] is True
    assert listener["authentication"]["type"] == "scram-sha-512"
    if command == "serve":  # a migration does not talk to Kafka
        assert settings.kafka_bootstrap == f"{cluster}-kafka-bootstrap:{listener['port']}"
    user = settings.kafka.username
    named("KafkaUser", user)
    secret_prefix = kafka()["spec"]["entityOperator"]["userOperator"].get("secretPrefix", "")
    prefix = str(SETTINGS[svc].model_config["env_prefix"])
    assert secret_refs(workload)[f"{prefix}KAFKA_PASSWORD"] == (
        f"{secret_prefix}{user}",
        "password",
    )
    assert mounted_file(workload, settings.kafka_ca_file) == (
        f"{cluster}-cluster-ca-cert",
        "ca.crt",
    )


def acl_bindings(user: Manifest) -> set[Binding]:
    types = {"topic": TOPIC, "group": GROUP}
    patterns = {"literal": LITERAL, "prefix": PREFIXED}
    out = set()
    for acl in user["spec"]["authorization"]["acls"]:
        assert acl.get("type", "allow") == "allow" and acl.get("host", "*") == "*"
        resource = acl["resource"]
        kind = types[resource["type"]]
        pattern = patterns[resource.get("patternType", "literal")]
        for operation in acl["operations"]:
            out.add((kind, resource["name"], pattern, AclOperation[operation.upper()]))
    return out


def test_the_kafka_users_have_exactly_the_provisioning_rules() -> None:
    """shared.provisioning.rules(prefix, agencies) for every principal but the admin."""
    deployment = Deployment(PREFIX)
    expected = {name: rule.bindings() for name, rule in deployment.access().items()}
    users = of_kind("KafkaUser")
    assert {u["metadata"]["name"]: acl_bindings(u) for u in users} == expected
    for user in users:
        assert user["spec"]["authentication"]["type"] == "scram-sha-512"
        assert user["spec"]["authorization"]["type"] == "simple"
    assert kafka()["spec"]["kafka"]["authorization"]["type"] == "simple"


def test_the_topics_are_the_provisioning_topics_replicated_three_times() -> None:
    deployment = Deployment(PREFIX)
    topics = {
        t["spec"].get("topicName", t["metadata"]["name"]): t["spec"] for t in of_kind("KafkaTopic")
    }
    assert sorted(topics) == sorted(deployment.topics)
    for name, spec in topics.items():
        assert (spec["partitions"], spec["replicas"]) == (deployment.partitions, 3), name
        config = {key: str(value) for key, value in spec["config"].items()}
        assert config == {**KEEP_FOREVER, "min.insync.replicas": "2"}, name
    pools = of_kind("KafkaNodePool")
    assert sum(p["spec"]["replicas"] for p in pools) == 3
    assert all(set(p["spec"]["roles"]) == {"controller", "broker"} for p in pools)
    config = kafka()["spec"]["kafka"]["config"]
    assert config["auto.create.topics.enable"] is False
    assert (config["default.replication.factor"], config["min.insync.replicas"]) == (3, 2)


def test_the_programme_loader_signs_with_the_deployments_key_and_calls_regions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job = named("Job", "programme-loader")
    regions = dict(DEPLOYMENTS)["regions"]
    port = port_number("http", container(regions))
    assert container(job)["command"] == [
        "python",
        "-m",
        "services.regions.programme_data.load",
        "--url",
        f"http://{named('Service', 'regions')['metadata']['name']}:{port}",
    ]
    assert environment(job)["ZR_ENVIRONMENT"] == "production"
    assert set(environment(job)) <= read_by(SigningSettings)
    settings = settings_from(monkeypatch, SigningSettings, job)
    assert settings.environment == "production" and settings.jwt_secret is not None


def test_the_files_are_applied_in_the_order_things_depend_on() -> None:
    """Kafka, topics and users, databases, migrations, services, the loader: the files'
    order is docs/operations.md's; under Helm the migrations are pre-install/pre-upgrade
    hooks."""
    order = [
        file_of("Kafka", PREFIX),
        *(file_of("KafkaTopic", t["metadata"]["name"]) for t in of_kind("KafkaTopic")),
        *(file_of("KafkaUser", u["metadata"]["name"]) for u in of_kind("KafkaUser")),
        *(file_of("Cluster", c["metadata"]["name"]) for c in of_kind("Cluster")),
    ]
    assert order == sorted(order)
    migrations = [doc for svc, command, doc in WORKLOADS if command == "migrate"]
    services = [doc for svc, command, doc in WORKLOADS if command == "serve"]
    last_database = max(file_of("Cluster", c["metadata"]["name"]) for c in of_kind("Cluster"))
    for job in migrations:
        hooks = job["metadata"]["annotations"]["helm.sh/hook"].split(",")
        assert {"pre-install", "pre-upgrade"} <= set(hooks)
        assert last_database < file_of("Job", job["metadata"]["name"])
        for deployment in services:
            assert file_of("Job", job["metadata"]["name"]) < file_of(
                "Deployment", deployment["metadata"]["name"]
            )
    for deployment in services:
        assert file_of("Deployment", deployment["metadata"]["name"]) < file_of(
            "Job", "programme-loader"
        )
