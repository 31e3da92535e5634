"""python -m services.reporting serve|consume|migrate|verify"""

import asyncpg
from fastapi import FastAPI

from services.reporting.adapters.verify import verify
from services.reporting.bootstrap import bootstrap, create_api, migrate, run_consumer
from services.reporting.settings import ReportingSettings
from shared.chain import Verdict
from shared.cli import main
from shared.metrics import serve_metrics
from shared.topics import Topics


def _api() -> tuple[FastAPI, str, int]:
    settings = ReportingSettings()
    return create_api(settings), settings.http_host, settings.http_port


async def _consume() -> None:
    service = await bootstrap()
    serve_metrics(service.settings.metrics_port)
    await run_consumer(service)


async def _verify() -> Verdict:
    """The audit log's chains, recomputed from the rows and from Kafka's records."""
    settings = ReportingSettings()
    pool = await asyncpg.create_pool(settings.pg_dsn, min_size=1, max_size=2)
    try:
        topics = Topics(settings.topic_prefix)
        return await verify(
            pool, settings.kafka, topics.public, topics.owners, settings.consumer_group,
            against_kafka=True,
        )  # fmt: skip
    finally:
        await pool.close()


if __name__ == "__main__":
    main(
        "python -m services.reporting",
        settings=ReportingSettings,
        make_api=_api,
        workers={"consume": _consume},
        migrate=migrate,
        verify=_verify,
    )
