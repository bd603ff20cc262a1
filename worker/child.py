"""The worker as a child process of `server.py serve`, woken through a pipe.

In one process the worker's threads share the interpreter lock with the SMTP listener: its
analysis is CPU-bound Python, and every SMTP command waited for the lock behind it (issue 17:
`serve` accepted 65-112 msg/s where `smtp` and `worker` as two processes took 189-221). So
`serve` runs the listener and the web pages itself and the worker in a child it supervises, on
the second core and at a lower priority (BATON_WORKER_NICE). The listener's "a message is
stored" reaches the child through a pipe at once, on SQLite too, which has no NOTIFY: one byte
per channel, only a hint (a lost one costs a poll). The child stops when the pipe closes, so a
parent killed with SIGKILL leaves no worker behind.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable

from store import wakeups

log = logging.getLogger("baton.worker")

_CODES = {wakeups.MESSAGES: b"m", wakeups.OUTBOX: b"o"}
RESTART_SECONDS = (1, 2, 5, 10, 30)  # a worker that keeps dying is restarted ever more slowly


class PipeNotifier:
    """The parent's end: `notify` may be called from any thread; never blocks (a full pipe
    already holds wake-ups the child has not read)."""

    def __init__(self, fd: int) -> None:
        os.set_blocking(fd, False)
        self.fd = fd

    def notify(self, channel: str) -> None:
        if self.fd >= 0:
            with contextlib.suppress(BlockingIOError, BrokenPipeError):
                os.write(self.fd, _CODES[channel])

    def close(self) -> None:
        """Once nothing can call `notify` any more (the listener and the web pages stopped)."""
        fd, self.fd = self.fd, -1
        if fd >= 0:
            os.close(fd)


async def listen(fd: int, wake: dict[str, Callable[[], None]], stop: asyncio.Event) -> None:
    """The child's end: calls the channel's function for each wake-up read, until `stop`; sets
    `stop` itself when the parent is gone (end of file)."""
    loop = asyncio.get_running_loop()
    os.set_blocking(fd, False)
    by_code = {_CODES[channel]: fn for channel, fn in wake.items()}

    def readable() -> None:
        try:
            data = os.read(fd, 4096)
        except BlockingIOError:
            return
        if not data:
            log.warning("the serving process is gone: stopping")
            loop.remove_reader(fd)
            stop.set()
            return
        for code, fn in by_code.items():
            if code in data:
                fn()

    loop.add_reader(fd, readable)
    try:
        await stop.wait()
    finally:
        with contextlib.suppress(ValueError, OSError):
            loop.remove_reader(fd)


async def supervise(command: list[str], stop: asyncio.Event, *,
                    grace_seconds: float) -> tuple[PipeNotifier, asyncio.Task]:
    """Starts `command` + [read end of a new pipe] as the worker, restarts it when it dies, and at
    `stop` sends it SIGTERM and waits up to `grace_seconds` (then SIGKILL). Returns the notifier
    for the pipe's write end (the caller closes it at the end) and the supervising task, which
    ends once the worker has stopped."""
    read_end, write_end = os.pipe()
    notifier = PipeNotifier(write_end)
    try:
        first = await _start(command, read_end)
    except BaseException:
        os.close(read_end)
        os.close(write_end)
        raise

    loop = asyncio.get_running_loop()

    async def run(proc: asyncio.subprocess.Process) -> None:
        failures, started = 0, loop.time()
        try:
            while True:
                ended = asyncio.ensure_future(proc.wait())
                stopping = asyncio.ensure_future(stop.wait())
                await asyncio.wait([ended, stopping], return_when=asyncio.FIRST_COMPLETED)
                stopping.cancel()
                if not stop.is_set():  # a Ctrl-C reaches both processes: the parent's stop follows
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), 0.5)
                if stop.is_set():
                    ended.cancel()
                    await _end(proc, grace_seconds)
                    return
                if loop.time() - started > 60:
                    failures = 0  # it ran for a while: a new fault, not the same one again
                delay = RESTART_SECONDS[min(failures, len(RESTART_SECONDS) - 1)]
                failures += 1
                log.error("the worker process exited with status %s; restarting it in %s s", proc.returncode, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
                if stop.is_set():
                    return
                try:
                    proc, started = await _start(command, read_end), loop.time()
                except OSError as e:  # e.g. out of processes: the old one's status stands, try again
                    log.error("starting the worker process failed: %s", e)
        finally:
            os.close(read_end)

    return notifier, asyncio.create_task(run(first))


async def _start(command: list[str], read_end: int) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(*command, str(read_end), pass_fds=(read_end,))
    log.info("worker process %s started", proc.pid)
    return proc


async def _end(proc: asyncio.subprocess.Process, grace_seconds: float) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), grace_seconds)
        except TimeoutError:
            log.error("the worker process did not stop within %s s: killed", grace_seconds)
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
    log.info("worker process %s stopped (status %s)", proc.pid, proc.returncode)
