"""Runs due intro jobs (reminders, expiry, follow-ups): one transaction each, mail via the outbox."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine

from clock import clock
from intros import flow
from model import DueJob
from store import jobs
from store.leases import LeaseLost

log = logging.getLogger("baton.jobs")


class JobWorker:
    def __init__(self, engine: Engine, ctx: flow.Context, *, on_queued: Callable[[], None] = lambda: None,
                 lease_seconds: int, max_attempts: int = 5) -> None:
        self.engine = engine
        self.ctx = ctx
        self.on_queued = on_queued
        self.lease = timedelta(seconds=lease_seconds)
        self.max_attempts = max_attempts
        self.wake = asyncio.Event()

    async def run_once(self) -> int:
        due = await asyncio.to_thread(jobs.claim, self.engine, now=clock.now(), lease=self.lease)
        for job in due:
            await asyncio.to_thread(self._run, job)
        if due:
            self.on_queued()
        return len(due)

    def _run(self, job: DueJob) -> None:
        try:
            with self.engine.begin() as conn:
                result = flow.run_job(conn, job, now=clock.now(), ctx=self.ctx)
                jobs.finish(conn, job.id, claim=job.attempts)
        except LeaseLost:  # it stalled past its lease and another worker ran the job: its mail is not queued twice
            log.warning("job id=%s %s: the lease ran out and another worker took it over; this run is dropped",
                        job.id, job.kind.value)
            return
        except Exception as e:  # recorded on the job and retried; never lost
            jobs.retry_or_fail(self.engine, job.id, now=clock.now(), attempts=job.attempts,
                               error=f"{type(e).__name__}: {e}", max_attempts=self.max_attempts, claim=job.attempts)
            log.error("job id=%s %s failed: %s", job.id, job.kind.value, type(e).__name__)
            return
        log.info("job id=%s %s intro=%s: %s", job.id, job.kind.value, job.intro_id, result)
