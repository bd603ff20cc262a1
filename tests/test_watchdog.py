"""inbound/smtp/watchdog.py: a listener that takes no connection while clients wait is reported
(and in service, ends the process for its supervisor); one that takes them is left alone."""
from __future__ import annotations

import asyncio
import socket
import time

from inbound.smtp import listener as smtp
from inbound.smtp.watchdog import Watchdog, queue_length


def _wait_for(seen: list[str], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not seen and time.monotonic() < deadline:
        time.sleep(0.01)


def test_waiting_connections_that_nobody_takes_are_reported():
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(16)
        seen: list[str] = []
        dog = Watchdog(srv, lambda: 0, lambda: True, every=0.05, strikes=3, on_deaf=seen.append).start()
        time.sleep(0.3)
        assert seen == []  # an empty queue is no sign of trouble
        with socket.create_connection(srv.getsockname()), socket.create_connection(srv.getsockname()):
            _wait_for(seen)
        dog.stop()
    assert len(seen) == 1 and "taken no connection" in seen[0] and "while 2 waited" in seen[0], seen


def test_a_listening_socket_closed_under_a_serving_listener_is_reported_and_a_stopped_one_is_not():
    seen: list[str] = []
    for serving in (True, False):
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(16)
        Watchdog(srv, lambda: 0, lambda s=serving: s, every=0.05, on_deaf=seen.append).start()
        srv.close()  # as libuv closes its handle after an accept error it does not retry
        _wait_for(seen, 0.5)
    assert len(seen) == 1 and "no longer listening" in seen[0], seen


async def test_baton_s_listener_taking_connections_is_left_alone(engine):
    async def store(_msg):
        raise AssertionError("no message is sent")

    handler = smtp.IntakeHandler(smtp.Policy("intro", frozenset({"baton.example"}), 5), store)
    server = await smtp.start(handler, host="127.0.0.1", port=0, hostname="baton.example", max_bytes=1000, timeout=30)
    seen: list[str] = []
    sessions = {"n": 0}
    dog = Watchdog(server.sockets[0], lambda: sessions["n"], server.is_serving, every=0.02, strikes=2,
                   on_deaf=seen.append).start()
    port = server.sockets[0].getsockname()[1]
    try:
        for _ in range(20):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert (await reader.readline()).startswith(b"220 ")
            sessions["n"] += 1
            writer.write(b"QUIT\r\n")
            await writer.drain()
            await reader.read()
            writer.close()
            await asyncio.sleep(0.01)
        assert queue_length(server.sockets[0]) == 0  # uvloop's socket answers TCP_INFO too
    finally:
        dog.stop()
        server.close()
        await server.wait_closed()
    assert seen == []
