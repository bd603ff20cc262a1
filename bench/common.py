"""What every benchmark shares: settings, pinning, CPU clocks, percentiles, tables, results files."""
from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
FIXTURES = (ROOT / ".." / "shared" / "fixtures").resolve()
ASSISTANT = "intro@baton.example"
DOMAIN = "baton.example"
# A database of its own: the test suite owns `test`, and the benchmark drops and migrates this one.
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/baton_bench"
_TICK = os.sysconf("SC_CLK_TCK")


def pg_url() -> str:
    url = os.environ.get("BATON_BENCH_POSTGRES_URL", DEFAULT_PG_URL)
    if url.rstrip("/").rsplit("/", 1)[-1].split("?")[0] == "test":
        raise SystemExit("bench: refusing the `test` database (the test suite's); use baton_bench")
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pin(cores: set[int] | None) -> None:
    """Binds this process (all its threads) to `cores`; None means every core."""
    os.sched_setaffinity(0, cores if cores is not None else set(range(os.cpu_count() or 1)))


def cpu_seconds(pid: int) -> float:
    """user + system CPU of a process, all its threads, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def self_cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN when empty."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(headers: list[str], rows: list[list], title: str = "") -> str:
    cells = [[_fmt(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    out = []
    if title:
        out.append(title)
    out.append("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    out.append("  ".join("-" * w for w in widths))
    for r in cells:
        out.append("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))
    return "\n".join(out)


def _fmt(v) -> str:
    if isinstance(v, float):
        if v != v:
            return "-"
        if abs(v) >= 100:
            return f"{v:,.0f}"
        if abs(v) >= 10:
            return f"{v:.1f}"
        return f"{v:.2f}"
    return str(v)


def environment() -> dict:
    return {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
            "loadavg_at_start": os.getloadavg(), "when": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def write_results(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"benchmark": name, "environment": environment(), **data}, indent=2, default=str))
    return path
