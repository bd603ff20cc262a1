"""5. Acceptance, three anchors in one run, with Postfix's smtp-source as the client.

Anchors, each a process of its own, none pinned to a core:
- `aiosmtpd`: the stock aiosmtpd SMTP class with a handler that answers 250 at once, on asyncio's
  own event loop, as it ships;
- `baton-noop`: Baton's own SMTP class (inbound.smtp.start) with such a handler, on Baton's event
  loop (uvloop): against it the durable listener shows what durability costs;
- `smtp+worker`: `server.py smtp` and `server.py worker`, as split roles run them;
- `serve`: `server.py serve` (listener, worker and web in one process).
The Baton ones store every message (group commit) and the worker analyses and answers them while
the load runs (BATON_SENDER_POLICY=open, so it does its whole job). Each cell (backend x
concurrency, 5 KB messages, one per connection) is run in >= 3 rounds; the anchors' order
rotates from round to round so that drift on a shared machine hits each alike. Reported: median
msg/s and its spread (min-max) over the rounds, the ratio of medians to the two no-op anchors,
DATA->250 p50/p99 from a one-connection probe sending beside the load, the servers' CPU, and for
the Baton anchors the rows committed against the messages sent.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sqlalchemy import func, select

from bench.common import cpu_seconds, median, pg_url, table
from bench.procs import Roles, baton_env, smtp_source, smtp_source_available
from bench.servers import Server
from bench.smtp_bench import postgres_available, prepare_db

SIZE = 5 * 1024
ANCHORS = ["aiosmtpd", "baton-noop", "smtp+worker", "serve"]


def _rows(url: str) -> int:
    from store.db import make_engine, reading
    from store.schema import inbound_messages

    engine = make_engine(url)
    try:
        with reading(engine) as conn:
            return conn.execute(select(func.count()).select_from(inbound_messages)).scalar_one()
    finally:
        engine.dispose()


def _one(anchor: str, url: str, tmp: Path, messages: int, sessions: int) -> dict:
    """One round of one anchor: start it, run smtp-source, stop it."""
    if anchor in ("aiosmtpd", "baton-noop"):
        with Server("sink" if anchor == "aiosmtpd" else "noop", cores=[None]) as srv:
            cpu0 = sum(cpu_seconds(p) for p in srv.pids)
            run = smtp_source(srv.port, messages=messages, sessions=sessions, size=SIZE)
            cpu = sum(cpu_seconds(p) for p in srv.pids) - cpu0
        return {"run": run, "cpu": cpu, "committed": None}
    before = _rows(url)
    roles = ["smtp", "worker"] if anchor == "smtp+worker" else ["serve"]
    with Roles(roles, baton_env(url, tmp), tmp) as r:
        cpu0 = r.cpu()
        run = smtp_source(r.port, messages=messages, sessions=sessions, size=SIZE)
        cpu = r.cpu() - cpu0
    # smtp-source does not count 250s; every message it sent must be a row (the probe's are counted too).
    return {"run": run, "cpu": cpu, "committed": _rows(url) - before - len(run.probe.latencies)}


def run(args) -> dict:
    if not smtp_source_available():
        raise SystemExit("bench accept: needs Postfix's smtp-source (apt-get install postfix)")
    rounds = 3
    messages = 300 if args.quick else 1000
    concs = [10, 50]
    backends = ["sqlite"]
    notes = []
    if not args.no_postgres:
        why = postgres_available()
        if why is None:
            backends.append("postgresql")
        else:
            notes.append(f"PostgreSQL skipped: {why}")
    print(f"[accept] {messages} x 5 KB per round, {rounds} rounds, concurrency {concs}; load average "
          f"{os.getloadavg()[0]:.2f}", flush=True)
    cells = []
    with tempfile.TemporaryDirectory(prefix="baton-accept-", dir=os.environ.get("BATON_BENCH_TMP")) as tmpd:
        tmp = Path(tmpd)
        for backend in backends:
            url = prepare_db(backend, tmp)
            for conc in concs:
                per: dict[str, list[dict]] = {a: [] for a in ANCHORS}
                for k in range(rounds):
                    order = ANCHORS[k % len(ANCHORS):] + ANCHORS[:k % len(ANCHORS)]
                    for anchor in order:
                        per[anchor].append(_one(anchor, url, tmp, messages, conc))
                for anchor in ANCHORS:
                    cells.append(_cell(backend, conc, anchor, per[anchor], messages))
                    _progress(cells[-1])
                _ratios(cells, backend, conc)
    return {"cells": cells, "notes": notes, "rounds": rounds, "messages_per_round": messages, "size": SIZE,
            "pg_url": pg_url() if "postgresql" in backends else None}


def _cell(backend: str, conc: int, anchor: str, parts: list[dict], messages: int) -> dict:
    rates = [p["run"].rate for p in parts]
    lat = [x for p in parts for x in p["run"].probe.latencies]
    seconds = sum(p["run"].seconds for p in parts)
    committed = [p["committed"] for p in parts if p["committed"] is not None]
    failures = [p["run"].stderr for p in parts if p["run"].returncode != 0 or "error" in p["run"].stderr.lower()]
    from bench.common import percentile
    return {
        "backend": backend, "concurrency": conc, "anchor": anchor, "round_msg_per_s": rates,
        "median": median(rates), "min": min(rates), "max": max(rates),
        "probe_n": len(lat), "p50_ms": 1000 * percentile(lat, 50), "p99_ms": 1000 * percentile(lat, 99),
        "probe_errors": [e for p in parts for e in p["run"].probe.errors][:3],
        "server_cpu_pct": 100 * sum(p["cpu"] for p in parts) / seconds if seconds else 0.0,
        "committed": sum(committed) if committed else None, "sent": messages * len(parts) if committed else None,
        "client_errors": failures[:2], "loadavg": [p["run"].loadavg for p in parts],
    }


def _ratios(cells: list[dict], backend: str, conc: int) -> None:
    mine = {c["anchor"]: c for c in cells if c["backend"] == backend and c["concurrency"] == conc}
    for c in mine.values():
        c["vs_aiosmtpd"] = c["median"] / mine["aiosmtpd"]["median"] if mine["aiosmtpd"]["median"] else float("nan")
        c["vs_noop"] = c["median"] / mine["baton-noop"]["median"] if mine["baton-noop"]["median"] else float("nan")


def _progress(c: dict) -> None:
    print(f"[accept] {c['backend']} c={c['concurrency']} {c['anchor']}: median {c['median']:.0f} msg/s "
          f"({c['min']:.0f}-{c['max']:.0f}), probe p99 {c['p99_ms']:.1f} ms; load "
          f"{' '.join(f'{x:.1f}' for x in c['loadavg'])}", flush=True)


def report(data: dict) -> str:
    rows = []
    for c in data["cells"]:
        committed = "" if c["committed"] is None else f"{c['committed']}/{c['sent']}"
        rows.append([c["backend"], c["concurrency"], c["anchor"], c["median"], f"{c['min']:.0f}-{c['max']:.0f}",
                     f"{100 * c['vs_aiosmtpd']:.0f} %", f"{100 * c['vs_noop']:.0f} %", c["p50_ms"], c["p99_ms"],
                     c["probe_n"], c["server_cpu_pct"], committed, " ".join(f"{x:.1f}" for x in c["loadavg"])])
    out = table(["db", "c", "anchor", "msg/s (median)", "spread", "/aiosmtpd", "/baton-noop", "p50 ms", "p99 ms",
                 "probe n", "srv cpu%", "rows/sent", "load"], rows,
                title=f"Acceptance: smtp-source, 5 KB, one message per connection, {data['rounds']} rounds of "
                      f"{data['messages_per_round']} (median, min-max), no pinning")
    out += ("\np50/p99: DATA->250 of a probe connection sending beside the load (smtp-source times nothing); "
            "rows/sent: rows committed against messages smtp-source sent (an error would show here)")
    bad = [c for c in data["cells"] if c["client_errors"]]
    for c in bad:
        out += f"\nsmtp-source reported, {c['backend']} c={c['concurrency']} {c['anchor']}: {c['client_errors'][0]}"
    for n in data["notes"]:
        out += f"\n{n}"
    return out
