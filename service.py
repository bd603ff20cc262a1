"""Runs the SMTP listener, the web app and the worker in one asyncio loop, and stops them in order."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import uvicorn

from inbound import smtp
from settings import Settings
from store.db import make_engine
from store.intake import IntakeWriter
from web.app import create_app
from worker.messages import MessageWorker
from worker.pipeline import Pipeline

log = logging.getLogger("baton")


class _Uvicorn(uvicorn.Server):
    """uvicorn would install its own SIGTERM handler and re-raise the signal when done,
    killing the process before SMTP transactions in flight are answered."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield

    def install_signal_handlers(self) -> None:  # older uvicorn releases
        pass


async def serve(settings: Settings, *, smtp_on: bool = True, web_on: bool = True,
                worker_on: bool = True, ready: asyncio.Event | None = None) -> None:
    engine = make_engine(settings.database_url)
    writer = IntakeWriter(engine).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    worker = MessageWorker(engine, Pipeline(engine, settings.assistant_address, settings.domain_list),
                           lease_seconds=settings.worker_lease_seconds,
                           max_attempts=settings.worker_max_attempts,
                           poll_seconds=settings.worker_poll_seconds)
    handler = smtp.IntakeHandler(
        smtp.Policy(settings.assistant_local, frozenset(settings.domain_list), settings.max_recipients),
        writer.store, on_stored=worker.wake.set)
    tasks: list[asyncio.Task] = []
    listener = None
    web = None
    if smtp_on:
        listener = await smtp.start(handler, host=settings.smtp_host, port=settings.smtp_port,
                                    hostname=settings.assistant_domain, max_bytes=settings.max_message_bytes,
                                    timeout=settings.smtp_timeout_seconds)
        log.info("SMTP listening on %s:%s for %s", settings.smtp_host, settings.smtp_port,
                 settings.assistant_address)
    if web_on:
        web = _Uvicorn(uvicorn.Config(create_app(engine), host=settings.web_host, port=settings.web_port,
                                      log_level="warning", lifespan="off"))
        tasks.append(asyncio.create_task(web.serve()))
        log.info("web on %s", settings.public_url)
    if worker_on:
        tasks.append(asyncio.create_task(worker.run(stop)))
    if ready is not None:
        ready.set()

    await stop.wait()
    log.info("stopping: finishing transactions in flight")
    if listener is not None:
        listener.close()  # no new connections; sessions already open may finish their DATA
        for _ in range(100):
            if handler.in_flight == 0:
                break
            await asyncio.sleep(0.05)
    if web is not None:
        web.should_exit = True
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.to_thread(writer.stop)
    engine.dispose()
    log.info("stopped")
