"""Delivers a message file to an SMTP server, as `server.py send` does for trying Baton out."""
from __future__ import annotations

import re
import smtplib
from email import message_from_bytes, policy
from email.utils import getaddresses


def to_crlf(raw: bytes) -> bytes:
    """Files on disk often end lines with LF; SMTP wants CRLF (and Baton refuses bare LF)."""
    return re.sub(rb"\r\n|\r|\n", b"\r\n", raw)


def send_file(raw: bytes, *, host: str, port: int, mail_from: str | None, rcpt_tos: list[str],
              timeout: float = 30) -> tuple[int, str]:
    """Returns the server's final answer (code, text) to the first refused step or to DATA."""
    data = to_crlf(raw)
    if mail_from is None:
        headers = message_from_bytes(data, policy=policy.compat32)
        found = getaddresses(headers.get_all("From", []))
        mail_from = found[0][1] if found and "@" in found[0][1] else ""
    with smtplib.SMTP(host, port, timeout=timeout) as smtp:
        smtp.ehlo()
        code, text = smtp.mail(mail_from)
        if code != 250:
            return code, text.decode("utf-8", "replace")
        accepted = 0
        for rcpt in rcpt_tos:
            code, text = smtp.rcpt(rcpt)
            if code in (250, 251):
                accepted += 1
            last = (code, text)
        if not accepted:
            return last[0], last[1].decode("utf-8", "replace")
        code, text = smtp.data(data)
        return code, text.decode("utf-8", "replace")
