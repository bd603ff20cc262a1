"""Delivery reports: which recipient a bounce is about, what happened, and how final it is.

Behind a relay, mail that cannot be delivered comes back later as a report to the envelope
sender, not as a 5xx at send time. Baton's envelope sender is `intro+bounce-KEY@domain`, one
recipient per transaction (VERP), so the KEY alone names the outbox row; this module reads the
rest. Pure: bytes in, values out, never raises.

Read in this order, first that holds:
- RFC 3464 `message/delivery-status` (or RFC 6533 `message/global-delivery-status`) parts, wherever
  they sit in the tree: one per-recipient block each (Final-Recipient, Action, Status,
  Diagnostic-Code). Status may be missing or carry a comment ("5.0.0 (disk quota)"); the
  Diagnostic-Code's enhanced or basic SMTP code stands in for it.
- Non-standard bounces (Gmail's and Exim's `X-Failed-Recipients`, old sendmail and MailSite
  text, qmail-like "Delivery failed" notes): only when the message looks like a bounce (the
  SIGNS table), the recipients are read from X-Failed-Recipients or the notification text, and
  the status from the first enhanced status code there or, failing that, the PHRASES table.
"""
from __future__ import annotations

import email
import re
from dataclasses import dataclass
from email import policy
from email.message import Message

MAX_BYTES = 2 * 1024 * 1024  # a DSN's report sits near the top; the returned message may be large
MAX_PARTS = 50
MAX_TEXT = 20_000  # characters of notification text read for non-standard bounces
MAX_RECIPIENTS = 50

# RFC 3463 2: class.subject.detail; class 2 success, 4 persistent transient, 5 permanent.
_ENHANCED = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_BASIC = re.compile(r"(?<!\d)([245])\d\d(?=[ -])")  # "550 ", "550-" as in "said: 550-5.1.1"
# Each pattern below that starts with a run of a class may start only where the run does (the look-
# behind): tried at every point of a long run, it costs the square of the run (tests/test_linear_patterns.py).
_ADDRESS = re.compile(r"(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.A)
_DSN_TYPES = ("message/delivery-status", "message/global-delivery-status")
_OTHER_REPORTS = ("message/disposition-notification", "message/feedback-report")
_ACTIONS = ("failed", "delayed", "delivered", "relayed", "expanded")  # RFC 3464 2.3.3

# Signs that a message without an RFC 3464 part is a bounce (and not, say, an auto-reply sent to
# the envelope sender): each row says whose bounces carry it.
SIGNS: tuple[tuple[str, re.Pattern[str]], tuple[str, re.Pattern[str]]] = (
    # Postfix, sendmail, Exchange, qmail, Gmail subjects
    ("subject", re.compile(r"(?i)undeliver|delivery (?:status notification|failure|has failed|notification: "
                           r"delivery has failed)|returned mail|mail delivery failed|failure notice|"
                           r"non-?delivery|delivery failed|could not be delivered")),
    ("from", re.compile(r"(?i)mailer-daemon|postmaster|mail delivery")),  # every MTA's own bounces
)
# Words of non-standard bounces when no status code is given: permanent first.
PHRASES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("4.0.0", re.compile(r"(?i)this is a warning|will be retried|still being retried|will keep trying|"
                         r"delayed|temporar(?:y|ily)")),                                  # sendmail, Exchange
    ("5.0.0", re.compile(r"(?i)failed permanently|permanent(?:ly)? (?:error|failure|fatal)|does not exist|"
                         r"user unknown|unknown user|no such (?:user|mailbox)|address rejected|"
                         r"couldn't be found|not found|domain name not found")),         # Gmail, Exchange, qmail
)
# Where the notification ends and the returned message begins, in text bounces.
# Spaces and dashes before the words, as one run: "\s*-*\s*" would try every split of a long run.
_ORIGINAL = re.compile(r"(?im)^(?:[^\S\n]|-)*(?:original message|the original message|original message follows|"
                       r"undelivered message|below this line is a copy)")


@dataclass(frozen=True)
class RecipientReport:
    """What a report says about one recipient (RFC 3464 2.3)."""
    recipient: str | None  # Final-Recipient, lower case; None when the report names nobody
    original: str | None = None  # Original-Recipient, lower case
    action: str = "failed"  # failed | delayed | delivered | relayed | expanded
    status: str | None = None  # RFC 3463 "5.1.1"; None when the report gives none
    diagnostic: str = ""  # the remote server's words, one line (may name the address: never log it)

    @property
    def failed(self) -> bool:
        """The message will not be delivered to this recipient (not: "still trying")."""
        return self.action == "failed"

    @property
    def hard(self) -> bool:
        """A permanent failure of the address itself: nothing more should be sent there.

        RFC 3463 class 5, except X.2.2 "mailbox full", which 3.3 describes as useful for both
        permanent and persistent transient errors: a full mailbox is no reason never to write again.
        """
        if not self.failed or not self.status or not self.status.startswith("5."):
            return False
        return self.status.split(".", 1)[1] != "2.2"


@dataclass(frozen=True)
class Report:
    recipients: tuple[RecipientReport, ...]
    standard: bool  # RFC 3464 parts (True), or read from a non-standard bounce

    def about(self, address: str) -> RecipientReport | None:
        """The block about `address` (final or original recipient). With VERP the key already names
        the row, so a report about exactly one other recipient (the address forwarded to) or about
        nobody in particular is about it too."""
        address = address.strip().lower()
        for r in self.recipients:
            if address in (r.recipient, r.original):
                return r
        return self.recipients[0] if len(self.recipients) == 1 else None


def bounce_key(rcpt_tos: list[str], *, assistant: str, domains: list[str]) -> str | None:
    """The KEY of an envelope recipient `intro+bounce-KEY@domain`, or None."""
    local = re.escape(assistant.rpartition("@")[0])
    doms = "|".join(re.escape(d) for d in domains) or re.escape(assistant.rpartition("@")[2])
    address = re.compile(rf"^{local}\+bounce-([A-Za-z0-9]{{1,64}})@(?:{doms})$", re.I)
    for rcpt in rcpt_tos:
        hit = address.match(rcpt.strip().strip("<>"))
        if hit:
            return hit.group(1)
    return None


def read(raw: bytes) -> Report:
    """The delivery report in `raw`; no recipients when it is none."""
    try:
        msg = email.message_from_bytes(bytes(raw or b"")[:MAX_BYTES], policy=policy.compat32)
        parts = _parts(msg)
        blocks = [b for p in parts if p.get_content_type() in _DSN_TYPES for b in _blocks(p)]
        found = tuple(r for r in (_from_block(b) for b in blocks) if r is not None)
        if found:
            return Report(found[:MAX_RECIPIENTS], standard=True)
        return Report(_non_standard(msg, parts), standard=False)
    except Exception:  # a report that cannot be read reports nothing
        return Report((), standard=False)


# --- RFC 3464 -----------------------------------------------------------------------------------

def _parts(msg: Message) -> list[Message]:
    out: list[Message] = []
    for part in msg.walk():
        out.append(part)
        if len(out) >= MAX_PARTS:
            break
    return out


def _blocks(part: Message) -> list[dict[str, str]]:
    """The field blocks of a delivery-status part (RFC 3464 2.1: per-message, then per-recipient)."""
    payload = part.get_payload()
    if isinstance(payload, list):  # the stdlib parses message/delivery-status into blocks
        return [{k.lower(): _unfold(str(v)) for k, v in block.items()} for block in payload
                if isinstance(block, Message)]
    text = payload if isinstance(payload, str) else ""
    blocks: list[dict[str, str]] = []
    for chunk in re.split(r"\r?\n[ \t]*\r?\n", text):
        fields: dict[str, str] = {}
        name = None
        for line in chunk.splitlines():
            if line[:1] in (" ", "\t") and name:
                fields[name] += " " + line.strip()
            elif ":" in line:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                fields[name] = value.strip()
        blocks.append(fields)
    return blocks


def _unfold(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def _address(value: str | None) -> str | None:
    """"rfc822; <dana@example.com>" -> "dana@example.com" (RFC 3464 2.3.1: address-type; address)."""
    if not value:
        return None
    address = value.rpartition(";")[2].strip().strip("<>").strip().lower()
    return address if "@" in address else None


def _status(*texts: str | None) -> str | None:
    for text in texts:
        m = _ENHANCED.search(text or "")
        if m:
            return ".".join(m.groups())
    for text in texts:
        m = _BASIC.search(text or "")
        if m:
            return f"{m.group(1)}.0.0"
    return None


def _from_block(block: dict[str, str]) -> RecipientReport | None:
    final, original = _address(block.get("final-recipient")), _address(block.get("original-recipient"))
    action = (block.get("action") or "").strip().lower().split(" ")[0]
    diagnostic = _unfold(block.get("diagnostic-code") or "")[:300]
    if not (final or original) and not action:
        return None  # the per-message block, or text that is not a report
    status = _status(block.get("status"), diagnostic)
    if action not in _ACTIONS:  # RFC 3464 requires Action; when it is missing the status class decides
        action = {"5": "failed", "4": "delayed", "2": "delivered"}.get((status or "5")[0], "failed")
    return RecipientReport(final or original, original, action, status, diagnostic)


# --- non-standard bounces ------------------------------------------------------------------------

def _non_standard(msg: Message, parts: list[Message]) -> tuple[RecipientReport, ...]:
    if any(p.get_content_type() in _OTHER_REPORTS for p in parts) or (
            msg.get_content_type() == "multipart/report"
            and str(msg.get_param("report-type") or "delivery-status").lower() != "delivery-status"):
        return ()  # a read receipt (RFC 8098) or a complaint (RFC 5965) is no delivery failure
    failed_header = msg.get_all("X-Failed-Recipients") or []
    text = _notification(parts)
    status = _status(text)
    if status is None:
        status = next((code for code, pattern in PHRASES if pattern.search(text)), None)
        if status is None and failed_header:
            status = "5.0.0"  # Exim and Gmail write X-Failed-Recipients for permanent failures only
    subject_sign, from_sign = (pattern.search(str(msg.get(name) or "")) for name, pattern in SIGNS)
    # A postmaster may write like anyone else: from that address, only a report with a code counts.
    if not (failed_header or subject_sign or msg.get_content_type() == "multipart/report"
            or (from_sign and status)):
        return ()
    action = "delayed" if status and status.startswith("4.") and PHRASES[0][1].search(text) else "failed"
    own = {a.lower() for name in ("from", "to", "sender") for a in _ADDRESS.findall(str(msg.get(name) or ""))}
    named = [a.lower() for value in failed_header for a in _ADDRESS.findall(str(value))]
    if not named:
        named = [a.lower() for a in _ADDRESS.findall(text) if a.lower() not in own]
    recipients = list(dict.fromkeys(named))[:MAX_RECIPIENTS] or [None]
    diagnostic = _diagnostic_line(text)
    return tuple(RecipientReport(r, None, action, status, diagnostic) for r in recipients)


def _notification(parts: list[Message]) -> str:
    """The first text/plain part written by the reporting MTA, up to the returned message."""
    for part in parts:
        if part.get_content_type() != "text/plain" or part.get_filename():
            continue
        try:
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                continue
            text = payload.decode(part.get_content_charset() or "utf-8", "replace")
        except (LookupError, ValueError):
            continue
        text = text[:MAX_TEXT]
        cut = _ORIGINAL.search(text)
        return text[:cut.start()] if cut else text
    return ""


def _diagnostic_line(text: str) -> str:
    line = next((ln.strip() for ln in text.splitlines() if _ENHANCED.search(ln) or _BASIC.search(ln)), "")
    return _unfold(line)[:300]
