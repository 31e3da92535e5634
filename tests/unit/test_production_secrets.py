"""Production refuses every secret that is written in the repository, through every
setting that takes one, and names the setting; the token tool and the services read the
same variables."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from services.funding.settings import FundingSettings
from services.regions.settings import RegionsSettings
from services.reporting.settings import ReportingSettings
from shared.kafka import dev_password
from shared.settings import DEV_JWT_SECRET, DEV_PG_PASSWORD, ServiceSettings
from shared.tokens import ToolSettings
from shared.tokens import main as mint_cli

ROOT = Path(__file__).resolve().parents[2]
PRINCIPALS = ["controller"] + [
    line.split()[0]
    for line in (ROOT / "deploy/kafka/principals").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]
# deploy/postgres.sh's roles: each service's own and its owner.
ROLES = [f"zr_{s}{o}" for s in ("regions", "funding", "reporting") for o in ("", "_owner")]
KNOWN = [
    DEV_PG_PASSWORD,
    DEV_JWT_SECRET,
    *(dev_password(user) for user in PRINCIPALS),
    *(f"{role}-dev-password" for role in ROLES),  # deploy/postgres.sh
]
SERVICES: list[tuple[str, type[ServiceSettings]]] = [
    ("REGIONS", RegionsSettings),
    ("FUNDING", FundingSettings),
    ("REPORTING", ReportingSettings),
]
REAL = {"PG_PASSWORD": "a-real-pg-secret", "KAFKA_PASSWORD": "a-real-kafka-secret"}


def production(monkeypatch: pytest.MonkeyPatch, prefix: str) -> None:
    monkeypatch.setenv("ZR_ENVIRONMENT", "production")
    monkeypatch.setenv("ZR_JWT_SECRET", "a-real-signing-key-of-at-least-32-characters")
    monkeypatch.setenv(f"{prefix}_PG_CREATE_SCHEMA", "false")
    monkeypatch.setenv(f"{prefix}_KAFKA_CA_FILE", "/etc/zr/ca.crt")
    monkeypatch.setenv(f"{prefix}_PG_SSLMODE", "verify-full")
    monkeypatch.setenv(f"{prefix}_PG_SSLROOTCERT", "/etc/zr/ca.crt")
    for name, value in REAL.items():
        monkeypatch.setenv(f"{prefix}_{name}", value)


def test_the_development_values_are_every_secret_the_repository_holds() -> None:
    """The list is complete: no other password or key is written in a deployment file."""
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "dev-password" not in compose and "change-me" not in compose
    assert "${ZR_JWT_SECRET:?" in compose
    assert len(KNOWN) == 2 + len(PRINCIPALS) + len(ROLES) >= 2 + 8 + 6


@pytest.mark.parametrize(("prefix", "settings"), SERVICES, ids=[p for p, _ in SERVICES])
@pytest.mark.parametrize(
    "setting", ["PG_PASSWORD", "KAFKA_PASSWORD", "JWT_SECRET", "PG_OWNER_PASSWORD"]
)
@pytest.mark.parametrize("known", KNOWN)
def test_production_refuses_a_secret_from_the_repository_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch,
    prefix: str,
    settings: type[ServiceSettings],
    setting: str,
    known: str,
) -> None:
    production(monkeypatch, prefix)
    monkeypatch.setenv(f"{prefix}_PG_OWNER_USER", f"zr_{prefix.lower()}_owner")  # migrating
    monkeypatch.setenv(f"{prefix}_PG_OWNER_PASSWORD", "a-real-owner-secret")
    name = "ZR_JWT_SECRET" if setting == "JWT_SECRET" else f"{prefix}_{setting}"
    monkeypatch.setenv(name, known)
    with pytest.raises(ValidationError, match=name):
        settings()


@pytest.mark.parametrize(("prefix", "settings"), SERVICES, ids=[p for p, _ in SERVICES])
def test_production_starts_with_secrets_of_its_own(
    monkeypatch: pytest.MonkeyPatch, prefix: str, settings: type[ServiceSettings]
) -> None:
    production(monkeypatch, prefix)
    assert settings().environment == "production"


@pytest.mark.parametrize("setting", ["ENVIRONMENT", "JWT_SECRET"])
def test_a_system_wide_setting_under_a_services_prefix_is_refused(
    monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    """FUNDING_ENVIRONMENT=production would otherwise be ignored without a word."""
    monkeypatch.setenv(f"FUNDING_{setting}", "production")
    with pytest.raises(ValidationError, match=f"ZR_{setting} is one setting"):
        FundingSettings()


def test_the_token_tool_reads_the_services_variables(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "the-deployments-own-signing-key-0123456789"
    monkeypatch.setenv("ZR_JWT_SECRET", key)
    assert ToolSettings().signing_key == FundingSettings().signing_key == key
    monkeypatch.setenv("ZR_ENVIRONMENT", "production")
    production(monkeypatch, "ZR")
    assert mint_cli(["--role", "ministry"]) == 2
    assert "not minted here in production" in capsys.readouterr().err


def test_production_runs_as_a_role_that_owns_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch, "FUNDING")
    monkeypatch.setenv("FUNDING_PG_CREATE_SCHEMA", "true")
    with pytest.raises(ValidationError, match="FUNDING_PG_CREATE_SCHEMA must be false"):
        FundingSettings()


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("KAFKA_CA_FILE", "", "FUNDING_KAFKA_CA_FILE must be set"),
        ("PG_SSLMODE", "require", "FUNDING_PG_SSLMODE must be verify-full"),
    ],
)
def test_production_talks_tls_to_kafka_and_postgres(
    monkeypatch: pytest.MonkeyPatch, setting: str, value: str, named: str
) -> None:
    production(monkeypatch, "FUNDING")
    if value:
        monkeypatch.setenv(f"FUNDING_{setting}", value)
    else:
        monkeypatch.delenv(f"FUNDING_{setting}")
    with pytest.raises(ValidationError, match=named):
        FundingSettings()
