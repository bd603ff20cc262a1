"""SMTP servers for the acceptance benchmark, each run in a process of its own, pinned to one core.

- `sink`: bare aiosmtpd whose handle_DATA answers 250 at once (stores nothing).
- `noop`: Baton's own listener (inbound.smtp.start, IntakeHandler) with a store that keeps nothing.
- `baton`: Baton's listener wired as service.py wires it (IntakeHandler + IntakeWriter group
  commit), SMTP only, no worker. With `reuse_port`, a copy of inbound.smtp.start that also sets
  SO_REUSEPORT, so that several processes can share one port.
"""
from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import signal
import sys
from pathlib import Path

from bench.common import DOMAIN, pin

MAX_BYTES = 25 * 1024 * 1024  # Baton's default BATON_MAX_MESSAGE_BYTES, for both servers
TIMEOUT = 120


class SinkHandler:
    async def handle_DATA(self, server, session, envelope) -> str:
        return "250 OK"


def _serve_until_sigterm(make_server, ready, cleanup=None, *, baton_loop: bool = False) -> None:
    """`baton_loop`: on the event loop Baton runs on (uvloop); the stock sink stays on asyncio's."""
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        server = await make_server(loop)
        gc.collect()
        gc.freeze()  # as service.serve does once started (for the sink too: the same footing)
        ready.set()
        await stop.wait()
        server.close()
        await asyncio.sleep(0.05)
        if cleanup is not None:
            await cleanup()

    if not baton_loop:
        asyncio.run(main())
        return
    import service

    service.run(main())


def run_sink(port: int, core: int | None, ready) -> None:
    pin({core} if core is not None else None)
    from aiosmtpd.smtp import SMTP

    handler = SinkHandler()

    async def make(loop):
        def factory() -> SMTP:
            return SMTP(handler, data_size_limit=MAX_BYTES, enable_SMTPUTF8=True, decode_data=False,
                        hostname=DOMAIN, ident="sink ESMTP", timeout=TIMEOUT, command_call_limit=100, loop=loop)
        return await loop.create_server(factory, host="127.0.0.1", port=port, reuse_address=True)

    _serve_until_sigterm(make, ready)


async def start_reuse_port(handler, *, host: str, port: int, hostname: str, max_bytes: int, timeout: int):
    """inbound.smtp.start, plus SO_REUSEPORT: the kernel spreads connections over the processes."""
    from inbound.smtp import listener as smtp

    loop = asyncio.get_running_loop()

    def factory() -> smtp.BatonSMTP:
        return smtp.BatonSMTP(handler, data_size_limit=max_bytes, enable_SMTPUTF8=True, decode_data=False,
                              hostname=hostname, ident="Baton ESMTP", timeout=timeout,
                              command_call_limit=100, loop=loop)

    return await loop.create_server(factory, host=host, port=port, reuse_address=True, reuse_port=True)


def run_baton(url: str, port: int, core: int | None, ready, reuse_port: bool, log_path: str) -> None:
    pin({core} if core is not None else None)
    # Logging as server.py sets it up (INFO, aiosmtpd's envelope log off), into a file: the
    # per-message "accepted" line is part of what a real listener pays.
    logging.basicConfig(level=logging.INFO, filename=log_path,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    from inbound.smtp import listener as smtp
    from store.db import make_engine
    from store.intake import IntakeWriter

    engine = make_engine(url)
    writer = IntakeWriter(engine).start()
    handler = smtp.IntakeHandler(smtp.Policy("intro", frozenset({DOMAIN}), 20), writer.store)

    async def make(loop):
        start = start_reuse_port if reuse_port else smtp.start
        return await start(handler, host="127.0.0.1", port=port, hostname=DOMAIN, max_bytes=MAX_BYTES,
                           timeout=TIMEOUT)

    async def cleanup():
        await asyncio.to_thread(writer.stop)
        engine.dispose()

    _serve_until_sigterm(make, ready, cleanup, baton_loop=True)


class Server:
    """One or more server processes on one port; `with Server(...) as s:` starts and stops them."""

    def __init__(self, kind: str, *, cores: list[int | None], url: str = "", log_dir: Path | None = None) -> None:
        self.kind = kind
        self.cores = cores
        self.url = url
        self.log_dir = log_dir
        self.port = 0
        self.procs: list[multiprocessing.Process] = []

    def __enter__(self) -> Server:
        from bench.common import free_port

        ctx = multiprocessing.get_context("spawn")
        self.port = free_port()
        reuse = len(self.cores) > 1
        for i, core in enumerate(self.cores):
            ready = ctx.Event()
            if self.kind in ("sink", "noop"):
                target = run_sink if self.kind == "sink" else run_noop
                p = ctx.Process(target=target, args=(self.port, core, ready), daemon=True)
            else:
                log_path = str((self.log_dir or Path(".")) / f"baton-{os.getpid()}-{self.port}-{i}.log")
                p = ctx.Process(target=run_baton, args=(self.url, self.port, core, ready, reuse, log_path),
                                daemon=True)
            p.start()
            self.procs.append(p)
            if not ready.wait(30):
                self.__exit__()
                raise RuntimeError(f"{self.kind} server did not start (exit code {p.exitcode})")
        return self

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    def __exit__(self, *exc) -> None:
        for p in self.procs:
            if p.is_alive():
                p.terminate()
        for p in self.procs:
            p.join(30)
            if p.is_alive():
                print(f"bench: {self.kind} server pid {p.pid} did not stop; killing it", file=sys.stderr)
                p.kill()
                p.join(5)



def run_noop(port: int, core: int | None, ready) -> None:
    """Baton's listener as service.py wires it (BatonSMTP, IntakeHandler: recipient policy, the
    smuggling guard, the accepted-message log line), but the store answers at once and keeps
    nothing: what is left between this and Baton is what durability costs."""
    pin({core} if core is not None else None)
    logging.basicConfig(level=logging.INFO, filename=os.devnull,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    from inbound.smtp import listener as smtp
    from store.messages import Stored

    counter = iter(range(1, 1 << 62))

    async def store(_msg) -> Stored:
        return Stored(next(counter), False)

    handler = smtp.IntakeHandler(smtp.Policy("intro", frozenset({DOMAIN}), 20), store)

    async def make(loop):
        return await smtp.start(handler, host="127.0.0.1", port=port, hostname=DOMAIN, max_bytes=MAX_BYTES,
                                timeout=TIMEOUT)

    _serve_until_sigterm(make, ready, baton_loop=True)
