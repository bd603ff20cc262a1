"""Two worker processes on one PostgreSQL with 1,000 due jobs: every email goes out exactly once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from clock import clock
from store.db import make_engine
from store.schema import intro_parties, intros, jobs, outbox

ROOT = Path(__file__).resolve().parent.parent
N = 1000


def _seed(engine) -> None:
    now = clock.now()
    draft = {"referrer": {"name": "Diane Wu", "email": "diane@wu.example"}, "contact": {"name": "Carla Diaz"},
             "pin": {"name": "Felix Adams"}, "prep": [], "blurb": {"subject": "Intro?", "body": "Hi"},
             "approved": {"referrer_name": "Diane Wu", "blurb_subject": "Intro?", "blurb_body": "Hi"}}
    with engine.begin() as conn:
        ids = conn.execute(insert(intros).returning(intros.c.id), [
            dict(key=f"k{i}", message_id=i, kind="intro_request", state="connected", referrer_email="diane@wu.example",
                 draft=draft, created_at=now, updated_at=now) for i in range(N)]).scalars().all()
        conn.execute(insert(intro_parties), [
            dict(intro_id=i, role=role, name=name, email=f"{role}{i}@mail.example", reply_key=f"{role}{i}",
                 decision="yes") for i in ids for role, name in (("contact", "Carla Diaz"), ("pin", "Felix Adams"))])
        conn.execute(insert(jobs), [dict(dedup_key=f"nudge{i}", intro_id=i, kind="nudge_pin", step="-",
                                         status="pending", available_at=now - timedelta(minutes=1), created_at=now)
                                    for i in ids])


def test_two_workers_send_each_nudge_exactly_once(postgres_url, tmp_path):
    """PostgreSQL only: SKIP LOCKED between processes is what this tests."""
    from store import migrate
    from tests.conftest import _reset_postgres
    _reset_postgres(postgres_url)
    migrate.upgrade(postgres_url)
    engine = make_engine(postgres_url)
    _seed(engine)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")}
    env.update(BATON_DATABASE_URL=postgres_url, BATON_OUTBOUND=f"maildir:{tmp_path / 'outbox'}",
               BATON_VAR_DIR=str(tmp_path / "var"), BATON_ASSISTANT_ADDRESS="intro@baton.example",
               BATON_WORKER_POLL_SECONDS="0.2", BATON_LOG_LEVEL="WARNING")
    workers = [subprocess.Popen([sys.executable, "server.py", "worker"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                left = conn.execute(select(func.count()).select_from(jobs).where(jobs.c.status != "done")).scalar()
                unsent = conn.execute(select(func.count()).select_from(outbox).where(outbox.c.status != "sent")).scalar()
            if left == 0 and unsent == 0:
                break
            time.sleep(0.5)
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        errors = [w.communicate(timeout=60)[1] for w in workers]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(jobs).where(jobs.c.status == "done")).scalar() == N
        rows = conn.execute(select(outbox.c.recipient, outbox.c.status)).all()
    assert len(rows) == N and len({r.recipient for r in rows}) == N and {r.status for r in rows} == {"sent"}
    files = list((tmp_path / "outbox" / "new").iterdir())
    assert len(files) == N  # exactly one email per job in the Maildir
    assert all(w.returncode == 0 for w in workers), errors
    engine.dispose()
