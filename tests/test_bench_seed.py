"""The growth benchmark's seeded history is rows Baton reads as its own, on both databases."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bench.growth_bench import seed
from clock import clock
from store import intros, jobs, messages, outbox
from store.db import reading
from store.schema import metadata

N = 300


def test_seeded_rows_are_history_baton_can_read(db_url, engine):
    seed(db_url, N)
    with reading(engine) as conn:
        for name in ("inbound_messages", "outbox", "intros", "jobs"):
            assert conn.execute(select(func.count()).select_from(metadata.tables[name])).scalar_one() == N
        # Timestamps went in as Baton's UTC column type reads them: the first N * 37 s of the past month.
        box = metadata.tables["outbox"]
        for since, want in ((clock.now() - timedelta(days=1), N), (clock.now() + timedelta(minutes=1), 0)):
            assert conn.execute(select(func.count()).select_from(box).where(box.c.created_at >= since)).scalar() == want
        # The caps read the keys the seed filled in: the rows count as Baton's own history.
        day = clock.now() - timedelta(days=1)
        assert outbox.window(conn, day, limit=10, recipient="person1@mail.example")[0] >= 1
        assert outbox.window(conn, day, limit=10, sender_domain="sender1.example")[0] >= 1
    now = clock.now()
    assert messages.claim(engine, now=now, lease=timedelta(minutes=5)) == []  # all processed
    assert jobs.claim(engine, now=now, lease=timedelta(minutes=5)) == []  # the pending ones are weeks ahead
    due_later = jobs.claim(engine, now=now + timedelta(days=40), lease=timedelta(minutes=5))
    assert len(due_later) == N // 50
    listed = intros.overview(engine, limit=5)
    assert len(listed) == 5 and all(r["state"] in ("expired", "closed", "followed_up") for r in listed)
    assert messages.recent(engine, limit=1)[0]["analysis"]["outcome"] == "not_a_handoff"
