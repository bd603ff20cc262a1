"""4. Due jobs: the worker's claim (store.jobs.claim) on PostgreSQL with 10k, 100k and 1M intros.

For each size the `public` schema of the benchmark database is dropped, migrated afresh and seeded
server-side (INSERT ... SELECT generate_series) with a lifetime's worth of jobs per intro (see
README: most done or cancelled, some pending weeks ahead, a few running), then VACUUM ANALYZE.
Two cells per size: `steady` (1,000 jobs due, the same at every size, so only the table grows) and
`backlog` (a tenth of the intros have a job due, as after a worker outage: the due count grows
with the table). Each claim is `store.jobs.claim(engine, now=clock.now(), lease=5 min)`, timed
around the call exactly as worker/jobs.py makes it (its own transaction, limit 20). Between
claims, untimed, the worker's part: each claimed job is finished (`store.jobs.finish`) and as many
new jobs fall due, so every claim finds the same number due. The claim's SELECT (the
`store.leases.due_ids` statement, FOR UPDATE SKIP LOCKED, rolled back) is run under
EXPLAIN (ANALYZE, BUFFERS) before and after the timed claims.
"""
from __future__ import annotations

import gc
import tempfile
import time
from datetime import UTC, timedelta
from pathlib import Path

from sqlalchemy import text

from bench.common import median, percentile, pg_url, table

SIZES = [10_000, 100_000, 1_000_000]
QUICK_SIZES = [10_000, 100_000]
STEADY_DUE = 1_000  # jobs due now in the `steady` cell, at every size
BACKLOG_SHARE = 10  # `backlog` cell: one intro in BACKLOG_SHARE has a job due
RUNNING = 40  # jobs `running` at seeding: half with an expired lease, half with a live one
LIMIT = 20  # store.jobs.claim's default, which worker/jobs.py uses
LEASE = timedelta(seconds=300)  # worker/jobs.py's default lease
WARMUP = 5
DAYS = 365  # intros created evenly over the past year

# The jobs an intro gets over its life (intros/lifecycle.py): kind, step, days after the intro
# was created that it falls due, per mille done (the rest cancelled, 0.5 % failed), and which intros get it
# (intro id % 20 >= min_mod: 85 % are approved and get the reminders and the expiry, 60 % connect).
_KINDS = """(VALUES (1, 'review_reminder', '-', 2, 300, 0), (2, 'party_reminder', 'contact', 4, 500, 3),
                    (3, 'party_reminder', 'pin', 4, 500, 3), (4, 'expire', '-', 8, 600, 3),
                    (5, 'nudge_pin', '-', 4, 950, 8), (6, 'followup', '-', 10, 950, 8))
             AS k(ord, kind, step, days, done_permille, min_mod)"""

_CREATED = f"CAST(:now AS timestamp) - ((:n - i)::float8 / :n) * interval '{DAYS} days'"

SEED_INTROS = f"""
INSERT INTO intros (id, key, message_id, kind, state, referrer_email, pin_email, contact_email, draft,
                    created_at, updated_at)
SELECT i, md5('intro' || i), i, 'intro_request',
       CASE WHEN i % 20 < 3 THEN 'expired' WHEN i % 20 < 8 THEN 'closed' ELSE 'followed_up' END,
       'referrer' || i || '@mail.example', 'pin' || i || '@mail.example', 'contact' || i || '@mail.example',
       '{{}}'::json, c, c + interval '3 days'
FROM (SELECT i, {_CREATED} AS c FROM generate_series(1, :n) AS i) s
"""

# dedup_key as store/jobs.py computes it: sha256 of "intro_id NUL kind NUL step".
# Due now: the review reminder of every dstride-th intro (`due` of them), due within the last 30 minutes.
# Running: the review reminder of every rstride-th intro (offset 1), lease expired (even) or live (odd).
# Everything else follows from the intro's age: due in the future -> pending, else done/cancelled/failed.
SEED_JOBS = f"""
INSERT INTO jobs (dedup_key, intro_id, kind, step, status, available_at, attempts, lease_until, created_at)
SELECT encode(sha256(convert_to(i::text, 'UTF8') || '\\x00'::bytea || convert_to(k.kind, 'UTF8')
                     || '\\x00'::bytea || convert_to(k.step, 'UTF8')), 'hex'),
       i, k.kind, k.step,
       CASE WHEN is_due THEN 'pending' WHEN is_running THEN 'running' WHEN due > :now THEN 'pending'
            WHEN h < k.done_permille THEN 'done' WHEN h < 995 THEN 'cancelled' ELSE 'failed' END,
       CASE WHEN is_due THEN CAST(:now AS timestamp) - h * interval '1.8 seconds' ELSE due END,
       CASE WHEN is_running THEN 1 WHEN is_due OR due > :now THEN 0 ELSE 1 END,
       CASE WHEN is_running THEN CAST(:now AS timestamp)
            + (CASE WHEN (i / :rstride) % 2 = 0 THEN -1 ELSE 1 END) * (1 + h % 5) * interval '1 minute' END,
       c
FROM (SELECT i, {_CREATED} AS c FROM generate_series(1, :n) AS i) s
JOIN {_KINDS} ON i % 20 >= k.min_mod
CROSS JOIN LATERAL (SELECT s.c + k.days * interval '1 day' AS due,
                           (hashint4(i * 7 + k.ord) & 1023) % 1000 AS h,
                           k.ord = 1 AND i % :dstride = 0 AND i / :dstride <= :due AS is_due,
                           k.ord = 1 AND i % :rstride = 1 AND i / :rstride < :running AS is_running) x
"""

# New due jobs (the refill after each claim, and the backlog): `followup` of existing intros, due at
# `at` minus up to `spread` seconds. `g` numbers them so that each has a dedup_key of its own.
ADD_DUE = """
INSERT INTO jobs (dedup_key, intro_id, kind, step, status, available_at, attempts, created_at)
SELECT encode(sha256(convert_to('bench-' || g, 'UTF8')), 'hex'), 1 + (g * 7919) % CAST(:n AS bigint), 'followup',
       'bench-' || g, 'pending', CAST(:at AS timestamp) - (g % CAST(:spread AS bigint)) * interval '1 second', 0,
       CAST(:at AS timestamp)
FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS g
"""


class Seeder:
    def __init__(self, engine, n: int) -> None:
        self.engine = engine
        self.n = n
        self.next_g = 1

    def add_due(self, count: int, *, at, spread_seconds: int = 1) -> None:
        if count <= 0:
            return
        with self.engine.begin() as conn:
            conn.execute(text(ADD_DUE), dict(n=self.n, at=_naive(at), spread=max(1, spread_seconds),
                                             first=self.next_g, last=self.next_g + count - 1))
        self.next_g += count


def _naive(dt):
    """UTC without offset, as the jobs columns store it (store.schema.UTCDateTime)."""
    return dt.astimezone(UTC).replace(tzinfo=None)


def _without_secondary_indexes(conn, table_name: str):
    """Drops the table's unique/foreign-key constraints and plain indexes (the primary key stays) and
    returns the statements that put them back, taken from the catalog: bulk loading without them and
    building them once afterwards is several times faster, and gives the same indexes the migrations made."""
    cons = conn.execute(text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = CAST(:t AS regclass) AND contype IN ('u', 'f') ORDER BY contype DESC, conname"),
        dict(t=table_name)).all()
    idx = conn.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = :t "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass)) "
        "ORDER BY indexname"), dict(t=table_name)).all()
    for name, _ in cons:
        conn.execute(text(f'ALTER TABLE {table_name} DROP CONSTRAINT "{name}"'))
    for name, _ in idx:
        conn.execute(text(f'DROP INDEX "{name}"'))
    return [d for _, d in idx] + [f'ALTER TABLE {table_name} ADD CONSTRAINT "{name}" {d}' for name, d in cons]


def seed(engine, n: int, now) -> dict:
    """Intros and their jobs for `n` intros; returns the seconds each step took."""
    t = {}
    params = dict(now=_naive(now), n=n, due=STEADY_DUE, dstride=max(1, n // STEADY_DUE), running=RUNNING,
                  rstride=max(2, n // RUNNING))
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        t0 = time.perf_counter()
        restore = _without_secondary_indexes(conn, "intros")
        conn.execute(text(SEED_INTROS), params)
        for stmt in restore:
            conn.execute(text(stmt))
        t["intros"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        restore = _without_secondary_indexes(conn, "jobs")
        conn.execute(text(SEED_JOBS), params)
        t["jobs"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        for stmt in restore:
            conn.execute(text(stmt))
        t["jobs_indexes"] = time.perf_counter() - t0
        conn.execute(text("SELECT setval(pg_get_serial_sequence('intros', 'id'), :n)"), dict(n=n))
        conn.execute(text("SELECT setval(pg_get_serial_sequence('jobs', 'id'), (SELECT max(id) FROM jobs))"))
    t0 = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE) intros, jobs"))
    t["vacuum_analyze"] = time.perf_counter() - t0
    t["total"] = sum(t.values())
    return t


def mix(engine, now) -> dict:
    with engine.connect() as conn:
        row = conn.execute(text("""
            SELECT count(*) AS jobs,
                   count(*) FILTER (WHERE status = 'done') AS done,
                   count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
                   count(*) FILTER (WHERE status = 'failed') AS failed,
                   count(*) FILTER (WHERE status = 'pending' AND available_at > :now) AS pending_future,
                   count(*) FILTER (WHERE status = 'pending' AND available_at <= :now) AS due_now,
                   count(*) FILTER (WHERE status = 'running' AND lease_until < :now) AS running_expired,
                   count(*) FILTER (WHERE status = 'running' AND lease_until >= :now) AS running_live,
                   pg_total_relation_size('jobs') AS jobs_bytes
            FROM jobs"""), dict(now=_naive(now))).mappings().one()
        indexes = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                                    "AND tablename = 'jobs' ORDER BY indexname")).scalars().all()
    return {**dict(row), "indexes": list(indexes)}


def explain(engine, now) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of the claim's SELECT as store.leases builds it, in a transaction rolled back."""
    from store import leases
    from store.schema import jobs

    stmt = leases.due_ids(jobs, pending="pending", active="running", now=now, limit=LIMIT)
    sql = str(stmt.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        lines = [r[0] for r in conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql)]
        conn.rollback()
        doc = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql).scalar_one()
        conn.rollback()
    return {"sql": sql, "lines": lines, **summarize_plan(doc[0] if isinstance(doc, list) else doc)}


def summarize_plan(doc: dict) -> dict:
    def walk(node):
        yield node
        for child in node.get("Plans", []):
            yield from walk(child)

    top = doc["Plan"]
    nodes = list(walk(top))
    scans, sorts, seq = [], [], False
    rows_read = 0
    for nd in nodes:
        kind = nd["Node Type"]
        if kind in ("Index Scan", "Index Only Scan", "Bitmap Index Scan", "Seq Scan"):
            read = (nd.get("Actual Rows", 0) + nd.get("Rows Removed by Filter", 0)) * nd.get("Actual Loops", 1)
            rows_read += read
            scans.append({"node": kind, "index": nd.get("Index Name"), "rows": read})
            seq |= kind == "Seq Scan"
        if kind in ("Sort", "Incremental Sort"):
            fed = sum(c.get("Actual Rows", 0) for c in nd.get("Plans", []))
            sorts.append({"node": kind, "method": nd.get("Sort Method"), "rows_in": fed})
    jit = doc.get("JIT")
    jit_ms = jit.get("Timing", {}).get("Total") if jit else None
    index_names = sorted({s["index"] for s in scans if s["index"]})
    kinds = sorted({s["node"] for s in scans})
    short = "+".join({"Index Scan": "index", "Index Only Scan": "index-only", "Bitmap Index Scan": "bitmap",
                      "Seq Scan": "SEQ SCAN"}[k] for k in kinds)
    short += f" {','.join(index_names)}" if index_names else ""
    big_sort = max((s["rows_in"] for s in sorts), default=0)
    if sorts:
        short += f", sort {big_sort:,} rows"
    short += f", {rows_read:,} rows read"
    if jit:
        short += f", JIT {jit_ms:.1f} ms" if isinstance(jit_ms, (int, float)) else ", JIT"
    return {"uses_index": bool(index_names) and not seq, "indexes_used": index_names, "scans": scans,
            "sorts": sorts, "rows_read": rows_read, "jit_ms": jit_ms,
            "execution_ms": doc.get("Execution Time"), "planning_ms": doc.get("Planning Time"),
            "buffers": top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0),
            "estimated_cost": top.get("Total Cost"), "summary": short}


def claims(engine, seeder: Seeder, count: int) -> dict:
    """`count` claims as the worker makes them, each timed; between them the worker's part, untimed."""
    from clock import clock
    from store import jobs

    times, rows = [], []
    gc.collect()
    for _ in range(count):
        t0 = time.perf_counter()
        got = jobs.claim(engine, now=clock.now(), lease=LEASE)
        times.append(time.perf_counter() - t0)
        rows.append(len(got))
        with engine.begin() as conn:
            for job in got:
                jobs.finish(conn, job.id)
        seeder.add_due(len(got), at=clock.now())
    ms = [1000 * x for x in times]
    return {"claims": count, "median_ms": median(ms), "p99_ms": percentile(ms, 99), "max_ms": max(ms),
            "mean_rows": sum(rows) / len(rows), "min_rows": min(rows), "ms": [round(x, 3) for x in ms]}


def other_sessions() -> int:
    """Other clients on the benchmark database (another benchmark run would drop the schema under this one)."""
    from store.db import make_engine

    engine = make_engine(pg_url())
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                     "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")).scalar_one()
    finally:
        engine.dispose()


def run(args) -> dict:
    from bench.smtp_bench import postgres_available, prepare_db
    from clock import clock
    from store.db import make_engine

    sizes = QUICK_SIZES if args.quick else SIZES
    count = 50 if args.quick else 200
    notes = []
    why = postgres_available()
    if why is not None:
        return {"sizes": [], "notes": [f"PostgreSQL unreachable, nothing measured: {why}"]}
    print(f"[jobs] sizes {', '.join(f'{n:,}' for n in sizes)} intros; {count} claims of {LIMIT} per cell "
          f"after {WARMUP} untimed; cells: steady ({STEADY_DUE:,} due), backlog (1 intro in {BACKLOG_SHARE} due)",
          flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="baton-bench-") as tmpd:
        for n in sizes:
            if others := other_sessions():
                notes.append(f"{n:,} intros: {others} other session(s) on the benchmark database at the start")
            url = prepare_db("postgresql", Path(tmpd))  # drops and re-creates `public` of baton_bench, migrates
            engine = make_engine(url)
            try:
                now = clock.now()
                seconds = seed(engine, n, now)
                m = mix(engine, now)
                print(f"[jobs] {n:,} intros, {m['jobs']:,} jobs seeded in {seconds['total']:.1f} s "
                      f"(intros {seconds['intros']:.1f}, jobs {seconds['jobs']:.1f}, their indexes "
                      f"{seconds['jobs_indexes']:.1f}, vacuum analyze {seconds['vacuum_analyze']:.1f}); "
                      f"{m['jobs_bytes'] / 2**20:,.0f} MB", flush=True)
                seeder = Seeder(engine, n)
                cells = {}
                for cell, due in (("steady", STEADY_DUE), ("backlog", n // BACKLOG_SHARE)):
                    t0 = time.perf_counter()
                    extra = due - mix(engine, clock.now())["due_now"]
                    if extra > 0:  # jobs that fell due while no worker ran: spread over the last 12 hours
                        seeder.add_due(extra, at=clock.now(), spread_seconds=12 * 3600)
                    # Each cell starts from a vacuumed table (as autovacuum would leave it), not from the
                    # dead rows of the cell before it.
                    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                        conn.execute(text("VACUUM (ANALYZE) jobs"))
                    seconds[f"{cell}_prepare"] = time.perf_counter() - t0
                    claims(engine, seeder, WARMUP)
                    before = explain(engine, clock.now())
                    c = claims(engine, seeder, count)
                    after = explain(engine, clock.now())
                    c.update(due=mix(engine, clock.now())["due_now"], plan=before, plan_after=after)
                    cells[cell] = c
                    print(f"  {n:>9,} {cell:<8} due {c['due']:>7,}: median {c['median_ms']:6.2f} ms  "
                          f"p99 {c['p99_ms']:6.2f} ms  rows {c['mean_rows']:.1f}  plan: {before['summary']}",
                          flush=True)
                results.append({"intros": n, "mix": m, "seed_seconds": seconds, "cells": cells})
            finally:
                engine.dispose()
    for cell in ("steady", "backlog"):
        base = results[0]["cells"][cell] if results else None
        for r in results:
            c = r["cells"][cell]
            c["median_ratio_to_10k"] = c["median_ms"] / base["median_ms"]
            c["p99_ratio_to_10k"] = c["p99_ms"] / base["p99_ms"]
    return {"sizes": results, "claims_per_cell": count, "limit": LIMIT, "lease_seconds": LEASE.total_seconds(),
            "steady_due": STEADY_DUE, "backlog_share": BACKLOG_SHARE, "notes": notes}


def report(data: dict) -> str:
    out = []
    if data["sizes"]:
        rows = []
        for r in data["sizes"]:
            m, s = r["mix"], r["seed_seconds"]
            rows.append([f"{r['intros']:,}", f"{m['jobs']:,}", f"{m['done']:,}", f"{m['cancelled']:,}",
                         f"{m['failed']:,}", f"{m['pending_future']:,}", f"{m['due_now']:,}",
                         f"{m['running_expired']}/{m['running_live']}", f"{m['jobs_bytes'] / 2**20:,.0f} MB",
                         s["intros"], s["jobs"], s["jobs_indexes"], s["vacuum_analyze"], s["total"]])
        out.append(table(["intros", "jobs", "done", "cancelled", "failed", "pending later", "due now",
                          "running exp/live", "jobs size", "seed intros s", "jobs s", "indexes s", "vacuum s",
                          "total s"], rows, title="Seeded (server-side INSERT ... SELECT generate_series)"))
        rows = []
        for cell in ("steady", "backlog"):
            for r in data["sizes"]:
                c = r["cells"][cell]
                p = c["plan"]
                rows.append([cell, f"{r['intros']:,}", f"{c['due']:,}", c["claims"], c["mean_rows"], c["median_ms"],
                             c["p99_ms"], f"{c['median_ratio_to_10k']:.2f}x", f"{c['p99_ratio_to_10k']:.2f}x",
                             "yes" if p["uses_index"] else "NO", p["execution_ms"], p["buffers"], p["summary"]])
        out.append(table(["cell", "intros", "due", "claims", "rows", "median ms", "p99 ms", "median/10k",
                          "p99/10k", "index", "explain ms", "buffers", "plan of the claim's SELECT"], rows,
                         title=f"Due-job claim (store.jobs.claim, limit {data['limit']}, one transaction each), "
                               f"PostgreSQL"))
    for n in data["notes"]:
        out.append(f"note: {n}")
    return "\n\n".join(out)
