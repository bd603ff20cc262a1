"""Daily caps that are fair: no sender, and no sender domain, can use up what everyone shares.

Three limits per rolling 24 hours, checked before Baton answers a message (issue 18, finding 3):
- answers (drafts and notes) to one mailbox: BATON_DAILY_CAP_PER_SENDER;
- all mail charged to one sender domain (its answers and its intros' mail): a share of the total,
  BATON_DAILY_CAP_DOMAIN_PERCENT, so one domain leaves room for the others (Baton's own domains,
  whose users the operator vouches for, are exempt);
- all outgoing mail: BATON_DAILY_CAP_TOTAL, which protects the sending reputation.
A message over a cap is not dropped: it waits until the window has room (`Over.until`).

Each count reads only the window through an index and stops at the cap (store/outbox.py `window`),
so its cost does not grow with the outbox, nor with a busy day (issue 17).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection

from model import ANSWER_PURPOSES
from store import outbox

WINDOW = timedelta(days=1)
_ANSWERS = tuple(p.value for p in ANSWER_PURPOSES)


@dataclass(frozen=True)
class Caps:
    per_sender: int = 20
    total: int = 1000
    domain_percent: int = 10
    exempt_domains: frozenset[str] = frozenset()
    max_wait: timedelta = timedelta(days=3)

    @property
    def per_domain(self) -> int:
        return max(1, self.total * self.domain_percent // 100)


@dataclass(frozen=True)
class Over:
    cap: str  # "sender" | "domain" | "total"
    until: datetime  # when the oldest counted email leaves the window, making room


class RecentTotal:
    """The total cap's count reads every email of the last day: with the caps raised for a busy
    domain, tens of thousands of index entries per message (issue 17's growth bench, 1M rows:
    10 ms a check on PostgreSQL, a quarter of the worker's rate). Far below the cap, a count up to
    FRESH old stands in; within max(100, a tenth of the cap) of it every check counts afresh, so the cap holds exactly
    where it matters. One per worker process; its threads share it."""

    FRESH = timedelta(seconds=10)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: tuple[datetime, int] | None = None

    def count(self, conn: Connection, since: datetime, limit: int, now: datetime) -> tuple[int, datetime | None]:
        with self._lock:
            seen = self._seen
        headroom = max(100, limit // 10)
        if seen is not None and timedelta(0) <= now - seen[0] < self.FRESH and seen[1] + headroom < limit:
            return seen[1], None
        count, oldest = outbox.window(conn, since, limit=limit)
        with self._lock:
            self._seen = (now, count)
        return count, oldest


def over(conn: Connection, caps: Caps, *, recipient: str, sender_domain: str | None, now: datetime,
         total: RecentTotal | None = None) -> Over | None:
    """The first cap answering `recipient` now would exceed, or None."""
    since = now - WINDOW
    checks: list[tuple[str, int, dict]] = [("sender", caps.per_sender, {"recipient": recipient,
                                                                        "purposes": _ANSWERS})]
    if sender_domain and sender_domain not in caps.exempt_domains:
        checks.append(("domain", caps.per_domain, {"sender_domain": sender_domain}))
    checks.append(("total", caps.total, {}))
    for name, limit, where in checks:
        if name == "total" and total is not None:
            count, oldest = total.count(conn, since, limit, now)
        else:
            count, oldest = outbox.window(conn, since, limit=limit, **where)
        if count >= limit:
            # One second past the moment the oldest leaves, so that it has left when we look again.
            return Over(name, (oldest or now) + WINDOW + timedelta(seconds=1))
    return None
