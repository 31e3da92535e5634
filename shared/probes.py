"""Is the process alive, and is it ready to serve? For load balancers and orchestrators.

- `GET /livez`: the process answers (an orchestrator restarts it when it does not).
- `GET /readyz`: its database and Kafka answer, and the process's consumers have joined
  their groups and sought their assigned partitions (a member may hold none when a group
  has more members than partitions); otherwise 503 (a load balancer sends it nothing).
  `GET /health` says the same, for the callers from before.

The checks reuse connections opened once (a small pool, one Kafka client) instead of
opening new ones per call: a load balancer asks every few seconds.
"""

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, Literal

import asyncpg
from aiokafka import AIOKafkaClient
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from shared.settings import ServiceSettings

log = logging.getLogger(__name__)
TIMEOUT = 3.0


class ReadinessReport(BaseModel):
    """What `/readyz` answers, with 200 when ready and 503 when not."""

    kafka: bool
    database: bool
    # Per consumer group: how many partitions this process holds (consumers only).
    partitions: dict[str, int] | None = None
    status: Literal["ok", "unavailable"]


@dataclass
class Readiness:
    settings: ServiceSettings
    # The consumers of this process (none for regions, or with the consumer turned off).
    consumers: Callable[[], Sequence[Any]] = lambda: ()
    _pool: asyncpg.Pool | None = field(default=None, repr=False)
    _kafka: AIOKafkaClient | None = field(default=None, repr=False)

    async def database(self) -> bool:
        try:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(
                    self.settings.pg_dsn, min_size=0, max_size=1, timeout=TIMEOUT
                )
            async with asyncio.timeout(TIMEOUT):
                return bool(await self._pool.fetchval("SELECT 1"))
        except Exception as exc:  # any failure means: not ready
            log.info("readiness: the database does not answer: %r", exc)
            return False

    async def kafka(self) -> bool:
        try:
            if self._kafka is None:
                client = AIOKafkaClient(
                    **self.settings.kafka.options(), request_timeout_ms=int(TIMEOUT * 1000)
                )
                async with asyncio.timeout(TIMEOUT):
                    await client.bootstrap()
                self._kafka = client
            async with asyncio.timeout(TIMEOUT):
                await self._kafka.fetch_all_metadata()
            return True
        except Exception as exc:
            log.info("readiness: Kafka does not answer: %r", exc)
            if self._kafka is not None:
                with suppress(Exception):
                    await self._kafka.close()
            self._kafka = None
            return False

    async def report(self) -> tuple[bool, dict[str, object]]:
        database, kafka = await asyncio.gather(self.database(), self.kafka())
        consumers = list(self.consumers())
        partitions = {c.group_id: c.partitions for c in consumers}
        ready = database and kafka and all(c.joined for c in consumers)
        body: dict[str, object] = {"kafka": kafka, "database": database}
        if partitions:
            body["partitions"] = partitions
        body["status"] = "ok" if ready else "unavailable"
        return ready, body

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
        if self._kafka is not None:
            await self._kafka.close()


def add_probes(app: FastAPI, readiness: Readiness) -> None:
    app.state.readiness = readiness

    @app.get("/livez", tags=["operations"], summary="Is the process alive?")
    async def livez() -> dict[str, str]:
        return {"status": "alive"}

    async def ready() -> JSONResponse:
        ok, body = await readiness.report()
        return JSONResponse(status_code=200 if ok else 503, content=body)

    answers: dict[int | str, dict[str, Any]] = {
        200: {"model": ReadinessReport, "description": "Ready"},
        503: {"model": ReadinessReport, "description": "Not ready: what does not answer"},
    }
    for path, summary in (
        ("/readyz", "Ready to serve: the database and Kafka answer, the consumers hold partitions"),
        ("/health", "The same as /readyz"),
    ):
        app.get(
            path, tags=["operations"], summary=summary, response_model=ReadinessReport,
            responses=answers,
        )(ready)  # fmt: skip
