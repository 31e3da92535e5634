"""python -m services.regions serve|relay|migrate"""

from services.regions.bootstrap import bootstrap, create_api, migrate
from services.regions.settings import RegionsSettings
from shared.cli import main_event_sourced

if __name__ == "__main__":
    main_event_sourced(
        "python -m services.regions", RegionsSettings, bootstrap, create_api, migrate
    )
