"""2. Analysis: messages per second of inbound.analysis.analyze_bytes over the shared fixture corpora.

By CPU time (time.process_time of this single-threaded process), so that what other processes do on
the machine does not count against the analysis; the wall-clock rate is printed beside it, with the
load average. Warm (one untimed pass first), files read into memory beforehand so that only the
analysis is timed. Corpora: handoffs/*.eml, enron/**/*.eml, varied/english and varied/multilingual,
and real/** (every file but each folder's SOURCE.txt and LICENSE.txt, which are not mail).
"""
from __future__ import annotations

import logging
import os
import time

from bench.common import ASSISTANT, DOMAIN, FIXTURES, median, percentile, table


def corpora() -> dict[str, list[tuple[str, bytes]]]:
    def files(paths) -> list[tuple[str, bytes]]:
        return [(str(p.relative_to(FIXTURES)), p.read_bytes()) for p in sorted(paths) if p.is_file()]

    return {
        "handoffs": files((FIXTURES / "handoffs").glob("*.eml")),
        "enron": files((FIXTURES / "enron").rglob("*.eml")),
        "varied/english": files((FIXTURES / "varied" / "english").rglob("*.eml")),
        "varied/multilingual": files((FIXTURES / "varied" / "multilingual").rglob("*.eml")),
        "real": files(p for p in (FIXTURES / "real").rglob("*") if p.name not in ("SOURCE.txt", "LICENSE.txt")),
    }


def run(args) -> dict:
    from inbound.analysis.analyze import analyze_bytes

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("mailparser").setLevel(logging.ERROR)  # as server.py sets it
    logging.getLogger("baton").setLevel(logging.CRITICAL)  # "analysis failed" tracebacks: counted below
    min_seconds = 0.5 if args.quick else 2.0
    results = {}
    slowest = []
    for name, items in corpora().items():
        if not items:
            results[name] = {"messages": 0}
            continue
        failed = 0
        for _, raw in items:  # warm-up pass, untimed (imports, regex compilation, caches)
            a = analyze_bytes(raw, assistant=ASSISTANT, domains=[DOMAIN])
            failed += any(str(d).startswith("analysis failed") for d in a.defects)
        per_file = {path: [] for path, _ in items}
        passes, elapsed, wall = 0, 0.0, 0.0
        while elapsed < min_seconds or passes < 1:
            w0 = time.perf_counter()
            for path, raw in items:
                t0 = time.process_time()
                analyze_bytes(raw, assistant=ASSISTANT, domains=[DOMAIN])
                dt = time.process_time() - t0
                per_file[path].append(dt)
                elapsed += dt
            wall += time.perf_counter() - w0
            passes += 1
        times = [median(v) for v in per_file.values()]
        n = len(items) * passes
        results[name] = {
            "messages": len(items), "bytes": sum(len(r) for _, r in items), "passes": passes,
            "seconds": elapsed, "msg_per_s": n / elapsed, "mean_ms": 1000 * elapsed / n,
            "p50_ms": 1000 * percentile(times, 50), "p99_ms": 1000 * percentile(times, 99),
            "max_ms": 1000 * max(times), "analysis_failed": failed,
            "wall_msg_per_s": n / wall if wall else 0.0, "loadavg": os.getloadavg()[0],
        }
        slowest += [(1000 * t, p) for p, t in zip(per_file, times, strict=True)]
        print(f"[analysis] {name}: {len(items)} files, {results[name]['msg_per_s']:.0f} msg/s by CPU time "
              f"(load {results[name]['loadavg']:.2f})", flush=True)
    total_n = sum(r["messages"] * r["passes"] for r in results.values() if r["messages"])
    total_s = sum(r["seconds"] for r in results.values() if r["messages"])
    # Each corpus weighs by its size: one pass over every file, at each file's median time.
    one_pass = sum(r["mean_ms"] * r["messages"] for r in results.values() if r["messages"]) / 1000
    n_files = sum(r["messages"] for r in results.values())
    overall = {"messages": n_files, "msg_per_s": n_files / one_pass if one_pass else 0.0,
               "timed_analyses": total_n, "timed_seconds": total_s}
    slowest.sort(reverse=True)
    return {"corpora": results, "overall": overall,
            "slowest": [{"ms": ms, "file": p} for ms, p in slowest[:8]], "cpu": os.cpu_count()}


def report(data: dict) -> str:
    rows = [[name, r["messages"], f"{r['bytes'] / 1024:,.0f} KB", r["passes"], r["msg_per_s"], r["wall_msg_per_s"],
             r["mean_ms"], r["p50_ms"], r["p99_ms"], r["max_ms"], r["analysis_failed"], r["loadavg"]]
            for name, r in data["corpora"].items() if r["messages"]]
    o = data["overall"]
    rows.append(["overall", o["messages"], "", "", o["msg_per_s"], "", 1000 / o["msg_per_s"] if o["msg_per_s"] else 0,
                 "", "", "", "", ""])
    out = table(["corpus", "files", "size", "passes", "msg/s cpu", "msg/s wall", "mean cpu ms", "p50 ms", "p99 ms",
                 "max ms", "failed", "load"],
                rows, title="Analysis (analyze_bytes), one process, by CPU time (target >= 500 msg/s), warm")
    out += "\nslowest files (median ms): " + "; ".join(f"{s['file']} {s['ms']:.1f}" for s in data["slowest"][:5])
    return out
