"""The outbox (mail waiting to go out) and the suppression list that every send consults."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, func, select, update

import mailboxes
from store import leases
from store.db import reading, upsert
from store.schema import outbox as t
from store.schema import outbox_keys, suppressions


@dataclass(frozen=True)
class Outgoing:
    id: int
    recipient: str
    bounce_key: str
    raw: bytes
    attempts: int
    created_at: datetime

    @property
    def delivery_name(self) -> str:
        """The same on every attempt at this row, unique across rows and Baton instances (the
        bounce key is random), and in Maildir's "SECONDS.M<micro>..." form so readers sort it."""
        return f"{int(self.created_at.timestamp())}.M{self.created_at.microsecond}R{self.id}.{self.bounce_key}"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def address_hash(address: str) -> str:
    """What a suppression is stored as: the hash of the mailbox key, so that a "no" from carla@
    also holds for carla+1@ (issue 18, finding 6)."""
    return _sha256(mailboxes.key(address))


def _hashes(address: str) -> tuple[str, ...]:
    # Suppressions written before mailbox keys hashed the lower-cased address as written.
    return tuple({address_hash(address), _sha256(address.strip().lower())})


def enqueue(conn: Connection, *, scope: str, purpose: str, recipient: str, raw: bytes, now: datetime,
            intro_id: int | None = None, sender_domain: str | None = None) -> int | None:
    """Adds one email unless (scope, purpose, recipient) was already queued; returns the new row's id.

    `scope` names what the mail belongs to ("intro:7", "message:12", "about:2026-11-26"); call
    it in the transaction that writes that record. `sender_domain` is the domain the email is
    charged to in the daily caps (the sender whose message or intro caused it).
    """
    key = hashlib.sha256(f"{scope}\0{purpose}\0{recipient.lower()}".encode()).hexdigest()
    # The key first: it outlives the row (the retention purge deletes sent rows, never keys).
    if conn.execute(upsert(outbox_keys, conn.dialect.name).values(dedup_key=key, created_at=now)
                    .on_conflict_do_nothing(index_elements=["dedup_key"]).returning(outbox_keys.c.dedup_key)
                    ).scalar() is None:
        return None
    stmt = upsert(t, conn.dialect.name).values(
        dedup_key=key, intro_id=intro_id, purpose=purpose, recipient=recipient,
        recipient_key=mailboxes.key(recipient), sender_domain=sender_domain,
        bounce_key=secrets.token_hex(12), raw=raw, status="pending", available_at=now, created_at=now,
    ).on_conflict_do_nothing(index_elements=["dedup_key"])
    return conn.execute(stmt.returning(t.c.id)).scalar()


def claim(engine: Engine, *, now: datetime, lease: timedelta, limit: int = 10) -> list[Outgoing]:
    rows = leases.claim(engine, t, [t.c.id, t.c.recipient, t.c.bounce_key, t.c.raw, t.c.attempts, t.c.created_at],
                        pending="pending", active="sending", now=now, lease=lease, limit=limit)
    return [Outgoing(*r) for r in rows]


def renew(engine: Engine, row: Outgoing, *, now: datetime, lease: timedelta) -> bool:
    """A fresh lease on a row this worker claimed; False when its lease ran out and another
    worker claimed it since (attempts moved on): then that worker sends it, not this one."""
    with engine.begin() as conn:
        return conn.execute(update(t).where(t.c.id == row.id, t.c.status == "sending", t.c.attempts == row.attempts)
                            .values(lease_until=now + lease)).rowcount == 1


# Once a row is done its bytes go: they hold live link tokens, and nothing sends them again.
def mark_sent(engine: Engine, row: Outgoing, *, now: datetime) -> None:
    _set(engine, row, status="sent", sent_at=now, lease_until=None, last_error=None, raw=None)


def mark_retry(engine: Engine, row: Outgoing, *, now: datetime, error: str) -> None:
    _set(engine, row, status="pending", lease_until=None, last_error=error[:2000],
         available_at=now + leases.backoff(row.attempts, base=30, cap=6 * 3600))


def mark_failed(engine: Engine, row: Outgoing, *, error: str, status: str = "failed") -> None:
    _set(engine, row, status=status, lease_until=None, last_error=error[:2000], raw=None)


def _set(engine: Engine, row: Outgoing, **values) -> None:
    # Only this worker's claim (same attempt) is finished: after a lease ran out, another
    # worker's newer claim is not put back to pending under it.
    with engine.begin() as conn:
        conn.execute(update(t).where(t.c.id == row.id, t.c.status == "sending", t.c.attempts == row.attempts)
                     .values(**values))


DONE = ("sent", "failed", "suppressed", "bounced")


def purge(engine: Engine, *, before: datetime, batch: int = 1000) -> int:
    """Deletes finished rows last attempted before `before` (their recipients and errors go with
    them); their keys stay in outbox_keys. Pending and sending rows are never touched."""
    purged = 0
    while True:
        with engine.begin() as conn:
            ids = select(t.c.id).where(t.c.status.in_(DONE), t.c.available_at < before).limit(batch)
            n = conn.execute(t.delete().where(t.c.id.in_(ids.scalar_subquery()))).rowcount
        purged += n
        if n < batch:
            return purged


def suppress(conn: Connection, address: str, *, reason: str, now: datetime) -> None:
    """Nothing more goes to this address (kept only as a hash)."""
    conn.execute(upsert(suppressions, conn.dialect.name).values(address_hash=address_hash(address), reason=reason,
                                                                created_at=now).on_conflict_do_nothing())


def is_suppressed(engine: Engine, address: str) -> bool:
    with reading(engine) as conn:
        return suppressed(conn, address)


def rows(engine: Engine) -> list[dict]:
    with reading(engine) as conn:
        return [dict(r) for r in conn.execute(select(t).order_by(t.c.id)).mappings()]


def sent_for(conn: Connection, intro_id: int, recipient: str, purposes: tuple[str, ...]) -> int:
    """How many emails of these purposes this intro has queued for `recipient`."""
    return conn.execute(select(func.count()).select_from(t).where(
        t.c.intro_id == intro_id, t.c.recipient == recipient, t.c.purpose.in_(purposes))).scalar_one()


def _in_window(since: datetime, recipient: str | None, sender_domain: str | None, purposes: tuple[str, ...]):
    where = [t.c.created_at >= since]
    if recipient is not None:
        where.append(t.c.recipient_key == mailboxes.key(recipient))
    if sender_domain is not None:
        where.append(t.c.sender_domain == sender_domain)
    if purposes:
        where.append(t.c.purpose.in_(purposes))
    return where


def window_stmt(since: datetime, *, limit: int, recipient: str | None = None, sender_domain: str | None = None,
                purposes: tuple[str, ...] = ()):
    """How many emails were queued since `since` (for one mailbox, or charged to one domain),
    counting no further than `limit`: a cap only asks whether it is reached, and a count that
    stops there costs the same with a million rows in the window as with ten (issue 17; an
    operator may raise the caps far above a day's mail). Each form reads only the window, through
    ix_outbox_created_at, ix_outbox_recipient_key or ix_outbox_sender_domain."""
    first = select(t.c.id).where(*_in_window(since, recipient, sender_domain, purposes)).limit(max(0, limit))
    return select(func.count()).select_from(first.subquery())


def window(conn: Connection, since: datetime, *, limit: int, recipient: str | None = None,
           sender_domain: str | None = None, purposes: tuple[str, ...] = ()) -> tuple[int, datetime | None]:
    """(min(count, limit), and when the count reached `limit`, the oldest of them)."""
    count = conn.execute(window_stmt(since, limit=limit, recipient=recipient, sender_domain=sender_domain,
                                     purposes=purposes)).scalar_one()
    if count < limit:
        return count, None
    where = _in_window(since, recipient, sender_domain, purposes)
    return count, conn.execute(select(func.min(t.c.created_at)).where(*where)).scalar_one()


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
                          .values(status="bounced", lease_until=None, last_error=error[:2000], raw=None))
    return result.rowcount == 1


def suppressed(conn: Connection, address: str) -> bool:
    """is_suppressed inside the caller's transaction."""
    return conn.execute(select(suppressions.c.reason)
                        .where(suppressions.c.address_hash.in_(_hashes(address)))).first() is not None
