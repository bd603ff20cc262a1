"""Delivery through a real SMTP relay (an aiosmtpd sink on loopback) and into a Maildir."""
from __future__ import annotations

import asyncio
import mailbox
from datetime import timedelta

from aiosmtpd.smtp import SMTP

from clock import clock
from outbound.delivery import OutboxWorker
from outbound.transport import MaildirTransport, SMTPTransport, from_url
from store import outbox


class Relay:
    """An SMTP relay that answers DATA from a script: '451', '550', or '250' (the default)."""

    def __init__(self, answers: list[str] | None = None, rcpt_answer: str | None = None) -> None:
        self.answers = list(answers or [])
        self.rcpt_answer = rcpt_answer
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.rcpt_answer:
            return self.rcpt_answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        answer = self.answers.pop(0) if self.answers else "250 2.0.0 OK"
        if answer.startswith("250"):
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        if answer == "hang":
            await asyncio.sleep(5)
            return "250 late"
        return answer


async def start_relay(relay: Relay) -> tuple[asyncio.AbstractServer, int]:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(relay, decode_data=False, hostname="relay.example"),
                                      "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


RAW = b"From: Baton <intro@baton.example>\r\nTo: dana@mail.example\r\nSubject: Intro?\r\n\r\nHello\r\n"


def queue_one(engine, recipient="dana@mail.example", scope="intro:1") -> int | None:
    with engine.begin() as conn:
        return outbox.enqueue(conn, scope=scope, purpose="draft", recipient=recipient, raw=RAW, now=clock.now())


def worker(engine, transport, **kw) -> OutboxWorker:
    kw.setdefault("lease_seconds", 300)
    return OutboxWorker(engine, transport, bounce_sender=lambda k: f"intro+bounce-{k}@baton.example", **kw)


def statuses(engine) -> list[tuple[str, int]]:
    return [(r["status"], r["attempts"]) for r in outbox.rows(engine)]


async def test_the_same_mail_is_queued_once(engine):
    assert queue_one(engine) is not None
    assert queue_one(engine) is None
    assert queue_one(engine, recipient="DANA@mail.example") is None  # addresses compare case-blind
    assert len(outbox.rows(engine)) == 1


async def test_relay_delivers_one_recipient_with_the_bounce_sender(engine):
    relay = Relay()
    server, port = await start_relay(relay)
    queue_one(engine)
    assert await worker(engine, SMTPTransport("127.0.0.1", port, start_tls=False)).run_once() == 1
    server.close()
    (row,) = outbox.rows(engine)
    assert row["status"] == "sent"
    (mail_from, rcpts, data), = relay.received
    assert mail_from == f"intro+bounce-{row['bounce_key']}@baton.example"
    assert rcpts == ["dana@mail.example"] and data == RAW


async def test_a_451_is_retried_with_backoff_and_then_delivered(engine):
    relay = Relay(["451 4.3.0 try later"])
    server, port = await start_relay(relay)
    queue_one(engine)
    w = worker(engine, SMTPTransport("127.0.0.1", port, start_tls=False))
    await w.run_once()
    assert statuses(engine) == [("pending", 1)]
    assert await w.run_once() == 0  # not due yet
    clock.advance(timedelta(minutes=5))
    await w.run_once()
    server.close()
    assert statuses(engine) == [("sent", 2)]
    assert len(relay.received) == 1


async def test_a_550_fails_the_row_and_suppresses_the_address(engine):
    server, port = await start_relay(Relay(["550 5.1.1 no such user"]))
    queue_one(engine)
    w = worker(engine, SMTPTransport("127.0.0.1", port, start_tls=False))
    await w.run_once()
    (row,) = outbox.rows(engine)
    assert row["status"] == "failed" and row["last_error"].startswith("550")
    assert outbox.is_suppressed(engine, "Dana@Mail.example")
    queue_one(engine, scope="intro:2")  # anything later to that address is recorded, not sent
    await w.run_once()
    server.close()
    assert statuses(engine)[1][0] == "suppressed"


async def test_an_individually_refused_recipient_is_noticed(engine):
    server, port = await start_relay(Relay(rcpt_answer="550 5.7.1 refused"))
    queue_one(engine)
    await worker(engine, SMTPTransport("127.0.0.1", port, start_tls=False)).run_once()
    server.close()
    assert outbox.rows(engine)[0]["status"] == "failed"


async def test_a_relay_that_hangs_or_is_down_is_retried(engine):
    server, port = await start_relay(Relay(["hang"]))
    queue_one(engine)
    await worker(engine, SMTPTransport("127.0.0.1", port, start_tls=False, timeout=0.5)).run_once()
    server.close()
    await server.wait_closed()
    assert statuses(engine) == [("pending", 1)]
    clock.advance(timedelta(hours=1))
    await worker(engine, SMTPTransport("127.0.0.1", port, start_tls=False, timeout=0.5)).run_once()
    assert statuses(engine) == [("pending", 2)]  # connection refused: still temporary


async def test_maildir_receives_the_exact_bytes(engine, tmp_path):
    queue_one(engine)
    await worker(engine, MaildirTransport(tmp_path / "outbox")).run_once()
    (path,) = list((tmp_path / "outbox" / "new").iterdir())
    data = path.read_bytes()
    assert data.endswith(RAW)  # the exact bytes, after the delivery headers
    assert b"Delivered-To: dana@mail.example\r\n" in data[: -len(RAW)]
    assert len(mailbox.Maildir(str(tmp_path / "outbox"), create=False)) == 1
    assert statuses(engine) == [("sent", 1)]


def test_transport_urls():
    t = from_url("smtp://user%40x:p%3Ass@relay.example:2525?starttls=true")
    assert (t.host, t.port, t.username, t.password, t.start_tls, t.use_tls) == \
        ("relay.example", 2525, "user@x", "p:ss", True, False)
    assert from_url("smtps://relay.example").port == 465 and from_url("smtps://relay.example").use_tls
    assert isinstance(from_url("maildir:/tmp/x-baton-test"), MaildirTransport)


def test_many_processes_may_open_the_same_new_maildir_at_once(tmp_path):
    """Found by the two-worker test: mailbox's create=True raced on mkdir (FileExistsError)."""
    import threading
    errors: list[Exception] = []
    gate = threading.Barrier(8)

    def open_it() -> None:
        gate.wait()
        try:
            MaildirTransport(tmp_path / "shared")
        except Exception as e:  # pragma: no cover - the failure being guarded against
            errors.append(e)

    threads = [threading.Thread(target=open_it) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and all((tmp_path / "shared" / sub).is_dir() for sub in ("tmp", "new", "cur"))


class DiesAfterWriting:
    """The transport's write happens, then the worker process dies before recording it (as a
    SIGKILL or a database outage at that instant would leave it)."""

    def __init__(self, inner) -> None:
        self.inner = inner

    async def send(self, raw: bytes, **kw) -> None:
        await self.inner.send(raw, **kw)
        raise asyncio.CancelledError


async def _crash_then_resend(engine, transport, *, lease_seconds=20) -> None:
    """One claim dies after the write; a second worker takes the row once the lease (the setting,
    not a fixed 300 s) runs out."""
    try:
        await worker(engine, DiesAfterWriting(transport), lease_seconds=lease_seconds).run_once()
    except asyncio.CancelledError:
        pass
    assert statuses(engine)[-1] == ("sending", 1)
    clock.advance(timedelta(seconds=lease_seconds - 5))
    assert await worker(engine, transport, lease_seconds=lease_seconds).run_once() == 0  # still leased
    clock.advance(timedelta(seconds=6))
    assert await worker(engine, transport, lease_seconds=lease_seconds).run_once() == 1
    assert statuses(engine)[-1] == ("sent", 2)


async def test_finding_5_a_crash_after_the_maildir_write_leaves_one_copy(engine, tmp_path):
    maildir = tmp_path / "outbox"
    transport = MaildirTransport(maildir)
    queue_one(engine)
    await _crash_then_resend(engine, transport)
    (path,) = list((maildir / "new").iterdir())  # written once, under the row's own name
    assert path.read_bytes().endswith(RAW)
    # A mail reader moved the first one to cur/ (NAME:2,S): the resend still finds it.
    queue_one(engine, recipient="erin@mail.example", scope="intro:2")
    try:
        await worker(engine, DiesAfterWriting(transport), lease_seconds=20).run_once()
    except asyncio.CancelledError:
        pass
    (second,) = [p for p in (maildir / "new").iterdir() if p != path]
    second.rename(maildir / "cur" / f"{second.name}:2,S")
    clock.advance(timedelta(seconds=21))
    assert await worker(engine, transport, lease_seconds=20).run_once() == 1
    assert len(list((maildir / "new").iterdir())) == 1 and len(list((maildir / "cur").iterdir())) == 1
    assert len(mailbox.Maildir(str(maildir), create=False)) == 2  # two rows, two mails, no copies
    assert statuses(engine) == [("sent", 2), ("sent", 2)]


async def test_finding_5_a_relay_resend_after_a_crash_is_the_same_bytes_and_message_id(engine):
    """The relay cannot tell a resend: it gets one, byte for byte the first, so the same
    Message-ID (receivers deduplicate by it)."""
    relay = Relay()
    server, port = await start_relay(relay)
    raw = RAW.replace(b"Subject:", b"Message-ID: <once.7@baton.example>\r\nSubject:")
    with engine.begin() as conn:
        outbox.enqueue(conn, scope="intro:1", purpose="draft", recipient="dana@mail.example", raw=raw, now=clock.now())
    await _crash_then_resend(engine, SMTPTransport("127.0.0.1", port, start_tls=False))
    server.close()
    assert [data for _, _, data in relay.received] == [raw, raw]


async def test_finding_5_a_slow_batch_renews_each_lease_before_writing(engine):
    """Two rows claimed together; the first write takes 15 s of a 20 s lease. The second row's
    lease is renewed before it is written, so a second worker polling during that write finds
    nothing due and sends nothing again."""
    relay = Relay()
    server, port = await start_relay(relay)
    relay_transport = SMTPTransport("127.0.0.1", port, start_tls=False)
    other = worker(engine, relay_transport, lease_seconds=20)
    claimed_by_other: list[int] = []

    class Slow:
        async def send(self, raw: bytes, **kw) -> None:
            clock.advance(timedelta(seconds=15))
            claimed_by_other.append(await other.run_once())
            await relay_transport.send(raw, **kw)

    queue_one(engine)
    queue_one(engine, recipient="erin@mail.example", scope="intro:2")
    assert await worker(engine, Slow(), lease_seconds=20).run_once() == 2
    server.close()
    assert claimed_by_other == [0, 0]
    assert sorted(rcpts[0] for _, rcpts, _ in relay.received) == ["dana@mail.example", "erin@mail.example"]
    assert statuses(engine) == [("sent", 1), ("sent", 1)]


async def test_finding_5_a_worker_whose_lease_was_taken_over_leaves_the_row(engine):
    queue_one(engine)
    (mine,) = outbox.claim(engine, now=clock.now(), lease=timedelta(seconds=20))
    clock.advance(timedelta(seconds=21))
    (theirs,) = outbox.claim(engine, now=clock.now(), lease=timedelta(seconds=20))
    assert theirs.attempts == 2
    assert not outbox.renew(engine, mine, now=clock.now(), lease=timedelta(seconds=20))
    outbox.mark_retry(engine, mine, now=clock.now(), error="late")  # changes nothing: not its claim now
    assert statuses(engine) == [("sending", 2)]
    outbox.mark_sent(engine, theirs, now=clock.now())
    assert statuses(engine) == [("sent", 2)]
