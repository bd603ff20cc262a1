"""Issue 17, "SO_REUSEPORT in the shipped listener": with BATON_SMTP_REUSE_PORT=true several
`server.py smtp` processes share one port and each accepts mail, every message stored once;
without it, a second listener on the busy port still stops with one line naming the setting."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from store.db import make_engine
from store.schema import inbound_messages as t
from tests.conftest import free_port
from tests.service_helpers import wait_listening, wait_until
from tests.smtp_helpers import make_message
from tests.test_smtp_intake import deliver

ROOT = Path(__file__).resolve().parent.parent
ACCEPTED = re.compile(r"accepted message id=(\d+)")


def test_two_listeners_share_one_port_with_reuse_port_and_each_stores_mail_once(db_url, tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")}
    env.update(BATON_DATABASE_URL=db_url, BATON_VAR_DIR=str(tmp_path / "var"), BATON_SMTP_PORT=str(port),
               BATON_ASSISTANT_ADDRESS="intro@baton.example", BATON_OUTBOUND=f"maildir:{tmp_path / 'outbox'}",
               BATON_LOG_LEVEL="INFO")
    logs = [tmp_path / f"listener{i}.log" for i in range(2)]
    procs = []
    try:
        for log in logs:
            with log.open("w") as out:
                procs.append(subprocess.Popen([sys.executable, "server.py", "smtp"], cwd=ROOT,
                                              env={**env, "BATON_SMTP_REUSE_PORT": "true"},
                                              stdout=out, stderr=subprocess.STDOUT, text=True))
        for proc, log in zip(procs, logs, strict=True):
            wait_listening(port, what="server.py smtp", proc=proc)
            assert wait_until(lambda log=log: "SMTP listening on" in log.read_text(),
                              what=f"{log.name} to say it listens"), log.read_text()

        # Without the setting the port is busy: one line, naming the setting to change.
        third = subprocess.run([sys.executable, "server.py", "smtp"], cwd=ROOT, env=env, capture_output=True,
                               text=True, timeout=60)
        assert third.returncode == 2, third.stderr
        (line,) = third.stderr.strip().splitlines()
        assert f"127.0.0.1:{port}: the port is in use" in line and "BATON_SMTP_REUSE_PORT" in line, line

        # The kernel spreads connections over both processes; one connection per message.
        sent = 0
        while sent < 200:
            code, _ = deliver("127.0.0.1", port, make_message(message_id=f"<shared{sent}@mail.example>"))
            assert code == 250
            sent += 1
            if sent >= 10 and all(ACCEPTED.search(log.read_text()) for log in logs):
                break
        ids = [set(ACCEPTED.findall(log.read_text())) for log in logs]
        assert all(ids), "one listener accepted nothing"
        assert not ids[0] & ids[1] and len(ids[0] | ids[1]) == sent
        engine = make_engine(db_url)
        with engine.connect() as conn:
            count, distinct = conn.execute(select(func.count(), func.count(t.c.message_id.distinct()))).one()
        engine.dispose()
        assert count == distinct == sent
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(30)
