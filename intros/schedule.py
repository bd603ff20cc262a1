"""Putting jobs on an intro's calendar, and taking them off when they no longer make sense."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, update
from sqlalchemy.dialects import postgresql, sqlite

from store.schema import jobs


@dataclass(frozen=True)
class Delays:
    """When each job falls due (all configurable; DESIGN.md's defaults)."""
    review_reminder: timedelta = timedelta(days=2)
    party_reminder: timedelta = timedelta(days=3)
    expire: timedelta = timedelta(days=7)
    nudge_pin: timedelta = timedelta(days=1)
    followup: timedelta = timedelta(days=7)


def add(conn: Connection, intro_id: int, kind: str, *, due: datetime, now: datetime, step: str = "-") -> None:
    """Schedules (intro, kind, step) once: scheduling it again changes nothing."""
    key = hashlib.sha256(f"{intro_id}\0{kind}\0{step}".encode()).hexdigest()
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(jobs).values(dedup_key=key, intro_id=intro_id, kind=kind, step=step, status="pending",
                                             available_at=due, created_at=now)
                 .on_conflict_do_nothing(index_elements=["dedup_key"]))


def cancel(conn: Connection, intro_id: int, *kinds: str, step: str | None = None) -> int:
    """Cancels the intro's pending jobs of these kinds (all kinds when none are named)."""
    stmt = update(jobs).where(jobs.c.intro_id == intro_id, jobs.c.status == "pending")
    if kinds:
        stmt = stmt.where(jobs.c.kind.in_(kinds))
    if step is not None:
        stmt = stmt.where(jobs.c.step == step)
    return conn.execute(stmt.values(status="cancelled")).rowcount
