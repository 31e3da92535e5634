"""Bearer tokens: minted, checked, refused."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from pydantic import ValidationError

from shared.auth import Authenticator
from shared.errors import Unauthorized
from shared.settings import DEV_JWT_SECRET, ServiceSettings
from shared.tokens import main as mint_cli

AUTH = Authenticator(key="k" * 64, audience="zukunftsregionen")


def test_a_token_carries_role_subject_and_region() -> None:
    token = AUTH.mint(role="regional_management", subject="rm-jade-1", region_id="jadebay")
    actor = AUTH.verify(token)
    assert (actor.role, actor.subject, actor.region_id) == (
        "regional_management",
        "rm-jade-1",
        "jadebay",
    )


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (
            AUTH.mint(role="ministry", subject="x", now=datetime.now(UTC) - timedelta(days=1)),
            "expired",
        ),
        (
            Authenticator("o" * 64, "zukunftsregionen").mint(role="ministry", subject="x"),
            "not valid",
        ),
        (Authenticator("k" * 64, "another-system").mint(role="ministry", subject="x"), "not valid"),
        ("not-a-token", "not valid"),
        (
            jwt.encode(
                {"sub": "x", "role": "system", "aud": "zukunftsregionen", "iat": 0, "exp": 2**40},
                "k" * 64,
            ),
            "claims are not valid",
        ),
        (
            jwt.encode(
                {
                    "sub": "x",
                    "role": "steering_group",
                    "aud": "zukunftsregionen",
                    "iat": 0,
                    "exp": 2**40,
                },
                "k" * 64,
            ),
            "must name its region",
        ),
        (
            jwt.encode(
                {"sub": "x", "role": "ministry", "aud": "zukunftsregionen", "iat": 0, "exp": 2**40},
                "k" * 64,
                algorithm="HS512",
            ),
            "not valid",
        ),
    ],
)
def test_untrustworthy_tokens_are_refused(token: str, message: str) -> None:
    with pytest.raises(Unauthorized, match=message):
        AUTH.verify(token)


def test_regional_roles_need_their_region_and_others_have_none() -> None:
    with pytest.raises(ValidationError, match="must name its region"):
        AUTH.mint(role="steering_group", subject="sg")
    with pytest.raises(ValidationError, match="does not belong to a region"):
        AUTH.mint(role="nbank", subject="nb", region_id="jadebay")


def test_there_is_no_default_signing_key_in_production() -> None:
    with pytest.raises(ValidationError, match="ZR_JWT_SECRET must be set in production"):
        ServiceSettings(
            zr_environment="production",
            pg_create_schema=False,
            kafka_ca_file="/etc/zr/ca.crt",
            pg_sslmode="verify-full",
            pg_sslrootcert="/etc/zr/ca.crt",
            pg_password="a-real-password",  # type: ignore[arg-type]
            kafka_password="a-kafka-password",  # type: ignore[arg-type]
        )
    with pytest.raises(ValidationError, match="at least 32 characters"):
        ServiceSettings(zr_jwt_secret="short")  # type: ignore[arg-type]
    assert ServiceSettings().signing_key == DEV_JWT_SECRET
    real = ServiceSettings(
        zr_environment="production",
        pg_create_schema=False,
        kafka_ca_file="/etc/zr/ca.crt",
        pg_sslmode="verify-full",
        pg_sslrootcert="/etc/zr/ca.crt",
        pg_password="a-real-password",  # type: ignore[arg-type]
        kafka_password="a-kafka-password",  # type: ignore[arg-type]
        zr_jwt_secret="p" * 40,  # type: ignore[arg-type]
    )
    assert real.signing_key == "p" * 40


def test_each_service_reaches_kafka_as_itself_with_no_dev_password_in_production() -> None:
    development = ServiceSettings(service_name="funding").kafka
    assert (development.username, development.password) == ("funding", "funding-dev-password")
    options = development.options()
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert options["security_protocol"] == "SASL_PLAINTEXT"
    assert options["sasl_plain_username"] == "funding"
    with pytest.raises(ValidationError, match="KAFKA_PASSWORD must be set in production"):
        ServiceSettings(
            zr_environment="production",
            pg_create_schema=False,
            kafka_ca_file="/etc/zr/ca.crt",
            pg_sslmode="verify-full",
            pg_sslrootcert="/etc/zr/ca.crt",
            pg_password="a-real-password",  # type: ignore[arg-type]
            zr_jwt_secret="p" * 40,  # type: ignore[arg-type]
        )


def test_the_cli_mints_development_tokens(capsys: pytest.CaptureFixture[str]) -> None:
    assert mint_cli(["--role", "steering_group", "--region", "jadebay"]) == 0
    token = capsys.readouterr().out.strip()
    actor = Authenticator(DEV_JWT_SECRET, "zukunftsregionen").verify(token)
    assert (actor.role, actor.subject, actor.region_id) == (
        "steering_group",
        "dev-steering_group",
        "jadebay",
    )


def test_the_cli_explains_a_bad_request(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert mint_cli(["--role", "regional_management"]) == 2
    assert "must name its region" in capsys.readouterr().err
    monkeypatch.setenv("ZR_ENVIRONMENT", "production")
    monkeypatch.setenv("ZR_PG_PASSWORD", "a-real-password")
    monkeypatch.setenv("ZR_JWT_SECRET", "p" * 40)
    monkeypatch.setenv("ZR_KAFKA_PASSWORD", "a-kafka-password")
    monkeypatch.setenv("ZR_PG_CREATE_SCHEMA", "false")
    monkeypatch.setenv("ZR_KAFKA_CA_FILE", "/etc/zr/ca.crt")
    monkeypatch.setenv("ZR_PG_SSLMODE", "verify-full")
    monkeypatch.setenv("ZR_PG_SSLROOTCERT", "/etc/zr/ca.crt")
    assert mint_cli(["--role", "ministry"]) == 2
    assert "not minted here in production" in capsys.readouterr().err
