"""Delivers message files to an SMTP server, as `server.py send` does for trying Baton out.

Several files go over one connection, one transaction each (RFC 5321 §3.3); a refused step
is answered with RSET (§4.1.1.5) so the next file starts clean.
"""
from __future__ import annotations

import re
import smtplib
import socket
from email import message_from_bytes, policy
from email.utils import getaddresses


def to_crlf(raw: bytes) -> bytes:
    """Files on disk often end lines with LF; SMTP wants CRLF (and Baton refuses bare LF)."""
    return re.sub(rb"\r\n|\r|\n", b"\r\n", raw)


def envelope_sender(data: bytes) -> str:
    """The first From address of the message, or the null reverse-path when it has none."""
    headers = message_from_bytes(data, policy=policy.compat32)
    found = getaddresses(headers.get_all("From", []))
    return found[0][1] if found and "@" in found[0][1] else ""


class CannotConnect(Exception):
    """Nothing answers at host:port (refused, unreachable, unknown host or a timeout); one line."""


class Session:
    """One SMTP connection for any number of messages: `with Session(host, port) as s: s.send(...)`."""

    def __init__(self, host: str, port: int, *, timeout: float = 30) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Session:
        try:
            self.smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            self.smtp.ehlo()
        except (OSError, smtplib.SMTPException) as e:
            raise CannotConnect(_why(e)) from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()

    def send(self, raw: bytes, *, mail_from: str | None, rcpt_tos: list[str]) -> tuple[int, str]:
        """The server's final answer (code, text) to the first refused step or to DATA."""
        assert self.smtp is not None, "use Session in a with block"
        data = to_crlf(raw)
        try:
            code, text = self.smtp.mail(envelope_sender(data) if mail_from is None else mail_from)
            if code != 250:
                return self._refused(code, text)
            last = (code, text)
            accepted = 0
            for rcpt in rcpt_tos:
                last = self.smtp.rcpt(rcpt)
                accepted += last[0] in (250, 251)
            if not accepted:
                return self._refused(*last)
            code, text = self.smtp.data(data)
        except smtplib.SMTPDataError as e:  # smtplib raises for a refused DATA
            return self._refused(e.smtp_code, e.smtp_error)
        except (OSError, smtplib.SMTPServerDisconnected) as e:
            raise CannotConnect(f"the connection was lost ({_why(e)})") from None
        return code, text.decode("utf-8", "replace")

    def _refused(self, code: int, text: bytes | str) -> tuple[int, str]:
        assert self.smtp is not None
        try:
            self.smtp.rset()
        except (OSError, smtplib.SMTPException):
            pass  # a 421 closes the connection: the next send says so
        return code, text.decode("utf-8", "replace") if isinstance(text, bytes) else text


def send_file(raw: bytes, *, host: str, port: int, mail_from: str | None, rcpt_tos: list[str],
              timeout: float = 30) -> tuple[int, str]:
    """One message over its own connection; (code, text) of the server's final answer."""
    with Session(host, port, timeout=timeout) as session:
        return session.send(raw, mail_from=mail_from, rcpt_tos=rcpt_tos)


def _why(e: BaseException) -> str:
    if isinstance(e, socket.gaierror):
        return "unknown host"
    if isinstance(e, TimeoutError | socket.timeout):
        return "no answer (timed out)"
    if isinstance(e, ConnectionRefusedError):
        return "connection refused"
    if isinstance(e, OSError) and e.strerror:
        return e.strerror[:1].lower() + e.strerror[1:]
    return str(e) or type(e).__name__
