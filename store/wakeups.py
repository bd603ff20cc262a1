"""Waking workers in other processes: PostgreSQL NOTIFY after a commit, LISTEN in the worker.

With split roles (`server.py smtp` and `server.py worker`), a worker in another process learnt
of a new message only at its next poll, a second later (issue 17: 0.73 s median from SMTP to
the reply, against 0.028 s in one `serve` process, where the listener wakes the worker
directly). On PostgreSQL the storing process now NOTIFYs a channel and every worker LISTENs on
it (psycopg 3). SQLite has no such channel between processes: its workers keep polling
(BATON_WORKER_POLL_SECONDS). A notification is only a hint: a missed one costs at most a poll,
and a spurious one a claim that finds nothing.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import psycopg
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

log = logging.getLogger("baton.wakeups")

MESSAGES = "baton_messages"  # a message was stored: message workers claim
OUTBOX = "baton_outbox"  # the web pages queued mail (an approval, an opt-in): the outbox worker sends
RETRY_SECONDS = 2.0


def supported(database_url: str) -> bool:
    return database_url.startswith("postgresql")


class Notifier:
    """One NOTIFY per channel per burst, sent from a thread of its own: never in the path of an
    SMTP session's 250, and a hundred messages stored in one batch cost one notification.
    `notify` may be called from any thread (the pipeline and the web pages run in threads)."""

    # A NOTIFY is a transaction of its own, and PostgreSQL serialises the commits that notify: the
    # listener sent one per group commit, hundreds a second under load (a tenth of its process's
    # time). One per SPACING wakes the workers as well: the first of a quiet spell goes at once.
    SPACING = 0.02

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._loop = asyncio.get_running_loop()
        self._pending: set[str] = set()
        self._wake = asyncio.Event()
        self._conn: Connection | None = None  # kept: a pool checkout pings the server first

    def notify(self, channel: str) -> None:
        self._loop.call_soon_threadsafe(self._add, channel)

    def _add(self, channel: str) -> None:
        self._pending.add(channel)
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()
            self._wake.clear()
            channels, self._pending = sorted(self._pending), set()
            if not channels:
                continue
            try:
                await asyncio.to_thread(self._send, channels)
            except Exception as e:  # the database is away: the workers' poll still finds the work
                log.warning("NOTIFY %s failed: %s", ",".join(channels), type(e).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.SPACING)
        if self._conn is not None:
            await asyncio.to_thread(self._conn.close)

    def _send(self, channels: list[str]) -> None:
        """One send at a time (`run` awaits each), from whichever thread runs it."""
        try:
            if self._conn is None:
                self._conn = self.engine.connect()
            for channel in channels:
                self._conn.execute(text("SELECT pg_notify(:channel, '')"), {"channel": channel})
            self._conn.commit()
        except Exception:
            conn, self._conn = self._conn, None
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()
            raise


def _conninfo(database_url: str) -> str:
    """psycopg's own URI for a SQLAlchemy URL (`postgresql+psycopg://` -> `postgresql://`)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


async def listen(database_url: str, wake: dict[str, Callable[[], None]], stop: asyncio.Event) -> None:
    """For every notification on a channel of `wake`, calls its function, until `stop`;
    reconnects after a failure, and calls them all on each (re)connection, for whatever was
    stored while nobody listened."""
    while not stop.is_set():
        try:
            async with await psycopg.AsyncConnection.connect(_conninfo(database_url), autocommit=True) as conn:
                for channel in wake:
                    await conn.execute(f"LISTEN {channel}")
                log.info("LISTEN %s: woken when another process has work for this one", ", ".join(wake))
                for on_notify in wake.values():
                    on_notify()
                while not stop.is_set():
                    async for note in conn.notifies(timeout=1.0):  # returns each second to look at `stop`
                        if note.channel in wake:
                            wake[note.channel]()
        except (psycopg.Error, OSError) as e:
            log.warning("LISTEN failed (%s); polling until it reconnects", type(e).__name__)
            try:
                await asyncio.wait_for(stop.wait(), RETRY_SECONDS)
            except TimeoutError:
                pass
