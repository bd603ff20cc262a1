"""Where mail goes: a Maildir for development, or an SMTP relay (aiosmtplib).

A transport sends one message to one recipient and either returns or raises Delivery with
`permanent` telling whether a retry could help (5xx) or not (4xx, timeouts, refused connections).
"""
from __future__ import annotations

import asyncio
import mailbox
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
    async def send(self, raw: bytes, *, sender: str, recipient: str) -> None: ...


class MaildirTransport:
    """Writes each message into a Maildir (tmp/ then rename into new/: never half a file)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # Several worker processes may start at once: mailbox's create=True races on mkdir.
        for sub in ("tmp", "new", "cur"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)

    async def send(self, raw: bytes, *, sender: str, recipient: str) -> None:
        envelope = f"Return-Path: <{sender}>\r\nDelivered-To: {recipient}\r\n".encode()
        await asyncio.to_thread(mailbox.Maildir(str(self.path), create=False).add, envelope + raw)


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

    async def send(self, raw: bytes, *, sender: str, recipient: str) -> None:
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
