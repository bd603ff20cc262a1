"""Durable intake with group commit.

One writer thread commits every message waiting at that moment in one transaction, then
answers each SMTP session. The SMTP 250 waits for that commit (nothing is lost after 250),
but concurrent sessions share one fsync instead of paying one each, and the event loop never
blocks on the database.
"""
from __future__ import annotations

import asyncio
import logging
import queue
import threading

from sqlalchemy import Engine

from store import messages
from store.messages import Received, Stored

log = logging.getLogger("baton.intake")
_STOP = object()


class IntakeWriter:
    def __init__(self, engine: Engine, *, max_batch: int = 256) -> None:
        self._engine = engine
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="baton-intake", daemon=True)

    def start(self) -> "IntakeWriter":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Commits what is queued, then ends the thread."""
        self._queue.put(_STOP)
        self._thread.join()

    async def store(self, msg: Received) -> Stored:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future = loop.create_future()
        self._queue.put((msg, fut, loop))
        return await fut

    def _run(self) -> None:
        stopping = False
        while not stopping:
            item = self._queue.get()
            if item is _STOP:
                break
            batch = [item]
            while len(batch) < self._max_batch:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is _STOP:
                    stopping = True
                    break
                batch.append(nxt)
            self._commit(batch)

    def _commit(self, batch: list) -> None:
        try:
            with self._engine.begin() as conn:
                results = [messages.insert(conn, msg) for msg, _, _ in batch]
        except Exception as e:  # every session in the batch answers 451 and its sender retries
            log.error("intake commit of %d message(s) failed: %s", len(batch), type(e).__name__)
            for _, fut, loop in batch:
                loop.call_soon_threadsafe(_settle, fut, None, e)
            return
        for (_, fut, loop), result in zip(batch, results):
            loop.call_soon_threadsafe(_settle, fut, result, None)


def _settle(fut: asyncio.Future, result: Stored | None, error: Exception | None) -> None:
    if fut.done():  # the session gave up waiting (timeout or disconnect); the row stays stored
        return
    if error is not None:
        fut.set_exception(error)
    else:
        fut.set_result(result)
