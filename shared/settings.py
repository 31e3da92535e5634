"""Settings base of every service: Kafka, its own PostgreSQL database, topics, HTTP.

Each service subclasses `ServiceSettings` with its own env prefix (REGIONS_, FUNDING_,
REPORTING_). Two settings belong to the whole deployment and are read by every service
and tool under one name: ZR_ENVIRONMENT and ZR_JWT_SECRET. The eventsourcing `env` is
derived here, never read ad hoc.

Production refuses to start with a secret that appears in the repository (the
development passwords of the deploy scripts and compose, the development signing key),
naming the setting.
"""

import os
from typing import Literal, Self
from urllib.parse import quote

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.kafka import KafkaAccess

# The development password of deploy/postgres.sh; refused in production.
DEV_PG_PASSWORD = "zr-dev-password"  # noqa: S105
# The signing key for bearer tokens in development and tests; refused in production.
DEV_JWT_SECRET = "zr-development-signing-key-never-use-in-production"  # noqa: S105
# Every secret written in the repository (deploy scripts, compose, tests); deploy/kafka.sh
# gives each Kafka user "<user>-dev-password".
DEVELOPMENT_SECRETS = frozenset({DEV_PG_PASSWORD, DEV_JWT_SECRET})
DEVELOPMENT_SUFFIX = "-dev-password"
# Read under one name for the whole deployment, never with a service's prefix.
SYSTEM_WIDE = {"environment": "ZR_ENVIRONMENT", "jwt_secret": "ZR_JWT_SECRET"}


def from_the_repository(secret: str) -> bool:
    return secret in DEVELOPMENT_SECRETS or secret.endswith(DEVELOPMENT_SUFFIX)


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    environment: Literal["development", "test", "production"] = Field(
        "development", validation_alias="zr_environment"
    )
    service_name: str = "zr"

    http_host: str = "127.0.0.1"
    http_port: int = 8000
    # Larger request bodies are refused with 413, unread (the largest real command, a
    # region's members, is a few kilobytes).
    max_body_bytes: int = 1_048_576

    kafka_bootstrap: str = "127.0.0.1:9092"
    # The service's own Kafka user (SASL/SCRAM); by default the service's name.
    kafka_username: str | None = None
    kafka_password: SecretStr | None = None
    topic_prefix: str = "zr"
    topic_partitions: int = 3

    pg_host: str = "127.0.0.1"
    pg_port: int = 5433
    # The role the service runs as. In development and the in-process tests it owns the
    # database and creates its tables itself (pg_create_schema); everywhere else it owns
    # nothing, and the owner role makes the tables: `python -m services.<name> migrate`.
    pg_user: str = Field("zr", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    pg_password: SecretStr = SecretStr(DEV_PG_PASSWORD)
    pg_database: str = "zr"
    pg_create_schema: bool = True
    pg_owner_user: str | None = Field(None, pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    pg_owner_password: SecretStr | None = None

    # Bearer tokens: one key shared by all services (ZR_JWT_SECRET), HS256.
    jwt_secret: SecretStr | None = Field(None, validation_alias="zr_jwt_secret")
    jwt_audience: str = "zukunftsregionen"

    aggregate_cache_size: int = 10_000
    # How often the head of the event store's hash chain is published (ChainAnchored).
    chain_anchor_seconds: float = Field(60.0, gt=0)

    # eventsourcing persistence: "postgres" for real runs, "popo" (in memory) for unit tests.
    persistence: Literal["postgres", "popo"] = "postgres"

    @model_validator(mode="after")
    def _no_dev_secrets_in_production(self) -> "ServiceSettings":
        prefix = str(self.model_config.get("env_prefix", "")).upper()
        for field, name in SYSTEM_WIDE.items():
            prefixed = f"{prefix}{field.upper()}"
            if prefix and prefixed != name and prefixed in os.environ:
                raise ValueError(
                    f"{prefixed} is not read: {name} is one setting for every service and tool"
                )
        if self.jwt_secret is not None and len(self.jwt_secret.get_secret_value()) < 32:
            raise ValueError("ZR_JWT_SECRET must be at least 32 characters long")
        if self.environment != "production":
            return self
        if self.pg_create_schema:
            raise ValueError(
                f"{prefix}PG_CREATE_SCHEMA must be false in production: the service runs as a "
                "role that owns nothing (the owner migrates: python -m services.<name> migrate)"
            )
        secrets = {
            f"{prefix}PG_PASSWORD": self.pg_password,
            f"{prefix}KAFKA_PASSWORD": self.kafka_password,
            "ZR_JWT_SECRET": self.jwt_secret,
        }
        for name, secret in secrets.items():
            if secret is None:
                raise ValueError(f"{name} must be set in production (there is no default)")
            if from_the_repository(secret.get_secret_value()):
                raise ValueError(
                    f"{name} is a development value from the repository; production needs "
                    "a secret of its own"
                )
        return self

    @property
    def kafka(self) -> KafkaAccess:
        username = self.kafka_username or self.service_name
        if self.kafka_password is None:
            return KafkaAccess.development(self.kafka_bootstrap, username)
        return KafkaAccess(self.kafka_bootstrap, username, self.kafka_password.get_secret_value())

    @property
    def signing_key(self) -> str:
        """The key tokens are signed and checked with; the development key outside production."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        if self.environment == "production":
            raise ValueError("no signing key in production")
        return DEV_JWT_SECRET

    @property
    def pg_dsn(self) -> str:
        return self._dsn(self.pg_user, self.pg_password)

    @property
    def owner_dsn(self) -> str:
        """The database as its owner (migrations, the rebuild); the service's own role
        where that owns its tables (development)."""
        return self.as_owner().pg_dsn

    def as_owner(self) -> Self:
        """The same settings, acting as the database's owner (who creates the tables)."""
        if self.pg_owner_user is None:
            return self
        return self.model_copy(
            update={
                "pg_user": self.pg_owner_user,
                "pg_password": self.pg_owner_password or SecretStr(""),
                "pg_create_schema": True,
            }
        )

    def _dsn(self, user: str, password: SecretStr) -> str:
        pw = quote(password.get_secret_value(), safe="")
        return f"postgresql://{user}:{pw}@{self.pg_host}:{self.pg_port}/{self.pg_database}"

    def eventsourcing_env(self) -> dict[str, str]:
        # Aggregates are cached and fast-forwarded with the events stored since (by this
        # or another process), so a long-lived aggregate (the programme, a busy budget) is
        # not rebuilt from all its events on every command.
        cache = {"AGGREGATE_CACHE_MAXSIZE": str(self.aggregate_cache_size)}
        if self.persistence == "popo":
            return {"PERSISTENCE_MODULE": "eventsourcing.popo", **cache}
        return {
            **cache,
            # Tables are the owner's to create (migrate), unless the service's role owns them.
            "CREATE_TABLE": "y" if self.pg_create_schema else "n",
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.pg_database,
            "POSTGRES_HOST": self.pg_host,
            "POSTGRES_PORT": str(self.pg_port),
            "POSTGRES_USER": self.pg_user,
            "POSTGRES_PASSWORD": self.pg_password.get_secret_value(),
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "5",
        }
