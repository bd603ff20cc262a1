"""Claiming and finishing due jobs (the calendar itself is intros/schedule.py)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, select, update

from store import leases
from store.schema import jobs as t


def claim(engine: Engine, *, now: datetime, lease: timedelta, limit: int = 20) -> list[dict]:
    rows = leases.claim(engine, t, [t.c.id, t.c.intro_id, t.c.kind, t.c.step, t.c.attempts],
                        pending="pending", active="running", now=now, lease=lease, limit=limit)
    return [dict(r._mapping) for r in rows]


def finish(conn: Connection, job_id: int, *, status: str = "done", error: str | None = None) -> None:
    # Only a job still running is finished: one cancelled meanwhile stays cancelled.
    conn.execute(update(t).where(t.c.id == job_id, t.c.status == "running")
                 .values(status=status, lease_until=None, last_error=error))


def retry_or_fail(engine: Engine, job_id: int, *, now: datetime, attempts: int, error: str, max_attempts: int) -> None:
    values = (dict(status="failed") if attempts >= max_attempts
              else dict(status="pending", available_at=now + leases.backoff(attempts, base=60)))
    with engine.begin() as conn:
        conn.execute(update(t).where(t.c.id == job_id, t.c.status == "running")
                     .values(lease_until=None, last_error=error[:2000], **values))


def for_intro(engine: Engine, intro_id: int) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(t).where(t.c.intro_id == intro_id).order_by(t.c.available_at))
                .mappings()]
