"""/metrics (Prometheus) counts what happened; the queue gauges come from the database."""
from __future__ import annotations

import asyncio
import re

from store import messages
from store.db import make_engine
from tests.service_helpers import HANDOFFS, wait_for
from tests.test_optin import mail_to


def value(text: str, name: str, labels: str = "") -> float:
    m = re.search(rf"^{re.escape(name)}{re.escape(labels)} ([0-9.e+-]+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


async def test_metrics_count_messages_outcomes_and_deliveries(running):
    baton, s, client = running
    before = (await client.get(f"{baton.base_url}/metrics")).text
    await baton.send(HANDOFFS / "direct-intro-meet.eml")
    await baton.send(HANDOFFS / "auto-reply-vacation.eml")
    engine = make_engine(s.database_url)
    await wait_for(lambda: mail_to(s, "paula@reyes.example")
                   and [r["status"] for r in messages.recent(engine)] == ["processed", "processed"])
    # The draft's file is in the Maildir a moment before the sender counts it as sent.
    for _ in range(500):
        after = await client.get(f"{baton.base_url}/metrics")
        if value(after.text, "baton_outbox_total", '{result="sent"}') > value(before, "baton_outbox_total",
                                                                            '{result="sent"}'):
            break
        await asyncio.sleep(0.02)
    assert after.headers["content-type"].startswith("text/plain")
    text = after.text

    def delta(name: str, labels: str = "") -> float:
        return value(text, name, labels) - value(before, name, labels)

    assert delta("baton_messages_received_total") == 2
    assert delta("baton_messages_processed_total", '{outcome="handoff"}') == 1
    assert delta("baton_messages_processed_total", '{outcome="auto_generated"}') == 1
    assert delta("baton_outbox_total", '{result="sent"}') == 1
    assert delta("baton_smtp_accept_seconds_count") == 2 and delta("baton_analysis_seconds_count") == 2
    assert value(text, "baton_queue_depth") == 0 and value(text, "baton_outbox_pending") == 0


def test_split_roles_each_serve_their_own_counters_on_the_metrics_port(tmp_path):
    """Issue 14: with `smtp` and `worker` in their own processes, the counters live there; each
    serves /metrics (and /healthz) on BATON_METRICS_PORT, whatever its role."""
    import os
    import smtplib
    import subprocess
    import sys
    import time
    from pathlib import Path

    import httpx

    from outbound.sendfile import to_crlf
    from store import migrate
    from tests.conftest import free_port

    root = Path(__file__).resolve().parent.parent
    db = f"sqlite:///{tmp_path / 'baton.db'}"
    migrate.upgrade(db)
    smtp_port, smtp_metrics, worker_metrics = free_port(), free_port(), free_port()
    env = {**os.environ, "BATON_DATABASE_URL": db, "BATON_ASSISTANT_ADDRESS": "intro@baton.example",
           "BATON_SENDER_POLICY": "open", "BATON_SECRET_KEY": "test", "BATON_VAR_DIR": str(tmp_path / "var"),
           "BATON_OUTBOUND": f"maildir:{tmp_path / 'outbox'}", "BATON_SMTP_PORT": str(smtp_port),
           "BATON_WORKER_POLL_SECONDS": "0.1"}
    procs = {role: subprocess.Popen([sys.executable, "server.py", role], cwd=root,
                                    env={**env, "BATON_METRICS_PORT": str(port)},
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for role, port in (("smtp", smtp_metrics), ("worker", worker_metrics))}

    def scrape(port: int) -> str:
        return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text

    def until(predicate, seconds: float = 20.0):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if value := predicate():
                    return value
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError({role: p.poll() for role, p in procs.items()})

    try:
        until(lambda: scrape(smtp_metrics) and scrape(worker_metrics))
        with smtplib.SMTP("127.0.0.1", smtp_port) as c:
            c.sendmail("paula@reyes.example", ["intro@baton.example"],
                       to_crlf((HANDOFFS / "direct-intro-meet.eml").read_bytes()))
        until(lambda: value(scrape(worker_metrics), "baton_outbox_total", '{result="sent"}') == 1)
        smtp_text, worker_text = scrape(smtp_metrics), scrape(worker_metrics)
        assert value(smtp_text, "baton_messages_received_total") == 1
        assert value(smtp_text, "baton_messages_processed_total", '{outcome="handoff"}') == 0
        assert value(worker_text, "baton_messages_processed_total", '{outcome="handoff"}') == 1
        assert value(worker_text, "baton_messages_received_total") == 0
        health = httpx.get(f"http://127.0.0.1:{worker_metrics}/healthz", timeout=5)
        assert health.status_code == 200 and health.json()["database"] == "ok"
    finally:
        for p in procs.values():
            p.terminate()
        for role, p in procs.items():
            assert p.wait(20) == 0, (role, p.stderr.read().decode()[-2000:])


def test_serve_sums_its_worker_process_counters_on_one_metrics_page(tmp_path):
    """`serve` runs its worker as a child process: the counters the worker keeps (processed,
    sent) show on serve's own /metrics beside the listener's, and the child does not try to
    bind the metrics port too (it would fail and be restarted for ever)."""
    import os
    import smtplib
    import subprocess
    import sys
    from pathlib import Path

    import httpx

    from outbound.sendfile import to_crlf
    from store import migrate
    from tests.conftest import free_port
    from tests.service_helpers import wait_listening, wait_until

    root = Path(__file__).resolve().parent.parent
    db = f"sqlite:///{tmp_path / 'baton.db'}"
    migrate.upgrade(db)
    smtp_port, web_port, metrics_port = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BATON_", "PROMETHEUS_"))}
    env.update(BATON_DATABASE_URL=db, BATON_ASSISTANT_ADDRESS="intro@baton.example", BATON_SENDER_POLICY="open",
               BATON_SECRET_KEY="test", BATON_VAR_DIR=str(tmp_path / "var"),
               BATON_OUTBOUND=f"maildir:{tmp_path / 'outbox'}", BATON_SMTP_PORT=str(smtp_port),
               BATON_WEB_PORT=str(web_port), BATON_METRICS_PORT=str(metrics_port), BATON_WORKER_POLL_SECONDS="0.1")
    proc = subprocess.Popen([sys.executable, "server.py", "serve"], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def scrape(port: int) -> str:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        except httpx.HTTPError:
            return ""

    try:
        wait_listening(smtp_port, what="server.py serve", proc=proc)
        wait_listening(metrics_port, what="server.py serve (metrics)", proc=proc)
        with smtplib.SMTP("127.0.0.1", smtp_port) as c:
            c.sendmail("paula@reyes.example", ["intro@baton.example"],
                       to_crlf((HANDOFFS / "direct-intro-meet.eml").read_bytes()))
        text = wait_until(lambda: (t := scrape(metrics_port))
                          and value(t, "baton_outbox_total", '{result="sent"}') == 1 and t,
                          what="the worker process's delivery on serve's /metrics")
        assert value(text, "baton_messages_received_total") == 1
        assert value(text, "baton_messages_processed_total", '{outcome="handoff"}') == 1
        assert value(scrape(web_port), "baton_messages_processed_total", '{outcome="handoff"}') == 1
        assert "baton_queue_depth 0.0" in text
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out[-3000:]
    assert "exited with status" not in out and "Traceback" not in out, out[-3000:]
