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

from shared.kafka import KafkaAccess, dev_password

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


class SigningSettings(BaseSettings):
    """What signs and checks tokens, for the whole deployment: the services, the token
    tool, the programme loader (ZR_ENVIRONMENT, ZR_JWT_SECRET, ZR_JWT_AUDIENCE)."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    environment: Literal["development", "test", "production"] = Field(
        "development", validation_alias="zr_environment"
    )
    # Bearer tokens: one key shared by all services (ZR_JWT_SECRET), HS256.
    jwt_secret: SecretStr | None = Field(None, validation_alias="zr_jwt_secret")
    jwt_audience: str = Field("zukunftsregionen", validation_alias="zr_jwt_audience")

    @model_validator(mode="after")
    def _a_signing_key_of_its_own_in_production(self) -> "SigningSettings":
        key = self.jwt_secret.get_secret_value() if self.jwt_secret else None
        if key is not None and len(key) < 32:
            raise ValueError("ZR_JWT_SECRET must be at least 32 characters long")
        if self.environment == "production":
            if key is None:
                raise ValueError("ZR_JWT_SECRET must be set in production (there is no default)")
            if from_the_repository(key):
                raise ValueError(
                    "ZR_JWT_SECRET is a development value from the repository; production "
                    "needs a secret of its own"
                )
        return self

    @property
    def signing_key(self) -> str:
        """The key tokens are signed and checked with; the development key outside production."""
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        if self.environment == "production":
            raise ValueError("no signing key in production")
        return DEV_JWT_SECRET


class ServiceSettings(SigningSettings):
    service_name: str = "zr"

    http_host: str = "127.0.0.1"
    http_port: int = 8000
    # Where a process without an API (a relay or consumer alone) serves /metrics.
    metrics_port: int | None = None
    # Where spans go (OTLP over HTTP, e.g. http://127.0.0.1:4318/v1/traces); none: nowhere.
    otlp_endpoint: str | None = None
    # A file the spans are appended to as JSON lines (make run; tools.ops trace reads it).
    traces_file: str | None = None
    # A consumer that has not polled for this long leaves its group (its partitions go to
    # another member); the fault suite makes it short.
    consumer_max_poll_interval_ms: int = 300_000
    # Larger request bodies are refused with 413, unread (the largest real command, a
    # region's members, is a few kilobytes).
    max_body_bytes: int = 1_048_576

    kafka_bootstrap: str = "127.0.0.1:9092"
    # TLS to the brokers (SASL_SSL): the CA of their certificates. Required in production.
    kafka_ca_file: str | None = None
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
    # TLS to PostgreSQL: verify-full (certificate and host name) is required in production.
    pg_sslmode: Literal["disable", "prefer", "require", "verify-ca", "verify-full"] = "prefer"
    pg_sslrootcert: str | None = None
    pg_owner_user: str | None = Field(None, pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    pg_owner_password: SecretStr | None = None

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
        if self.environment != "production":
            return self
        if self.kafka_ca_file is None:
            raise ValueError(f"{prefix}KAFKA_CA_FILE must be set in production (TLS to Kafka)")
        if self.pg_sslmode != "verify-full" or self.pg_sslrootcert is None:
            raise ValueError(
                f"{prefix}PG_SSLMODE must be verify-full in production, with "
                f"{prefix}PG_SSLROOTCERT (TLS to PostgreSQL, its certificate and name checked)"
            )
        if self.pg_create_schema:
            raise ValueError(
                f"{prefix}PG_CREATE_SCHEMA must be false in production: the service runs as a "
                "role that owns nothing (the owner migrates: python -m services.<name> migrate)"
            )
        secrets = {
            f"{prefix}PG_PASSWORD": self.pg_password,
            f"{prefix}KAFKA_PASSWORD": self.kafka_password,
        }
        if self.pg_owner_user is not None:  # a migration, as the database's owner
            secrets[f"{prefix}PG_OWNER_PASSWORD"] = self.pg_owner_password
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
        password = (
            self.kafka_password.get_secret_value()
            if self.kafka_password
            else dev_password(username)
        )
        return KafkaAccess(self.kafka_bootstrap, username, password, self.kafka_ca_file)

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
        tls = "&".join(
            f"{k.removeprefix('PG').lower()}={quote(v, safe='')}"
            for k, v in self.libpq_environment().items()
        )
        return f"postgresql://{user}:{pw}@{self.pg_host}:{self.pg_port}/{self.pg_database}?{tls}"

    def libpq_environment(self) -> dict[str, str]:
        """TLS to PostgreSQL as libpq's environment: eventsourcing hands psycopg only the
        host, port, database, user and password, so its connections take the rest from
        the process's environment (the composition roots set it)."""
        env: dict[str, str] = {"PGSSLMODE": self.pg_sslmode}
        if self.pg_sslrootcert:
            env["PGSSLROOTCERT"] = self.pg_sslrootcert
        return env

    def eventsourcing_env(self) -> dict[str, str]:
        # Aggregates are cached and fast-forwarded with the events stored since (by this
        # or another process), so a long-lived aggregate (the programme, a busy budget) is
        # not rebuilt from all its events on every command.
        cache = {"AGGREGATE_CACHE_MAXSIZE": str(self.aggregate_cache_size)}
        if self.persistence == "popo":
            return {"PERSISTENCE_MODULE": "eventsourcing.popo", **cache}
        return {
            **cache,
            **self.libpq_environment(),  # TLS: set in the process by ZrApplication
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
