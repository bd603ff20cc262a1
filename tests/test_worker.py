"""The worker claims messages, retries failures with backoff, and never loses or deletes one."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from clock import clock
from store import messages
from store.leases import LeaseLost
from store.messages import Received
from store.schema import inbound_messages as t
from tests.smtp_helpers import make_message
from worker.message_runner import MessageWorker


def put(engine, n: int) -> list[int]:
    with engine.begin() as conn:
        return [s.id for s in messages.insert_many(conn, [
            Received(make_message(message_id=f"<w{i}@mail.example>"), "dana@mail.example", ["intro@baton.example"],
                     "127.0.0.1", "x", clock.now()) for i in range(n)])]


def status(engine) -> dict[int, tuple[str, int, str | None]]:
    with engine.connect() as conn:
        return {r.id: (r.status, r.attempts, r.last_error)
                for r in conn.execute(select(t.c.id, t.c.status, t.c.attempts, t.c.last_error))}


async def test_processed_messages_keep_their_result(engine):
    ids = put(engine, 3)

    def process(msg):
        with engine.begin() as conn:
            messages.finish(conn, msg.id, now=clock.now(), analysis={"size": len(msg.raw)})

    worker = MessageWorker(engine, process, lease_seconds=300, max_attempts=3)
    assert await worker.run_once() == 3
    await worker.drain()
    assert await worker.run_once() == 0
    assert {i: s[0] for i, s in status(engine).items()} == dict.fromkeys(ids, "processed")
    assert messages.get(engine, ids[0])["analysis"]["size"] > 100


async def test_failures_are_retried_with_backoff_then_failed_and_kept(engine):
    (mid,) = put(engine, 1)

    def process(msg):
        raise ValueError("boom")

    worker = MessageWorker(engine, process, lease_seconds=300, max_attempts=3)
    assert await worker.run_once() == 1
    await worker.drain()
    assert status(engine)[mid] == ("received", 1, "ValueError: boom")
    assert await worker.run_once() == 0  # backing off
    for _attempt in (2, 3):
        clock.advance(timedelta(hours=2))
        assert await worker.run_once() == 1
        await worker.drain()
    assert status(engine)[mid] == ("failed", 3, "ValueError: boom")
    clock.advance(timedelta(days=1))
    assert await worker.run_once() == 0
    assert messages.get(engine, mid)["raw"]  # never deleted


async def test_a_dead_workers_lease_expires_and_the_message_is_claimed_again(engine):
    (mid,) = put(engine, 1)
    first = messages.claim(engine, now=clock.now(), lease=timedelta(minutes=5))
    assert [c.id for c in first] == [mid]
    assert messages.claim(engine, now=clock.now(), lease=timedelta(minutes=5)) == []  # leased
    clock.advance(timedelta(minutes=6))
    again = messages.claim(engine, now=clock.now(), lease=timedelta(minutes=5))
    assert [(c.id, c.attempts) for c in again] == [(mid, 2)]


async def test_a_message_whose_workers_keep_dying_ends_failed(engine):
    (mid,) = put(engine, 1)
    for _ in range(3):
        messages.claim(engine, now=clock.now(), lease=timedelta(minutes=5))
        clock.advance(timedelta(minutes=6))
    worker = MessageWorker(engine, lambda m: None, lease_seconds=300, max_attempts=3)
    assert await worker.run_once() == 1
    await worker.drain()
    assert status(engine)[mid][0] == "failed"


def test_concurrent_claims_on_postgres_never_overlap(postgres_url):
    from store.db import make_engine
    engine = make_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(t.delete())
    put(engine, 300)
    got: list[list[int]] = [[] for _ in range(4)]

    def claimer(i: int) -> None:
        while batch := messages.claim(engine, now=clock.now(), lease=timedelta(minutes=5), limit=7):
            got[i].extend(c.id for c in batch)

    threads = [threading.Thread(target=claimer, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    everything = [i for g in got for i in g]
    assert len(everything) == len(set(everything)) == 300
    assert sum(1 for g in got if g) > 1  # they really ran side by side
    engine.dispose()


async def test_retention_purge_drops_old_raw_messages_and_keeps_the_record(engine):
    old, new = put(engine, 2)

    def process(msg):
        with engine.begin() as conn:
            messages.finish(conn, msg.id, now=clock.now(),
                            analysis={"kind": "none", "outcome": "not_a_handoff", "participants": [{"email": "x@y.example"}]})
    worker = MessageWorker(engine, process, lease_seconds=300)
    await worker.run_once()
    await worker.drain()
    with engine.begin() as conn:  # make one of them 40 days old
        conn.execute(t.update().where(t.c.id == old).values(received_at=clock.now() - timedelta(days=40)))
    assert messages.purge(engine, older_than=clock.now() - timedelta(days=30)) == 1
    gone, kept = messages.get(engine, old), messages.get(engine, new)
    assert gone["raw"] is None and gone["status"] == "processed"
    assert gone["analysis"] == {"kind": "none", "outcome": "not_a_handoff", "auto_generated": None, "purged": True}
    assert kept["raw"] and kept["analysis"]["participants"]
    assert messages.purge(engine, older_than=clock.now() - timedelta(days=30)) == 0


def test_queue_health_counts_waiting_messages_and_their_age(engine):
    assert messages.queue_health(engine, now=clock.now())["queue_depth"] == 0
    put(engine, 3)
    health = messages.queue_health(engine, now=clock.now() + timedelta(seconds=90))
    assert health["queue_depth"] == 3 and 89 <= health["oldest_unprocessed_seconds"] <= 120


async def test_messages_are_analysed_at_a_lower_priority_than_the_listener(engine):
    """BATON_WORKER_NICE: the processing threads, not the process (the event loop that claims,
    and in `serve` the SMTP listener, keep theirs)."""
    import os
    put(engine, 2)
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen: list[int] = []

    def process(msg):
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        with engine.begin() as conn:
            messages.finish(conn, msg.id, now=clock.now(), analysis={})

    worker = MessageWorker(engine, process, lease_seconds=300, concurrency=2, nice=5)
    assert await worker.run_once() == 2
    await worker.drain()
    assert seen == [min(19, mine + 5)] * 2
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine


async def test_a_worker_whose_lease_ran_out_cannot_overwrite_the_claim_that_took_over(engine, caplog):
    """A worker that stalled past its lease (a frozen VM) and wakes after another worker claimed and
    finished the message: its finish, deferral or failure writes nothing, and the newer outcome stands."""
    import logging

    import pytest

    (mid,) = put(engine, 1)
    (first,) = messages.claim(engine, now=clock.now(), lease=timedelta(seconds=60))
    clock.advance(timedelta(seconds=61))  # the first worker's lease runs out
    (second,) = messages.claim(engine, now=clock.now(), lease=timedelta(seconds=60))
    assert (first.id, first.attempts, second.attempts) == (mid, 1, 2)
    with engine.begin() as conn:
        messages.finish(conn, mid, now=clock.now(), analysis={"by": "second"}, claim=second.attempts)
    with pytest.raises(LeaseLost), engine.begin() as conn:
        messages.finish(conn, mid, now=clock.now(), analysis={"by": "first"}, claim=first.attempts)
    with pytest.raises(LeaseLost):
        messages.defer(engine, mid, until=clock.now() + timedelta(days=1), why={"cap": "total"}, claim=first.attempts)
    assert messages.retry_or_fail(engine, mid, now=clock.now(), error="boom", attempts=1, max_attempts=3,
                                  claim=first.attempts) == "lost"
    assert status(engine)[mid] == ("processed", 2, None)
    assert messages.get(engine, mid)["analysis"] == {"by": "second"}

    # Through the runner: the stale attempt's whole transaction rolls back, and it is not counted a failure.
    (again,) = put_more(engine)
    (stale,) = messages.claim(engine, now=clock.now(), lease=timedelta(seconds=60))

    def process(msg):
        with engine.begin() as conn:
            conn.execute(t.update().where(t.c.id == msg.id).values(helo="written by the stale attempt"))
            messages.finish(conn, msg.id, now=clock.now(), analysis={"by": "stale"}, claim=stale.attempts)

    clock.advance(timedelta(seconds=61))
    worker = MessageWorker(engine, process, lease_seconds=60)
    with caplog.at_level(logging.WARNING, logger="baton.worker"):
        assert await worker.run_once() == 1  # the newer claim runs `process` with the stale claim's number
        await worker.drain()
    row = messages.get(engine, again)
    assert row["status"] == "processing" and row["attempts"] == 2 and row["helo"] != "written by the stale attempt"
    assert "the lease ran out and another worker took it over" in caplog.text


def put_more(engine) -> list[int]:
    with engine.begin() as conn:
        return [s.id for s in messages.insert_many(conn, [
            Received(make_message(message_id="<stale@mail.example>"), "dana@mail.example", ["intro@baton.example"],
                     "127.0.0.1", "x", clock.now())])]
