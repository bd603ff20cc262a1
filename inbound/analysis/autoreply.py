"""Did a machine write this? Bounces, DSNs, feedback reports, auto-replies, lists and Baton's own mail.

Baton never answers a machine: an answer could start a mail loop. Each signal is one row with the
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


# A robot's address: the whole local part, or one of its dot/dash-separated words ("alerts-noreply@",
# "notifications-noreply@", "no.reply@").
_NULL_OR_ROBOT = re.compile(r"^(?:[\w.+-]*[._+-])?(?:mailer-daemon|postmaster|no-?reply|do-?not-?reply|donotreply|"
                            r"bounces?|auto-?reply|autoresponder|notifications?|notify|alerts?|daemon)(?:[._+\-=][^@]*)?@",
                            re.I)
# Sender: names the service a person sent through ("calendar-notification@"): only a robot's own address counts.
_ROBOT_SENDER = re.compile(r"^(?:mailer-daemon|postmaster|no-?reply|do-?not-?reply|donotreply|bounces?)(?:[+\-=][^@]*)?@",
                           re.I)
# "Out of Office", "Automatic reply", "AutoReply" and their translations, as mail clients write them.
AUTO_SUBJECT = re.compile(
    r"(?i)^(?:\[[^\]]{1,40}\]\s*)?(?:(?:re|aw|fw|sv|tr|rv):\s*)?(?:\[[^\]]{1,40}\]\s*)?"
    r"(?:out of (?:the )?office|automatic reply|auto(?:matic)?[\s\-]?(?:reply|response)|away (?:until|from|till|through)|"
    r"abwesend|abwesenheit|nicht im büro|aus(?:ê|e)ncia|ausente|absent(?:e)? (?:du|jusqu)|fuera de (?:la )?oficina|"
    r"fuori sede|niet aanwezig|"
    r"auto:|abwesenheits(?:notiz|meldung)|automatische antwort|r[ée]ponse automatique|absence du bureau|"
    r"respuesta autom[áa]tica|fuera de la oficina|risposta automatica|fuori ufficio|automatisch antwoord|"
    r"afwezig|resposta autom[áa]tica|vacation(?: reply| message)?:|on vacation|undeliverable|undelivered mail|"
    r"delivery status notification|mail delivery (?:failed|failure|system)|returned mail|delivery failure|"
    r"failure notice|nondeliverable|non-delivery|read:|gelesen:|lu :|message delivered|delivery notification)")
# Hand-written absence notices (Enron-era Exchange kept no header to say so).
AUTO_BODY = re.compile(
    r"(?i)\b(?:I(?:'m| am| will be|'ll be) (?:currently )?(?:out of (?:the )?office|away from (?:the|my) "
    r"(?:office|desk)|on (?:vacation|holiday|leave|annual leave|maternity leave|parental leave|sabbatical)|away|travel+ing)|"
    r"this is an automat(?:ed|ic) (?:reply|response|message)|"
    r"(?:ich )?bin (?:bis|vom) [^.]{1,40}(?:nicht im (?:Büro|Haus)|abwesend|im Urlaub)|nicht im Büro|"
    r"(?:je suis|je serai) absente?|absente? du bureau|"
    r"(?:estoy|estaré) (?:fuera|de vacaciones|ausente)|fuera de la oficina|"
    r"(?:estou|encontro-me|estarei) (?:ausente|de férias|fora do escritório)|ausente do escritório|"
    r"(?:ik ben|ben ik) (?:afwezig|met vakantie|niet aanwezig)|"
    r"(?:sono|sarò) (?:fuori ufficio|in ferie|assente))")
# An absence notice says when its writer is back.
_BACK = re.compile(r"(?i)\b(?:until|till|through|back on|return(?:ing)? on|when I'?m back|bis|ab \w+|wieder|jusqu'|"
                   r"de retour|hasta|de vuelta|até|regresso|tot en met|terug|fino al|rientro|dal \d)")

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
    ("list", lambda m: bool(m.header("list-id") or m.header("list-unsubscribe") or m.header("list-post")
                            or m.header("mailing-list") or m.header("x-mailing-list") or m.header("list-help"))),
    # DSNs and feedback reports are multipart/report (RFC 6522; RFC 3464 DSN; RFC 5965 ARF)
    ("report", lambda m: m.content_type == "multipart/report"
     or any(a.content_type in ("message/delivery-status", "message/feedback-report", "message/disposition-notification")
            for a in m.attachments)),
    # Empty reverse-path (RFC 5321 §4.5.5) as recorded by the receiving MTA
    ("null-sender", lambda m: _h(m, "return-path") in ("<>", "")
     and m.header("return-path") is not None),
    # A mailer-daemon, postmaster or no-reply sender
    ("robot-sender", lambda m: any(p.email and _NULL_OR_ROBOT.match(p.email) for p in m.from_)
     or any(p.email and _ROBOT_SENDER.match(p.email) for p in m.sender)
     or bool(re.search(r"(?i)mailer-daemon|postmaster", (m.header("from") or "")))),
    # Mail written by a Baton (this one or another instance): answering it would start a loop
    ("baton-loop", lambda m: m.header(LOOP_HEADER) is not None),
    # "Out of Office", "Automatic reply", "AutoReply" subjects, in the common languages
    ("auto-subject", lambda m: bool(AUTO_SUBJECT.search(m.subject or ""))),
    # An absence notice without any header (old Exchange, hand-written vacation rules)
    # Its opening lines say so and when the writer is back; a hand-off that mentions a vacation
    # further down ("I'll be on vacation next week") is not an absence notice.
    ("absence-body", lambda m: _absence(m.text or "")),
)


def _absence(text: str) -> bool:
    opening = text.strip()[:400]
    found = AUTO_BODY.search(opening)
    if found is None or len(text) >= 1500:
        return False
    return bool(_BACK.search(opening[found.start():found.end() + 200]))


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
