"""The whole Baton service in-process on real sockets, for end-to-end tests."""
from __future__ import annotations

import asyncio
import email
import inspect
import os
import re
import smtplib
import socket
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import aiosmtplib

import service
import settings as settings_mod
from outbound.sendfile import to_crlf

HANDOFFS = settings_mod.load().fixtures_dir / "handoffs"
ASSISTANT = "intro@baton.example"


# Waits poll often and give up late: on a loaded machine (two cores shared by several test runs)
# a process can take many seconds to start or a worker to get its turn. A passing test never
# waits longer than it must; BATON_TEST_WAIT_SCALE multiplies every deadline for slower machines.
WAIT_SCALE = float(os.environ.get("BATON_TEST_WAIT_SCALE", "1"))
LISTEN_SECONDS = 60.0
WAIT_SECONDS = 30.0


def _deadline(seconds: float) -> float:
    return time.monotonic() + seconds * WAIT_SCALE


def _connects(port: int) -> OSError | None:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return None
    except OSError as e:
        return e


def _exited(proc: subprocess.Popen | asyncio.Task | None, what: str, port: int) -> None:
    """What we wait on has stopped: say so now, with its error, rather than at the deadline."""
    if isinstance(proc, asyncio.Task):
        if proc.done():
            raise AssertionError(f"{what} stopped before listening on {port}: "
                                 f"{proc.exception() if not proc.cancelled() else 'cancelled'!r}")
        return
    if proc is not None and proc.poll() is not None:
        err = proc.stderr.read() if proc.stderr else ""
        tail = " | ".join((err or "").strip().splitlines()[-3:])
        raise AssertionError(f"{what} exited with code {proc.returncode} before listening on {port}: {tail}")


def wait_listening(port: int, *, what: str = "Baton", proc: subprocess.Popen | None = None,
                   seconds: float = LISTEN_SECONDS) -> None:
    """Blocks until 127.0.0.1:port accepts a connection; fails early if `proc` exits first."""
    started, deadline = time.monotonic(), _deadline(seconds)
    while (error := _connects(port)) is not None:
        _exited(proc, what, port)
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing listens on 127.0.0.1:{port} ({what}) after "
                                 f"{time.monotonic() - started:.0f} s: {error}")
        time.sleep(0.05)


async def _connects_async(port: int) -> OSError | None:
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 1)
        writer.close()
        return None
    except OSError as e:  # TimeoutError is one too
        return e


async def wait_until_listening(port: int, *, what: str = "Baton",
                               proc: subprocess.Popen | asyncio.Task | None = None,
                               seconds: float = LISTEN_SECONDS) -> None:
    """wait_listening for async tests: the event loop (and a service in it) runs while it waits."""
    started, deadline = time.monotonic(), _deadline(seconds)
    while (error := await _connects_async(port)) is not None:
        _exited(proc, what, port)
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing listens on 127.0.0.1:{port} ({what}) after "
                                 f"{time.monotonic() - started:.0f} s: {error}")
        await asyncio.sleep(0.02)


class Running:
    def __init__(self, s: settings_mod.Settings, web: bool = False) -> None:
        self.settings = s
        self.web = web
        self.stop = asyncio.Event()
        self.task: asyncio.Task | None = None

    async def __aenter__(self) -> Running:
        self.task = asyncio.create_task(service.serve(self.settings, web_on=self.web, stop=self.stop))
        for port, what in [(self.settings.smtp_port, "Baton's SMTP listener")] + (
                [(self.settings.web_port, "Baton's web pages")] if self.web else []):
            await wait_until_listening(port, what=what, proc=self.task)
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"

    async def __aexit__(self, *exc) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 20)

    async def send(self, path: Path, sender: str | None = None) -> str:
        raw = to_crlf(path.read_bytes())
        if sender is None:
            sender = email.message_from_bytes(raw, policy=policy.default)["From"].addresses[0].addr_spec
        if sender == "<>":  # aiosmtplib cannot send a null reverse-path; smtplib can
            def null_sender() -> str:
                with smtplib.SMTP("127.0.0.1", self.settings.smtp_port) as c:
                    c.ehlo()
                    c.mail("<>")
                    c.rcpt(self.settings.assistant_address)
                    return c.data(raw)[1].decode()
            return await asyncio.to_thread(null_sender)
        errors, answer = await aiosmtplib.send(raw, sender=sender, recipients=[self.settings.assistant_address],
                                               hostname="127.0.0.1",
                                               port=self.settings.smtp_port)
        assert errors == {}
        return answer


def maildir(s: settings_mod.Settings) -> list[email.message.EmailMessage]:
    path = Path(s.outbound[len("maildir:"):])
    if not (path / "new").exists():
        return []
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted((path / "new").iterdir(), key=_delivery_order)]


def _delivery_order(p: Path) -> tuple[int, int, int]:
    """Maildir names are "SECONDS.M<micro>R<outbox id>.KEY" (mailbox's own: "...P<pid>Q<n>"), micro
    not zero-padded: sort numerically."""
    m = re.match(r"(\d+)\.M(\d+)(?:P\d+Q|R)(\d+)", p.name)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else (0, 0, 0)


def _describe(predicate) -> str:
    try:
        return " ".join(inspect.getsource(predicate).split())[:200]
    except (OSError, TypeError):
        return repr(predicate)


def _timed_out(predicate, what: str | None, seconds: float, value) -> None:
    # Shown with the failing test's captured output, beside the assertion that fails on `value`.
    print(f"timed out after {seconds:.0f} s waiting for {what or _describe(predicate)}; last value: {value!r}",
          file=sys.stderr)


async def wait_for(predicate, timeout: float = WAIT_SECONDS, *, what: str | None = None):
    """Polls `predicate` until it is truthy and returns its value; after the deadline, its last
    (falsy) value, and a line on stderr naming what was awaited."""
    started, deadline = time.monotonic(), _deadline(timeout)
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        await asyncio.sleep(0.02)
    value = predicate()
    if not value:
        _timed_out(predicate, what, time.monotonic() - started, value)
    return value


def wait_until(predicate, timeout: float = WAIT_SECONDS, *, what: str | None = None):
    """wait_for for code that is not async (tests driving processes)."""
    started, deadline = time.monotonic(), _deadline(timeout)
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.1)
    value = predicate()
    if not value:
        _timed_out(predicate, what, time.monotonic() - started, value)
    return value
