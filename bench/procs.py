"""What the acceptance and growth benchmarks share: Baton's shipped commands (`server.py smtp`,
`worker`, `serve`) run as the operator runs them, Postfix's `smtp-source` as the load generator (a C
client: a Python one cost ~70 % of the sink's CPU per message and pulled every ratio toward 100 %),
and a one-connection probe that times DATA->250 while the load runs. Nothing is pinned to a core."""
from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import ASSISTANT, ROOT, cpu_seconds, free_port, percentile

SMTP_SOURCE = shutil.which("smtp-source") or "/usr/sbin/smtp-source"
SENDER = "dana@example.com"


def smtp_source_available() -> bool:
    return os.access(SMTP_SOURCE, os.X_OK)


def wait_for_banner(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                if s.recv(100).startswith(b"220"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"nothing answered 220 on port {port}")


def baton_env(url: str, tmp: Path, *, smtp_port: int = 0, **extra: str) -> dict[str, str]:
    """Settings as an operator gives them (BATON_*), for one benchmark database and folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")}
    env.update({"BATON_DATABASE_URL": url, "BATON_ASSISTANT_ADDRESS": ASSISTANT,
                "BATON_SMTP_PORT": str(smtp_port or free_port()), "BATON_WEB_PORT": str(free_port()),
                "BATON_VAR_DIR": str(tmp / "var"), "BATON_OUTBOUND": f"maildir:{tmp / 'outbox'}",
                "BATON_SENDER_POLICY": "open", "BATON_LLM_API_KEY": "", "PYTHONUNBUFFERED": "1",
                # A load generator is one client sending copies of a few fixtures: the per-client
                # session cap and the repeat rule would refuse it (issue 18), not measure Baton.
                "BATON_SMTP_MAX_SESSIONS_PER_CLIENT": "100000", "BATON_REPEAT_WINDOW_DAYS": "0", **extra})
    return env


class Roles:
    """`server.py ROLE` processes (e.g. ["smtp", "worker"] or ["serve"]) sharing one database and
    port settings; logs go to files in `tmp`. `with Roles(...) as r:` starts and stops them."""

    def __init__(self, roles: list[str], env: dict[str, str], tmp: Path) -> None:
        self.roles, self.env, self.tmp = roles, env, tmp
        self.port = int(env["BATON_SMTP_PORT"])
        self.procs: list[subprocess.Popen] = []

    def __enter__(self) -> Roles:
        for role in self.roles:
            with open(self.tmp / f"{role}-{self.port}.log", "ab") as log:  # the child keeps its own copy
                self.procs.append(subprocess.Popen([sys.executable, str(ROOT / "server.py"), role], cwd=ROOT,
                                                   env=self.env, stdout=log, stderr=subprocess.STDOUT))
        if any(r in ("smtp", "serve") for r in self.roles):
            try:
                wait_for_banner(self.port)
            except RuntimeError:
                self.__exit__()
                raise
        return self

    @property
    def pids(self) -> list[int]:
        """The roles' processes and their children (`serve` runs its worker as one)."""
        out = []
        for p in self.procs:
            out.append(p.pid)
            for task in Path(f"/proc/{p.pid}/task").glob("*/children"):
                out += [int(c) for c in task.read_text().split()]
        return out

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids)

    def __exit__(self, *exc) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                print(f"bench: server.py pid {p.pid} did not stop; killing it", file=sys.stderr)
                p.kill()
                p.wait(5)


def migrate(url: str, tmp: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "server.py"), "migrate"], cwd=ROOT, check=True,
                   env=baton_env(url, tmp), stdout=subprocess.DEVNULL)


@dataclass
class Probe:
    """DATA->250 of messages sent one after another on a connection of their own while the load
    runs: smtp-source reports no per-message times, so this is where p50/p99 come from."""
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def p(self, q: float) -> float:
        return 1000 * percentile(self.latencies, q)


async def _probe(port: int, stop: threading.Event, result: Probe, size: int) -> None:
    import aiosmtplib

    from bench.smtp_bench import make_message

    i = 0
    while not stop.is_set():
        raw = make_message(size, 10_000_000 + i)
        i += 1
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=60, start_tls=False)
        try:
            await client.connect()
            await client.ehlo()
            await client.mail(SENDER)
            await client.rcpt(ASSISTANT)
            t0 = time.perf_counter()
            await client.data(raw)
            result.latencies.append(time.perf_counter() - t0)
            await client.quit()
        except Exception as e:  # a refused or dropped probe is reported, not fatal
            result.errors.append(f"{type(e).__name__}: {e}"[:200])
            client.close()
        await asyncio.sleep(0.005)


@dataclass
class SourceRun:
    seconds: float
    messages: int
    returncode: int
    stderr: str
    probe: Probe
    loadavg: float

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def smtp_source(port: int, *, messages: int, sessions: int, size: int, probe: bool = True) -> SourceRun:
    """Runs `smtp-source -s SESSIONS -m MESSAGES -l SIZE` (one message per connection, as an MTA
    without connection caching delivers), with the probe beside it; wall time of smtp-source alone."""
    stop, result = threading.Event(), Probe()
    t = threading.Thread(target=lambda: asyncio.run(_probe(port, stop, result, size)), daemon=True)
    if probe:
        t.start()
    t0 = time.perf_counter()
    done = subprocess.run([SMTP_SOURCE, "-s", str(sessions), "-m", str(messages), "-l", str(size),
                           "-f", SENDER, "-t", ASSISTANT, "-M", f"bench-{uuid.uuid4().hex[:8]}.example",
                           f"127.0.0.1:{port}"], capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - t0
    stop.set()
    if probe:
        t.join(30)
    return SourceRun(seconds, messages, done.returncode, done.stderr.strip()[-500:], result, os.getloadavg()[0])
