"""Claims received messages and runs the pipeline on each, with leases and bounded retries.

A bug in processing must never lose a message: whatever the pipeline raises is caught here,
recorded on the row, and retried with a backoff until the message is marked failed (never
deleted). A worker that dies mid-message leaves a lease that expires, and the message is
claimed again.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine

import metrics
from clock import clock
from store import messages
from store.messages import Claimed

log = logging.getLogger("baton.worker")


class MessageWorker:
    def __init__(self, engine: Engine, process: Callable[[Claimed], None], *, lease_seconds: int,
                 max_attempts: int = 5, poll_seconds: float = 1.0, batch: int = 10) -> None:
        self.engine = engine
        self.process = process
        self.lease = timedelta(seconds=lease_seconds)
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.wake = asyncio.Event()  # set by the SMTP listener after each commit

    async def run_once(self) -> int:
        """Claims one batch and processes it; returns how many messages were claimed."""
        claimed = await asyncio.to_thread(messages.claim, self.engine, now=clock.now(), lease=self.lease,
                                          limit=self.batch)
        for msg in claimed:
            await self._process_one(msg)
        return len(claimed)

    async def _process_one(self, msg: Claimed) -> None:
        if msg.attempts > self.max_attempts:  # its workers kept dying: stop trying
            await asyncio.to_thread(messages.retry_or_fail, self.engine, msg.id, now=clock.now(),
                                    error="lease expired too often", attempts=msg.attempts,
                                    max_attempts=self.max_attempts)
            log.error("message id=%s failed: lease expired %d times", msg.id, msg.attempts)
            return
        try:
            await asyncio.to_thread(self.process, msg)
        except Exception as e:
            metrics.FAILED.inc()
            status = await asyncio.to_thread(
                messages.retry_or_fail, self.engine, msg.id, now=clock.now(),
                error=f"{type(e).__name__}: {e}", attempts=msg.attempts, max_attempts=self.max_attempts)
            log.error("message id=%s processing error %s (attempt %d) -> %s", msg.id, type(e).__name__,
                      msg.attempts, status)
            return
        log.info("message id=%s processed", msg.id)
