"""Issue 17: workers woken across processes. With split roles on PostgreSQL, `server.py smtp`
NOTIFYs after storing a message (and `server.py web` after queueing mail) and `server.py worker`
LISTENs, so work is picked up at once even though the worker polls only every 30 s here."""
from __future__ import annotations

import email
import os
import statistics
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import httpx
from sqlalchemy import text

from outbound.sendfile import to_crlf
from store.db import make_engine
from store.schema import metadata
from tests.conftest import free_port
from tests.service_helpers import HANDOFFS, wait_listening, wait_until
from tests.test_optin import fill_review, links

ROOT = Path(__file__).resolve().parent.parent
POLL = 30  # a worker that only polled would answer after up to this long


def _empty(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(t.name for t in metadata.sorted_tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


def _read(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def _drafts(outbox: Path) -> list[Path]:
    return list((outbox / "new").iterdir()) if (outbox / "new").exists() else []


def test_split_roles_on_postgres_wake_the_worker_by_notify_not_by_polling(postgres_url, tmp_path):
    import smtplib

    _empty(postgres_url)
    outbox, smtp_port, web_port = tmp_path / "outbox", free_port(), free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("BATON_")},
           "BATON_DATABASE_URL": postgres_url, "BATON_ASSISTANT_ADDRESS": "intro@baton.example",
           "BATON_SENDER_POLICY": "open", "BATON_SECRET_KEY": "test", "BATON_VAR_DIR": str(tmp_path / "var"),
           "BATON_OUTBOUND": f"maildir:{outbox}", "BATON_SMTP_PORT": str(smtp_port),
           "BATON_WORKER_POLL_SECONDS": str(POLL), "BATON_WEB_PORT": str(web_port),
           "BATON_PUBLIC_URL": f"http://127.0.0.1:{web_port}",
           "BATON_REPEAT_WINDOW_DAYS": "0"}  # the same hand-off five times: each must be answered
    logs = {role: tmp_path / f"{role}.log" for role in ("smtp", "worker", "web")}
    procs = {role: subprocess.Popen([sys.executable, "server.py", role], cwd=ROOT, env=env,
                                    stdout=subprocess.DEVNULL, stderr=logs[role].open("w"))
             for role in ("smtp", "worker", "web")}
    latencies: list[float] = []
    try:
        wait_listening(smtp_port, what="server.py smtp", proc=procs["smtp"])
        # The worker has made its first (empty) poll and listens: from now on only a NOTIFY wakes it early.
        assert wait_until(lambda: "LISTEN baton_messages" in logs["worker"].read_text()), logs["worker"].read_text()
        time.sleep(0.5)
        raw = to_crlf((HANDOFFS / "direct-intro-meet.eml").read_bytes())
        for i in range(5):
            sent = time.monotonic()
            with smtplib.SMTP("127.0.0.1", smtp_port, timeout=30) as c:
                c.sendmail("paula@reyes.example", ["intro@baton.example"],
                           raw.replace(b"Message-ID: <", f"Message-ID: <wake{i}.".encode(), 1))
            # Well before the 30 s poll: the draft can only come this soon from the notification.
            assert wait_until(lambda n=i + 1: len(_drafts(outbox)) == n, timeout=POLL / 3), \
                (logs["worker"].read_text()[-2000:], logs["smtp"].read_text()[-2000:])
            latencies.append(time.monotonic() - sent)
        # The web role queues mail when Diane approves her draft: the worker's outbox sends it at once.
        wait_listening(web_port, what="server.py web", proc=procs["web"])
        diane = to_crlf((HANDOFFS / "intro-request-complete.eml").read_bytes())
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=30) as c:
            c.sendmail("diane@wu.example", ["intro@baton.example"], diane)
        assert wait_until(lambda: len(_drafts(outbox)) == 6, timeout=POLL / 3)
        (draft,) = [m for m in map(_read, _drafts(outbox)) if m["To"].addresses[0].addr_spec == "diane@wu.example"]
        (url,) = links(draft)
        page = httpx.get(url, timeout=30)
        assert httpx.post(url, data=fill_review(page.text), timeout=30).status_code < 400
        approved = time.monotonic()
        assert wait_until(lambda: len(_drafts(outbox)) > 6, timeout=POLL / 3), logs["worker"].read_text()[-2000:]
        after_approval = time.monotonic() - approved
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            proc.wait(timeout=30)
    print(f"\nsplit roles on PostgreSQL, SMTP DATA sent -> draft in the outbox: median "
          f"{statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms "
          f"over {len(latencies)} (poll every {POLL} s; before: 0.73 s median with a 1 s poll); "
          f"review approved on the web role -> request in the outbox: {after_approval * 1000:.0f} ms")


def test_a_burst_of_stored_messages_sends_few_notifies_and_the_last_one_still_arrives(postgres_url):
    """The listener calls notify after every group commit; a NOTIFY is a transaction PostgreSQL
    serialises, so a burst is sent as at most one per Notifier.SPACING, and the wake-up for the
    burst's last message is never dropped."""
    import asyncio

    from store import wakeups

    async def main() -> tuple[int, float, float, float]:
        engine = make_engine(postgres_url)
        stop = asyncio.Event()
        arrivals: list[float] = []
        listening = asyncio.create_task(wakeups.listen(postgres_url, {wakeups.MESSAGES: lambda: arrivals.append(
            time.monotonic())}, stop))
        await asyncio.sleep(0.5)  # connected and listening (it calls once on connecting)
        arrivals.clear()
        notifier = wakeups.Notifier(engine)
        sending = asyncio.create_task(notifier.run(stop))
        t0 = time.monotonic()
        last_call = t0
        for _ in range(300):
            notifier.notify(wakeups.MESSAGES)
            # Taken before the pause: the wake-up for this call may arrive during it (it did on uvloop).
            last_call = time.monotonic()
            await asyncio.sleep(0.001)
        deadline = time.monotonic() + 10
        while not (arrivals and arrivals[-1] >= last_call) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.gather(listening, sending)
        engine.dispose()
        return len(arrivals), t0, last_call, arrivals[-1] if arrivals else 0.0

    received, t0, last_call, last_arrival = asyncio.run(main())
    assert last_arrival >= last_call, "the wake-up after the last notify never arrived"
    assert 1 <= received <= (last_arrival - t0) / wakeups.Notifier.SPACING + 2, received
