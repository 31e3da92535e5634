from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class RegionsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGIONS_", extra="ignore", frozen=True)

    service_name: str = "regions"
    http_port: int = 8001
    pg_database: str = "zr_regions"
    run_relay: bool = True
    # The funding service, which holds a budget cut before regions records it (issue 13,
    # rule 1), e.g. http://funding:8002. Unset: cuts are refused (503), as no one can
    # confirm them; raises and everything else work.
    funding_url: str | None = None
