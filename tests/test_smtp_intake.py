"""SMTP intake over a real socket: what is accepted is stored byte for byte before 250."""
from __future__ import annotations

import asyncio
import smtplib

import aiosmtplib
import pytest
from sqlalchemy import func, select, text

from inbound.smtp import listener as smtp
from store.intake import IntakeWriter
from store.schema import inbound_messages as t
from tests.smtp_helpers import RawSMTP, make_message

ASSISTANT = "intro@baton.example"


def rows(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(t).order_by(t.c.id)).mappings()]


def deliver(host, port, raw: bytes, *, sender="dana@mail.example", rcpts=(ASSISTANT,)) -> tuple[int, str]:
    with smtplib.SMTP(host, port, timeout=10) as s:
        s.ehlo("client.mail.example")
        assert s.mail(sender)[0] == 250
        for r in rcpts:
            code, resp = s.rcpt(r)
            if code != 250:
                return code, resp.decode()
        code, resp = s.data(raw)
        return code, resp.decode()


async def test_accepted_message_is_stored_byte_for_byte_with_its_envelope(listener, engine):
    raw = make_message(body="Caf\u00e9 \u2014 line one\n.leading dot survives\nend")
    code, resp = await asyncio.to_thread(deliver, *listener, raw)
    assert code == 250 and resp.startswith("2.0.0 queued as ")
    (row,) = rows(engine)
    assert resp == f"2.0.0 queued as {row['id']}"
    assert row["raw"] == raw
    assert row["mail_from"] == "dana@mail.example"
    assert row["rcpt_tos"] == [ASSISTANT]
    assert row["helo"] == "client.mail.example"
    assert row["peer"] == "127.0.0.1"
    assert row["status"] == "received" and row["message_id"] == "<m1@mail.example>"


@pytest.mark.parametrize("rcpt", [
    "someone@elsewhere.example",          # plain relay
    "intro@elsewhere.example",            # our local part, not our domain
    "intro%elsewhere.example@baton.example",  # the % hack
    "jane@baton.example",                 # our domain, not the assistant
    "intro+bad key@baton.example",
])
async def test_relay_attempts_are_refused_with_550(listener, engine, rcpt):
    def attempt():
        with smtplib.SMTP(*listener, timeout=10) as s:
            s.ehlo()
            s.mail("spammer@mail.example")
            return s.rcpt(rcpt)
    code, resp = await asyncio.to_thread(attempt)
    assert (code, resp.decode()[:5]) == (550, "5.7.1")
    assert rows(engine) == []


async def test_source_route_is_refused(listener):
    def attempt():
        c = RawSMTP(*listener)
        c.cmd("EHLO client.mail.example")
        c.cmd("MAIL FROM:<dana@mail.example>")
        try:
            return c.cmd("RCPT TO:<@relay.example,@other.example:intro@baton.example>")
        finally:
            c.close()
    assert (await asyncio.to_thread(attempt)).startswith("550 5.7.1")


@pytest.mark.parametrize("rcpt", ["intro@baton.example", "INTRO@Baton.Example", "intro+k3y_-9@baton.example",
                                  "postmaster@baton.example", "Postmaster@baton.example"])
async def test_assistant_subaddresses_and_postmaster_are_accepted(listener, engine, rcpt):
    code, _ = await asyncio.to_thread(deliver, *listener, make_message(message_id=f"<{rcpt}@x.example>"),
                                      rcpts=(rcpt,))
    assert code == 250
    assert rows(engine)[0]["rcpt_tos"] == [rcpt]


async def test_recipients_per_transaction_are_limited(listener):
    def attempt():
        with smtplib.SMTP(*listener, timeout=10) as s:
            s.ehlo()
            s.mail("dana@mail.example")
            return [s.rcpt(f"intro+k{i}@baton.example")[0] for i in range(7)]
    assert await asyncio.to_thread(attempt) == [250] * 5 + [452, 452]


async def test_oversized_message_gets_552_and_nothing_is_stored(listener, engine):
    raw = make_message(body=("x" * 998 + "\n") * 250)  # ~250 KB over a 200 KB limit
    code, resp = await asyncio.to_thread(deliver, *listener, raw)
    assert (code, resp[:5]) == (552, "5.3.4")
    assert rows(engine) == []


async def test_size_is_advertised_and_declared_oversize_refused_at_mail_from(listener):
    def attempt():
        with smtplib.SMTP(*listener, timeout=10) as s:
            s.ehlo()
            assert s.has_extn("size") and s.esmtp_features["size"] == "200000"
            assert s.has_extn("smtputf8") and s.has_extn("8bitmime")
            return s.mail("dana@mail.example", ["SIZE=999999"])
    code, resp = await asyncio.to_thread(attempt)
    assert (code, resp.decode()[:5]) == (552, "5.3.4")


@pytest.mark.parametrize("smuggle", [b"\n.\r\n", b"\r\n.\r", b"\r.\r\n", b"\n.\n"])
async def test_smtp_smuggling_neither_ends_data_early_nor_yields_a_second_message(listener, engine, smuggle):
    """CVE-2024-27305: a bare-LF/CR end-of-data must not split one message into two."""
    second = (b"MAIL FROM:<evil@mail.example>\r\nRCPT TO:<intro@baton.example>\r\nDATA\r\n"
              b"From: evil@mail.example\r\nSubject: smuggled\r\n\r\nsmuggled body")
    payload = make_message()[:-2] + smuggle + second + b"\r\n.\r\n"

    def attempt():
        c = RawSMTP(*listener)
        c.cmd("EHLO client.mail.example")
        assert c.cmd("MAIL FROM:<dana@mail.example>").startswith("250")
        assert c.cmd(f"RCPT TO:<{ASSISTANT}>").startswith("250")
        assert c.cmd("DATA").startswith("354")
        c.send_raw(payload)
        answer = c.reply()
        after = c.cmd("NOOP")  # the session is still in step: nothing smuggled was run as a command
        c.close()
        return answer, after
    answer, after = await asyncio.to_thread(attempt)
    assert answer.startswith("550 5.6.0")
    assert after.startswith("250")
    assert rows(engine) == []


async def test_bare_lf_inside_a_header_is_refused(listener, engine):
    raw = b"From: dana@mail.example\r\nSubject: hi\nBcc: victim@elsewhere.example\r\n\r\nbody\r\n"
    code, resp = await asyncio.to_thread(deliver, *listener, raw)
    assert (code, resp[:5]) == (550, "5.6.0")
    assert rows(engine) == []


async def test_storage_failure_answers_451_and_the_retry_is_stored(listener, engine):
    with engine.begin() as conn:  # a real failure: the table is not there
        conn.execute(text("ALTER TABLE inbound_messages RENAME TO inbound_messages_away"))
    raw = make_message()
    code, resp = await asyncio.to_thread(deliver, *listener, raw)
    assert (code, resp[:5]) == (451, "4.3.0")
    assert "inbound_messages" not in resp and "Error" not in resp
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE inbound_messages_away RENAME TO inbound_messages"))
    code, _ = await asyncio.to_thread(deliver, *listener, raw)
    assert code == 250
    assert [r["raw"] for r in rows(engine)] == [raw]


async def test_handler_exception_answers_451_without_details(engine):
    broken = smtp.Policy("intro", None, max_recipients=5)  # `in None` raises TypeError inside RCPT
    handler = smtp.IntakeHandler(broken, IntakeWriter(engine).store)
    server = await smtp.start(handler, host="127.0.0.1", port=0, hostname="baton.example",
                              max_bytes=1000, timeout=5)
    port = server.sockets[0].getsockname()[1]

    def attempt():
        c = RawSMTP("127.0.0.1", port)
        c.cmd("EHLO x.example")
        c.cmd("MAIL FROM:<dana@mail.example>")
        return c.cmd(f"RCPT TO:<{ASSISTANT}>")
    answer = await asyncio.to_thread(attempt)
    server.close()
    assert answer.startswith("451 4.3.0")
    assert "TypeError" not in answer and "NoneType" not in answer


async def test_same_message_delivered_twice_is_stored_once(listener, engine):
    raw = make_message(message_id="<dup@mail.example>")
    first = await asyncio.to_thread(deliver, *listener, raw)
    again = await asyncio.to_thread(deliver, *listener, raw.replace(b"Hi there.", b"Hi there!"))
    assert first[0] == again[0] == 250
    assert first[1] == again[1]  # the same id is reported
    assert len(rows(engine)) == 1
    other_sender = await asyncio.to_thread(deliver, *listener, raw, sender="mike@mail.example")
    assert other_sender[0] == 250 and len(rows(engine)) == 2


async def test_without_message_id_the_bytes_decide(listener, engine):
    raw = make_message(message_id=None)
    await asyncio.to_thread(deliver, *listener, raw)
    await asyncio.to_thread(deliver, *listener, raw)
    assert len(rows(engine)) == 1
    await asyncio.to_thread(deliver, *listener, make_message(message_id=None, body="Other"))
    assert len(rows(engine)) == 2


async def test_long_lines_and_utf8_envelopes_are_accepted(listener, engine):
    raw = make_message(body="y" * 5000)

    def attempt():
        with smtplib.SMTP(*listener, timeout=10) as s:
            s.ehlo()
            s.mail("d\u00e1na@m\u00e1il.example", ["SMTPUTF8"])
            s.rcpt(ASSISTANT)
            return s.data(raw)
    code, _ = await asyncio.to_thread(attempt)
    assert code == 250
    assert rows(engine)[0]["mail_from"] == "d\u00e1na@m\u00e1il.example"


async def test_two_hundred_concurrent_sessions_all_get_250(listener, engine):
    host, port = listener

    async def one(i: int) -> str:
        raw = make_message(message_id=f"<c{i}@mail.example>", body=f"message {i}")
        errors, response = await aiosmtplib.send(raw, sender="dana@mail.example", recipients=[ASSISTANT],
                                                 hostname=host, port=port, timeout=60)
        assert errors == {}
        return response

    answers = await asyncio.gather(*(one(i) for i in range(200)))
    assert all(a.startswith("2.0.0 queued as ") for a in answers)
    assert len(set(answers)) == 200
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t)).scalar() == 200


async def test_null_reverse_path_is_stored_as_empty(listener, engine):
    code, _ = await asyncio.to_thread(deliver, *listener, make_message(), sender="<>")
    assert code == 250 and rows(engine)[0]["mail_from"] == ""


async def test_starttls_is_offered_with_a_certificate_and_never_required(engine, tmp_path):
    """RFC 3207 4: a publicly referenced server must not require STARTTLS."""
    import ssl
    import subprocess
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=baton.example", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    writer = IntakeWriter(engine).start()
    handler = smtp.IntakeHandler(smtp.Policy("intro", frozenset({"baton.example"}), 5), writer.store)
    server = await smtp.start(handler, host="127.0.0.1", port=0, hostname="baton.example", max_bytes=100_000,
                              timeout=10, tls=smtp.tls_context(str(cert), str(key)))
    port = server.sockets[0].getsockname()[1]

    def over_tls():
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
            s.ehlo()
            assert s.has_extn("starttls")
            ctx = ssl.create_default_context(cafile=str(cert))
            ctx.check_hostname = False
            s.starttls(context=ctx)
            s.ehlo()
            s.mail("dana@mail.example")
            s.rcpt(ASSISTANT)
            return s.data(make_message(message_id="<tls@mail.example>"))[0]
    assert await asyncio.to_thread(over_tls) == 250
    assert await asyncio.to_thread(deliver, "127.0.0.1", port, make_message(message_id="<plain@mail.example>")) == \
        (250, "2.0.0 queued as 2")  # plain text still accepted
    server.close()
    await asyncio.to_thread(writer.stop)
    assert len(rows(engine)) == 2


def test_a_batch_with_copies_stores_each_message_once_and_names_the_first_copy(engine):
    """The writer's one-statement batch insert: a copy of a stored message, and a second copy
    within the same batch, both get the stored id and are marked duplicates."""
    from store import messages

    received = _received
    a, b, c = (make_message(message_id=f"<batch-{n}@mail.example>") for n in "abc")
    with engine.begin() as conn:
        [first] = messages.insert_many(conn, [received(a)])
    with engine.begin() as conn:
        got = messages.insert_many(conn, [received(b), received(a), received(c), received(b)])
    assert [s.duplicate for s in got] == [False, True, False, True]
    assert got[1].id == first.id and got[3].id == got[0].id
    assert len({got[0].id, got[2].id, first.id}) == 3
    stored = {r["id"]: r["raw"] for r in rows(engine)}
    assert stored == {first.id: a, got[0].id: b, got[2].id: c}


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite has no connection to lose
async def test_the_writer_replaces_a_connection_the_database_dropped(engine):
    """A PostgreSQL restart (here: the writer's backend terminated) costs no 451: the writer
    keeps one connection, and reconnects once when it finds it gone."""
    writer = IntakeWriter(engine).start()
    try:
        await writer.store(_received(make_message(message_id="<before@mail.example>")))
        pid = writer._conn.connection.dbapi_connection.info.backend_pid  # only the writer's, not another run's
        with engine.begin() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar() is True
        stored = await writer.store(_received(make_message(message_id="<after@mail.example>")))
    finally:
        await asyncio.to_thread(writer.stop)
    assert not stored.duplicate
    assert [r["message_id"] for r in rows(engine)] == ["<before@mail.example>", "<after@mail.example>"]


def _received(raw: bytes):
    from clock import clock
    from store.messages import Received
    return Received(raw=raw, mail_from="dana@mail.example", rcpt_tos=[ASSISTANT], peer="192.0.2.1",
                    helo="client.mail.example", received_at=clock.now())


@pytest.mark.parametrize("raw, bare", [
    (b"a\r\nb\r\n", False), (b"", False), (b"a\nb\r\n", True), (b"a\r\n\r", True), (b"a\r\r\n", True),
    (b"a\r\n\n", True), (b"\n", True), (b"\r", True)])
def test_bare_cr_or_lf_is_found_anywhere_in_the_data(raw, bare):
    assert smtp._has_bare_line_end(raw) is bare


def test_the_listener_finds_the_same_commands_and_auth_methods_as_stock_aiosmtpd():
    """BatonSMTP shortens aiosmtpd's per-connection introspection (__dir__); it must find
    exactly what aiosmtpd's own introspection finds."""
    from aiosmtpd.smtp import SMTP

    handler = smtp.IntakeHandler(smtp.Policy("intro", frozenset({"baton.example"}), 5), lambda m: None)
    loop = asyncio.new_event_loop()
    try:
        ours = smtp.BatonSMTP(handler, hostname="baton.example", loop=loop)

        class Stock(smtp.BatonSMTP):
            def __dir__(self):
                return SMTP.__dir__(self)  # object's own: every attribute
        stock = Stock(handler, hostname="baton.example", loop=loop)
    finally:
        loop.close()
    assert ours._smtp_methods.keys() == stock._smtp_methods.keys()
    assert ours._auth_methods.keys() == stock._auth_methods.keys()
    assert ours._handle_hooks.keys() == stock._handle_hooks.keys() == {"MAIL", "RCPT", "DATA", "exception"}
    assert {"DATA", "RCPT", "EHLO", "STARTTLS", "QUIT"} <= ours._smtp_methods.keys()


@pytest.mark.parametrize("arg", [
    "<dana@mail.example>", "<dana@mail.example> SIZE=100", "dana@mail.example", " <dana@mail.example>",
    "<>", "", "<@relay.example:dana@mail.example>", "<\"quoted local\"@mail.example>", "<d\u00e1na@m\u00e1il.example>",
    "<dana@[192.0.2.1]>", "<dana>", "<dana@mail.example", "not an address", "<" + "x" * 70 + "@mail.example>",
    "<a@b@c.example>", "(comment) <dana@mail.example>", "<dana@mail.example> BODY=8BITMIME SMTPUTF8"])
def test_the_listener_parses_addresses_exactly_as_aiosmtpd(arg):
    """BatonSMTP._getaddr drops aiosmtpd's per-call class; what it returns must not change."""
    from aiosmtpd.smtp import SMTP

    handler = smtp.IntakeHandler(smtp.Policy("intro", frozenset({"baton.example"}), 5), lambda m: None)
    loop = asyncio.new_event_loop()
    try:
        ours = smtp.BatonSMTP(handler, hostname="baton.example", loop=loop)
        assert ours._getaddr(arg) == SMTP._getaddr(ours, arg)
    finally:
        loop.close()


async def test_a_closed_session_is_freed_without_the_cycle_collector(listener):
    """Sessions left as reference cycles made the collector's full passes stall the listener."""
    import gc

    gc.collect()
    gc.disable()
    try:
        for i in range(3):
            code, _ = await asyncio.to_thread(deliver, *listener, make_message(message_id=f"<gc{i}@mail.example>"))
            assert code == 250
        await asyncio.sleep(0.1)  # the sessions' tasks finish
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        leaked = [o for o in gc.garbage if isinstance(o, (smtp.BatonSMTP, smtp.Session, smtp.Envelope))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert leaked == []
