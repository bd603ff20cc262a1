"""Shared helpers for the analysis tests: the project's own fixtures and one analyze call."""
from __future__ import annotations

from pathlib import Path

from inbound.analysis.analyze import analyze_bytes

MAIL = Path(__file__).parent / "fixtures" / "mail"
ASSISTANT = "intro@baton.example"
DOMAINS = ["baton.example"]


def analyze(raw: bytes | str) -> dict:
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    return analyze_bytes(raw, assistant=ASSISTANT, domains=DOMAINS).to_json()


def fixture(name: str) -> dict:
    return analyze((MAIL / name).read_bytes())


def message(body: str, *, frm: str = "Ahmed Hassan <ahmed@mail.example>", to: str = "Owen Price <owen@price.example>",
            cc: str = "intro@baton.example", subject: str = "hello", extra: str = "") -> bytes:
    return (f"From: {frm}\nTo: {to}\nCc: {cc}\nSubject: {subject}\nMessage-ID: <t@mail.example>\n{extra}"
            f"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n{body}\n").encode()
