"""The outbox (mail waiting to go out) and the suppression list that every send consults."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite

from store import leases
from store.db import reading
from store.schema import outbox as t
from store.schema import suppressions


@dataclass(frozen=True)
class Outgoing:
    id: int
    recipient: str
    bounce_key: str
    raw: bytes
    attempts: int


def address_hash(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode("utf-8", "replace")).hexdigest()


def enqueue(conn: Connection, *, scope: str, purpose: str, recipient: str, raw: bytes, now: datetime,
            intro_id: int | None = None) -> int | None:
    """Adds one email unless (scope, purpose, recipient) was already queued; returns the new row's id.

    `scope` names what the mail belongs to ("intro:7", "message:12", "about:2026-11-26"); call
    it in the transaction that writes that record.
    """
    key = hashlib.sha256(f"{scope}\0{purpose}\0{recipient.lower()}".encode()).hexdigest()
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(t).values(
        dedup_key=key, intro_id=intro_id, purpose=purpose, recipient=recipient,
        bounce_key=secrets.token_hex(12), raw=raw, status="pending", available_at=now, created_at=now,
    ).on_conflict_do_nothing(index_elements=["dedup_key"])
    return conn.execute(stmt.returning(t.c.id)).scalar()


def claim(engine: Engine, *, now: datetime, lease: timedelta, limit: int = 10) -> list[Outgoing]:
    rows = leases.claim(engine, t, [t.c.id, t.c.recipient, t.c.bounce_key, t.c.raw, t.c.attempts],
                        pending="pending", active="sending", now=now, lease=lease, limit=limit)
    return [Outgoing(*r) for r in rows]


def mark_sent(engine: Engine, row_id: int, *, now: datetime) -> None:
    _set(engine, row_id, status="sent", sent_at=now, lease_until=None, last_error=None)


def mark_retry(engine: Engine, row_id: int, *, now: datetime, attempts: int, error: str) -> None:
    _set(engine, row_id, status="pending", lease_until=None, last_error=error[:2000],
         available_at=now + leases.backoff(attempts, base=30, cap=6 * 3600))


def mark_failed(engine: Engine, row_id: int, *, error: str, status: str = "failed") -> None:
    _set(engine, row_id, status=status, lease_until=None, last_error=error[:2000])


def _set(engine: Engine, row_id: int, **values) -> None:
    with engine.begin() as conn:
        conn.execute(update(t).where(t.c.id == row_id).values(**values))


def suppress(conn: Connection, address: str, *, reason: str, now: datetime) -> None:
    """Nothing more goes to this address (kept only as a hash)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(suppressions).values(address_hash=address_hash(address), reason=reason,
                                                     created_at=now).on_conflict_do_nothing())


def is_suppressed(engine: Engine, address: str) -> bool:
    with reading(engine) as conn:
        return conn.execute(select(suppressions.c.reason)
                            .where(suppressions.c.address_hash == address_hash(address))).first() is not None


def rows(engine: Engine) -> list[dict]:
    with reading(engine) as conn:
        return [dict(r) for r in conn.execute(select(t).order_by(t.c.id)).mappings()]


def sent_for(conn: Connection, intro_id: int, recipient: str, purposes: tuple[str, ...]) -> int:
    """How many emails of these purposes this intro has queued for `recipient`."""
    from sqlalchemy import func
    return conn.execute(select(func.count()).select_from(t).where(
        t.c.intro_id == intro_id, t.c.recipient == recipient, t.c.purpose.in_(purposes))).scalar_one()


def count_since(conn: Connection, since: datetime, *, recipient: str | None = None,
                purposes: tuple[str, ...] = ()) -> int:
    from sqlalchemy import func
    stmt = select(func.count()).select_from(t).where(t.c.created_at >= since)
    if recipient is not None:
        stmt = stmt.where(func.lower(t.c.recipient) == recipient.lower())
    if purposes:
        stmt = stmt.where(t.c.purpose.in_(purposes))
    return conn.execute(stmt).scalar_one()


# --- delivery reports that come back later (intros/bounces.py) ---------------------------------

@dataclass(frozen=True)
class Sent:
    """An outbox row as a delivery report about it needs it."""
    id: int
    intro_id: int | None
    purpose: str
    recipient: str
    status: str


def by_bounce_key(conn: Connection, key: str) -> Sent | None:
    """The row whose envelope sender was intro+bounce-KEY@ (keys are unique, random, 24 hex digits)."""
    row = conn.execute(select(t.c.id, t.c.intro_id, t.c.purpose, t.c.recipient, t.c.status)
                       .where(t.c.bounce_key == key.lower())).first()
    return Sent(*row) if row else None


def mark_bounced(conn: Connection, row_id: int, *, error: str) -> bool:
    """sent -> bounced, with the report's words; False when the row was not sent (or already bounced),
    so that a second report about the same mail changes nothing and tells nobody again."""
    result = conn.execute(update(t).where(t.c.id == row_id, t.c.status.in_(("sent", "sending")))
                          .values(status="bounced", lease_until=None, last_error=error[:2000]))
    return result.rowcount == 1


def suppressed(conn: Connection, address: str) -> bool:
    """is_suppressed inside the caller's transaction."""
    return conn.execute(select(suppressions.c.reason)
                        .where(suppressions.c.address_hash == address_hash(address))).first() is not None
