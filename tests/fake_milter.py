"""A stand-in for OpenDKIM + OpenDMARC behind Postfix: the test's own trusted hop.

It speaks the Sendmail milter protocol (version 6, as Postfix's smtpd_milters use it) and adds
one Authentication-Results field with the MX's authserv-id at the top of every message, with a
verdict chosen by the test per From domain (no DNS exists here, so real verifiers could not
verify anything). Postfix's header_checks have already removed forged copies by then.

Packets: a 4-byte length, a command byte, then the data (libmilter's mfdef.h).
"""
from __future__ import annotations

import asyncio
import re
import struct
from collections.abc import Callable

VERSION = 6
ADD_HEADERS = 0x01  # SMFIF_ADDHDRS
CONTINUE, ACCEPT, INSERT_HEADER, NEGOTIATE = b"c", b"a", b"i", b"O"
NO_REPLY = {b"D", b"A", b"K"}  # macros, abort, quit-but-new-connection: never answered


class FakeVerifier:
    def __init__(self, authserv_id: str, verdict: Callable[[str], str]) -> None:
        self.authserv_id = authserv_id
        self.verdict = verdict  # From domain -> the results part, e.g. "dkim=pass header.d=x; dmarc=none ..."
        self.added: list[str] = []
        self.server: asyncio.AbstractServer | None = None

    async def start(self, port: int) -> FakeVerifier:
        self.server = await asyncio.start_server(self._session, "127.0.0.1", port)
        return self

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        def reply(cmd: bytes, data: bytes = b"") -> None:
            writer.write(struct.pack("!I", len(data) + 1) + cmd + data)

        from_domain = ""
        try:
            while True:
                (length,) = struct.unpack("!I", await reader.readexactly(4))
                packet = await reader.readexactly(length)
                cmd, data = packet[:1], packet[1:]
                if cmd == b"O":  # options: our version, the one action we take, every step sent
                    reply(NEGOTIATE, struct.pack("!III", VERSION, ADD_HEADERS, 0))
                elif cmd == b"L":  # one header field: name NUL value NUL
                    name, _, rest = data.partition(b"\0")
                    if name.lower() == b"from":
                        found = re.search(rb"@([\w.-]+)", rest)
                        from_domain = found.group(1).decode().lower() if found else ""
                    reply(CONTINUE)
                elif cmd == b"E":  # end of message: add our field on top, then accept
                    field = f"{self.authserv_id}; {self.verdict(from_domain)}"
                    self.added.append(field)
                    reply(INSERT_HEADER, struct.pack("!I", 0) + b"Authentication-Results\0" + field.encode() + b"\0")
                    reply(ACCEPT)
                    from_domain = ""
                elif cmd == b"Q":
                    break
                elif cmd not in NO_REPLY:
                    reply(CONTINUE)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
