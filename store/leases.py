"""Claiming due rows with a lease: the one queue mechanism behind messages, outbox and jobs.

A row is due when it waits (`pending` status, available now) or when the worker that took it
let its lease run out (it died). On PostgreSQL, SKIP LOCKED lets several workers claim side by
side; SQLite has one writer at a time, so the single UPDATE is atomic there without it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Column, Engine, Row, Table, and_, or_, select, update


def claim(engine: Engine, table: Table, columns: list[Column], *, pending: str, active: str, now: datetime,
          lease: timedelta, limit: int) -> list[Row]:
    c = table.c
    due = or_(and_(c.status == pending, c.available_at <= now), and_(c.status == active, c.lease_until < now))
    ids = select(c.id).where(due).order_by(c.available_at, c.id).limit(limit).with_for_update(skip_locked=True)
    stmt = (update(table).where(c.id.in_(ids.scalar_subquery()))
            .values(status=active, attempts=c.attempts + 1, lease_until=now + lease)
            .returning(*columns))
    with engine.begin() as conn:
        rows = conn.execute(stmt).all()
    return sorted(rows, key=lambda r: r.id)


def backoff(attempts: int, *, base: float = 5, cap: float = 3600) -> timedelta:
    """Exponential: base, 4x base, 16x base ... capped."""
    return timedelta(seconds=min(cap, base * 4 ** max(0, attempts - 1)))
