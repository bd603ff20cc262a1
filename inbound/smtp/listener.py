"""The SMTP listener (aiosmtpd): who may be written to, and durable acceptance.

A message is answered 250 only after its bytes and envelope are committed (store.intake).
Everything else (parsing, analysis) happens later in the worker, off the acceptance path.
"""
from __future__ import annotations

import asyncio
import enum
import logging
import os
import re
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email._header_value_parser import get_addr_spec, get_angle_addr
from email.errors import HeaderParseError
from pathlib import Path

from aiosmtpd.smtp import MISSING, SMTP, Envelope, Session

import metrics
from clock import clock
from inbound.smtp.limits import AcceptErrorLog, Sessions, client_key, raise_open_file_limit, sessions_the_files_allow
from inbound.smtp.spool import Spool, give_large_blocks_back
from inbound.smtp.watchdog import Watchdog
from store.messages import Received, Stored

log = logging.getLogger("baton.smtp")

# Protocol answers, named once (RFC 3463 enhanced codes).
QUEUED = "250 2.0.0 queued as {id}"
RCPT_OK = "250 2.1.5 OK"
RELAY_DENIED = "550 5.7.1 Relaying denied: this server only accepts mail for its assistant address"
SOURCE_ROUTE = "550 5.7.1 Source routes are not accepted"  # RFC 5321 4.1.1.3: SHOULD NOT be used
TOO_MANY_RCPTS = "452 4.5.3 Too many recipients"  # RFC 5321 4.5.3.1.10: the client retries the rest
SIZE_EXCEEDED = "552 5.3.4 Message size exceeds fixed maximum message size"
BARE_LINE_END = "550 5.6.0 Bare CR or LF in message data is not accepted"  # CVE-2024-27305 class
TEMPFAIL = "451 4.3.0 Temporary local problem, please try again later"
LINE_TOO_LONG = "500 5.5.2 Line too long"
BAD_SENDER = "553 5.1.7 The sender address is not valid UTF-8"
IDLE_TIMEOUT = "421 4.4.2 Idle for too long, closing the connection"

# aiosmtpd's own texts carry no enhanced status codes; these are answered in their place.
_REWRITES = {
    "552 Error: Too much mail data": SIZE_EXCEEDED,
    "552 Error: message size exceeds fixed maximum message size": SIZE_EXCEEDED,
    "500 Line too long (see RFC5321 4.5.3.1.6)": LINE_TOO_LONG,
}
_ROUTE = re.compile(r"<\s*@")  # <@relay1,@relay2:user@domain>
_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class Policy:
    assistant_local: str
    domains: frozenset[str]
    max_recipients: int

    def accepts(self, address: str) -> bool:
        """The assistant, its sub-addresses (intro+KEY@) and postmaster (RFC 5321 4.5.1), on our domains."""
        local, at, domain = address.rpartition("@")
        if not at or domain.lower() not in self.domains:
            return False
        base, plus, key = local.partition("+")
        if local.lower() == "postmaster":
            return True
        return base.lower() == self.assistant_local and (not plus or bool(_KEY.match(key)))


class _Data(enum.Enum):
    NOMINAL = enum.auto()
    TOO_LONG = enum.auto()
    TOO_MUCH = enum.auto()
    SPOOL_FAILED = enum.auto()


class BatonSMTP(SMTP):
    """aiosmtpd's server with enhanced status codes, refused source routes, session caps,
    an idle timeout that DATA in progress does not trip, and DATA spooled to disk."""

    # RFC 5321 says 1,000 octets, but real senders (unwrapped HTML) exceed it; accept up to this.
    line_length_limit = 64 * 1024
    _hook_names: list[str] | None = None
    # Set by start(); a class default so that a BatonSMTP built without them still works.
    sessions: Sessions | None = None
    spool_dir: Path | None = None
    _client: str | None = None  # the key this session counts under, once admitted
    _last_data = 0.0  # loop time of the last DATA line, so that a long upload is not "idle"

    def __dir__(self) -> list[str]:
        # aiosmtpd's constructor runs inspect.getmembers(self) for every connection, to find
        # its smtp_* and auth_* methods; that reads every attribute and was a tenth of the
        # listener's CPU. Those names are all it looks for, and they belong to the class.
        cls = type(self)
        if cls._hook_names is None:
            cls._hook_names = [n for n in dir(cls) if n.startswith(("smtp_", "auth_"))]
        return cls._hook_names

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        # aiosmtpd's own defines a typing.Protocol class on every call (MAIL and RCPT): two
        # classes per message, built and then left to the cycle collector, whose full passes
        # stalled the listener for 50-70 ms. The same parse, without the class.
        if not arg:
            return "", ""
        try:
            address, rest = (get_angle_addr if arg.lstrip().startswith("<") else get_addr_spec)(arg)
        except HeaderParseError:
            return None, None
        addr = address.addr_spec
        if self.local_part_limit and len(addr.rpartition("@")[0]) > self.local_part_limit:
            return None, None
        return addr, rest

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self._client is None and self.sessions is not None:  # not again after STARTTLS
            key = client_key(transport.get_extra_info("peername"))
            refusal = self.sessions.admit(key)
            if refusal is not None:
                # Answered and closed before aiosmtpd builds a session: a refused client costs
                # one descriptor for a moment. connection_lost then has nothing to undo.
                metrics.SMTP_REFUSED.inc()
                transport.write(refusal.encode() + b"\r\n")  # type: ignore[attr-defined]
                transport.close()
                return
            self._client = key
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        if self.session is None:  # refused in connection_made
            return
        if self._client is not None and self.sessions is not None:
            self.sessions.release(self._client)
            self._client = None
        super().connection_lost(error)
        if self._handler_coroutine is not None:
            self._handler_coroutine.add_done_callback(self._forget)

    def _timeout_cb(self) -> None:
        # aiosmtpd restarts the timer on each command only, so a message taking longer than the
        # timeout to upload was cut off mid-DATA. The timeout is for idleness: while DATA lines
        # keep arriving, wait on from the last one.
        if self.transport is None:
            return
        idle = self.loop.time() - self._last_data
        if idle < self._timeout_duration:
            self._reset_timeout(self._timeout_duration - idle)
            return
        self.transport.write(IDLE_TIMEOUT.encode() + b"\r\n")  # type: ignore[attr-defined]
        super()._timeout_cb()

    def _forget(self, _task: asyncio.Task) -> None:
        # An aiosmtpd session is a knot of reference cycles (bound methods in its command
        # tables, its stream writer, its cancelled task's traceback), so every closed session
        # waited for the cycle collector, whose passes stopped the event loop for tens of ms.
        # Once the session's task is done nothing reads these attributes again: drop them,
        # and the session is freed on the spot.
        closed = self.__dict__.get("_closed")
        if closed is not None and closed.done() and not closed.cancelled():
            # asyncio's StreamReaderProtocol.__del__ reads this, so that a reset connection
            # logs nothing; with the attribute gone, each reset logged a traceback.
            closed.exception()
        self.__dict__.clear()

    async def push(self, status: str) -> None:  # type: ignore[override]  # aiosmtpd pushes str only
        await super().push(_REWRITES.get(status, status))

    async def smtp_DATA(self, arg: str) -> None:
        # Counted from the first DATA line, so that shutdown waits for messages still arriving.
        self.event_handler.in_flight += 1
        try:
            await self._data(arg)
        finally:
            self.event_handler.in_flight -= 1

    async def _data(self, arg: str) -> None:
        """aiosmtpd's smtp_DATA (1.4.6: lines end only at CRLF, the smuggling fix), but the lines
        go to a Spool rather than a list of bytearrays joined at the end."""
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        assert self.envelope is not None
        if not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        spool = Spool(self.spool_dir)
        try:
            state = await self._receive(spool)
            if state is _Data.NOMINAL:
                try:
                    raw = spool.getvalue()
                except OSError as e:
                    log.error("reading a spooled message failed (%s); answered 451", type(e).__name__)
                    state = _Data.SPOOL_FAILED
        finally:
            spool.close()
        if state is not _Data.NOMINAL:
            self._set_post_data_state()
            await self.push({_Data.TOO_LONG: LINE_TOO_LONG, _Data.TOO_MUCH: SIZE_EXCEEDED}.get(state, TEMPFAIL))
            return
        self.envelope.content = self.envelope.original_content = raw
        del raw  # the envelope holds the one copy, and drops it below
        status = await self._call_handler_hook("DATA")
        self._set_post_data_state()
        await self.push("250 OK" if status is MISSING else status)

    async def _receive(self, spool: Spool) -> _Data:
        """Reads DATA up to the lone dot, dot-unstuffed into `spool`; over a limit, or when the
        spool cannot be written, the rest is read and dropped so that the answer comes after it
        (RFC 5321 4.2.5) and no line of the message is taken for a command."""
        limit = self.data_size_limit
        size = 0
        state = _Data.NOMINAL
        mid_line = False  # after a piece of a line longer than the reader's limit
        while self.transport is not None:
            try:
                line = await self._reader.readuntil(b"\r\n")
            except asyncio.CancelledError:  # the connection was reset during DATA
                self._writer.close()
                raise
            except asyncio.LimitOverrunError as e:
                if state is _Data.NOMINAL:
                    state = _Data.TOO_LONG
                line = await self._reader.read(e.consumed)
                mid_line = True
                self._last_data = self.loop.time()
                continue
            if mid_line:  # the end of an overlong line
                mid_line = False
                continue
            if line == b".\r\n":
                break
            self._last_data = self.loop.time()
            size += len(line)
            if state is _Data.NOMINAL and limit and size > limit:
                state = _Data.TOO_MUCH
            if state is not _Data.NOMINAL:
                continue
            try:
                spool.write(memoryview(line)[1:] if line.startswith(b".") else line)
            except OSError as e:
                log.error("spooling a message failed (%s); it will be answered 451", type(e).__name__)
                state = _Data.SPOOL_FAILED
        return state

    async def smtp_RCPT(self, arg: str) -> None:
        if arg and _ROUTE.search(arg):
            await self.push(SOURCE_ROUTE)
            return
        await super().smtp_RCPT(arg)


def _valid_utf8(text: str) -> bool:
    # aiosmtpd decodes command lines with surrogateescape: invalid bytes survive as surrogates.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class IntakeHandler:
    """aiosmtpd handler: RCPT policy, smuggling guard, and the store-then-250 rule."""

    def __init__(self, policy: Policy, store: Callable[[Received], Awaitable[Stored]],
                 on_stored: Callable[[], None] = lambda: None, store_timeout: float = 60.0) -> None:
        self.policy = policy
        self._store = store
        self._on_stored = on_stored
        self._store_timeout = store_timeout
        self.in_flight = 0  # DATA transactions under way (BatonSMTP counts); shutdown waits for them

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          mail_options: list[str]) -> str:
        # A sender we could never store must be refused for good, not with a 451 that the
        # client retries for days (RFC 5321 4.2.5: a 4xx promises that a retry may succeed).
        if not _valid_utf8(address):
            return BAD_SENDER
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if len(envelope.rcpt_tos) >= self.policy.max_recipients:
            return TOO_MANY_RCPTS
        if not self.policy.accepts(address):
            log.info("refused recipient peer=%s", session.peer and session.peer[0])
            return RELAY_DENIED
        envelope.rcpt_tos.append(address)
        return RCPT_OK

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw: bytes = envelope.original_content or b""
        # aiosmtpd ends DATA only on CRLF.CRLF, but a bare LF still reaches the parser, which
        # treats it as a line break ("Subject: a\nBcc: x" becomes two headers). Refuse it.
        if _has_bare_line_end(raw):
            return BARE_LINE_END
        # aiosmtpd keeps the null reverse-path as "<>"; store it as "" (a bounce, RFC 5321 4.5.5).
        mail_from = "" if envelope.mail_from in (None, "<>") else envelope.mail_from
        msg = Received(raw=raw, mail_from=mail_from, rcpt_tos=list(envelope.rcpt_tos),
                       peer=session.peer[0] if session.peer else None, helo=_printable(session.host_name),
                       received_at=clock.now())
        started = time.perf_counter()
        try:
            stored = await asyncio.wait_for(self._store(msg), self._store_timeout)
        except Exception as e:
            log.error("storing a message failed (%s); answered 451", type(e).__name__)
            return TEMPFAIL
        metrics.SMTP_ACCEPT.observe(time.perf_counter() - started)
        metrics.RECEIVED.inc()
        log.info("accepted message id=%s size=%d duplicate=%s", stored.id, len(raw), stored.duplicate)
        self._on_stored()
        return QUEUED.format(id=stored.id)

    async def handle_exception(self, error: Exception) -> str:
        # aiosmtpd would answer 500 with the exception text: a permanent failure for mail
        # we want retried, and a leak of internals. Retry instead, and say nothing.
        log.error("SMTP session error: %s", type(error).__name__)
        return TEMPFAIL


def _has_bare_line_end(raw: bytes) -> bool:
    # Every CR and every LF belongs to a CRLF exactly when the three counts agree; three C
    # scans cost far less than a regex with lookarounds over the whole message.
    crlf = raw.count(b"\r\n")
    return raw.count(b"\r") != crlf or raw.count(b"\n") != crlf


def _printable(helo: str | None) -> str | None:
    """The HELO name as text we can store: invalid bytes become U+FFFD."""
    if helo is None:
        return None
    return helo.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def tls_context(cert_file: str, key_file: str) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert_file, key_file)
    return ctx


def _existing(folder: Path | None) -> Path | None:
    """`server.py` makes BATON_VAR_DIR; a caller that did not gets the system's temporary folder."""
    return folder if folder is not None and os.path.isdir(folder) else None


async def start(handler: IntakeHandler, *, host: str, port: int, hostname: str, max_bytes: int,
                timeout: int, tls: ssl.SSLContext | None = None, max_sessions: int | None = None,
                max_sessions_per_client: int | None = None, reuse_port: bool = False,
                spool_dir: Path | None = None) -> asyncio.base_events.Server:
    """Listens on host:port in the running loop (beside the web app and the worker).

    With a TLS context, STARTTLS is offered but never required: RFC 3207 4 says a publicly
    referenced server must not insist on it, or mail from servers without TLS is lost.
    The session caps (None: no cap; the service passes the settings) count this process's
    sessions: with `reuse_port` (SO_REUSEPORT) several processes share the port, the kernel
    spreads connections among them, and each has its own caps.
    """
    loop = asyncio.get_running_loop()
    if not isinstance(loop.get_exception_handler(), AcceptErrorLog):
        loop.set_exception_handler(AcceptErrorLog(loop))
    open_files = raise_open_file_limit()
    give_large_blocks_back()
    sessions = Sessions(sessions_the_files_allow(max_sessions, open_files), max_sessions_per_client)
    spool_dir = _existing(spool_dir)

    def factory() -> BatonSMTP:
        server = BatonSMTP(handler, data_size_limit=max_bytes, enable_SMTPUTF8=True, decode_data=False,
                           hostname=hostname, ident="Baton ESMTP", timeout=timeout,
                           command_call_limit=100, loop=loop, tls_context=tls, require_starttls=False)
        server.sessions = sessions
        server.spool_dir = spool_dir
        return server

    server = await loop.create_server(factory, host=host, port=port, reuse_address=True, reuse_port=reuse_port)
    for sock in server.sockets:
        Watchdog(sock, lambda: sessions.connections, lambda: server.is_serving() and not loop.is_closed()).start()
    return server
