"""Turns a composed message into an outbox row: serialise once, sign (DKIM) once, queue once."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage

from sqlalchemy import Connection

from store import outbox


@dataclass(frozen=True)
class Mailer:
    sign: Callable[[bytes], bytes] | None = None

    def queue(self, conn: Connection, *, scope: str, purpose: str, recipient: str, mail: EmailMessage,
              now: datetime, intro_id: int | None = None, sender_domain: str | None = None) -> bool:
        """Queues `mail` for `recipient` in the caller's transaction; False if it was queued before."""
        raw = mail.as_bytes(policy=policy.SMTP)
        if self.sign is not None:  # the outbox keeps, and the transport sends, exactly the signed bytes
            raw = self.sign(raw)
        return outbox.enqueue(conn, scope=scope, purpose=purpose, recipient=recipient, raw=raw, now=now,
                              intro_id=intro_id, sender_domain=sender_domain) is not None
