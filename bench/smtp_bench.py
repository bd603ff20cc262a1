"""1. SMTP acceptance: Baton's listener against a bare aiosmtpd sink, cell by cell, in one run.

Every cell is run on the sink and on Baton with the same pre-built messages (each sent with a
Message-ID of its own, so that none is a duplicate), in two interleaved rounds (sink, Baton,
Baton, sink) so that a disturbance in the middle of a cell hits both alike. Servers run in processes of their
own pinned to one core (core 1); the load generator (aiosmtplib) runs in this process, pinned to
core 0. One message per SMTP session by default (connect, EHLO, MAIL, RCPT, DATA, QUIT), as an
MTA without connection caching delivers; `--per-conn N` sends N per connection instead.
Latency is DATA→250: from the DATA command to the final reply, content transfer included.
After each Baton cell the rows are counted: every 250 must name a committed row.
"""
from __future__ import annotations

import asyncio
import gc
import os
import re
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path

import aiosmtplib
from sqlalchemy import func, select, text

from bench.common import ASSISTANT, cpu_seconds, percentile, pg_url, pin, self_cpu_seconds, table
from bench.servers import Server

SIZES = {"5KB": 5 * 1024, "100KB": 100 * 1024}
CONCURRENCY = [1, 10, 50]
_QUEUED = re.compile(r"queued as (\d+)")
_WORDS = ("thanks for the introduction to the team at the studio we spoke about last week and "
          "I would be glad to hear what they are working on before we meet on Thursday ").split()


def make_message(size: int, i: int) -> bytes:
    head = (f"From: Dana Sender <dana{i}@example.com>\r\nTo: {ASSISTANT}\r\n"
            f"Subject: Benchmark message {i}\r\nDate: {formatdate(localtime=False)}\r\n"
            f"Message-ID: <{uuid.uuid4().hex}@bench.example>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n").encode()
    lines, n, w = [], len(head), i
    while n < size:
        line = " ".join(_WORDS[(w + k) % len(_WORDS)] for k in range(12))[:76]
        w += 7
        lines.append(line)
        n += len(line) + 2
    return head + "\r\n".join(lines).encode()[: max(0, size - len(head) - 2)] + b"\r\n"


def make_messages(size: int, n: int) -> list[tuple[str, bytes]]:
    return [(f"dana{i}@example.com", make_message(size, i)) for i in range(n)]


@dataclass
class Load:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def load(port: int, msgs: list[tuple[str, bytes]], concurrency: int, per_conn: int) -> Load:
    """Sends every message once, `concurrency` sessions at a time; returns when all are answered."""
    result = Load(0.0)
    next_index = 0

    async def session() -> None:
        nonlocal next_index
        while next_index < len(msgs):
            batch = msgs[next_index:next_index + per_conn]
            next_index += len(batch)
            client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=60, start_tls=False)
            try:
                await client.connect()
                await client.ehlo()
                for sender, raw in batch:
                    await client.mail(sender)
                    await client.rcpt(ASSISTANT)
                    t0 = time.perf_counter()
                    resp = await client.data(raw)
                    result.latencies.append(time.perf_counter() - t0)
                    result.codes.append(resp.code)
                    if m := _QUEUED.search(resp.message):
                        result.ids.append(int(m.group(1)))
                await client.quit()
            except aiosmtplib.SMTPResponseException as e:
                result.errors.append(f"{e.code} {e.message}")
                client.close()
            except (OSError, aiosmtplib.SMTPException) as e:
                result.errors.append(f"{type(e).__name__}: {e}")
                client.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(session() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - t0
    return result


class RowCounter:
    """Counts committed inbound_messages rows, and checks that the ids answered with 250 are among them."""

    def __init__(self, url: str) -> None:
        from store.db import make_engine
        from store.schema import inbound_messages

        self.engine = make_engine(url)
        self.t = inbound_messages

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(self.t)).scalar_one()

    def present(self, ids: list[int]) -> int:
        found = 0
        with self.engine.connect() as conn:
            for k in range(0, len(ids), 500):
                chunk = ids[k:k + 500]
                found += conn.execute(select(func.count()).select_from(self.t)
                                      .where(self.t.c.id.in_(chunk))).scalar_one()
        return found

    def close(self) -> None:
        self.engine.dispose()


def measure(server: Server, msgs, conc: int, per_conn: int, counter: RowCounter | None) -> dict:
    rows0 = counter.count() if counter else 0
    srv0 = sum(cpu_seconds(p) for p in server.pids)
    cli0 = self_cpu_seconds()
    # The load generator's own cycle-collector passes would show up as server latency.
    gc.collect()
    gc.freeze()
    r = asyncio.run(load(server.port, msgs, conc, per_conn))
    return {"load": r, "server_cpu": sum(cpu_seconds(p) for p in server.pids) - srv0,
            "client_cpu": self_cpu_seconds() - cli0,
            "new_rows": counter.count() - rows0 if counter else 0,
            "present": counter.present(r.ids) if counter else 0}


def summarize(label: str, backend: str, size: str, conc: int, per_conn: int, parts: list[dict],
              counted: bool) -> dict:
    """One cell from its rounds: messages and seconds summed, latencies pooled."""
    lat = [x for p in parts for x in p["load"].latencies]
    codes = [c for p in parts for c in p["load"].codes]
    errors = [e for p in parts for e in p["load"].errors]
    ids = [i for p in parts for i in p["load"].ids]
    seconds = sum(p["load"].seconds for p in parts)
    ok = sum(1 for c in codes if c == 250)
    cell = {
        "server": label, "backend": backend, "size": size, "concurrency": conc, "messages": len(codes) + len(errors),
        "per_connection": per_conn, "rounds": len(parts), "ok_250": ok, "not_250": len(codes) - ok + len(errors),
        "errors": errors[:5], "seconds": seconds, "msg_per_s": ok / seconds if seconds else 0.0,
        "round_msg_per_s": [sum(1 for c in p["load"].codes if c == 250) / p["load"].seconds for p in parts],
        "p50_ms": percentile(lat, 50) * 1000, "p99_ms": percentile(lat, 99) * 1000,
        "server_cpu_pct": 100 * sum(p["server_cpu"] for p in parts) / seconds,
        "client_cpu_pct": 100 * sum(p["client_cpu"] for p in parts) / seconds,
    }
    if counted:
        new_rows = sum(p["new_rows"] for p in parts)
        present = sum(p["present"] for p in parts)
        cell.update(committed_rows=new_rows, ids_answered=len(set(ids)), ids_present=present,
                    all_committed=(new_rows == ok == len(set(ids)) == present))
    return cell


def run_pair(sink: Server, baton: Server, baton_label: str, backend: str, size: str, conc: int, msgs,
             per_conn: int, counter: RowCounter, rounds: int = 2) -> list[dict]:
    """The sink and Baton on the same messages, interleaved (S B B S ...) so that drift hits both alike."""
    chunks = [msgs[k::rounds] for k in range(rounds)]
    parts: dict[str, list] = {"sink": [], "baton": []}
    for k, chunk in enumerate(chunks):
        order = ("sink", "baton") if k % 2 == 0 else ("baton", "sink")
        for who in order:
            batch = [(s, _fresh(raw)) for s, raw in chunk]
            srv = sink if who == "sink" else baton
            parts[who].append(measure(srv, batch, conc, per_conn, counter if who == "baton" else None))
    cells = [summarize("sink", backend, size, conc, per_conn, parts["sink"], False),
             summarize(baton_label, backend, size, conc, per_conn, parts["baton"], True)]
    for c in cells:
        _progress(c)
    return cells


def prepare_db(backend: str, tmp: Path) -> str:
    from store import migrate

    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'bench.db'}"
    else:
        url = pg_url()
        from store.db import make_engine

        engine = make_engine(url)
        with engine.begin() as conn:  # baton_bench only (pg_url refuses `test`)
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    migrate.upgrade(url)
    return url


def postgres_available() -> str | None:
    """None when reachable, else why not."""
    try:
        import psycopg

        url = pg_url().replace("postgresql+psycopg://", "postgresql://")
        psycopg.connect(url, connect_timeout=3).close()
        return None
    except Exception as e:
        return f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"


def run(args) -> dict:
    quick = args.quick
    counts = {"5KB": 150 if quick else 1000, "100KB": 40 if quick else 250}
    concs = [1, 10] if quick else CONCURRENCY
    backends = ["sqlite"]
    notes = []
    if not args.no_postgres:
        why = postgres_available()
        if why is None:
            backends.append("postgresql")
        else:
            notes.append(f"PostgreSQL skipped: {why}")
    two_cores = (os.cpu_count() or 1) >= 2
    srv_core, cli_core = (1, 0) if two_cores else (None, None)
    print(f"[smtp] messages per cell: {counts}; concurrency {concs}; {args.per_conn} message(s) per "
          f"connection; servers on core {srv_core}, load generator on core {cli_core}", flush=True)
    msgs = {size: make_messages(SIZES[size], n) for size, n in counts.items()}
    cells, reuse_cells = [], []
    with tempfile.TemporaryDirectory(prefix="baton-bench-", dir=os.environ.get("BATON_BENCH_TMP")) as tmpd:
        tmp = Path(tmpd)
        for backend in backends:
            url = prepare_db(backend, tmp)
            counter = RowCounter(url)
            pin({cli_core} if cli_core is not None else None)
            try:
                with Server("sink", cores=[srv_core]) as sink, \
                        Server("baton", cores=[srv_core], url=url, log_dir=tmp) as baton:
                    warm = make_messages(SIZES["5KB"], 100)
                    asyncio.run(load(sink.port, warm, 10, 1))
                    asyncio.run(load(baton.port, make_messages(SIZES["5KB"], 100), 10, 1))
                    for size in counts:
                        for conc in concs:
                            cells += run_pair(sink, baton, "baton", backend, size, conc, msgs[size],
                                              args.per_conn, counter)
                # Two Baton processes sharing the port (SO_REUSEPORT), one per core, against the sink on
                # one core. The load generator cannot have a core of its own here: it floats.
                if two_cores and not args.no_reuseport:
                    pin(None)
                    with Server("sink", cores=[srv_core]) as sink, \
                            Server("baton", cores=[0, 1], url=url, log_dir=tmp) as pair:
                        asyncio.run(load(pair.port, make_messages(SIZES["5KB"], 100), 10, 1))
                        for size in counts:
                            for conc in [c for c in concs if c > 1]:
                                reuse_cells += run_pair(sink, pair, "baton x2 reuseport", backend, size, conc,
                                                        msgs[size], args.per_conn, counter)
            finally:
                pin(None)
                counter.close()
    return {"cells": cells, "reuseport_cells": reuse_cells, "notes": notes,
            "per_connection": args.per_conn, "counts": counts}


def _fresh(raw: bytes) -> bytes:
    """The same message with a new Message-ID, so that no cell's message is a duplicate of another's."""
    return re.sub(rb"Message-ID: <[0-9a-f]+@", b"Message-ID: <" + uuid.uuid4().hex.encode() + b"@", raw, count=1)


def _progress(c: dict) -> None:
    extra = ""
    if "all_committed" in c:
        extra = f" committed={c['committed_rows']}/{c['ok_250']}"
    print(f"  {c['backend']:<10} {c['server']:<19} {c['size']:>5} c={c['concurrency']:<3} "
          f"{c['msg_per_s']:8.1f} msg/s  p50 {c['p50_ms']:6.2f} ms  p99 {c['p99_ms']:7.2f} ms  "
          f"srv {c['server_cpu_pct']:4.0f}% cli {c['client_cpu_pct']:4.0f}%{extra}"
          + (f"  NOT 250: {c['not_250']} {c['errors'][:2]}" if c["not_250"] else ""), flush=True)


def report(data: dict) -> str:
    out = []
    rows = []
    cells = data["cells"]
    for i in range(0, len(cells) - 1, 2):
        s, b = cells[i], cells[i + 1]
        rows.append([b["backend"], b["size"], b["concurrency"], s["msg_per_s"], b["msg_per_s"],
                     _pct(b["msg_per_s"], s["msg_per_s"]), s["p50_ms"], b["p50_ms"], s["p99_ms"], b["p99_ms"],
                     f"{s['server_cpu_pct']:.0f}/{b['server_cpu_pct']:.0f}", f"{s['client_cpu_pct']:.0f}",
                     _committed(b)])
    out.append(table(["backend", "size", "conc", "sink msg/s", "baton msg/s", "baton/sink", "sink p50 ms",
                      "baton p50 ms", "sink p99 ms", "baton p99 ms", "srv cpu% s/b", "cli cpu%", "committed"],
                     rows, title=f"SMTP acceptance, Baton (1 process, 1 core) vs bare aiosmtpd sink (1 core), "
                                 f"{data['per_connection']} msg per connection"))
    rc = data["reuseport_cells"]
    if rc:
        rows = []
        for i in range(0, len(rc) - 1, 2):
            s, b = rc[i], rc[i + 1]
            rows.append([b["backend"], b["size"], b["concurrency"], s["msg_per_s"], b["msg_per_s"],
                         _pct(b["msg_per_s"], s["msg_per_s"]), s["p50_ms"], b["p50_ms"], s["p99_ms"],
                         b["p99_ms"], f"{s['server_cpu_pct']:.0f}/{b['server_cpu_pct']:.0f}", _committed(b)])
        out.append(table(["backend", "size", "conc", "sink msg/s", "baton x2 msg/s", "baton/sink", "sink p50 ms",
                          "baton p50 ms", "sink p99 ms", "baton p99 ms", "srv cpu% s/b", "committed"], rows,
                         title="SO_REUSEPORT: two Baton listener processes (cores 0 and 1) vs the sink on one core "
                               "(load generator unpinned)"))
    for n in data["notes"]:
        out.append(f"note: {n}")
    return "\n\n".join(out)


def _pct(a: float, b: float) -> str:
    return f"{100 * a / b:.0f} %" if b else "-"


def _committed(b: dict) -> str:
    if b["not_250"]:
        return f"{b['not_250']} NOT 250"
    return f"{b['committed_rows']}/{b['ok_250']} ok" if b.get("all_committed") else \
        f"MISMATCH rows={b['committed_rows']} 250s={b['ok_250']} present={b['ids_present']}"
