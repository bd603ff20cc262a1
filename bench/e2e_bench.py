"""3. End to end: SMTP in → reply in the Maildir, no LLM.

The whole service runs in this process (service.serve, web off, BATON_SENDER_POLICY=open, a
temporary SQLite database and Maildir, worker_poll_seconds=0.05), as tests/service_helpers.py
runs it. The hand-off fixtures (every handoffs/*.eml labelled as a hand-off and not
auto-generated) are sent in turn, each with a new Message-ID, one at a time; each is timed from
the start of its SMTP session until a file naming its Message-ID (In-Reply-To/References) appears in the
Maildir's new/ (polled every 2 ms).
"""
from __future__ import annotations

import asyncio
import email
import json
import logging
import os
import re
import tempfile
import time
import uuid
from email import policy
from pathlib import Path

import aiosmtplib

from bench.common import ASSISTANT, FIXTURES, free_port, median, percentile, table

REPLY_TIMEOUT = 10.0


def handoff_fixtures() -> list[Path]:
    labels = json.loads((FIXTURES / "handoffs" / "labels.json").read_text())
    return [FIXTURES / "handoffs" / f"{name}.eml" for name, lab in sorted(labels.items())
            if lab.get("kind") not in (None, "none") and not lab.get("auto_generated")
            and (FIXTURES / "handoffs" / f"{name}.eml").is_file()]


def with_new_message_id(raw: bytes) -> tuple[bytes, bytes]:
    mid = uuid.uuid4().hex.encode() + b"@bench.example"
    new = b"<" + mid + b">"
    out, n = re.subn(rb"(?im)^Message-ID:[ \t]*<[^>\r\n]*>", b"Message-ID: " + new, raw, count=1)
    if n == 0:
        head, sep, body = out.partition(b"\r\n\r\n")
        out = head + b"\r\nMessage-ID: " + new + sep + body
    return out, mid


async def _run(count: int, tmp: Path) -> dict:
    import service
    import settings as settings_mod
    from outbound.sendfile import to_crlf
    from store import migrate

    url = f"sqlite:///{tmp / 'baton.db'}"
    migrate.upgrade(url)
    s = settings_mod.load(assistant_address=ASSISTANT, database_url=url, smtp_port=free_port(),
                          web_port=free_port(), var_dir=tmp / "var", outbound=f"maildir:{tmp / 'outbox'}",
                          worker_poll_seconds=0.05, sender_policy="open", llm_api_key="", dkim_selector="",
                          dkim_key_file=None, trusted_authserv_id="", fixtures_dir=FIXTURES,
                          # The fixtures come round again and again: answered once, a copy counted as a
                          # repeat (issue 18) and got no reply, so each waited out REPLY_TIMEOUT.
                          repeat_window_days=0)
    new_dir = tmp / "outbox" / "new"
    fixtures = [(p.name, to_crlf(p.read_bytes())) for p in handoff_fixtures()]
    stop = asyncio.Event()
    task = asyncio.create_task(service.serve(s, web_on=False, stop=stop))
    for _ in range(500):
        try:
            _, w = await asyncio.open_connection("127.0.0.1", s.smtp_port)
            w.close()
            break
        except OSError:
            await asyncio.sleep(0.01)
    samples, missing, unmatched = [], [], []
    seen: set[str] = set()

    def reply_to(mid: bytes) -> bool:
        """True once a new file in new/ names `mid` (In-Reply-To/References: the reply is in the thread)."""
        found = False
        for entry in (os.listdir(new_dir) if new_dir.exists() else []):
            if entry in seen:
                continue
            seen.add(entry)
            if mid in (new_dir / entry).read_bytes():
                found = True
            else:
                unmatched.append(entry)
        return found

    try:
        for i in range(count):
            name, raw = fixtures[i % len(fixtures)]
            raw, mid = with_new_message_id(raw)
            sender = email.message_from_bytes(raw, policy=policy.default)["From"].addresses[0].addr_spec
            t0 = time.perf_counter()
            errors, answer = await aiosmtplib.send(raw, sender=sender, recipients=[ASSISTANT],
                                                   hostname="127.0.0.1", port=s.smtp_port)
            t_250 = time.perf_counter() - t0
            deadline = t0 + REPLY_TIMEOUT
            replied = False
            while not (replied := reply_to(mid)) and time.perf_counter() < deadline:
                await asyncio.sleep(0.002)
            t_reply = time.perf_counter() - t0
            if replied:
                samples.append({"fixture": name, "seconds": t_reply, "accept_seconds": t_250})
            else:
                missing.append(name)
            # Let the worker finish this message (the outbox row is marked sent after the file lands).
            await asyncio.sleep(0.02)
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
    return {"samples": samples, "no_reply": missing, "other_files": len(unmatched),
            "fixtures": [n for n, _ in fixtures]}


def run(args) -> dict:
    count = args.e2e_count or (10 if args.quick else 50)
    # Logging as server.py sets it up, into a file: its cost is part of the path measured.
    with tempfile.TemporaryDirectory(prefix="baton-e2e-", dir=os.environ.get("BATON_BENCH_TMP")) as tmpd:
        tmp = Path(tmpd)
        logging.basicConfig(level=logging.INFO, filename=str(tmp / "baton.log"), force=True,
                            format="%(asctime)s %(levelname)s %(name)s %(message)s")
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        logging.getLogger("mailparser").setLevel(logging.ERROR)
        logging.getLogger("baton").setLevel(logging.NOTSET)
        print(f"[e2e] sending {count} hand-offs one at a time", flush=True)
        data = asyncio.run(_run(count, tmp))
        logging.basicConfig(level=logging.WARNING, force=True)
    secs = [x["seconds"] for x in data["samples"]]
    acc = [x["accept_seconds"] for x in data["samples"]]
    by_fixture: dict[str, list[float]] = {}
    for x in data["samples"]:
        by_fixture.setdefault(x["fixture"], []).append(x["seconds"])
    return {**data, "sent": count, "replied": len(secs), "median_s": median(secs), "p95_s": percentile(secs, 95),
            "max_s": max(secs) if secs else float("nan"), "accept_median_s": median(acc),
            "by_fixture_median_s": {k: median(v) for k, v in by_fixture.items()}}


def report(data: dict) -> str:
    rows = [[data["sent"], data["replied"], f"{data['median_s']:.3f}", f"{data['p95_s']:.3f}",
             f"{data['max_s']:.3f}", data["accept_median_s"] * 1000]]
    out = table(["sent", "replied", "median s", "p95 s", "max s", "SMTP 250 median ms"], rows,
                title="End to end: SMTP in -> reply in the Maildir (full service in-process, SQLite, no LLM)")
    out += "\nper fixture (median s): " + "; ".join(
        f"{k.removesuffix('.eml')} {v:.3f}" for k, v in sorted(data["by_fixture_median_s"].items()))
    if data["other_files"]:
        out += f"\n{data['other_files']} Maildir file(s) did not name the message they answer (not timed)"
    if data["no_reply"]:
        out += f"\nno reply within {REPLY_TIMEOUT:.0f} s: {', '.join(sorted(set(data['no_reply'])))}"
    return out
