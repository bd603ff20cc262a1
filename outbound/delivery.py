"""The outbox worker: sends what is due, retries what may succeed later, records what failed.

4xx answers and timeouts come back later with exponential backoff; a 5xx fails the row,
records why, and suppresses the address so nothing more is sent there.

At most one copy: a row is claimed (with a lease, BATON_WORKER_LEASE_SECONDS) before the
transport write and recorded after it. A worker that dies in between leaves the lease to run
out, and the row is written again under the same name with the same bytes: the Maildir
transport sees the name and writes nothing; an SMTP relay gets the same Message-ID. A batch
that has used half its lease renews each row before writing it (or leaves it to the worker
that claimed it since), so a slow batch does not overlap another worker's claim of a row.
"""
from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine

import metrics
from clock import clock
from outbound.transport import DeliveryError, Transport
from store import outbox

log = logging.getLogger("baton.outbound")
_ADDRESS = re.compile(r"(?<![\w.+'-])[\w.+'-]+@([\w-]+(?:\.[\w-]+)+)")  # from where a run starts: linear


def _redact(text: str) -> str:
    """Relay answers often quote the address ("<dana@x> unknown"): logs get only the domain."""
    return _ADDRESS.sub(r"…@\1", text)


class OutboxWorker:
    def __init__(self, engine: Engine, transport: Transport, *, bounce_sender: Callable[[str], str],
                 lease_seconds: int, max_attempts: int = 8, poll_seconds: float = 1.0) -> None:
        self.engine = engine
        self.transport = transport
        self.bounce_sender = bounce_sender  # bounce_key -> envelope sender (intro+bounce-KEY@domain)
        self.max_attempts = max_attempts
        self.lease = timedelta(seconds=lease_seconds)
        self.poll_seconds = poll_seconds
        self.wake = asyncio.Event()

    async def run_once(self) -> int:
        lease_ends = clock.now() + self.lease
        rows = await asyncio.to_thread(outbox.claim, self.engine, now=clock.now(), lease=self.lease)
        for row in rows:
            if clock.now() + self.lease / 2 > lease_ends:
                if not await asyncio.to_thread(outbox.renew, self.engine, row, now=clock.now(), lease=self.lease):
                    log.info("outbox id=%s was taken over by another worker", row.id)
                    continue
            await self._deliver(row)
        return len(rows)

    def _suppress(self, address: str) -> None:
        with self.engine.begin() as conn:
            outbox.suppress(conn, address, reason="hard_bounce", now=clock.now())

    async def _deliver(self, row: outbox.Outgoing) -> None:
        e = self.engine
        if await asyncio.to_thread(outbox.is_suppressed, e, row.recipient):
            await asyncio.to_thread(outbox.mark_failed, e, row, error="recipient suppressed", status="suppressed")
            metrics.OUTBOX.labels("suppressed").inc()
            log.info("outbox id=%s suppressed", row.id)
            return
        try:
            await self.transport.send(row.raw, sender=self.bounce_sender(row.bounce_key), recipient=row.recipient,
                                      name=row.delivery_name)
        except DeliveryError as err:
            if err.permanent:
                await asyncio.to_thread(outbox.mark_failed, e, row, error=str(err))
                await asyncio.to_thread(self._suppress, row.recipient)
                metrics.OUTBOX.labels("failed").inc()
                log.warning("outbox id=%s failed permanently: %s", row.id, _redact(str(err))[:120])
            elif row.attempts >= self.max_attempts:
                await asyncio.to_thread(outbox.mark_failed, e, row, error=f"gave up: {err}")
                metrics.OUTBOX.labels("failed").inc()
                log.warning("outbox id=%s gave up after %d attempts", row.id, row.attempts)
            else:
                await asyncio.to_thread(outbox.mark_retry, e, row, now=clock.now(), error=str(err))
                metrics.OUTBOX.labels("retried").inc()
                log.info("outbox id=%s deferred (attempt %d)", row.id, row.attempts)
            return
        await asyncio.to_thread(outbox.mark_sent, e, row, now=clock.now())
        metrics.OUTBOX.labels("sent").inc()
        log.info("outbox id=%s sent", row.id)
