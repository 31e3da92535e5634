"""Settings base of every service: Kafka, its own PostgreSQL database, topics, HTTP.

Each service subclasses `ServiceSettings` with its own env prefix (REGIONS_, FUNDING_,
REPORTING_). The eventsourcing `env` is derived here, never read ad hoc.
"""

from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The development password of deploy/postgres.sh; refused in production.
DEV_PG_PASSWORD = "zr-dev-password"  # noqa: S105


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    environment: Literal["development", "test", "production"] = "development"
    service_name: str = "zr"

    http_host: str = "127.0.0.1"
    http_port: int = 8000

    kafka_bootstrap: str = "127.0.0.1:9092"
    topic_prefix: str = "zr"
    topic_partitions: int = 3

    pg_host: str = "127.0.0.1"
    pg_port: int = 5433
    pg_user: str = "zr"
    pg_password: SecretStr = SecretStr(DEV_PG_PASSWORD)
    pg_database: str = "zr"

    # eventsourcing persistence: "postgres" for real runs, "popo" (in memory) for unit tests.
    persistence: Literal["postgres", "popo"] = "postgres"

    @model_validator(mode="after")
    def _no_dev_secrets_in_production(self) -> "ServiceSettings":
        if self.environment == "production" and (
            self.pg_password.get_secret_value() == DEV_PG_PASSWORD
        ):
            raise ValueError("pg_password must be set explicitly in production")
        return self

    @property
    def pg_dsn(self) -> str:
        pw = self.pg_password.get_secret_value()
        return f"postgresql://{self.pg_user}:{pw}@{self.pg_host}:{self.pg_port}/{self.pg_database}"

    def eventsourcing_env(self) -> dict[str, str]:
        if self.persistence == "popo":
            return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.pg_database,
            "POSTGRES_HOST": self.pg_host,
            "POSTGRES_PORT": str(self.pg_port),
            "POSTGRES_USER": self.pg_user,
            "POSTGRES_PASSWORD": self.pg_password.get_secret_value(),
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "5",
        }
