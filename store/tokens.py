"""Links in mail: 192 random bits, stored only as a hash, one per person and purpose, expiring.

Only the hash is kept, so a copy of the database cannot act on anyone's behalf. The form token
on each page is an HMAC of the link token: a POST must come from a page that was fetched with
the link, and GET never acts (mail scanners fetch links; RFC 8058 made unsubscribe a POST for
the same reason).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select

from model import LinkPurpose, Role
from store.schema import tokens

TOKEN_BYTES = 24


@dataclass(frozen=True)
class Link:
    intro_id: int
    purpose: LinkPurpose
    role: Role


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def issue(conn: Connection, intro_id: int, *, purpose: LinkPurpose, role: Role, now: datetime,
          ttl: timedelta) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    conn.execute(insert(tokens).values(token_hash=_hash(token), intro_id=intro_id, purpose=purpose.value,
                                       role=role.value, created_at=now, expires_at=now + ttl))
    return token


def resolve(conn: Connection, token: str, *, purpose: LinkPurpose, now: datetime) -> Link | str:
    """The link's intro and person, or why not: "unknown" or "expired"."""
    if not token or len(token) > 100:
        return "unknown"
    row = conn.execute(select(tokens).where(tokens.c.token_hash == _hash(token))).mappings().first()
    if row is None or row["purpose"] != purpose.value:
        return "unknown"
    if row["expires_at"] <= now:
        return "expired"
    return Link(row["intro_id"], LinkPurpose(row["purpose"]), Role(row["role"]))


def form_token(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), b"form\0" + token.encode(), hashlib.sha256).hexdigest()


def form_token_ok(secret: str, token: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(form_token(secret, token), given or "")
