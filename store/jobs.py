"""The intro's calendar: scheduling, cancelling, claiming and finishing jobs."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, select, update

from model import DueJob, JobKind
from store import leases
from store.db import reading, upsert
from store.schema import jobs as t

NO_STEP = "-"


def add(conn: Connection, intro_id: int, kind: JobKind, *, due: datetime, now: datetime, step: str = NO_STEP) -> None:
    """Schedules (intro, kind, step) once: scheduling it again changes nothing, so two workers
    can never schedule, and so never send, the same nudge twice."""
    key = hashlib.sha256(f"{intro_id}\0{kind.value}\0{step}".encode()).hexdigest()
    conn.execute(upsert(t, conn.dialect.name).values(dedup_key=key, intro_id=intro_id, kind=kind.value, step=step,
                                                     status="pending", available_at=due, created_at=now)
                 .on_conflict_do_nothing(index_elements=["dedup_key"]))


def cancel(conn: Connection, intro_id: int, *kinds: JobKind, step: str | None = None) -> int:
    """Cancels the intro's pending jobs of these kinds (all kinds when none are named)."""
    stmt = update(t).where(t.c.intro_id == intro_id, t.c.status == "pending")
    if kinds:
        stmt = stmt.where(t.c.kind.in_([k.value for k in kinds]))
    if step is not None:
        stmt = stmt.where(t.c.step == step)
    return conn.execute(stmt.values(status="cancelled")).rowcount


def claim(engine: Engine, *, now: datetime, lease: timedelta, limit: int = 20) -> list[DueJob]:
    rows = leases.claim(engine, t, [t.c.id, t.c.intro_id, t.c.kind, t.c.step, t.c.attempts],
                        pending="pending", active="running", now=now, lease=lease, limit=limit)
    return [DueJob(r.id, r.intro_id, JobKind(r.kind), r.step, r.attempts) for r in rows]


def finish(conn: Connection, job_id: int, *, status: str = "done", error: str | None = None,
           claim: int | None = None) -> None:
    """Only a job still running is finished: one cancelled meanwhile stays cancelled. With `claim`
    (the attempts of the claim that ran it), LeaseLost when another claim took the job since."""
    where = [t.c.id == job_id, t.c.status == "running"] + ([t.c.attempts == claim] if claim is not None else [])
    if conn.execute(update(t).where(*where).values(status=status, lease_until=None, last_error=error)).rowcount:
        return
    if claim is not None and conn.execute(select(t.c.status).where(t.c.id == job_id)).scalar() != "cancelled":
        raise leases.LeaseLost(job_id)


def retry_or_fail(engine: Engine, job_id: int, *, now: datetime, attempts: int, error: str, max_attempts: int,
                  claim: int | None = None) -> None:
    """Back with a backoff, or failed; nothing when `claim` is no longer the job's claim."""
    values = (dict(status="failed") if attempts >= max_attempts
              else dict(status="pending", available_at=now + leases.backoff(attempts, base=60)))
    where = [t.c.id == job_id, t.c.status == "running"] + ([t.c.attempts == claim] if claim is not None else [])
    with engine.begin() as conn:
        conn.execute(update(t).where(*where).values(lease_until=None, last_error=error[:2000], **values))


FINISHED = ("done", "cancelled", "failed")


def purge(engine: Engine, *, before: datetime, batch: int = 1000) -> int:
    """Deletes finished jobs that were due before `before`. Scheduling one again would run it
    again, but the mail it sends is recognised by the outbox's kept keys and not sent twice."""
    purged = 0
    while True:
        with engine.begin() as conn:
            ids = select(t.c.id).where(t.c.status.in_(FINISHED), t.c.available_at < before).limit(batch)
            n = conn.execute(t.delete().where(t.c.id.in_(ids.scalar_subquery()))).rowcount
        purged += n
        if n < batch:
            return purged


def for_intro(engine: Engine, intro_id: int) -> list[dict]:
    with reading(engine) as conn:
        return [dict(r) for r in conn.execute(select(t).where(t.c.intro_id == intro_id).order_by(t.c.available_at))
                .mappings()]
