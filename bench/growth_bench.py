"""6. Growth: does a message cost more once history has piled up?

For each backend (SQLite, PostgreSQL) and each size (0, 10k, 100k, 1M rows; `--growth-sizes` for
others, e.g. 0,100000), a fresh migrated database gets SIZE rows in each of inbound_messages,
outbox, intros and jobs, bulk-inserted with SQL (not through Baton): a month of history,
processed messages, sent mail, intros in their end states and their finished jobs, with a few
jobs pending weeks ahead. Then, with Baton's shipped commands:
- e2e: `server.py serve` running, hand-off fixtures sent one at a time; seconds from the start of
  the SMTP session until the reply naming the message lands in the Maildir (median);
- acceptance: smtp-source, 5 KB, c=10, against the same `serve` (worker running);
- worker: the queue emptied, `server.py worker` started, then hand-off fixtures inserted as received
  rows in one transaction; hand-offs processed per second until none is left (and the worker's CPU
  per message).
Each figure is printed with its ratio to the empty database of the same backend (target: within
10 % at every size). The daily caps are raised for the run (BATON_DAILY_CAP_*), since a month of
seeded mail would otherwise rate-limit every hand-off and the worker would skip its real work; the
cap queries still run.
"""
from __future__ import annotations

import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, text, update

from bench.common import ASSISTANT, cpu_seconds, median, table
from bench.procs import Roles, baton_env, smtp_source, smtp_source_available
from bench.smtp_bench import postgres_available, prepare_db

SIZES = [0, 10_000, 100_000, 1_000_000]
MONTH = 30 * 24 * 3600
ENV = {"BATON_WORKER_POLL_SECONDS": "0.05", "BATON_DAILY_CAP_TOTAL": "1000000000",
       "BATON_DAILY_CAP_PER_SENDER": "1000000000"}

# One statement per table; {series} yields i = 1..:n, {ago} is "now minus i seconds modulo a month".
_SERIES = {"sqlite": "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < :n) SELECT i FROM s",
           "postgresql": "SELECT generate_series(1, :n) AS i"}
_AGO = {"sqlite": "datetime(:now, '-' || ((i * 37) % {m}) || ' seconds')",
        "postgresql": "CAST(:now AS timestamp) - ((i * 37) % {m}) * interval '1 second'"}
_LATER = {"sqlite": "datetime(:now, '+' || (86400 + (i * 37) % {m}) || ' seconds')",
          "postgresql": "CAST(:now AS timestamp) + (86400 + (i * 37) % {m}) * interval '1 second'"}
_JSON = {"sqlite": "'{v}'", "postgresql": "CAST('{v}' AS json)"}
_BLOB = {"sqlite": "CAST(printf('%.400c', 'x') AS BLOB)", "postgresql": "convert_to(repeat('x', 400), 'UTF8')"}

SEED = {
    "inbound_messages": """
INSERT INTO inbound_messages (dedup_key, message_id, mail_from, rcpt_tos, peer, helo, received_at, size, sha256,
                              raw, status, attempts, available_at, processed_at, analysis)
SELECT 'seed-' || i, '<seed' || i || '@mail.example>', 'sender' || (i % 5000) || '@mail.example',
       {rcpts}, '127.0.0.1', 'mail.example', {ago}, 400, 'sha-' || i, {blob}, 'processed', 1, {ago}, {ago},
       {analysis}
FROM ({series}) s""",
    "intros": """
INSERT INTO intros (key, message_id, kind, state, referrer_email, referrer_key, pin_email, contact_email, draft,
                    created_at, updated_at)
SELECT 'seed' || i, i, 'intro_request',
       CASE WHEN i % 20 < 3 THEN 'expired' WHEN i % 20 < 8 THEN 'closed' ELSE 'followed_up' END,
       'referrer' || (i % 5000) || '@mail.example', 'referrer' || (i % 5000) || '@mail.example',
       'pin' || i || '@mail.example',
       'contact' || i || '@mail.example', {draft}, {ago}, {ago}
FROM ({series}) s""",
    "outbox": """
INSERT INTO outbox (dedup_key, intro_id, purpose, recipient, recipient_key, sender_domain, bounce_key, raw, status,
                    attempts, available_at, created_at, sent_at)
SELECT 'seed-' || i, i, CASE WHEN i % 3 = 0 THEN 'draft' ELSE 'optin' END,
       'person' || (i % 5000) || '@mail.example', 'person' || (i % 5000) || '@mail.example',
       'sender' || (i % 500) || '.example', 'seedb' || i, {blob}, 'sent', 1, {ago}, {ago}, {ago}
FROM ({series}) s""",
    "jobs": """
INSERT INTO jobs (dedup_key, intro_id, kind, step, status, available_at, attempts, created_at)
SELECT 'seed-' || i, i, 'party_reminder', 'contact',
       CASE WHEN i % 50 = 0 THEN 'pending' WHEN i % 5 = 0 THEN 'cancelled' ELSE 'done' END,
       CASE WHEN i % 50 = 0 THEN {later} ELSE {ago} END, 1, {ago}
FROM ({series}) s""",
}


def seed(url: str, n: int) -> float:
    """SIZE rows in each table, by SQL; returns the seconds it took."""
    from store.db import make_engine

    if n == 0:
        return 0.0
    engine = make_engine(url)
    dialect = engine.dialect.name
    parts = {"series": _SERIES[dialect], "ago": _AGO[dialect].format(m=MONTH),
             "later": _LATER[dialect].format(m=MONTH), "blob": _BLOB[dialect],
             "rcpts": _JSON[dialect].format(v=f'["{ASSISTANT}"]'),
             "analysis": _JSON[dialect].format(v='{"kind": "none", "outcome": "not_a_handoff"}'),
             "draft": _JSON[dialect].format(v="{}")}
    now = datetime.now(UTC).replace(tzinfo=None)
    t0 = time.perf_counter()
    try:
        with engine.begin() as conn:
            for table_name in ("inbound_messages", "intros", "outbox", "jobs"):
                conn.execute(text(SEED[table_name].format(**parts)), {"n": n, "now": now})
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))  # the planner sees the rows, as it would after autovacuum
    finally:
        engine.dispose()
    return time.perf_counter() - t0


def _handoffs(n: int) -> list[bytes]:
    from bench.e2e_bench import handoff_fixtures, with_new_message_id
    from outbound.sendfile import to_crlf

    fixtures = [to_crlf(p.read_bytes()) for p in handoff_fixtures()]
    return [with_new_message_id(fixtures[i % len(fixtures)])[0] for i in range(n)]


def _e2e(port: int, outbox: Path, count: int) -> list[float]:
    """Seconds from SMTP session start to the reply in the Maildir, hand-offs sent one at a time."""
    import email
    from email import policy

    import aiosmtplib

    from bench.e2e_bench import REPLY_TIMEOUT, handoff_fixtures, with_new_message_id
    from outbound.sendfile import to_crlf

    fixtures = [to_crlf(p.read_bytes()) for p in handoff_fixtures()]
    new_dir = outbox / "new"
    seen: set[str] = set()
    out: list[float] = []

    async def main() -> None:
        for i in range(count):
            raw, mid = with_new_message_id(fixtures[i % len(fixtures)])
            sender = email.message_from_bytes(raw, policy=policy.default)["From"].addresses[0].addr_spec
            t0 = time.perf_counter()
            await aiosmtplib.send(raw, sender=sender, recipients=[ASSISTANT], hostname="127.0.0.1", port=port)
            while time.perf_counter() - t0 < REPLY_TIMEOUT:
                fresh = [e for e in (os.listdir(new_dir) if new_dir.exists() else []) if e not in seen]
                seen.update(fresh)
                if any(mid in (new_dir / e).read_bytes() for e in fresh):
                    out.append(time.perf_counter() - t0)
                    break
                await asyncio.sleep(0.002)
            await asyncio.sleep(0.02)

    asyncio.run(main())
    return out


def _open_count(engine) -> int:
    from store.db import reading
    from store.schema import inbound_messages as t

    with reading(engine) as conn:
        return conn.execute(select(func.count()).select_from(t)
                            .where(t.c.status.in_(("received", "processing")))).scalar_one()


def _worker(url: str, tmp: Path, count: int) -> dict:
    """Hand-offs per second of `server.py worker` on a queue of `count` staged at once."""
    from store import messages
    from store.db import make_engine
    from store.messages import Received
    from store.schema import inbound_messages as t

    engine = make_engine(url)
    try:
        with engine.begin() as conn:  # the acceptance round's leftovers are not this figure's work
            conn.execute(update(t).where(t.c.status.in_(("received", "processing"))).values(status="processed"))
        raws = _handoffs(count)
        with Roles(["worker"], baton_env(url, tmp, **ENV), tmp) as w:
            time.sleep(3)  # imports and start-up, on an empty queue
            cpu0 = w.cpu()
            now = datetime.now(UTC)
            batch = [Received(raw=r, mail_from="referrer@mail.example", rcpt_tos=[ASSISTANT], peer="127.0.0.1",
                              helo="mail.example", received_at=now) for r in raws]
            t0 = time.perf_counter()
            with engine.begin() as conn:
                messages.insert_many(conn, batch)
            while _open_count(engine) and time.perf_counter() - t0 < 300:
                time.sleep(0.01)
            seconds = time.perf_counter() - t0
            cpu = w.cpu() - cpu0
        left = _open_count(engine)
    finally:
        engine.dispose()
    return {"worker_msg_per_s": (count - left) / seconds, "worker_cpu_ms": 1000 * cpu / max(1, count - left),
            "worker_left": left}


def _cell(backend: str, size: int, tmp: Path, args) -> dict:
    run_dir = tmp / f"{backend}-{size}"
    run_dir.mkdir()
    url = prepare_db(backend, run_dir)  # a new SQLite file, or the PostgreSQL schema dropped and made again
    seeded = seed(url, size)
    msgs, e2e_n, handoffs = (300, 10, 60) if args.quick else (1000, 20, 200)
    env = baton_env(url, run_dir, **ENV)
    with Roles(["serve"], env, run_dir) as serve:
        e2e = _e2e(serve.port, run_dir / "outbox", e2e_n)
        cpu0 = sum(cpu_seconds(p) for p in serve.pids)
        acc = smtp_source(serve.port, messages=msgs, sessions=10, size=5 * 1024)
        acc_cpu = sum(cpu_seconds(p) for p in serve.pids) - cpu0
    worker = _worker(url, run_dir, handoffs)
    cell = {"backend": backend, "size": size, "seed_seconds": seeded, "accept_msg_per_s": acc.rate,
            "accept_p99_ms": acc.probe.p(99), "accept_cpu_pct": 100 * acc_cpu / acc.seconds,
            "accept_errors": acc.stderr if acc.returncode else "", "e2e_median_s": median(e2e),
            "e2e_replied": f"{len(e2e)}/{e2e_n}", **worker, "loadavg": os.getloadavg()[0]}
    print(f"[growth] {backend} {size:,} rows (seeded in {seeded:.0f} s): accept {cell['accept_msg_per_s']:.0f} msg/s, "
          f"worker {cell['worker_msg_per_s']:.1f} hand-offs/s ({cell['worker_cpu_ms']:.0f} ms CPU each), "
          f"e2e median {cell['e2e_median_s']:.3f} s; load {cell['loadavg']:.2f}", flush=True)
    return cell


def run(args) -> dict:
    if not smtp_source_available():
        raise SystemExit("bench growth: needs Postfix's smtp-source (apt-get install postfix)")
    sizes = args.growth_sizes or SIZES
    backends, notes = ["sqlite"], []
    if not args.no_postgres:
        why = postgres_available()
        backends += ["postgresql"] if why is None else []
        notes += [] if why is None else [f"PostgreSQL skipped: {why}"]
    cells = []
    with tempfile.TemporaryDirectory(prefix="baton-growth-", dir=os.environ.get("BATON_BENCH_TMP")) as tmpd:
        for backend in backends:
            for size in sizes:
                cells.append(_cell(backend, size, Path(tmpd), args))
    for c in cells:
        base = next((b for b in cells if b["backend"] == c["backend"] and b["size"] == min(sizes)), c)
        for k in ("accept_msg_per_s", "worker_msg_per_s", "e2e_median_s", "worker_cpu_ms"):
            c[f"{k}_ratio"] = c[k] / base[k] if base[k] else float("nan")
    return {"cells": cells, "sizes": sizes, "notes": notes}


def report(data: dict) -> str:
    rows = [[c["backend"], f"{c['size']:,}", c["accept_msg_per_s"], f"{c['accept_msg_per_s_ratio']:.2f}",
             c["accept_p99_ms"], c["worker_msg_per_s"], f"{c['worker_msg_per_s_ratio']:.2f}", c["worker_cpu_ms"],
             f"{c['worker_cpu_ms_ratio']:.2f}", c["e2e_median_s"] * 1000, f"{c['e2e_median_s_ratio']:.2f}",
             c["e2e_replied"], c["loadavg"]] for c in data["cells"]]
    out = table(["db", "rows/table", "accept msg/s", "x empty", "p99 ms", "worker h/s", "x empty", "cpu ms/h",
                 "x empty", "e2e ms", "x empty", "replied", "load"], rows,
                title="Growth: the same work with 0 .. N rows in inbound_messages, outbox, intros and jobs "
                      "(x empty: ratio to the empty database; target within 10 %)")
    out += ("\naccept: smtp-source c=10, 5 KB, against `serve` (worker running); p99: probe DATA->250. worker: "
            "`server.py worker`, hand-offs processed per second (h/s) and CPU per hand-off. e2e: SMTP -> reply "
            "in the Maildir, one at a time, median.")
    for c in data["cells"]:
        if c["accept_errors"] or c["worker_left"]:
            out += f"\n{c['backend']} {c['size']:,}: {c['accept_errors'][:200]} {c['worker_left']} hand-off(s) left"
    for n in data["notes"]:
        out += f"\n{n}"
    return out
