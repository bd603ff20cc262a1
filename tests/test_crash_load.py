"""Crash and load (PostgreSQL): two SMTP listeners and three workers, 2,000 hand-offs sent
concurrently across both listeners, a worker killed with SIGKILL and restarted twice (once while
messages are processed, once while the outbox is delivered). Counted afterwards, not sampled:
every message that got 250 is stored once and processed, there is exactly one intro and one
draft reply per hand-off, and the outbox Maildir holds one copy of each (issue 18, finding 5)."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path

import aiosmtplib
from sqlalchemy import func, select

import settings as settings_mod
from outbound.sendfile import to_crlf
from store import migrate
from store.db import make_engine
from store.schema import inbound_messages, intros, outbox
from tests.conftest import _reset_postgres, free_port
from tests.service_helpers import WAIT_SCALE, wait_until_listening

ROOT = Path(__file__).resolve().parent.parent
N = 2000
HANDOFF_FILES = ["direct-intro-connecting-you", "direct-intro-meet", "intro-request-complete", "intro-request-unfocused",
                 "said-to-contact-apple-fwd-referrer-cc", "said-to-contact-direct-cc", "said-to-contact-gmail-fwd"]


def _count(engine, stmt) -> int:
    with engine.connect() as conn:
        return conn.execute(stmt).scalar_one()


async def test_two_listeners_three_workers_one_killed_lose_and_double_nothing(postgres_url, tmp_path):
    _reset_postgres(postgres_url)
    migrate.upgrade(postgres_url)
    engine = make_engine(postgres_url)
    port = free_port()  # both listeners share it (BATON_SMTP_REUSE_PORT): the kernel spreads the connections
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")}
    env.update(BATON_DATABASE_URL=postgres_url, BATON_OUTBOUND=f"maildir:{tmp_path / 'outbox'}",
               BATON_VAR_DIR=str(tmp_path / "var"), BATON_ASSISTANT_ADDRESS="intro@baton.example",
               BATON_SENDER_POLICY="open", BATON_WORKER_POLL_SECONDS="0.2", BATON_WORKER_LEASE_SECONDS="5",
               BATON_DAILY_CAP_PER_SENDER="1000000", BATON_DAILY_CAP_TOTAL="1000000", BATON_LOG_LEVEL="WARNING",
               # Copies of a few fixtures from their senders: each must be answered, not read as a loop.
               BATON_REPEAT_WINDOW_DAYS="0",
               # Two listeners on one port; 40 clients from 127.0.0.1 are over the per-client session cap.
               BATON_SMTP_REUSE_PORT="true", BATON_SMTP_PORT=str(port), BATON_SMTP_MAX_SESSIONS_PER_CLIENT="1000")

    def spawn(role: str, **extra: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "server.py", role], cwd=ROOT, env={**env, **extra},
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    listeners = [spawn("smtp") for _ in range(2)]
    workers = [spawn("worker") for _ in range(3)]
    try:
        for listener in listeners:
            await wait_until_listening(port, what=f"server.py smtp on port {port}", proc=listener)
        fixtures = settings_mod.load().fixtures_dir / "handoffs"
        bodies = [to_crlf((fixtures / f"{name}.eml").read_bytes()) for name in HANDOFF_FILES]
        gate = asyncio.Semaphore(40)
        answers: list[str] = []

        async def send(i: int) -> None:
            raw = bodies[i % len(bodies)].replace(b"Message-ID: <", f"Message-ID: <load{i}.".encode(), 1)
            async with gate:
                for _ in range(5):  # like a real MTA, retry a temporary failure
                    try:
                        errors, answer = await aiosmtplib.send(raw, sender=f"sender{i}@mail.example",
                                                               recipients=["intro@baton.example"], hostname="127.0.0.1",
                                                               port=port, timeout=60)
                        answers.append(answer)
                        return
                    except aiosmtplib.SMTPResponseException as e:
                        assert e.code < 500, e
                        await asyncio.sleep(0.2)

        killer_done = asyncio.Event()

        async def kill_one_worker() -> None:
            # Once the workers are busy, SIGKILL one and start another in its place: first while
            # messages are processed, then while the outbox is delivered (the duplicates' window).
            deadline = time.monotonic() + 600 * WAIT_SCALE
            for n, (table, status, at) in enumerate(((inbound_messages, "processed", 300), (outbox, "sent", 800))):
                while (done := _count(engine, select(func.count()).select_from(table)
                                      .where(table.c.status == status))) < at:
                    assert time.monotonic() < deadline, f"only {done} {table.name} rows {status} in 600 s"
                    assert all(w.poll() is None for w in workers), [w.returncode for w in workers]
                    await asyncio.sleep(0.1)
                workers[n].kill()
                workers[n].wait()
                workers[n] = spawn("worker")
            killer_done.set()

        started = time.monotonic()
        await asyncio.gather(*(send(i) for i in range(N)), kill_one_worker())
        sent_in = time.monotonic() - started
        assert killer_done.is_set()
        deadline = time.monotonic() + 300 * WAIT_SCALE  # normally ~30 s; a loaded machine may need far more
        while time.monotonic() < deadline:
            done = _count(engine, select(func.count()).select_from(inbound_messages)
                          .where(inbound_messages.c.status == "processed"))
            unsent = _count(engine, select(func.count()).select_from(outbox).where(outbox.c.status != "sent"))
            if done == N and unsent == 0:
                break
            await asyncio.sleep(0.5)
        with engine.connect() as conn:
            statuses = dict(conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status)).all())
            states = dict(conn.execute(select(inbound_messages.c.status, func.count())
                                       .group_by(inbound_messages.c.status)).all())
        print(f"\n{N} messages accepted in {sent_in:.1f}s; after {time.monotonic() - started:.1f}s "
              f"messages {states}, outbox {statuses}")
    finally:
        for p in listeners + workers:
            p.send_signal(signal.SIGTERM)
        errors = [p.communicate(timeout=60)[1] for p in listeners + workers]

    # Every process still running at the end (the restarted worker too) stopped cleanly on SIGTERM:
    # none crashed along the way and left the others to do its share.
    assert [p.returncode for p in listeners + workers] == [0] * 5, errors

    assert len(answers) == N and all(a.startswith("2.0.0 queued as ") for a in answers)
    ids = {int(a.rsplit(" ", 1)[1]) for a in answers}
    assert len(ids) == N  # every 250 names its own stored message
    assert _count(engine, select(func.count()).select_from(inbound_messages)) == N  # stored once
    assert _count(engine, select(func.count()).select_from(inbound_messages)
                  .where(inbound_messages.c.status == "processed")) == N
    assert _count(engine, select(func.count(func.distinct(intros.c.message_id)))) == N
    assert _count(engine, select(func.count()).select_from(intros)) == N  # one intro per hand-off
    with engine.connect() as conn:
        drafts = conn.execute(select(outbox.c.intro_id, func.count()).where(outbox.c.purpose == "draft")
                              .group_by(outbox.c.intro_id)).all()
    assert len(drafts) == N and all(n == 1 for _, n in drafts)  # exactly one reply each
    # A delivery cut by a SIGKILL between the Maildir write and its commit is written again under
    # the row's own name, which is already there: one copy of every email, none missing.
    files = list((tmp_path / "outbox" / "new").iterdir())
    copies = [(m["Message-ID"], m["Delivered-To"]) for m in
              (message_from_bytes(f.read_bytes(), policy=policy.default) for f in files)]
    duplicates = len(copies) - len(set(copies))
    print(f"outbox Maildir: {len(files)} files, {duplicates} duplicate Message-IDs")
    assert duplicates == 0 and len(files) == N
    assert all(mid for mid, _ in copies)
    engine.dispose()
