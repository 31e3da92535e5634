"""Keep a background loop (relay, consumer) running: restart it with backoff when it fails."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def supervise(
    name: str, run: Callable[[], Awaitable[None]], max_backoff: float = 10.0
) -> None:
    backoff = 0.5
    while True:
        try:
            await run()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed; restarting in %.1fs", name, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, max_backoff)
