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


def over(conn: Connection, caps: Caps, *, recipient: str, sender_domain: str | None, now: datetime) -> Over | None:
    """The first cap answering `recipient` now would exceed, or None."""
    since = now - WINDOW
    checks: list[tuple[str, int, dict]] = [("sender", caps.per_sender, {"recipient": recipient,
                                                                        "purposes": _ANSWERS})]
    if sender_domain and sender_domain not in caps.exempt_domains:
        checks.append(("domain", caps.per_domain, {"sender_domain": sender_domain}))
    checks.append(("total", caps.total, {}))
    for name, limit, where in checks:
        count, oldest = outbox.window(conn, since, limit=limit, **where)
        if count >= limit:
            # One second past the moment the oldest leaves, so that it has left when we look again.
            return Over(name, (oldest or now) + WINDOW + timedelta(seconds=1))
    return None
