"""python -m services.reporting serve|consume|migrate"""

from fastapi import FastAPI

from services.reporting.bootstrap import bootstrap, create_api, migrate, run_consumer
from services.reporting.settings import ReportingSettings
from shared.cli import main


def _api() -> tuple[FastAPI, str, int]:
    settings = ReportingSettings()
    return create_api(settings), settings.http_host, settings.http_port


async def _consume() -> None:
    await run_consumer(await bootstrap())


if __name__ == "__main__":
    main(
        "python -m services.reporting",
        make_api=_api,
        workers={"consume": _consume},
        migrate=migrate,
    )
