"""Runs the SMTP listener, the web app and the workers in one asyncio loop, and stops them in order."""
from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import signal
import sys
from datetime import timedelta

import uvicorn

from clock import clock
from composer.optin_mail import Sender
from inbound.smtp import listener as smtp
from intros import flow
from intros.lifecycle import Delays
from outbound.delivery import OutboxWorker
from outbound.dkim_sign import Signer
from outbound.mailer import Mailer
from outbound.transport import from_url
from settings import Settings, secret_key
from store.db import make_engine
from store.intake import IntakeWriter
from store.messages import purge
from web.app import create_app, create_metrics_app
from worker import loop as worker_loop
from worker.job_runner import JobWorker
from worker.message_runner import MessageWorker
from worker.pipeline import Pipeline

log = logging.getLogger("baton")


class JSONLines(logging.Formatter):
    """BATON_LOG_FORMAT=json: one JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record), "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Baton's logs carry ids and outcomes; libraries that log addresses or bodies are quieted."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JSONLines() if fmt == "json" else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler])
    # aiosmtpd logs every envelope address and command line at INFO/DEBUG.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    # mail-parser warns about every part it does not handle; the analysis records its own defects.
    logging.getLogger("mailparser").setLevel(logging.ERROR)


class _Uvicorn(uvicorn.Server):
    """uvicorn would install its own SIGTERM handler and re-raise the signal when done,
    killing the process before SMTP transactions in flight are answered."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield

    def install_signal_handlers(self) -> None:  # older uvicorn releases
        pass


def context(settings: Settings) -> flow.Context:
    """What the intro flow needs to write mail: who Baton is, where links point, how mail is signed."""
    sign = None
    if settings.dkim_selector and settings.dkim_key_file:
        sign = Signer.from_files(settings.dkim_selector, settings.assistant_domain, settings.dkim_key_file).sign
    delays = Delays(review_reminder=timedelta(days=settings.review_reminder_days),
                    party_reminder=timedelta(days=settings.party_reminder_days),
                    expire=timedelta(days=settings.expire_days), nudge_pin=timedelta(days=settings.nudge_days),
                    followup=timedelta(days=settings.followup_days))
    return flow.Context(sender=Sender(settings.assistant_address, settings.assistant_name), mailer=Mailer(sign),
                        public_url=settings.public_url, token_ttl=timedelta(days=settings.token_ttl_days),
                        delays=delays, contact_requests_per_30_days=settings.contact_requests_per_30_days)


async def purge_daily(engine, settings: Settings, stop: asyncio.Event) -> None:
    """Retention: once a day, the raw bytes of old messages go (`server.py purge` does it by hand)."""
    while not stop.is_set():
        try:
            n = await asyncio.to_thread(purge, engine, older_than=clock.now() - timedelta(days=settings.retention_days))
            if n:
                log.info("retention: purged %d message(s)", n)
        except Exception as e:
            log.error("retention purge failed: %s", type(e).__name__)
        try:
            await asyncio.wait_for(stop.wait(), timeout=24 * 3600)
        except TimeoutError:
            pass


async def serve(settings: Settings, *, smtp_on: bool = True, web_on: bool = True, worker_on: bool = True,
                stop: asyncio.Event | None = None) -> None:
    """Runs until SIGTERM/SIGINT, or until `stop` is set when the caller (a test) passes one."""
    engine = make_engine(settings.database_url)
    writer = IntakeWriter(engine).start()
    if stop is None:
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(sig, stop.set)

    domain = settings.assistant_domain
    sender = OutboxWorker(engine, from_url(settings.outbound),
                          bounce_sender=lambda key: f"{settings.assistant_local}+bounce-{key}@{domain}")
    ctx = context(settings)
    messages = MessageWorker(engine, Pipeline.from_settings(engine, settings, ctx, on_queued=sender.wake.set),
                             lease_seconds=settings.worker_lease_seconds, max_attempts=settings.worker_max_attempts)
    handler = smtp.IntakeHandler(
        smtp.Policy(settings.assistant_local, frozenset(settings.domain_list), settings.max_recipients),
        writer.store, on_stored=messages.wake.set)
    if settings.sender_policy == "open":
        log.warning("BATON_SENDER_POLICY=open: Baton acts for ANY sender, forged or not. Development only.")
    tasks: list[asyncio.Task] = []
    listener = web = probe = None
    if smtp_on:
        tls = None
        if settings.tls_cert_file and settings.tls_key_file:
            tls = smtp.tls_context(str(settings.tls_cert_file), str(settings.tls_key_file))
        listener = await smtp.start(handler, host=settings.smtp_host, port=settings.smtp_port, hostname=domain,
                                    max_bytes=settings.max_message_bytes, timeout=settings.smtp_timeout_seconds,
                                    tls=tls)
        log.info("SMTP listening on %s:%s", settings.smtp_host, settings.smtp_port)
    if web_on:
        app = create_app(engine, secret=secret_key(settings), ctx=ctx, on_queued=sender.wake.set)
        web = _Uvicorn(uvicorn.Config(app, host=settings.web_host, port=settings.web_port,
                                      log_level="warning", lifespan="off"))
        tasks.append(asyncio.create_task(web.serve()))
        log.info("web on %s", settings.public_url)
    if settings.metrics_port:
        probe = _Uvicorn(uvicorn.Config(create_metrics_app(engine), host=settings.web_host,
                                        port=settings.metrics_port, log_level="warning", lifespan="off"))
        tasks.append(asyncio.create_task(probe.serve()))
        log.info("metrics on %s:%s/metrics", settings.web_host, settings.metrics_port)
    if worker_on:
        due = JobWorker(engine, ctx, on_queued=sender.wake.set, lease_seconds=settings.worker_lease_seconds)
        tasks.append(asyncio.create_task(purge_daily(engine, settings, stop)))
        for name, w in (("messages", messages), ("outbox", sender), ("jobs", due)):
            tasks.append(asyncio.create_task(worker_loop.poll(
                w.run_once, wake=w.wake, stop=stop, poll_seconds=settings.worker_poll_seconds, name=name)))

    # What exists now lives as long as the process. Frozen, the cycle collector's full passes
    # (which stop the event loop, SMTP sessions included) no longer walk it every time.
    gc.collect()
    gc.freeze()
    await stop.wait()
    log.info("stopping: finishing transactions in flight")
    if listener is not None:
        listener.close()  # no new connections; sessions already in DATA may finish
        for _ in range(100):
            if handler.in_flight == 0:
                break
            await asyncio.sleep(0.05)
    for server in (web, probe):
        if server is not None:
            server.should_exit = True
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.to_thread(writer.stop)
    engine.dispose()
    log.info("stopped")
