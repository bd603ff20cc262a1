"""The loop every queue worker runs: work while there is work, else sleep until woken or polled."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("baton.worker")


async def poll(run_once: Callable[[], Awaitable[int]], *, wake: asyncio.Event, stop: asyncio.Event,
               poll_seconds: float, name: str) -> None:
    while not stop.is_set():
        try:
            done = await run_once()
        except Exception as e:  # the database went away: wait and try again
            log.error("%s: claim failed: %s", name, type(e).__name__)
            done = 0
        if done == 0:
            wake.clear()
            waiters = [asyncio.ensure_future(wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waiters, timeout=poll_seconds, return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()
