"""Where mail goes: a Maildir for development, or an SMTP relay (aiosmtplib).

A transport sends one message to one recipient and either returns or raises Delivery with
`permanent` telling whether a retry could help (5xx) or not (4xx, timeouts, refused connections).

`name` is the same on every attempt of one outbox row: a worker that died after the write and
before recording it sends the row again, and a transport that can tell a repeat by its name
(the Maildir) delivers it once. An SMTP relay cannot tell; the resend is the same stored bytes,
so it carries the same Message-ID and receivers that deduplicate by it see one message.
"""
from __future__ import annotations

import asyncio
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib


class DeliveryError(Exception):
    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Transport(Protocol):
    async def send(self, raw: bytes, *, sender: str, recipient: str, name: str) -> None: ...


class MaildirTransport:
    """Writes each message into a Maildir: tmp/, then a hard link into new/ under the row's name.

    Never half a file, and never two copies of one row: a link to a name that exists fails, and
    a name already in new/ or cur/ (where a reader moves what it saw) is not written again.
    Files are 0600 and folders 0700: they hold live links.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # Several worker processes may start at once: mkdir must tolerate a race.
        for sub in ("", "tmp", "new", "cur"):
            (self.path / sub).mkdir(mode=0o700, parents=True, exist_ok=True)

    async def send(self, raw: bytes, *, sender: str, recipient: str, name: str) -> None:
        envelope = f"Return-Path: <{sender}>\r\nDelivered-To: {recipient}\r\n".encode()
        await asyncio.to_thread(self._deliver, envelope + raw, name)

    def delivered(self, name: str) -> bool:
        if (self.path / "new" / name).exists() or (self.path / "cur" / name).exists():
            return True
        # A reader that saw the mail renames it cur/NAME:2,FLAGS (the Maildir convention).
        return any(True for _ in (self.path / "cur").glob(f"{name}:*"))

    def _deliver(self, data: bytes, name: str) -> None:
        if self.delivered(name):
            return
        tmp = self.path / "tmp" / f"{name}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)  # no fsync, as mailbox.Maildir: this transport is for development
            try:
                os.link(tmp, self.path / "new" / name)
            except FileExistsError:
                pass  # another attempt at the same row got there first: one copy
        finally:
            tmp.unlink(missing_ok=True)


@dataclass(frozen=True)
class SMTPTransport:
    """One recipient per transaction, so a refusal belongs to exactly one outbox row."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    start_tls: bool | None = None  # None: use it when the relay offers it
    timeout: float = 30

    async def send(self, raw: bytes, *, sender: str, recipient: str, name: str) -> None:
        try:
            errors, response = await aiosmtplib.send(
                raw, sender=sender, recipients=[recipient], hostname=self.host, port=self.port,
                username=self.username, password=self.password, use_tls=self.use_tls,
                start_tls=self.start_tls, timeout=self.timeout)
        except aiosmtplib.SMTPRecipientsRefused as e:
            refusal = e.recipients[0]
            raise DeliveryError(f"{refusal.code} {refusal.message}", permanent=refusal.code >= 500) from None
        except aiosmtplib.SMTPResponseException as e:
            raise DeliveryError(f"{e.code} {e.message}", permanent=e.code >= 500) from None
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as e:
            raise DeliveryError(f"{type(e).__name__}: {e}", permanent=False) from None
        # aiosmtplib returns normally when only some recipients were refused: read them.
        if recipient in errors:
            code, text = errors[recipient]
            raise DeliveryError(f"{code} {text}", permanent=code >= 500)


def from_url(url: str) -> Transport:
    """`maildir:PATH` or `smtp[s]://user:pass@host:port?starttls=true|false`."""
    if url.startswith("maildir:"):
        return MaildirTransport(Path(url[len("maildir:"):]))
    parts = urlsplit(url)
    query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
    starttls = {"true": True, "false": False}.get(query.get("starttls", ""), None)
    port = parts.port or (465 if parts.scheme == "smtps" else 587)
    return SMTPTransport(host=parts.hostname or "localhost", port=port,
                         username=unquote(parts.username) if parts.username else None,
                         password=unquote(parts.password) if parts.password else None,
                         use_tls=parts.scheme == "smtps", start_tls=starttls)
