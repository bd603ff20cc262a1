"""The daily retention purge: what is done and older than the window goes, or loses its personal data.

Raw inbound messages follow BATON_RETENTION_DAYS as they are. Outbox rows, finished jobs and
settled intros' drafts use the same setting but never a shorter window than the longest cap
window: caps count recent mail, and a purge inside that window would let more through.
What survives: intro events, decisions and follow-up answers, suppressions, and the outbox's keys.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine

from model import FINAL_STATES
from store import intros, jobs, messages, outbox

# BATON_CONTACT_REQUESTS_PER_30_DAYS counts 30 days back; the daily caps count one.
LONGEST_CAP_WINDOW = timedelta(days=30)


def purge(engine: Engine, *, retention_days: float, now: datetime) -> dict[str, int]:
    """One pass; returns how many rows each part purged."""
    window = timedelta(days=retention_days)
    records = now - max(window, LONGEST_CAP_WINDOW)
    return {
        "messages": messages.purge(engine, older_than=now - window),
        "intros": intros.forget(engine, settled=tuple(s.value for s in FINAL_STATES), before=records, now=now),
        "outbox": outbox.purge(engine, before=records),
        "jobs": jobs.purge(engine, before=records),
    }
