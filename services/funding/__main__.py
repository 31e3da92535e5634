"""python -m services.funding serve|relay|consume"""

from services.funding.bootstrap import bootstrap, create_api
from shared.cli import main_event_sourced

if __name__ == "__main__":
    main_event_sourced("python -m services.funding", bootstrap, create_api, ("consume",))
