"""Claiming due rows with a lease: the one queue mechanism behind messages, outbox and jobs.

A row is due when it waits (`pending` status, available now) or when the worker that took it
let its lease run out (it died). On PostgreSQL, SKIP LOCKED lets several workers claim side by
side; SQLite has one writer at a time, so the single UPDATE is atomic there without it.

The two kinds of due row are looked up apart, each in (status, available_at) index order and
stopping after `limit` rows, then merged: a claim reads about `limit` index entries whatever the
size of the table or of the backlog. A single `WHERE waiting OR expired` cannot be read in index
order: PostgreSQL fetched and sorted every due row on each claim (bench/jobs_bench.py, 100,000
jobs due among 4.75M: 34 ms a claim before, 2.5 ms after).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Column, Engine, Row, Select, Table, select, union_all, update


class LeaseLost(Exception):
    """A worker's lease on a row ran out and another worker claimed it since: what the first one
    would write is dropped (its transaction rolls back), the newer claim's stands."""


def due_ids(table: Table, *, pending: str, active: str, now: datetime, limit: int) -> Select:
    """The ids `claim` takes: the first `limit` due rows by (available_at, id), locked, skipping locked ones.

    Each branch locks (SKIP LOCKED) its own first `limit` rows; of those at most 2 x `limit`, the
    first `limit` are taken. The others stay locked only until this transaction commits.
    """
    c = table.c

    def first(*where) -> Select:
        inner = (select(c.id, c.available_at).where(*where).order_by(c.available_at, c.id).limit(limit)
                 .with_for_update(skip_locked=True).subquery())
        return select(inner.c.id, inner.c.available_at)

    waiting = first(c.status == pending, c.available_at <= now)
    expired = first(c.status == active, c.lease_until < now)  # its worker died; rare, and few rows
    both = union_all(waiting, expired).subquery()
    return select(both.c.id).order_by(both.c.available_at, both.c.id).limit(limit)


def claim(engine: Engine, table: Table, columns: list[Column], *, pending: str, active: str, now: datetime,
          lease: timedelta, limit: int) -> list[Row]:
    c = table.c
    ids = due_ids(table, pending=pending, active=active, now=now, limit=limit)
    stmt = (update(table).where(c.id.in_(ids.scalar_subquery()))
            .values(status=active, attempts=c.attempts + 1, lease_until=now + lease)
            .returning(*columns))
    with engine.begin() as conn:
        rows = conn.execute(stmt).all()
    return sorted(rows, key=lambda r: r.id)


def backoff(attempts: int, *, base: float = 5, cap: float = 3600) -> timedelta:
    """Exponential: base, 4x base, 16x base ... capped."""
    return timedelta(seconds=min(cap, base * 4 ** max(0, attempts - 1)))
