"""Runs the SMTP listener, the web app and the workers in one asyncio loop, and stops them in order."""
from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import logging
import signal
import socket
import ssl
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

import uvicorn
from dkim import crypto as dkim_crypto

import mailboxes
from clock import clock
from composer.optin_mail import Sender
from inbound.smtp import listener as smtp
from intros import flow
from intros.lifecycle import Delays
from outbound.delivery import OutboxWorker
from outbound.dkim_sign import Signer
from outbound.mailer import Mailer
from outbound.transport import from_url
from settings import Settings, SettingsError, secret_key
from store import wakeups
from store.db import make_engine
from store.intake import IntakeWriter
from web.app import create_app, create_metrics_app
from worker import child
from worker import loop as worker_loop
from worker.job_runner import JobWorker
from worker.message_runner import MessageWorker
from worker.pipeline import Pipeline
from worker.retention import purge

log = logging.getLogger("baton")


class _Uvicorn(uvicorn.Server):
    """uvicorn would install its own SIGTERM handler and re-raise the signal when done,
    killing the process before SMTP transactions in flight are answered."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield

    def install_signal_handlers(self) -> None:  # older uvicorn releases
        pass


def new_event_loop() -> asyncio.AbstractEventLoop:
    """The event loop Baton runs on: uvloop's where it installs (not on Windows). An SMTP session
    costs the listener about a fifth less CPU on it than on asyncio's own loop (issue 17's accept
    bench: ~1.3 against ~1.6 ms a message), and acceptance is what a burst of mail waits for."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def run(main: Coroutine[Any, Any, None]) -> None:
    """asyncio.run on Baton's event loop (Python 3.11 has no loop_factory argument yet)."""
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        runner.run(main)


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
    """Retention, once a day (worker/retention.py; `server.py purge` does it by hand)."""
    while not stop.is_set():
        try:
            n = await asyncio.to_thread(purge, engine, retention_days=settings.retention_days, now=clock.now())
            if any(n.values()):
                log.info("retention: purged %s", ", ".join(f"{v} {k}" for k, v in n.items()))
        except Exception as e:
            log.error("retention purge failed: %s", type(e).__name__)
        try:
            await asyncio.wait_for(stop.wait(), timeout=24 * 3600)
        except TimeoutError:
            pass


def _cannot_listen(part: str, host: str, port: int, e: OSError) -> SettingsError:
    """A listening socket that cannot be had, as one line naming the setting to change."""
    var = f"BATON_{part.upper()}"
    where = f"cannot listen for {'SMTP' if part == 'smtp' else 'the web pages'} on {host}:{port}"
    if e.errno == errno.EADDRINUSE:
        share = " (SMTP listeners can share one with BATON_SMTP_REUSE_PORT=true on each)" if part == "smtp" else ""
        return SettingsError(f"{where}: the port is in use (another Baton?); set {var}_PORT to a free port "
                             f"or stop the other process{share}")
    if isinstance(e, socket.gaierror):
        return SettingsError(f"{where}: no such host; set {var}_HOST to an address of this machine")
    if e.errno == errno.EADDRNOTAVAIL:
        return SettingsError(f"{where}: {host} is not an address of this machine; set {var}_HOST")
    if e.errno == errno.EACCES:
        return SettingsError(f"{where}: permission denied (ports below 1024 need privileges); set {var}_PORT")
    return SettingsError(f"{where} ({e.strerror or e}); check {var}_HOST and {var}_PORT")


def _web_socket(host: str, port: int) -> socket.socket:
    """Bound here rather than by uvicorn, which logs a bind failure and calls sys.exit() inside its task."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]
        return socket.create_server((host, port), family=family)  # SO_REUSEADDR, as uvicorn sets it
    except OSError as e:
        raise _cannot_listen("web", host, port, e) from None


def _tls(settings: Settings) -> ssl.SSLContext | None:
    if not (settings.tls_cert_file and settings.tls_key_file):
        return None
    try:
        return smtp.tls_context(str(settings.tls_cert_file), str(settings.tls_key_file))
    except OSError as e:  # ssl.SSLError is one too
        why = "not a PEM certificate and its private key" if isinstance(e, ssl.SSLError) else e.strerror
        raise SettingsError(f"bad settings BATON_TLS_CERT_FILE and BATON_TLS_KEY_FILE: cannot load "
                            f"{settings.tls_cert_file} with {settings.tls_key_file} ({why})") from None


def _check_dkim_key(settings: Settings) -> None:
    if not settings.dkim_key_file:
        return
    try:
        dkim_crypto.parse_pem_private_key(settings.dkim_key_file.read_bytes())
    except (OSError, dkim_crypto.UnparsableKeyError) as e:
        raise SettingsError(f"bad setting BATON_DKIM_KEY_FILE: {settings.dkim_key_file} is not a readable "
                            f"PEM private key ({getattr(e, 'strerror', None) or e})") from None


async def serve(settings: Settings, *, smtp_on: bool = True, web_on: bool = True, worker_on: bool = True,
                stop: asyncio.Event | None = None, worker_command: list[str] | None = None,
                wake_fd: int | None = None) -> None:
    """Runs until SIGTERM/SIGINT, or until `stop` is set when the caller (a test) passes one.

    `worker_command` (with worker_on False): the worker runs as a child process started with that
    command line plus the read end of a wake-up pipe, which a worker gets as `wake_fd`
    (worker/child.py says why `server.py serve` splits so).

    Whatever a setting can make fail at start (files, keys, ports) raises SettingsError, one line
    naming the setting, and leaves nothing running behind it."""
    tls = _tls(settings) if smtp_on else None
    _check_dkim_key(settings)
    secret = secret_key(settings) if web_on else ""
    web_socket = _web_socket(settings.web_host, settings.web_port) if web_on else None

    mailboxes.configure(settings.dot_insensitive_domain_list)
    engine = make_engine(settings.database_url)
    writer = IntakeWriter(engine).start()
    if stop is None:
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    try:
        domain = settings.assistant_domain
        sender = OutboxWorker(engine, from_url(settings.outbound),
                              bounce_sender=lambda key: f"{settings.assistant_local}+bounce-{key}@{domain}",
                              lease_seconds=settings.worker_lease_seconds)
        ctx = context(settings)
        loop = asyncio.get_running_loop()

        def sender_wake() -> None:  # called from the pipeline's threads and the web pages' threads
            loop.call_soon_threadsafe(sender.wake.set)

        messages = MessageWorker(engine, Pipeline.from_settings(engine, settings, ctx, on_queued=sender_wake),
                                 lease_seconds=settings.worker_lease_seconds,
                                 max_attempts=settings.worker_max_attempts,
                                 concurrency=settings.worker_concurrency,
                                 budget_seconds=settings.worker_message_seconds, nice=settings.worker_nice)
        # In this process the listener wakes the worker directly; on PostgreSQL a NOTIFY also
        # wakes workers in other processes (split roles, several instances).
        notifier = wakeups.Notifier(engine) if wakeups.supported(settings.database_url) else None
        pipe: child.PipeNotifier | None = None  # to the worker process, once it runs

        def stored() -> None:
            messages.wake.set()
            if notifier is not None:
                notifier.notify(wakeups.MESSAGES)
            if pipe is not None:
                pipe.notify(wakeups.MESSAGES)

        def queued_by_web() -> None:
            sender_wake()
            if notifier is not None:
                notifier.notify(wakeups.OUTBOX)
            if pipe is not None:
                pipe.notify(wakeups.OUTBOX)

        handler = smtp.IntakeHandler(
            smtp.Policy(settings.assistant_local, frozenset(settings.domain_list), settings.max_recipients),
            writer.store, on_stored=stored)
        listener = None
        if smtp_on:
            try:
                listener = await smtp.start(handler, host=settings.smtp_host, port=settings.smtp_port,
                                            hostname=domain, max_bytes=settings.max_message_bytes,
                                            timeout=settings.smtp_timeout_seconds, tls=tls,
                                            max_sessions=settings.smtp_max_sessions,
                                            max_sessions_per_client=settings.smtp_max_sessions_per_client,
                                            reuse_port=settings.smtp_reuse_port, spool_dir=settings.var_dir)
            except OSError as e:
                raise _cannot_listen("smtp", settings.smtp_host, settings.smtp_port, e) from None
            log.info("SMTP listening on %s:%s", settings.smtp_host, settings.smtp_port)
    except BaseException:
        # Nothing may outlive a failed start: the writer's thread would keep the process alive.
        if web_socket is not None:
            web_socket.close()
        await asyncio.to_thread(writer.stop)
        engine.dispose()
        raise
    tasks: list[asyncio.Task] = []
    web = None
    if settings.sender_policy == "open":
        log.warning("BATON_SENDER_POLICY=open: Baton acts for ANY sender, forged or not. Development only.")
    probe = None
    if web_socket is not None:
        app = create_app(engine, secret=secret, ctx=ctx, on_queued=queued_by_web)
        web = _Uvicorn(uvicorn.Config(app, host=settings.web_host, port=settings.web_port,
                                      log_level="warning", lifespan="off"))
        tasks.append(asyncio.create_task(web.serve(sockets=[web_socket])))
        log.info("web on %s", settings.public_url)
    if settings.metrics_port:
        probe = _Uvicorn(uvicorn.Config(create_metrics_app(engine), host=settings.web_host,
                                        port=settings.metrics_port, log_level="warning", lifespan="off"))
        tasks.append(asyncio.create_task(probe.serve()))
        log.info("metrics on %s:%s/metrics", settings.web_host, settings.metrics_port)
    if notifier is not None and (smtp_on or web_on):
        tasks.append(asyncio.create_task(notifier.run(stop)))
    if notifier is not None and worker_on:
        tasks.append(asyncio.create_task(wakeups.listen(
            settings.database_url, {wakeups.MESSAGES: messages.wake.set, wakeups.OUTBOX: sender.wake.set}, stop)))
    if worker_command:
        pipe, supervisor = await child.supervise(worker_command, stop,
                                                 grace_seconds=settings.worker_message_seconds + 15)
        tasks.append(supervisor)
    if wake_fd is not None and worker_on:
        tasks.append(asyncio.create_task(child.listen(
            wake_fd, {wakeups.MESSAGES: messages.wake.set, wakeups.OUTBOX: sender.wake.set}, stop)))
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
    if pipe is not None:
        pipe.close()
    await messages.drain()  # messages in progress finish (each within BATON_WORKER_MESSAGE_SECONDS)
    await asyncio.to_thread(writer.stop)
    engine.dispose()
    log.info("stopped")
