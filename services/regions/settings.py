from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class RegionsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGIONS_", extra="ignore", frozen=True)

    service_name: str = "regions"
    http_port: int = 8001
    pg_database: str = "zr_regions"
    run_relay: bool = True
