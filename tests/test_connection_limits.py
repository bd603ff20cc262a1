"""Issue 18, finding 4 ("No SMTP connection limit"): 1,007 idle sessions made SMTP and the web
unreachable. Now sessions over a cap are answered 421 4.7.0 and closed, an idle session is
closed and frees its slot, and /healthz answers throughout. Over real sockets, to the real service."""
from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from tests.service_helpers import Running

TOO_MANY = b"421 4.7.0 Too many connections"


def _connect(port: int, source: str = "127.0.0.1") -> socket.socket:
    """A client that connects and says nothing (source: any address of 127/8, a distinct client)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    return sock


def _read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server says until it closes the connection (a 10 s socket timeout fails the test)."""
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    return data


def _greeting(sock: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


async def _open(port: int, source: str = "127.0.0.1") -> tuple[socket.socket, bytes]:
    sock = await asyncio.to_thread(_connect, port, source)
    return sock, await asyncio.to_thread(_greeting, sock)


async def test_no_smtp_connection_limit_finding4_sessions_over_the_caps_get_421_and_healthz_answers(make_settings):
    s = make_settings(smtp_max_sessions=6, smtp_max_sessions_per_client=4, smtp_timeout_seconds=300)
    held: list[socket.socket] = []
    async with Running(s, web=True), httpx.AsyncClient(timeout=10) as web:
        try:
            for _ in range(4):
                sock, greeting = await _open(s.smtp_port)
                held.append(sock)
                assert greeting.startswith(b"220 "), greeting
            # The fifth from the same address: over the per-client cap, answered and closed.
            sock, answer = await _open(s.smtp_port)
            assert answer == b"421 4.7.0 Too many connections from your address, try again later\r\n", answer
            assert await asyncio.to_thread(_read_until_closed, sock) == b""
            sock.close()
            # Another client still gets in, up to the total cap.
            for _ in range(2):
                sock, greeting = await _open(s.smtp_port, "127.0.0.2")
                held.append(sock)
                assert greeting.startswith(b"220 "), greeting
            # The flood: every further connection, from any address, is refused with 421 4.7.0.
            for i in range(30):
                sock, answer = await _open(s.smtp_port, f"127.0.1.{i + 1}")
                rest = await asyncio.to_thread(_read_until_closed, sock)
                sock.close()
                assert answer == TOO_MANY + b", try again later\r\n" and rest == b"", answer + rest
                if i % 10 == 0:
                    health = await web.get(f"http://127.0.0.1:{s.web_port}/healthz")
                    assert health.status_code == 200, health.text
            # A session that ends frees its slot for the next client.
            held.pop().close()

            async def admitted() -> bytes:
                sock, greeting = await _open(s.smtp_port, "127.0.2.1")
                held.append(sock)
                return greeting
            greetings = []
            for _ in range(50):
                greetings.append(await admitted())
                if greetings[-1].startswith(b"220 "):
                    break
                await asyncio.sleep(0.1)
            assert greetings[-1].startswith(b"220 "), greetings
        finally:
            for sock in held:
                sock.close()


async def test_an_idle_session_is_closed_with_421_and_frees_its_slot(make_settings):
    s = make_settings(smtp_max_sessions=2, smtp_max_sessions_per_client=2, smtp_timeout_seconds=1)
    async with Running(s):
        idle = [await _open(s.smtp_port) for _ in range(2)]
        assert all(greeting.startswith(b"220 ") for _, greeting in idle)
        # Both slots taken and nothing said: each is told why and closed after the timeout.
        for sock, _ in idle:
            said = await asyncio.to_thread(_read_until_closed, sock)
            assert said == b"421 4.4.2 Idle for too long, closing the connection\r\n", said
            sock.close()

        async def greeted() -> bytes:
            sock, greeting = await _open(s.smtp_port)
            sock.close()
            return greeting if greeting.startswith(b"220 ") else b""
        for _ in range(50):
            if await greeted():
                break
            await asyncio.sleep(0.1)
        else:
            pytest.fail("no session admitted after the idle ones were closed")


async def test_a_message_that_takes_longer_than_the_idle_timeout_to_arrive_is_accepted(make_settings):
    """aiosmtpd restarts its timer only on commands: a DATA upload longer than the timeout was cut off."""
    s = make_settings(smtp_timeout_seconds=2)
    async with Running(s):
        reader, writer = await asyncio.open_connection("127.0.0.1", s.smtp_port)

        async def reply() -> bytes:
            while (line := await reader.readline())[3:4] == b"-":
                pass
            return line

        assert (await reply()).startswith(b"220")
        for cmd in (b"EHLO client.example", b"MAIL FROM:<dana@mail.example>", b"RCPT TO:<intro@baton.example>",
                    b"DATA"):
            writer.write(cmd + b"\r\n")
            assert (await reply())[:1] in (b"2", b"3"), cmd
        writer.write(b"From: dana@mail.example\r\nTo: intro@baton.example\r\nSubject: slow\r\n"
                     b"Message-ID: <slow@mail.example>\r\n\r\n")
        for i in range(25):  # 5 s of lines, 0.2 s apart: never idle for 2 s
            writer.write(b"line %d\r\n" % i)
            await writer.drain()
            await asyncio.sleep(0.2)
        writer.write(b".\r\n")
        answer = await reply()
        writer.close()
        assert answer.startswith(b"250 2.0.0 queued as "), answer


def test_a_session_cap_above_the_open_file_limit_is_lowered_and_every_client_gets_220_or_421(db_url, tmp_path):
    """A cap of 1,000 sessions in a process allowed 80 files: past the limit an accept fails, and
    on uvloop (libuv) the waiting connections are closed unanswered. The listener lowers the cap to
    what the files allow and says so at start, so every one of 120 clients hears 220 or 421."""
    import os
    import resource
    import subprocess
    import sys
    from pathlib import Path

    from tests.conftest import free_port
    from tests.service_helpers import wait_listening

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")}
    env.update(BATON_DATABASE_URL=db_url, BATON_VAR_DIR=str(tmp_path / "var"), BATON_SMTP_PORT=str(port),
               BATON_ASSISTANT_ADDRESS="intro@baton.example", BATON_OUTBOUND=f"maildir:{tmp_path / 'outbox'}",
               BATON_SMTP_MAX_SESSIONS="1000", BATON_SMTP_MAX_SESSIONS_PER_CLIENT="1000")
    log = tmp_path / "listener.log"

    def few_files() -> None:  # soft and hard: the listener cannot raise it
        resource.setrlimit(resource.RLIMIT_NOFILE, (80, 80))

    held: list[socket.socket] = []
    answers: list[bytes] = []
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "server.py", "smtp"], cwd=Path(__file__).resolve().parent.parent,
                                env=env, stdout=out, stderr=subprocess.STDOUT, preexec_fn=few_files)
    try:
        wait_listening(port, what="server.py smtp", proc=proc)
        for _ in range(120):  # more than 80 descriptors
            held.append(socket.create_connection(("127.0.0.1", port), timeout=10))
        for sock in held:
            answers.append(sock.recv(200))
        with socket.create_connection(("127.0.0.1", port), timeout=10) as after:  # still listening
            for sock in held:
                sock.close()
            late = after.recv(200)
    finally:
        for sock in held:
            sock.close()
        proc.terminate()
        proc.wait(30)
    text = log.read_text()
    assert "at most 8 SMTP sessions at once: the open-file limit (80)" in text, text[-2000:]
    kinds = {a[:4] for a in answers}
    assert kinds <= {b"220 ", b"421 "} and answers.count(b"421 4.7.0 Too many connections, try again later\r\n") > 100, \
        answers
    assert late[:4] in (b"220 ", b"421 "), late
    assert "Traceback" not in text and "out of system resource" not in text, text[-2000:]


def test_failed_accepts_are_logged_once_per_interval_with_a_count(caplog):
    """On asyncio's own loop (where uvloop does not install) every failed accept used to log a
    traceback: now one line per interval, with the number left unsaid since."""
    import asyncio
    import errno
    import logging

    from inbound.smtp.limits import _ACCEPT_FAILED, AcceptErrorLog

    loop = asyncio.new_event_loop()
    try:
        handler = AcceptErrorLog(loop, every=3600)
        failed = {"message": _ACCEPT_FAILED, "exception": OSError(errno.EMFILE, "Too many open files")}
        with caplog.at_level(logging.ERROR, logger="baton.smtp"):
            for _ in range(5):
                handler(loop, failed)
        lines = [r.getMessage() for r in caplog.records if "accepting a connection failed" in r.getMessage()]
        assert len(lines) == 1 and "EMFILE" in lines[0], lines
        assert handler.suppressed == 4
        handler._last -= 3600  # the interval has passed: the next line counts the four unsaid
        with caplog.at_level(logging.ERROR, logger="baton.smtp"):
            handler(loop, failed)
        assert "4 more since the last line" in caplog.records[-1].getMessage()
    finally:
        loop.close()


def test_the_accept_retry_that_finds_the_listener_closed_logs_no_traceback(caplog):
    """asyncio retries a failed accept a second later; when the listener was closed meanwhile (a
    stop while out of descriptors), that retry raises on descriptor -1. Nothing was lost: no
    traceback. Any other error still reaches the handler before it."""
    import asyncio

    from inbound.smtp.limits import AcceptErrorLog

    loop = asyncio.new_event_loop()
    seen: list[dict] = []
    loop.set_exception_handler(lambda _loop, context: seen.append(context))
    try:
        handler = AcceptErrorLog(loop)
        retry = asyncio.TimerHandle(loop.time(), loop._start_serving, (None, None), loop)  # type: ignore[attr-defined]
        handler(loop, {"message": "Exception in callback", "exception": ValueError("Invalid file descriptor: -1"),
                       "handle": retry})
        assert seen == []
        other = {"message": "Exception in callback", "exception": ValueError("Invalid file descriptor: -1"),
                 "handle": asyncio.Handle(print, (), loop)}
        handler(loop, other)
        assert seen == [other]
    finally:
        loop.close()
