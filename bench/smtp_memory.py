"""Memory of `server.py smtp` under large messages (issue 18, finding 10): N concurrent messages of
SIZE bytes, twice, over real sockets to a real listener process (SQLite unless told). Prints the listener's
resident memory before, its peak (VmHWM) and what it keeps after each round. Figures only.

    python -m bench.smtp_memory [--count 20] [--mb 25] [--database-url postgresql://...]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _status(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) // 1024  # MiB
    return out


def _wait_listening(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the listener did not start")


def _message(i: int, size: int) -> bytes:
    head = (f"From: big{i}@mail.example\r\nTo: intro@baton.example\r\nSubject: large {i}\r\n"
            f"Message-ID: <big{i}.{time.time_ns()}@mail.example>\r\n\r\n").encode()
    line = (b"%06d " % i) + b"x" * 68 + b"\r\n"
    return head + line * ((size - len(head)) // len(line))


async def _send(port: int, raw: bytes) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    async def reply() -> str:
        while True:
            line = (await reader.readline()).decode()
            if line[3:4] != "-":
                return line.strip()

    await reply()
    for cmd in (b"EHLO bench.example", b"MAIL FROM:<big@mail.example>", b"RCPT TO:<intro@baton.example>", b"DATA"):
        writer.write(cmd + b"\r\n")
        await reply()
    view = memoryview(raw)
    for start in range(0, len(raw), 1 << 20):
        writer.write(view[start:start + (1 << 20)])
        await writer.drain()
    writer.write(b".\r\n")
    answer = await reply()
    writer.write(b"QUIT\r\n")
    writer.close()
    return answer


async def _round(port: int, count: int, size: int) -> list[str]:
    return await asyncio.gather(*(_send(port, _message(i, size)) for i in range(count)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--mb", type=float, default=25)
    ap.add_argument("--database-url", default="", help="default: SQLite in a temporary folder")
    args = ap.parse_args()
    size = int(args.mb * 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")}
        env.update(BATON_VAR_DIR=f"{tmp}/var", BATON_DATABASE_URL=args.database_url or f"sqlite:///{tmp}/var/baton.db",
                   BATON_SMTP_PORT="2599", BATON_OUTBOUND=f"maildir:{tmp}/outbox", BATON_LOG_LEVEL="WARNING",
                   BATON_MAX_MESSAGE_BYTES=str(size + 1_000_000), BATON_SMTP_TIMEOUT_SECONDS="600")
        subprocess.run([sys.executable, "server.py", "migrate"], cwd=ROOT, env=env, check=True)
        proc = subprocess.Popen([sys.executable, "server.py", "smtp"], cwd=ROOT, env=env)
        try:
            _wait_listening(2599, proc)
            time.sleep(1)
            database = "PostgreSQL" if args.database_url else "SQLite"
            print(f"{args.count} concurrent messages of {size / 1e6:.0f} MB, `server.py smtp` on {database}")
            print(f"idle: RSS {_status(proc.pid)['VmRSS']} MiB")
            for n in (1, 2):
                answers = asyncio.run(_round(2599, args.count, size))
                ok = sum(a.startswith("250") for a in answers)
                peak = _status(proc.pid)["VmHWM"]
                time.sleep(3)
                print(f"round {n}: {ok}/{len(answers)} answered 250; peak RSS {peak} MiB; "
                      f"RSS 3 s after {_status(proc.pid)['VmRSS']} MiB")
        finally:
            proc.terminate()
            proc.wait(30)


if __name__ == "__main__":
    main()
