"""outbound/sendfile.py, behind `server.py send`: many files over one SMTP connection, a refused
file does not spoil the next (RSET, RFC 5321 §4.1.1.5), and nothing listening is one clear line."""
from __future__ import annotations

import asyncio

import pytest

from outbound.sendfile import CannotConnect, Session, envelope_sender, to_crlf
from tests.conftest import free_port
from tests.smtp_helpers import make_message
from tests.test_outbound import Relay, start_relay


class CountingRelay(Relay):
    """Remembers which client connection (address and port) carried each transaction's DATA."""

    def __init__(self, answers: list[str], refuse_rcpt: str = "") -> None:
        super().__init__(answers)
        self.refuse_rcpt = refuse_rcpt
        self.peers: list[tuple] = []

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address == self.refuse_rcpt:
            return "550 5.1.1 no such user"
        return await super().handle_RCPT(server, session, envelope, address, options)

    async def handle_DATA(self, server, session, envelope):
        self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)


def send_all(port: int, raws: list[bytes], rcpts: list[list[str]]) -> list[tuple[int, str]]:
    with Session("127.0.0.1", port, timeout=10) as session:
        return [session.send(raw, mail_from=None, rcpt_tos=r) for raw, r in zip(raws, rcpts, strict=True)]


async def test_many_messages_share_one_connection_and_a_refusal_spoils_nothing():
    relay = CountingRelay(["250 2.0.0 first", "554 5.7.1 not this one", "250 2.0.0 third"],
                          refuse_rcpt="nobody@baton.example")
    server, port = await start_relay(relay)
    raws = [make_message(message_id=f"<m{i}@mail.example>", body=f"message {i}").replace(b"\r\n", b"\n")
            for i in range(4)]
    rcpts = [["intro@baton.example"], ["nobody@baton.example"], ["intro@baton.example"], ["intro@baton.example"]]
    try:
        answers = await asyncio.to_thread(send_all, port, raws, rcpts)
    finally:
        server.close()
    assert answers == [(250, "2.0.0 first"), (550, "5.1.1 no such user"), (554, "5.7.1 not this one"),
                       (250, "2.0.0 third")]
    assert len(relay.peers) == 3 and len(set(relay.peers)) == 1  # one client port: one connection
    mail_from, _, data = relay.received[0]
    assert mail_from == "dana@mail.example"  # from the file's From, as an MTA would not guess
    assert b"message 0" in data and b"\n" not in data.replace(b"\r\n", b"")  # CRLF only


def test_nothing_listening_is_one_line():
    with pytest.raises(CannotConnect, match="^connection refused$"):
        with Session("127.0.0.1", free_port(), timeout=5):
            pass


def test_envelope_sender_is_the_from_address_or_null():
    assert envelope_sender(to_crlf(make_message(sender="dana@mail.example"))) == "dana@mail.example"
    assert envelope_sender(b"Subject: no sender\r\n\r\nhi\r\n") == ""
