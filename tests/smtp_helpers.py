"""Helpers for tests that talk SMTP over real sockets."""
from __future__ import annotations

import socket


def make_message(subject: str = "Hello", body: str = "Hi there.", message_id: str | None = "<m1@mail.example>",
                 sender: str = "dana@mail.example", to: str = "intro@baton.example") -> bytes:
    lines = [f"From: Dana Whitfield <{sender}>", f"To: {to}", f"Subject: {subject}",
             "Date: Thu, 26 Nov 2026 10:00:00 +0000", "MIME-Version: 1.0",
             "Content-Type: text/plain; charset=utf-8"]
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n").encode()


class RawSMTP:
    """A line-level SMTP client for what smtplib would tidy up (bare LFs, pipelined garbage)."""

    def __init__(self, host: str, port: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=10)
        self.buf = b""
        self.greeting = self.reply()

    def reply(self) -> str:
        """Reads one (possibly multi-line) reply and returns its last line."""
        while True:
            while b"\r\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionError("closed")
                self.buf += chunk
            line, self.buf = self.buf.split(b"\r\n", 1)
            if line[3:4] != b"-":
                return line.decode()

    def cmd(self, line: str | bytes) -> str:
        self.sock.sendall((line.encode() if isinstance(line, str) else line) + b"\r\n")
        return self.reply()

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def close(self) -> None:
        self.sock.close()
