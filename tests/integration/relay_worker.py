"""A relay process for the tests: python -m tests.integration.relay_worker DB TOPIC DELAY"""

import asyncio
import functools
import logging
import sys

from shared.relay import OutboxRelay
from tests import support
from tests.integration.ledger import LedgerApplication, translate


def env(database: str) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": database,
        "POSTGRES_HOST": str(support.PG["host"]),
        "POSTGRES_PORT": str(support.PG["port"]),
        "POSTGRES_USER": str(support.PG["user"]),
        "POSTGRES_PASSWORD": str(support.PG["password"]),
    }


async def main(database: str, topic: str, delay: float) -> None:
    relay = OutboxRelay(
        name="ledgers",
        app=LedgerApplication(env=env(database)),
        translate=functools.partial(translate, delay=delay),
        topic=topic,
        kafka=support.ADMIN,
        pg_dsn=support.dsn(database),
        batch_size=50,
        standby_sleep=0.2,
    )
    await relay.run()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
