"""python -m services.funding serve|relay|consume|migrate"""

from services.funding.bootstrap import bootstrap, create_api, migrate
from services.funding.settings import FundingSettings
from shared.cli import main_event_sourced

if __name__ == "__main__":
    main_event_sourced(
        "python -m services.funding", FundingSettings, bootstrap, create_api, migrate, ("consume",)
    )
