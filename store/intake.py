"""Durable intake with group commit.

One writer thread commits every message waiting at that moment in one transaction, then
answers each SMTP session. The SMTP 250 waits for that commit (nothing is lost after 250),
but concurrent sessions share one fsync instead of paying one each, and the event loop never
blocks on the database. The writer keeps one connection: a pool checkout (and its liveness
ping) per batch would cost more than the insert, on the listener's own core.
"""
from __future__ import annotations

import asyncio
import logging
import queue
import threading

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from store import messages
from store.db import first_in_line
from store.messages import Received, Stored

log = logging.getLogger("baton.intake")
_STOP = object()
_BATCH_BYTES = 32 * 1024 * 1024  # a batch takes no more messages past this many bytes
_RENEW_AFTER = 4 * 1024 * 1024  # bytes in a batch past which its connection is renewed after it


class IntakeWriter:
    def __init__(self, engine: Engine, *, max_batch: int = 256) -> None:
        self._engine = engine
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="baton-intake", daemon=True)
        self._conn: Connection | None = None

    def start(self) -> IntakeWriter:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Commits what is queued, then ends the thread."""
        self._queue.put(_STOP)
        self._thread.join()

    def store(self, msg: Received) -> asyncio.Future:
        """Queues `msg`; the future gets its Stored once committed. A plain future rather than a
        coroutine, so that the listener's wait_for needs no task of its own per message."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future = loop.create_future()
        self._queue.put((msg, fut, loop))
        return fut

    def _run(self) -> None:
        stopping = False
        while not stopping:
            item = self._queue.get()
            if item is _STOP:
                break
            batch = [item]
            size = len(item[0].raw)
            # Bounded in bytes too: the driver copies a batch whole while it sends it.
            while len(batch) < self._max_batch and size < _BATCH_BYTES:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is _STOP:
                    stopping = True
                    break
                batch.append(nxt)
                size += len(nxt[0].raw)
            self._commit(batch)
            # Not kept while the next get() waits: a batch of large messages is hundreds of MB.
            del batch, item
            nxt = None
        self._close()

    def _commit(self, batch: list) -> None:
        try:
            results = self._insert([msg for msg, _, _ in batch])
            outcomes: list[tuple[asyncio.Future, Stored | None, Exception | None]] = [
                (fut, result, None) for (_, fut, _), result in zip(batch, results, strict=True)]
        except Exception as e:  # every session in the batch answers 451 and its sender retries
            log.error("intake commit of %d message(s) failed: %s", len(batch), type(e).__name__)
            outcomes = [(fut, None, e) for _, fut, _ in batch]
        # One wake-up per event loop for the whole batch, not one per message.
        by_loop: dict[asyncio.AbstractEventLoop, list] = {}
        for (_, _, loop), outcome in zip(batch, outcomes, strict=True):
            by_loop.setdefault(loop, []).append(outcome)
        for loop, settled in by_loop.items():
            loop.call_soon_threadsafe(_settle, settled)

    def _insert(self, msgs: list[Received]) -> list[Stored]:
        try:
            return self._insert_once(msgs)
        except DBAPIError as e:
            # A connection lost since the last batch (a database restart) is replaced once.
            # Safe to repeat: a batch that did commit is found again by its dedup keys.
            if not e.connection_invalidated:
                raise
            log.warning("intake connection lost; reconnecting")
            return self._insert_once(msgs)

    def _insert_once(self, msgs: list[Received]) -> list[Stored]:
        if self._conn is None:
            self._conn = first_in_line(self._engine.connect())
        try:
            with self._conn.begin():
                stored = messages.insert_many(self._conn, msgs)
        except Exception:
            self._close()
            raise
        if sum(len(m.raw) for m in msgs) > _RENEW_AFTER and self._renewable():
            # The driver keeps what it was given: sqlite3's cached statement stays bound to its
            # last values (its own copy of every message in the batch), libpq keeps buffers the
            # size of the largest query. Twenty 25 MB messages stayed in memory for good. Only a
            # closed connection lets them go; reopening one costs less than storing them did.
            self._conn.invalidate()
            self._conn = None
        return stored

    def _renewable(self) -> bool:
        # An in-memory SQLite database lives and dies with its one connection.
        url = self._engine.url
        return url.get_backend_name() != "sqlite" or url.database not in (None, "", ":memory:")

    def _close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception as e:  # a dead connection may fail to close; the pool discards it
                log.warning("closing the intake connection failed: %s", type(e).__name__)
            self._conn = None


def _settle(settled: list[tuple[asyncio.Future, Stored | None, Exception | None]]) -> None:
    for fut, result, error in settled:
        if fut.done():  # the session gave up waiting (timeout or disconnect); the row stays stored
            continue
        if error is not None:
            fut.set_exception(error)
        else:
            fut.set_result(result)
