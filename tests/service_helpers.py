"""The whole Baton service in-process on real sockets, for end-to-end tests."""
from __future__ import annotations

import asyncio
import email
import re
import smtplib
import time
from email import policy
from pathlib import Path

import aiosmtplib

import service
import settings as settings_mod
from outbound.sendfile import to_crlf

HANDOFFS = settings_mod.load().fixtures_dir / "handoffs"
ASSISTANT = "intro@baton.example"


async def wait_until_listening(port: int, *, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            _, w = await asyncio.open_connection("127.0.0.1", port)
            w.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing listens on {port}") from None
            await asyncio.sleep(0.02)


class Running:
    def __init__(self, s: settings_mod.Settings, web: bool = False) -> None:
        self.settings = s
        self.web = web
        self.stop = asyncio.Event()
        self.task: asyncio.Task | None = None

    async def __aenter__(self) -> Running:
        self.task = asyncio.create_task(service.serve(self.settings, web_on=self.web, stop=self.stop))
        for port in [self.settings.smtp_port] + ([self.settings.web_port] if self.web else []):
            await wait_until_listening(port)
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
    """Maildir names are "SECONDS.M<micro>P<pid>Q<n>...", micro not zero-padded: sort numerically."""
    m = re.match(r"(\d+)\.M(\d+)P\d+Q(\d+)", p.name)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else (0, 0, 0)


async def wait_for(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        await asyncio.sleep(0.02)
    return predicate()


