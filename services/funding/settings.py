from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class FundingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FUNDING_", extra="ignore", frozen=True)

    service_name: str = "funding"
    http_port: int = 8002
    pg_database: str = "zr_funding"
    run_relay: bool = True
    # Consume the regions service's events (which regions exist, their budgets).
    run_consumer: bool = True
    consumer_group: str = "funding"
