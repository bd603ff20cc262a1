"""5. Command-line start-up: how long `server.py send FILE`, `analyze FILE`, `messages` and
`intros` take, wall time from exec to exit, as a person at a terminal waits for them.

A Baton (`server.py serve`, SQLite, Maildir, BATON_SENDER_POLICY=open) runs in the background
on a temporary directory, holding the hand-off fixtures it was sent first, so that `messages`
and `intros` list real rows and `send` gets a real 250. Each command runs RUNS times (one
untimed run first, so the files are in the page cache); the median and the fastest run are
reported against the 0.6 s target, with the median CPU time (user + system), which other work on
the machine disturbs less. Then one run under `python -X importtime` names the costliest imports.
"""
from __future__ import annotations

import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ASSISTANT, FIXTURES, ROOT, free_port, median, table

RUNS = 7
TARGET_SECONDS = 0.6
SAMPLE = FIXTURES / "handoffs" / "direct-intro-meet.eml"


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")}
    env.update(BATON_DATABASE_URL=f"sqlite:///{tmp / 'baton.db'}", BATON_VAR_DIR=str(tmp / "var"),
               BATON_OUTBOUND=f"maildir:{tmp / 'outbox'}", BATON_SMTP_PORT=str(free_port()),
               BATON_WEB_PORT=str(free_port()), BATON_ASSISTANT_ADDRESS=ASSISTANT, BATON_SENDER_POLICY="open",
               BATON_SECRET_KEY="bench", BATON_WORKER_POLL_SECONDS="0.2", BATON_LOG_LEVEL="WARNING")
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cli(args: list[str], env: dict[str, str], python_flags: tuple[str, ...] = ()) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, stderr) of one `python server.py ARGS` from exec to exit."""
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run([sys.executable, *python_flags, "server.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"bench: server.py {' '.join(args)} failed: {done.stderr.strip()[-300:]}")
    return took, _children_cpu() - cpu, done.stderr


def _wait_listening(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"bench: Baton did not listen on port {port} within {seconds:.0f} s")


def _top_imports(stderr: str) -> list[tuple[str, float]]:
    """The costliest imports the command itself made (top level of -X importtime's tree, not
    Python's own start-up), cumulative seconds, largest first."""
    startup = ("site", "encodings", "_frozen_importlib_external", "zipimport", "io", "abc", "codecs")
    found = []
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S+)$", line)  # no indent: depth 0
        if m and m.group(2).split(".")[0] not in startup:
            found.append((m.group(2), int(m.group(1)) / 1e6))
    return sorted(found, key=lambda kv: -kv[1])[:3]


def run(args) -> dict:
    runs = 3 if args.quick else RUNS
    with tempfile.TemporaryDirectory(prefix="baton-cli-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = _env(tmp)
        _cli(["migrate"], env)
        proc = subprocess.Popen([sys.executable, "server.py", "serve"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_listening(int(env["BATON_SMTP_PORT"]))
            seed = sorted(str(p) for p in (FIXTURES / "handoffs").glob("*.eml"))[:20]
            _cli(["send", *seed], env)
            time.sleep(2)  # let the worker answer them, so it is idle while commands are timed
            commands = {"send FILE": ["send", str(SAMPLE)], "analyze FILE": ["analyze", str(SAMPLE)],
                        "messages": ["messages"], "intros": ["intros"]}
            cells = {}
            for name, argv in commands.items():
                _cli(argv, env)  # untimed: warms the page cache
                timed = [_cli(argv, env)[:2] for _ in range(runs)]
                times, cpus = [t for t, _ in timed], [c for _, c in timed]
                imports = _top_imports(_cli(argv, env, ("-X", "importtime"))[2])
                cells[name] = {"median_s": median(times), "min_s": min(times), "median_cpu_s": median(cpus),
                               "runs_s": times, "imports_s": imports}
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    return {"runs": runs, "target_s": TARGET_SECONDS, "cells": cells}


def report(data: dict) -> str:
    rows = []
    for name, c in data["cells"].items():
        verdict = "under" if c["median_s"] < data["target_s"] else "OVER"
        heaviest = ", ".join(f"{mod} {sec:.2f}" for mod, sec in c["imports_s"][:3])
        rows.append([name, c["median_s"], c["min_s"], c["median_cpu_s"], f"{verdict} {data['target_s']:.1f} s",
                     heaviest])
    return table(["command", "median s", "min s", "cpu s", "target", "costliest imports (s, cumulative)"], rows,
                 title=f"5. Command-line start-up, wall time from exec to exit ({data['runs']} runs each; "
                       f"python {sys.version.split()[0]})")
