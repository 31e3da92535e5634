from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore", frozen=True)

    service_name: str = "reporting"
    http_port: int = 8003
    pg_database: str = "zr_reporting"
    consumer_group: str = "reporting"
    run_consumer: bool = True
