"""Hostile SMTP dialogue over a raw socket against the real listener (issue 7): random command
lines and random DATA (bare CR/LF, NULs, overlong lines). Whatever arrives, every answer is a
well-formed reply, no reply leaks an exception, the listener keeps serving, and a message is
stored if and only if its client was told 250 (nothing is lost after a 250)."""
from __future__ import annotations

import asyncio
import re
import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from store.schema import inbound_messages as t
from tests.smtp_helpers import make_message

ASSISTANT = "intro@baton.example"
REPLY_LINE = re.compile(rb"^([2-5]\d\d)([ -])(.*)$")
# What an exception would put in a reply: aiosmtpd answers 500 with the exception text unless
# the handler's handle_exception says otherwise (LIBRARIES.md trap).
LEAK = re.compile(rb"Traceback|Exception|\b[A-Z][a-z]+Error\b|File \"|NoneType|object has no attribute")
CLOSING = {b"221", b"421", b"502"}  # QUIT, too many calls, too many unknown commands: the server hangs up
QUEUED = re.compile(rb"^250 2\.0\.0 queued as (\d+)$")


class Closed(Exception):
    pass


class Client:
    """Reads every line of every reply, so that nothing the server says goes unchecked."""

    def __init__(self, host: str, port: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=10)
        self.buf = b""
        self.replies: list[list[bytes]] = []

    def reply(self) -> list[bytes]:
        lines = []
        while True:
            while b"\r\n" not in self.buf:
                try:
                    chunk = self.sock.recv(65536)
                except ConnectionResetError:  # closed while our last line was still unread
                    raise Closed() from None
                if not chunk:
                    raise Closed()
                self.buf += chunk
            line, self.buf = self.buf.split(b"\r\n", 1)
            m = REPLY_LINE.match(line)
            assert m, f"not an SMTP reply line: {line[:200]!r}"
            assert not LEAK.search(line), f"exception text in a reply: {line[:200]!r}"
            lines.append(line)
            if m.group(2) == b" ":
                assert {ln[:3] for ln in lines} == {line[:3]}, f"mixed codes in one reply: {lines!r}"
                self.replies.append(lines)
                return lines

    def send(self, data: bytes) -> list[bytes]:
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            raise Closed() from None
        return self.reply()

    def close(self) -> None:
        self.sock.close()


# --- what a hostile client sends -------------------------------------------------------------

VERBS = [b"HELO", b"EHLO", b"MAIL FROM:", b"RCPT TO:", b"DATA", b"RSET", b"NOOP", b"VRFY", b"EXPN", b"HELP",
         b"STARTTLS", b"AUTH", b"BDAT", b"XCLIENT", b"PROXY", b"QUIT", b"", b"mail from:", b"Rcpt To:"]
ARGS = [b"<dana@mail.example>", f"<{ASSISTANT}>".encode(), b"<>", b"<intro+k1@baton.example>",
        b"<victim@elsewhere.example>", b"<@relay.example:intro@baton.example>", b"<intro@baton.example> SIZE=999999999",
        b"<dana@mail.example> BODY=8BITMIME SMTPUTF8", b"PLAIN AGFhAGI=", b"client.mail.example",
        b"<\xc3\xa9@mail.example>", b"<" + b"a" * 300 + b"@mail.example>", b"\x00", b"%s", b"{}", b"\\"]
# Any bytes but LF: an LF ends a command line (aiosmtpd splits on it), which would pipeline two
# commands into one send and put the replies out of step with this client.
_noise = st.binary(max_size=60).map(lambda b: b.replace(b"\n", b""))
_overlong = st.integers(min_value=500, max_value=70_000).map(lambda n: b"NOOP " + b"x" * n)
command_line = st.one_of(
    st.tuples(st.sampled_from(VERBS), st.sampled_from([b"", b" "]), st.one_of(st.sampled_from(ARGS), _noise))
      .map(b"".join),
    _noise,
    _overlong,
)
_header_lines = st.lists(st.sampled_from([
    b"From: Dana <dana@mail.example>", b"Subject: hi\nBcc: victim@elsewhere.example", b"Subject: a\rb",
    b"To: " + ASSISTANT.encode(), b"\x00\x00\x00", b"Content-Type: multipart/mixed; boundary=x",
    b"--x", b".", b"..", b". ", b"\r\n.\r", b"\n.\n", b"x" * 2000, b"=?UTF-8?Q?=0A?=Bcc: v@elsewhere.example",
    b"MAIL FROM:<evil@mail.example>", b"RCPT TO:<intro@baton.example>", b"DATA",
]), max_size=12)
data_payload = st.one_of(
    st.binary(max_size=3000),
    st.tuples(_header_lines, st.binary(max_size=400)).map(lambda t: b"\r\n".join(t[0]) + b"\r\n\r\n" + t[1]),
    st.just(make_message()),
    st.integers(min_value=1, max_value=3).map(lambda n: make_message(body=("y" * 70_000 + "\n") * n)),  # long lines
    st.just(make_message(body=("z" * 900 + "\n") * 260)),  # over the size limit
)


def dot_stuffed(payload: bytes) -> bytes:
    """RFC 5321 4.5.2: the client doubles a leading dot, so only our own CRLF.CRLF ends DATA."""
    if payload.startswith(b"."):
        payload = b"." + payload
    return payload.replace(b"\r\n.", b"\r\n..") + (b"" if payload.endswith(b"\r\n") else b"\r\n") + b".\r\n"


_VALID_ENVELOPE = [b"EHLO client.mail.example", b"MAIL FROM:<dana@mail.example>", f"RCPT TO:<{ASSISTANT}>".encode()]
# Mostly a valid envelope, so that DATA is reached; sometimes a shuffled or partial one.
envelope = st.one_of(
    st.just(_VALID_ENVELOPE),
    st.lists(st.sampled_from(_VALID_ENVELOPE + [b"HELO x", b"RSET", b"MAIL FROM:<>"]), max_size=4),
)
session = st.lists(st.one_of(command_line, st.tuples(envelope, data_payload)), min_size=1, max_size=10)


def rows(engine) -> list[int]:
    with engine.connect() as conn:
        return [r.id for r in conn.execute(select(t.c.id))]


def run_session(host: str, port: int, steps: list, stats: dict) -> set[int]:
    """One connection; returns the ids the server said it queued."""
    queued: set[int] = set()
    c = Client(host, port)
    try:
        assert c.reply()[0].startswith(b"220 ")
        last = b"220"
        for step in steps:
            if last in CLOSING:  # the server said goodbye; what a client sends now is lost
                break
            if isinstance(step, bytes):
                stats["lines"] += 1
                last = c.send(step + b"\r\n")[-1][:3]
                continue
            prelude, payload = step
            for line in prelude:
                stats["lines"] += 1
                last = c.send(line + b"\r\n")[-1][:3]
            stats["lines"] += 1
            last = c.send(b"DATA\r\n")[-1][:3]
            if last != b"354":
                continue
            stats["data"] += 1
            answer = c.send(dot_stuffed(payload))[-1]
            last = answer[:3]
            stats["answers"][answer[:9].decode()] = stats["answers"].get(answer[:9].decode(), 0) + 1
            m = QUEUED.match(answer)
            assert m or not answer.startswith(b"250"), f"250 without a queue id: {answer!r}"
            if m:
                queued.add(int(m.group(1)))
    except Closed:
        assert last in CLOSING, f"connection closed after {last!r}, not by QUIT or a limit"
    finally:
        c.close()
        for lines in c.replies:
            code = lines[-1][:3].decode()
            stats["codes"][code] = stats["codes"].get(code, 0) + 1
    return queued


async def test_fuzzed_smtp_dialogue_gets_valid_replies_and_stores_only_what_got_250(listener, engine):
    host, port = listener
    stats = {"sessions": 0, "lines": 0, "data": 0, "answers": {}, "codes": {}}
    told_250: set[int] = set()

    @settings(max_examples=300, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(steps=session)
    def fuzz(steps):
        stats["sessions"] += 1
        c0 = len(told_250)
        told_250.update(run_session(host, port, steps, stats))
        stored = set(rows(engine))
        # Stored if and only if a client was told 250 for it (a duplicate gets the same id).
        assert stored == told_250, (stored - told_250, told_250 - stored)
        assert len(told_250) >= c0
        # The listener is still serving, and in step.
        probe = Client(host, port)
        try:
            assert probe.reply()[0].startswith(b"220 ")
            assert probe.send(b"NOOP\r\n")[-1].startswith(b"250")
        finally:
            probe.close()

    await asyncio.to_thread(fuzz)
    print(f"\nSMTP fuzzer: {stats['sessions']} sessions, {stats['lines']} command lines, "
          f"{stats['data']} DATA payloads (answers {dict(sorted(stats['answers'].items()))}); "
          f"{len(told_250)} messages stored, each one answered 250")
    print(f"reply codes: {dict(sorted(stats['codes'].items()))}")
    assert stats["data"] > 20  # the fuzzer did reach DATA, or it proved little
    # A 451 is allowed here (nothing is lost: the sender retries), but see the xfail test below.


async def test_hostile_commands_without_data_never_reach_the_exception_path(listener, engine):
    """451 from a command means a handler raised (handle_exception): hostile arguments must not."""
    host, port = listener

    def attempt():
        c = Client(host, port)
        c.reply()
        answers = [c.send(line + b"\r\n")[-1] for line in [
            b"EHLO \x00\xff", b"MAIL FROM:<\x00@mail.example>", b"MAIL FROM:<dana@mail.example> \xff=\xff",
            b"RCPT TO:<intro@baton.example\x00>", b"RCPT TO:<\xc3\xa9@baton.example>", b"RCPT TO:<" + b"@" * 500 + b">",
            b"RCPT TO:<intro@baton.example> NOTIFY=\xff", b"VRFY \x00", b"HELP \xff"]]
        c.close()
        return answers
    answers = await asyncio.to_thread(attempt)
    assert not [a for a in answers if a.startswith(b"451")], answers


@pytest.mark.parametrize("helo, mail_from", [
    (b"EHLO \xff\xfe.example", b"MAIL FROM:<dana@mail.example>"),
    (b"EHLO client.mail.example", b"MAIL FROM:<d\xffna@mail.example>"),
], ids=["helo", "mail-from"])
async def test_invalid_utf8_in_the_envelope_is_not_a_temporary_failure(listener, engine, helo, mail_from):
    """A 451 makes the sender retry for days a message that can never be stored: answer 5xx at
    MAIL FROM, or store it (RFC 5321 4.2.5: a 4xx promises that a retry may succeed)."""
    host, port = listener

    def attempt():
        c = Client(host, port)
        c.reply()
        answers = [c.send(helo + b"\r\n")[-1], c.send(mail_from + b"\r\n")[-1]]
        if answers[-1].startswith(b"250"):
            answers.append(c.send(f"RCPT TO:<{ASSISTANT}>\r\n".encode())[-1])
            answers.append(c.send(b"DATA\r\n")[-1])
            answers.append(c.send(dot_stuffed(make_message()))[-1])
        c.close()
        return answers
    answers = await asyncio.to_thread(attempt)
    assert not [a for a in answers if a.startswith(b"4")], answers
    assert answers[-1].startswith(b"250 2.0.0 queued as") == (len(rows(engine)) == 1)
