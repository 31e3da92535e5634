"""python -m services.funding serve|relay"""

from fastapi import FastAPI

from services.funding.bootstrap import bootstrap, create_api, run_relay
from shared.cli import main


def _api() -> tuple[FastAPI, str, int]:
    service = bootstrap()
    return create_api(service), service.settings.http_host, service.settings.http_port


async def _relay() -> None:
    await run_relay(bootstrap())


if __name__ == "__main__":
    main("python -m services.funding serve", make_api=_api, workers={"relay": _relay})
