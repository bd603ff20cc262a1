"""Issue 17: the retention purge keeps the outbox and the jobs bounded as days pass, and what it
keeps (the outbox's keys) still stops a mail from being sent twice."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from clock import clock
from model import JobKind, Kind
from store import intros, jobs, outbox
from store.schema import jobs as jobs_table
from store.schema import outbox as outbox_table
from worker import retention

PER_DAY = 4
RAW = b"From: intro@baton.example\r\nTo: dana@mail.example\r\nSubject: Hi\r\n\r\nHello\r\n"


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _one_day(engine, day: int) -> None:
    """A day's work: an intro, its job run, and PER_DAY emails queued and sent."""
    now = clock.now()
    with engine.begin() as conn:
        intro_id = intros.create(conn, key=f"k{day}", message_id=day, kind=Kind.INTRO_REQUEST, referrer_email=None,
                                 pin_email=None, contact_email=None, draft={}, now=now)
        jobs.add(conn, intro_id, JobKind.EXPIRE, due=now, now=now)
        for i in range(PER_DAY):
            outbox.enqueue(conn, scope=f"intro:{intro_id}", purpose="draft", recipient=f"p{i}@mail.example", raw=RAW,
                           now=now, intro_id=intro_id)
    for job in jobs.claim(engine, now=now, lease=timedelta(seconds=60)):
        with engine.begin() as conn:
            jobs.finish(conn, job.id)
    for row in outbox.claim(engine, now=now, lease=timedelta(seconds=60), limit=100):
        outbox.mark_sent(engine, row, now=now)


async def test_the_purge_keeps_the_outbox_and_jobs_bounded(engine):
    window = retention.LONGEST_CAP_WINDOW.days
    sizes = []
    for day in range(1, 91):
        _one_day(engine, day)
        retention.purge(engine, retention_days=30, now=clock.now())
        sizes.append((_count(engine, outbox_table), _count(engine, jobs_table)))
        if day < 90:
            clock.advance(timedelta(days=1))
    # Grows for the window, then stays: what is older than the window goes each day.
    assert max(sizes) == sizes[29] == sizes[59] == sizes[89] == (window * PER_DAY, window), sizes
    # Everything inside the window (what the caps count) is still there.
    with engine.connect() as conn:
        since = clock.now() - timedelta(days=window)
        assert conn.execute(select(func.count()).select_from(outbox_table)
                            .where(outbox_table.c.created_at >= since)).scalar() == window * PER_DAY
    # Day 1's mail was purged long ago; its key was kept, so queuing it again sends nothing.
    with engine.begin() as conn:
        assert outbox.enqueue(conn, scope="intro:1", purpose="draft", recipient="p0@mail.example", raw=RAW,
                              now=clock.now(), intro_id=1) is None


async def test_the_purge_never_goes_below_the_longest_cap_window(engine):
    _one_day(engine, 1)
    clock.advance(timedelta(days=10))
    assert retention.purge(engine, retention_days=1, now=clock.now())["outbox"] == 0
    clock.advance(timedelta(days=21))
    assert retention.purge(engine, retention_days=1, now=clock.now())["outbox"] == PER_DAY


async def test_pending_mail_is_never_purged(engine):
    with engine.begin() as conn:
        outbox.enqueue(conn, scope="x", purpose="draft", recipient="p@mail.example", raw=RAW, now=clock.now())
    clock.advance(timedelta(days=400))
    retention.purge(engine, retention_days=30, now=clock.now())
    assert [r["status"] for r in outbox.rows(engine)] == ["pending"]


def test_a_job_runner_whose_lease_ran_out_cannot_finish_or_retry_the_claim_that_took_over(engine):
    """The job's effects (a reminder queued) and its finish share a transaction: LeaseLost rolls both
    back, so a runner that stalled past its lease does not send what the newer claim sends."""
    import pytest

    from store.leases import LeaseLost

    now = clock.now()
    with engine.begin() as conn:
        intro_id = intros.create(conn, key="stale", message_id=1, kind=Kind.INTRO_REQUEST, referrer_email=None,
                                 pin_email=None, contact_email=None, draft={}, now=now)
        jobs.add(conn, intro_id, JobKind.EXPIRE, due=now, now=now)
    (first,) = jobs.claim(engine, now=now, lease=timedelta(seconds=60))
    later = now + timedelta(seconds=61)
    (second,) = jobs.claim(engine, now=later, lease=timedelta(seconds=60))
    assert (first.id, first.attempts, second.attempts) == (second.id, 1, 2)
    with pytest.raises(LeaseLost), engine.begin() as conn:
        outbox.enqueue(conn, scope=f"intro:{intro_id}", purpose="expired", recipient="r@mail.example", raw=RAW,
                       now=later, intro_id=intro_id)
        jobs.finish(conn, first.id, claim=first.attempts)
    assert _count(engine, outbox_table) == 0  # the stale run's email went with its transaction
    jobs.retry_or_fail(engine, first.id, now=later, attempts=1, error="boom", max_attempts=3, claim=first.attempts)
    with engine.begin() as conn:
        jobs.finish(conn, second.id, claim=second.attempts)
        assert conn.execute(select(jobs_table.c.status, jobs_table.c.last_error)
                            .where(jobs_table.c.id == second.id)).one() == ("done", None)
        # A job cancelled while it ran (the intro was declined) stays cancelled; no lease was lost.
        jobs.add(conn, intro_id, JobKind.REVIEW_REMINDER, due=later, now=later)
    (third,) = jobs.claim(engine, now=later, lease=timedelta(seconds=60))
    with engine.begin() as conn:
        conn.execute(jobs_table.update().where(jobs_table.c.id == third.id).values(status="cancelled"))
        jobs.finish(conn, third.id, claim=third.attempts)
        assert conn.execute(select(jobs_table.c.status).where(jobs_table.c.id == third.id)).scalar() == "cancelled"
