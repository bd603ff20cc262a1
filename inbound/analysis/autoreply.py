"""Did a machine write this? Bounces, DSNs, feedback reports, auto-replies, lists and Baton's own mail.

Baton never answers a machine (DESIGN: "Never answer a machine"). Each signal is one row with the
standard or client it comes from; the first that holds is the reason.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from inbound.analysis.parse import ParsedMail

# The header every message Baton writes carries (composer/render.py sets it; inbound must not
# import composer, so the name is repeated here and a test checks the two agree).
LOOP_HEADER = "X-Baton-Loop"

Rule = tuple[str, Callable[[ParsedMail], bool]]


def _h(m: ParsedMail, name: str) -> str:
    return (m.header(name) or "").strip().lower()


_NULL_OR_ROBOT = re.compile(r"^(?:mailer-daemon|postmaster|no-?reply|do-?not-?reply|donotreply|bounces?|"
                            r"noreply-[\w.-]+|auto-?reply|autoresponder|notifications?)(?:[+\-=][^@]*)?@", re.I)
# "Out of Office", "Automatic reply", "AutoReply" and their translations, as mail clients write them.
AUTO_SUBJECT = re.compile(
    r"(?i)^(?:(?:re|aw|fw):\s*)?(?:out of (?:the )?office|automatic reply|auto(?:matic)?[\s\-]?(?:reply|response)|"
    r"auto:|abwesenheits(?:notiz|meldung)|automatische antwort|r[ée]ponse automatique|absence du bureau|"
    r"respuesta autom[áa]tica|fuera de la oficina|risposta automatica|fuori ufficio|automatisch antwoord|"
    r"afwezig|resposta autom[áa]tica|vacation(?: reply| message)?:|on vacation|undeliverable|undelivered mail|"
    r"delivery status notification|mail delivery (?:failed|failure|system)|returned mail|delivery failure|"
    r"failure notice|nondeliverable|non-delivery|read:|gelesen:|lu :|message delivered|delivery notification)")
# Hand-written absence notices (Enron-era Exchange kept no header to say so).
AUTO_BODY = re.compile(r"(?i)\b(?:I (?:am|will be) (?:currently )?(?:out of (?:the )?office|away from (?:the|my) "
                       r"(?:office|desk)|on (?:vacation|holiday|leave|annual leave|maternity leave))|"
                       r"I am away|this is an automat(?:ed|ic) (?:reply|response|message))")

RULES: tuple[Rule, ...] = (
    # RFC 3834 §5: Auto-Submitted other than "no" means a machine wrote it
    ("auto-submitted", lambda m: bool(_h(m, "auto-submitted")) and not _h(m, "auto-submitted").startswith("no")),
    # Exchange / Outlook auto-responder headers (X-Auto-Response-Suppress alone does NOT count: it is a request)
    ("x-autoreply", lambda m: bool(m.header("x-autoreply") or m.header("x-autorespond")
                                   or m.header("x-autoreply-from") or _h(m, "x-ms-exchange-inbox-rules-loop")
                                   or _h(m, "x-ms-exchange-generated-message-source"))),
    # Precedence: bulk/junk/list/auto_reply (RFC 2076; de-facto for lists and vacation programs)
    ("precedence", lambda m: _h(m, "precedence") in ("bulk", "junk", "list", "auto_reply", "auto-reply")),
    # Mailing lists (RFC 2919 List-Id, RFC 2369 List-Unsubscribe)
    ("list", lambda m: bool(m.header("list-id") or m.header("list-unsubscribe"))),
    # DSNs and feedback reports are multipart/report (RFC 6522; RFC 3464 DSN; RFC 5965 ARF)
    ("report", lambda m: m.content_type == "multipart/report"
     or any(a.content_type in ("message/delivery-status", "message/feedback-report", "message/disposition-notification")
            for a in m.attachments)),
    # Empty reverse-path (RFC 5321 §4.5.5) as recorded by the receiving MTA
    ("null-sender", lambda m: _h(m, "return-path") in ("<>", "")
     and m.header("return-path") is not None),
    # A mailer-daemon, postmaster or no-reply sender
    ("robot-sender", lambda m: any(p.email and _NULL_OR_ROBOT.match(p.email) for p in m.from_ + m.sender)
     or bool(re.search(r"(?i)mailer-daemon|postmaster", (m.header("from") or "")))),
    # Mail written by a Baton (this one or another instance): answering it would start a loop
    ("baton-loop", lambda m: m.header(LOOP_HEADER) is not None),
    # "Out of Office", "Automatic reply", "AutoReply" subjects, in the common languages
    ("auto-subject", lambda m: bool(AUTO_SUBJECT.search(m.subject or ""))),
    # An absence notice without any header (old Exchange, hand-written vacation rules)
    ("absence-body", lambda m: bool(AUTO_BODY.search((m.text or "")[:600])) and len(m.text or "") < 1500),
)


def auto_generated(m: ParsedMail, is_baton: Callable[[str], bool]) -> str | None:
    """The reason this message was machine-written, or None when a person wrote it."""
    if any(p.email and is_baton(p.email) for p in m.from_ + m.sender):
        return "from-baton"  # our own mail coming back: a loop
    for name, test in RULES:
        try:
            if test(m):
                return name
        except Exception:  # a rule that cannot decide does not decide
            continue
    return None
