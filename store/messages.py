"""Queries on inbound_messages: store, claim, finish, list."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Connection, Engine, Insert, select, update

from store import leases
from store.db import reading, upsert
from store.leases import LeaseLost
from store.schema import inbound_messages as t

# Only the header block is read at intake, and only so far: the full parse happens in the worker.
_HEADER_SCAN_LIMIT = 256 * 1024
_MESSAGE_ID = re.compile(rb"^message-id[ \t]*:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Received:
    """What the SMTP listener hands to storage: the bytes and the envelope, kept out of band."""

    raw: bytes
    mail_from: str
    rcpt_tos: list[str]
    peer: str | None
    helo: str | None
    received_at: datetime


@dataclass(frozen=True)
class Stored:
    id: int
    duplicate: bool


@dataclass(frozen=True)
class Claimed:
    id: int
    raw: bytes | None
    mail_from: str
    rcpt_tos: list[str]
    attempts: int
    peer: str | None = None
    helo: str | None = None
    deferred: dict | None = None  # why and since when a cap made it wait (worker/caps.py), if it did


def header_message_id(raw: bytes) -> str | None:
    head = raw[:_HEADER_SCAN_LIMIT]
    end = re.search(rb"\r?\n\r?\n", head)
    m = _MESSAGE_ID.search(head[: end.start()] if end else head)
    if not m:
        return None
    value = re.sub(rb"\s+", b"", m.group(1)).decode("utf-8", "replace")
    return value[:998] or None


def dedup_key(raw: bytes, mail_from: str) -> tuple[str | None, str]:
    """(Message-ID, key): the same Message-ID from the same sender is one message."""
    message_id = header_message_id(raw)
    if message_id:
        return message_id, hashlib.sha256(b"mid\0" + message_id.encode() + b"\0"
                                          + mail_from.lower().encode("utf-8", "replace")).hexdigest()
    digest = hashlib.sha256(b"raw\0")
    digest.update(raw)  # not b"raw\0" + raw: a second copy of a message that may be 25 MB
    return None, digest.hexdigest()


@cache
def _insert(dialect: str) -> Insert:
    """Built once per dialect (at the first batch): the listener's writer runs it for every batch."""
    return upsert(t, dialect).on_conflict_do_nothing(index_elements=["dedup_key"]).returning(t.c.dedup_key, t.c.id)


def insert_many(conn: Connection, msgs: list[Received]) -> list[Stored]:
    """Inserts a batch in one statement, skipping messages already stored; the caller commits.

    One executemany with RETURNING (SQLAlchemy sends it as one multi-row INSERT) costs a
    fraction of a statement per message: this runs on the SMTP listener's core, before the 250.
    A message already stored, or a second copy within the batch, gets the first copy's id.
    """
    rows = [_row(m) for m in msgs]
    new: dict[str, int] = dict(conn.execute(_insert(conn.dialect.name), rows).all())
    old = {r["dedup_key"] for r in rows} - new.keys()
    ids = dict(conn.execute(select(t.c.dedup_key, t.c.id).where(t.c.dedup_key.in_(old))).all()) if old else {}
    ids.update(new)
    results, seen = [], set()
    for r in rows:
        key = r["dedup_key"]
        results.append(Stored(ids[key], key not in new or key in seen))
        seen.add(key)
    return results


def _row(msg: Received) -> dict:
    message_id, key = dedup_key(msg.raw, msg.mail_from)
    return dict(
        dedup_key=key, message_id=message_id, mail_from=msg.mail_from, rcpt_tos=msg.rcpt_tos,
        peer=msg.peer, helo=(msg.helo or "")[:255], received_at=msg.received_at, size=len(msg.raw),
        sha256=hashlib.sha256(msg.raw).hexdigest(), raw=msg.raw, status="received",
        available_at=msg.received_at,
    )


def claim(engine: Engine, *, now: datetime, lease: timedelta, limit: int = 10) -> list[Claimed]:
    """Takes up to `limit` received messages that are due, or whose worker's lease ran out."""
    rows = leases.claim(engine, t, [t.c.id, t.c.raw, t.c.mail_from, t.c.rcpt_tos, t.c.attempts, t.c.peer, t.c.helo,
                                    t.c.analysis],
                        pending="received", active="processing", now=now, lease=lease, limit=limit)
    return [Claimed(r.id, r.raw, r.mail_from, r.rcpt_tos, r.attempts, r.peer, r.helo,
                    deferred=(r.analysis or {}).get("deferred")) for r in rows]


def _still_claimed(message_id: int, claim: int | None) -> list:
    """The row, only while it is the claim that read it (`claim`: its attempts, which every claim
    counts up). None: no claim to check, for tools and tests that set a row directly."""
    where = [t.c.id == message_id]
    if claim is not None:
        where += [t.c.status == "processing", t.c.attempts == claim]
    return where


def finish(conn: Connection, message_id: int, *, now: datetime, analysis: dict | None,
           drop_raw: bool = False, fingerprint: str | None = None, claim: int | None = None) -> None:
    """`drop_raw`: the bytes go now rather than at the retention purge (see the pipeline). Empty,
    not NULL: NULL marks a row the purge has done, and it must still come for the analysis's names.
    Raises LeaseLost when `claim` is no longer the message's claim."""
    values: dict[str, object] = dict(status="processed", processed_at=now, lease_until=None, analysis=analysis,
                                     last_error=None, fingerprint=fingerprint)
    if drop_raw:
        values["raw"] = b""
    if conn.execute(update(t).where(*_still_claimed(message_id, claim)).values(**values)).rowcount != 1:
        raise LeaseLost(message_id)


def defer(engine: Engine, message_id: int, *, until: datetime, why: dict, claim: int | None = None) -> None:
    """Back to the queue until `until`, without using up an attempt: a cap is not a failure.
    Raises LeaseLost when `claim` is no longer the message's claim."""
    with engine.begin() as conn:
        done = conn.execute(update(t).where(*_still_claimed(message_id, claim)).values(
            status="received", available_at=until, lease_until=None, attempts=t.c.attempts - 1,
            analysis={"deferred": why})).rowcount
        if done != 1:
            raise LeaseLost(message_id)


def answered_stmt(fingerprint: str, *, since: datetime, other_than: int):
    """A message with this fingerprint answered since `since`, read through ix_inbound_messages_fingerprint."""
    return select(t.c.id).where(t.c.fingerprint == fingerprint, t.c.received_at >= since,
                                t.c.id != other_than).limit(1)


def answered_recently(conn: Connection, fingerprint: str, *, since: datetime, other_than: int) -> bool:
    return conn.execute(answered_stmt(fingerprint, since=since, other_than=other_than)).first() is not None


def retry_or_fail(engine: Engine, message_id: int, *, now: datetime, error: str, attempts: int,
                  max_attempts: int, claim: int | None = None) -> str:
    """Puts a message back with a backoff, or marks it failed for good; never deletes it. "lost"
    when `claim` is no longer the message's claim: the newer claim's outcome stands."""
    values: dict[str, object] = {"status": "failed", "lease_until": None, "last_error": error[:4000]}
    if attempts < max_attempts:
        values.update(status="received", available_at=now + leases.backoff(attempts))
    with engine.begin() as conn:
        if conn.execute(update(t).where(*_still_claimed(message_id, claim)).values(**values)).rowcount != 1:
            return "lost"
    return str(values["status"])


def recent(engine: Engine, limit: int = 50) -> list[dict]:
    cols = [t.c.id, t.c.received_at, t.c.status, t.c.mail_from, t.c.rcpt_tos, t.c.size, t.c.attempts,
            t.c.message_id, t.c.last_error, t.c.analysis, t.c.raw]
    with reading(engine) as conn:
        rows = conn.execute(select(*cols).order_by(t.c.id.desc()).limit(limit)).mappings().all()
    return [dict(r) for r in rows]


def get(engine: Engine, message_id: int) -> dict | None:
    with reading(engine) as conn:
        row = conn.execute(select(t).where(t.c.id == message_id)).mappings().first()
    return dict(row) if row else None


def raw_of(conn: Connection, message_id: int) -> bytes | None:
    """The stored bytes of one message (None once retention purged them)."""
    raw = conn.execute(select(t.c.raw).where(t.c.id == message_id)).scalar()
    return bytes(raw) if raw is not None else None


def purge(engine: Engine, *, older_than: datetime, batch: int = 500) -> int:
    """Deletes the raw bytes, and the names and addresses in the analysis, of messages finished
    before `older_than`. The row stays with its status and outcome, so the audit trail holds."""
    purged = 0
    while True:
        with engine.begin() as conn:
            rows = conn.execute(select(t.c.id, t.c.analysis).where(
                t.c.raw.is_not(None), t.c.status.in_(("processed", "failed")), t.c.received_at < older_than)
                .order_by(t.c.id).limit(batch)).all()
            for row in rows:
                kept = {k: (row.analysis or {}).get(k) for k in ("kind", "outcome", "auto_generated")}
                conn.execute(update(t).where(t.c.id == row.id).values(raw=None, analysis={**kept, "purged": True}))
        purged += len(rows)
        if len(rows) < batch:
            return purged


def queue_health(engine: Engine, *, now: datetime) -> dict:
    """Queue depth and the age of the oldest message not yet processed (for /healthz)."""
    from sqlalchemy import func

    from store.schema import outbox
    with reading(engine) as conn:
        depth, oldest = conn.execute(select(func.count(), func.min(t.c.received_at))
                                     .where(t.c.status.in_(("received", "processing")))).one()
        outgoing = conn.execute(select(func.count()).select_from(outbox)
                                .where(outbox.c.status.in_(("pending", "sending")))).scalar_one()
    if oldest is not None and oldest.tzinfo is None:  # an aggregate skips the column's type on SQLite
        oldest = datetime.fromisoformat(str(oldest)).replace(tzinfo=now.tzinfo)
    age = round((now - oldest).total_seconds(), 3) if oldest else 0
    return {"queue_depth": depth, "oldest_unprocessed_seconds": age, "outbox_pending": outgoing}
