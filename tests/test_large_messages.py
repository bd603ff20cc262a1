"""Issue 18, finding 10 (memory): twenty concurrent 25 MB messages raised the listener's memory from
0.94 to 2.31 GB for good. DATA now goes to a spool (memory below 1 MiB, a file past it), the stored
bytes are exactly those sent, and a spool that cannot be written is answered 451 without any line
of the message being taken for a command. `python -m bench.smtp_memory` prints the figures."""
from __future__ import annotations

import asyncio
import shutil
import smtplib

import pytest
from sqlalchemy import func, select

from inbound.smtp import listener as smtp
from inbound.smtp.spool import Spool
from store.intake import IntakeWriter
from store.schema import inbound_messages as t
from tests.smtp_helpers import make_message

ASSISTANT = "intro@baton.example"


def _large(size: int) -> bytes:
    """A message of about `size` bytes whose body has lines an SMTP client must dot-stuff."""
    lines = [b".starts with a dot", b"..two dots", b"RSET", b"QUIT", b"MAIL FROM:<mallory@evil.example>",
             b"x" * 900]
    body = b"\r\n".join(lines[i % len(lines)] for i in range(size // 150))
    return make_message(subject="large", message_id="<large@mail.example>") + body + b"\r\n"


def test_large_messages_finding10_a_spool_holds_at_most_its_threshold_in_memory(tmp_path):
    raw = _large(5_000_000)
    spool = Spool(tmp_path, threshold=1024 * 1024)
    most = 0
    for line in raw.splitlines(keepends=True):
        spool.write(line)
        most = max(most, spool.in_memory)
    assert most <= 1024 * 1024 + 1000  # the threshold, and the line that crossed it
    assert spool.getvalue() == raw and spool.size == len(raw)
    spool.close()


@pytest.fixture
async def large_listener(engine, tmp_path):
    """The listener with an 8 MB limit, spooling into tmp_path/spool."""
    (tmp_path / "spool").mkdir()
    writer = IntakeWriter(engine).start()
    handler = smtp.IntakeHandler(smtp.Policy("intro", frozenset({"baton.example"}), max_recipients=5),
                                 writer.store, store_timeout=30)
    server = await smtp.start(handler, host="127.0.0.1", port=0, hostname="baton.example", max_bytes=8_000_000,
                              timeout=60, spool_dir=tmp_path / "spool")
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    await asyncio.to_thread(writer.stop)


def _send(port: int, raw: bytes) -> tuple[tuple[int, bytes], tuple[int, bytes]]:
    """DATA's answer, and the answer to a NOOP after it (the session must still be in step)."""
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
        s.ehlo("client.mail.example")
        s.mail("dana@mail.example")
        s.rcpt(ASSISTANT)
        answer = s.data(raw)  # smtplib dot-stuffs the lines that start with "."
        return answer, s.noop()


async def test_large_messages_finding10_a_spooled_message_is_stored_byte_for_byte(large_listener, engine):
    raw = _large(6_000_000)
    (code, text), (noop, _) = await asyncio.to_thread(_send, large_listener, raw)
    assert code == 250 and text.startswith(b"2.0.0 queued as "), text
    assert noop == 250
    with engine.connect() as conn:
        stored = conn.execute(select(t.c.raw)).scalar_one()
    assert stored == raw


async def test_large_messages_finding10_a_spool_that_cannot_be_written_is_answered_451(large_listener, engine,
                                                                                       tmp_path):
    shutil.rmtree(tmp_path / "spool")  # the folder vanished: the spool file cannot be made
    (code, text), (noop, _) = await asyncio.to_thread(_send, large_listener, _large(3_000_000))
    assert (code, text) == (451, b"4.3.0 Temporary local problem, please try again later")
    # The rest of the message (with its RSET, QUIT and MAIL lines) was read as data, not obeyed.
    assert noop == 250
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t)).scalar() == 0


async def test_large_messages_finding10_nothing_of_a_stored_message_stays_in_memory(large_listener, engine):
    """The other half of finding 10: memory went up and stayed there. Once four concurrent 6 MB
    messages are stored, no Python object of the listener or the intake writer still holds their
    bytes (tracemalloc counts every Python allocation; SQLite's own cache is C memory, measured by
    `python -m bench.smtp_memory`)."""
    import gc
    import tracemalloc
    big = _large(6_000_000)  # made before the baseline: four messages, each its own Message-ID
    raws = [big.replace(b"<large@mail.example>", f"<large{i}@mail.example>".encode()) for i in range(4)]
    tracemalloc.start()
    try:
        gc.collect()
        before, _ = tracemalloc.get_traced_memory()
        answers = await asyncio.gather(*(asyncio.to_thread(_send, large_listener, raw) for raw in raws))
        assert [code for (code, _), _ in answers] == [250] * 4
        gc.collect()
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak - before > len(big)  # the messages did pass through memory, as lines and spools
    assert kept - before < len(big) // 4, f"{(kept - before) / 1e6:.1f} MB still held after storing"
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t)).scalar() == 4
