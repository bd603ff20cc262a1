"""Claims received messages and runs the pipeline on each, with leases and bounded retries.

A bug in processing must never lose a message: whatever the pipeline raises is caught here,
recorded on the row, and retried with a backoff until the message is marked failed (never
deleted). A worker that dies mid-message leaves a lease that expires, and the message is
claimed again.

Several messages are processed at once (`concurrency` threads), and a message is claimed only
when a thread is free to take it, so that one slow message (a sender's DNS that never answers,
a multipart bomb) holds one slot, never the queue, and no claimed message waits out its lease
behind others (issue 18, finding 8). A message still running after `budget_seconds` is marked
failed with that reason at once, so no worker claims it again after its lease; its thread stops
at the pipeline's next stage boundary (worker.deadline) and only then frees its slot.
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import Engine

import metrics
from clock import clock
from store import messages
from store.leases import LeaseLost
from store.messages import Claimed
from worker import deadline

log = logging.getLogger("baton.worker")


def lower_priority(increment: int) -> None:
    """This thread's scheduling priority lowered by `increment` (BATON_WORKER_NICE): on Linux a
    thread has a nice value of its own, so the listener's thread, in this process or another,
    keeps its priority. Analysing is CPU work; when the cores are busy, accepting mail goes first."""
    if increment <= 0 or not hasattr(os, "setpriority"):
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + increment))
    except OSError as e:  # a container that forbids it: run at the normal priority
        log.warning("could not lower the worker's priority (BATON_WORKER_NICE): %s", e)


class MessageWorker:
    def __init__(self, engine: Engine, process: Callable[[Claimed], None], *, lease_seconds: int,
                 max_attempts: int = 5, poll_seconds: float = 1.0, concurrency: int = 4,
                 budget_seconds: float = 60.0, nice: int = 0) -> None:
        self.engine = engine
        self.process = process
        self.lease = timedelta(seconds=lease_seconds)
        self.max_attempts = max_attempts
        self.poll_seconds = poll_seconds
        self.concurrency = concurrency
        self.budget_seconds = budget_seconds
        self.wake = asyncio.Event()  # set by the SMTP listener after each commit, and when a slot frees
        self._running: set[asyncio.Task] = set()
        self._more = False  # the last claim filled every free slot: more may be waiting
        self._threads = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="baton-message",
                                           initializer=lower_priority, initargs=(nice,))

    async def run_once(self) -> int:
        """Claims as many messages as there are free slots and starts them; returns how many."""
        free = self.concurrency - len(self._running)
        if free <= 0:
            return 0  # every slot busy: the first to finish sets `wake`
        claimed = await asyncio.to_thread(messages.claim, self.engine, now=clock.now(), lease=self.lease, limit=free)
        self._more = len(claimed) == free
        for msg in claimed:
            task = asyncio.create_task(self._process_one(msg))
            self._running.add(task)
            task.add_done_callback(self._finished)
        return len(claimed)

    def _finished(self, task: asyncio.Task) -> None:
        self._running.discard(task)
        if self._more:
            self.wake.set()

    async def drain(self) -> None:
        """Waits for the messages in progress (at stop, and in tests)."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    async def _process_one(self, msg: Claimed) -> None:
        if msg.attempts > self.max_attempts:  # its workers kept dying: stop trying
            await self._fail(msg, "lease expired too often", final=True)
            return
        ctx = contextvars.copy_context()
        ctx.run(deadline.start, self.budget_seconds)
        work = asyncio.get_running_loop().run_in_executor(self._threads, ctx.run, self.process, msg)
        try:
            await asyncio.wait_for(asyncio.shield(work), self.budget_seconds)
        except TimeoutError:
            await self._fail(msg, f"took longer than {self.budget_seconds:g} s (BATON_WORKER_MESSAGE_SECONDS)",
                             final=True)
            await asyncio.gather(work, return_exceptions=True)  # the slot stays taken until the thread stops
            return
        except deadline.OverBudget as e:
            await self._fail(msg, str(e), final=True)
            return
        except LeaseLost:
            # It stalled past its lease (a frozen VM, a stopped process) and another worker took the
            # message: that worker's outcome stands, and nothing this one did was kept.
            log.warning("message id=%s: the lease ran out and another worker took it over; this attempt's "
                        "results are dropped", msg.id)
            return
        except Exception as e:
            await self._fail(msg, f"{type(e).__name__}: {e}", final=False,
                             logged=f"processing error {type(e).__name__}")
            return
        log.info("message id=%s processed", msg.id)

    async def _fail(self, msg: Claimed, error: str, *, final: bool, logged: str | None = None) -> None:
        """Retried with a backoff, or (final: retrying would only cost the same again) failed now."""
        metrics.FAILED.inc()
        attempts = max(msg.attempts, self.max_attempts) if final else msg.attempts
        status = await asyncio.to_thread(messages.retry_or_fail, self.engine, msg.id, now=clock.now(), error=error,
                                         attempts=attempts, max_attempts=self.max_attempts, claim=msg.attempts)
        # The log names the exception's type only: its text may quote the message (the row keeps it).
        log.error("message id=%s %s (attempt %d) -> %s", msg.id, logged or error, msg.attempts, status)
