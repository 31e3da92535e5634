"""Entry point helpers: `python -m services.<name> serve|relay`."""

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

import uvicorn
from fastapi import FastAPI

from shared import observability
from shared.metrics import serve_metrics
from shared.settings import ServiceSettings

if TYPE_CHECKING:
    from shared.chain import Verdict
    from shared.service import EventSourcedService


def main(
    prog: str,
    *,
    settings: Callable[[], ServiceSettings],
    make_api: Callable[[], tuple[FastAPI, str, int]],
    workers: dict[str, Callable[[], Coroutine[Any, Any, None]]],
    migrate: Callable[[], None],
    verify: Callable[[], Coroutine[Any, Any, "Verdict"]],
) -> None:
    """`serve`, a worker, `migrate` (as the database's owner: the tables and grants), or
    `verify` (the hash chain; exit status 1 when a link is broken)."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("command", choices=["serve", "migrate", "verify", *workers])
    args = parser.parse_args()
    s = settings()
    observability.configure(
        s.service_name, otlp_endpoint=s.otlp_endpoint, traces_file=s.traces_file
    )
    if args.command == "migrate":
        migrate()
        logging.getLogger(prog).info("the database's tables and grants are in place")
    elif args.command == "verify":
        verdict = asyncio.run(verify())
        print(verdict.model_dump_json(indent=2))
        sys.exit(0 if verdict.intact else 1)
    elif args.command == "serve":
        api, host, port = make_api()
        uvicorn.run(api, host=host, port=port, log_config=None)  # our JSON logs
    else:
        asyncio.run(workers[args.command]())


def main_event_sourced(
    prog: str,
    settings: Callable[[], ServiceSettings],
    bootstrap: Callable[[], "EventSourcedService[Any]"],
    create_api: Callable[[Any], FastAPI],
    migrate: Callable[[], None],
    background: tuple[str, ...] = (),
) -> None:
    """`serve` (the API with its relay and background loops), `relay` alone, or one of the
    service's `background` loops alone (for instance `consume`)."""
    from shared.service import run_relay, verify_chain

    def api() -> tuple[FastAPI, str, int]:
        service = bootstrap()
        return create_api(service), service.settings.http_host, service.settings.http_port

    async def relay() -> None:
        service = bootstrap()
        serve_metrics(service.settings.metrics_port)
        await run_relay(service)

    def alone(name: str) -> Callable[[], Coroutine[Any, Any, None]]:
        async def run() -> None:
            service = bootstrap()
            serve_metrics(service.settings.metrics_port)
            await service.background[name]()

        return run

    async def verify() -> "Verdict":
        return await verify_chain(bootstrap())

    workers = {"relay": relay, **{name: alone(name) for name in background}}
    main(prog, settings=settings, make_api=api, workers=workers, migrate=migrate, verify=verify)
