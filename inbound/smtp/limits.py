"""Connection limits of one listener process: how many SMTP sessions at once, in all and per client,
and accept errors logged at a bounded rate.

1,007 idle sessions once used every file descriptor of the process: SMTP and the web stopped
answering, and each failed accept logged a traceback (970 MB in three minutes). A session over
a cap is answered 421 and closed at once, so the descriptors left stay free for the web pages,
the database and the sessions already under way.
"""
from __future__ import annotations

import asyncio
import errno
import ipaddress
import logging
import os
import resource
import sys
import time
from collections import Counter
from typing import Any

log = logging.getLogger("baton.smtp")

TOO_MANY_SESSIONS = "421 4.7.0 Too many connections, try again later"
TOO_MANY_FROM_YOU = "421 4.7.0 Too many connections from your address, try again later"


def client_key(peer: Any) -> str:
    """What the per-client cap counts: the IPv4 address, or the /64 of an IPv6 one (a single
    host usually holds a whole /64, so counting addresses there would cap nothing)."""
    host = peer[0] if isinstance(peer, tuple) and peer else str(peer)
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return host
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class Sessions:
    """Counts the open sessions of one process; `admit` says why one is refused, or None."""

    def __init__(self, max_total: int | None, max_per_client: int | None) -> None:
        self.max_total = max_total if max_total is not None else sys.maxsize
        self.max_per_client = max_per_client if max_per_client is not None else sys.maxsize
        self.total = 0
        self.connections = 0  # every connection taken, refused ones too: the watchdog's sign of life
        self._per_client: Counter[str] = Counter()

    def admit(self, key: str) -> str | None:
        self.connections += 1
        if self.total >= self.max_total:
            return TOO_MANY_SESSIONS
        if self._per_client[key] >= self.max_per_client:
            return TOO_MANY_FROM_YOU
        self.total += 1
        self._per_client[key] += 1
        return None

    def release(self, key: str) -> None:
        self.total -= 1
        self._per_client[key] -= 1
        if self._per_client[key] <= 0:
            del self._per_client[key]


_ACCEPT_FAILED = "socket.accept() out of system resource"  # asyncio's words (selector_events.py)


class AcceptErrorLog:
    """The event loop's exception handler: accept failures (EMFILE, ENFILE, ENOBUFS, ENOMEM) are
    logged as at most one line per `every` seconds, with the number left unsaid since; everything
    else goes to the handler that was there before."""

    def __init__(self, loop: asyncio.AbstractEventLoop, every: float = 10.0) -> None:
        self._previous = loop.get_exception_handler()
        self._every = every
        self._last = -every
        self.suppressed = 0

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if _retry_after_close(context):
            return
        if context.get("message") != _ACCEPT_FAILED:
            if self._previous is not None:
                self._previous(loop, context)
            else:
                loop.default_exception_handler(context)
            return
        now = time.monotonic()
        if now - self._last < self._every:
            self.suppressed += 1
            return
        exc = context.get("exception")
        why = errno.errorcode.get(getattr(exc, "errno", None) or 0, type(exc).__name__)
        more = f"; {self.suppressed} more since the last line" if self.suppressed else ""
        log.error("accepting a connection failed (%s: %s); retrying every second%s; next line in %.0f s at the "
                  "earliest", why, getattr(exc, "strerror", None) or exc, more, self._every)
        self._last = now
        self.suppressed = 0


def _retry_after_close(context: dict[str, Any]) -> bool:
    """asyncio's retry of a failed accept, a second later, that found the listener closed (at
    stop): it raises on the closed socket's descriptor, -1. Nothing is wrong; not worth a traceback."""
    exc = context.get("exception")
    return (isinstance(exc, ValueError) and "Invalid file descriptor: -1" in str(exc)
            and "_start_serving" in repr(context.get("handle")))


# Descriptors kept for everything but sessions (database connections and their files, the web
# pages, logs, the worker's pipe), and what one session may hold: its socket and a spool file.
_RESERVED_FILES = 64
_FILES_PER_SESSION = 2


def sessions_the_files_allow(max_sessions: int | None, open_files: int) -> int:
    """`max_sessions`, lowered to what the open-file limit leaves room for, saying so once. Past the
    limit an accept fails: asyncio retries it every second, and uvloop (libuv) closes waiting
    connections unanswered. Under the cap, every client gets a 220 or a 421."""
    room = max(1, (open_files - _RESERVED_FILES) // _FILES_PER_SESSION)
    if max_sessions is None:
        return room  # no cap asked for (tests, tools): the files' own, without a warning nobody caused
    if max_sessions <= room:
        return max_sessions
    log.warning("at most %d SMTP sessions at once: the open-file limit (%d) leaves room for no more "
                "(BATON_SMTP_MAX_SESSIONS is %d)", room, open_files, max_sessions)
    return room


def raise_open_file_limit() -> int:
    """Lifts the soft limit on open files to the hard one (often 1,024 of 4,096 or more): the
    session caps, not the OS, should be what refuses clients. Returns the limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError) as e:
            log.warning("could not raise the open-file limit from %d: %s", soft, e)
    return soft if soft != resource.RLIM_INFINITY else os.sysconf("SC_OPEN_MAX")
