"""The Analysis of one message (README, "The analysis contract"): parse, forwards, machine check,
hand-off, people, flags. Pure: bytes in, a model.Analysis out; never raises."""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from inbound.analysis import autoreply, forwards, handoff, participants
from inbound.analysis import flags as flags_mod
from inbound.analysis.addresses import Person
from inbound.analysis.parse import ParsedMail, parse_bytes
from model import Analysis, Kind
from model import Person as ModelPerson

log = logging.getLogger("baton.inbound.analysis")

_FWD_SUBJECT = re.compile(r"(?i)^\s*(?:re:\s*)*(?:fwd?|fw|wg|tr|rv|vs|doorst)\s*:")


def baton_matcher(assistant: str, domains: list[str]) -> Callable[[str], bool]:
    """True for Baton's own address and its sub-addresses (intro+KEY@domain) on any of its domains."""
    local, _, own_domain = assistant.lower().rpartition("@")
    doms = {d.lower() for d in domains} | {own_domain}

    def is_baton(addr: str) -> bool:
        a_local, _, a_domain = addr.lower().rpartition("@")
        return a_domain in doms and (a_local == local or a_local.startswith(local + "+"))

    return is_baton


def _segments(m: ParsedMail) -> list[forwards.Segment]:
    top = forwards.Segment(text="", author=m.from_ or m.sender, to=m.to, cc=m.cc, subject=m.subject)
    segs = forwards.split(m.text, top=top)
    for inner in m.embedded:  # forward as attachment (message/rfc822)
        head = forwards.Segment(text="", source="attached", marker="message/rfc822", author=inner.from_,
                                to=inner.to, cc=inner.cc, subject=inner.subject, depth=1)
        segs.extend(forwards.split(inner.text, depth=1, top=head))
        for deeper in inner.embedded:
            head = forwards.Segment(text="", source="attached", marker="message/rfc822", author=deeper.from_,
                                    to=deeper.to, cc=deeper.cc, subject=deeper.subject, depth=2)
            segs.extend(forwards.split(deeper.text, depth=2, top=head))
    return segs[: forwards.MAX_SEGMENTS]


def _person(p: Person | None) -> ModelPerson | None:
    return None if p is None else ModelPerson(p.name, p.email)


def analyze_parsed(m: ParsedMail, *, assistant: str, domains: list[str], raw: bytes) -> Analysis:
    is_baton = baton_matcher(assistant, domains)
    segs = _segments(m)
    forwarded = bool(m.embedded) or forwards.is_forward_marker_html(m.html) or any(
        s.source == "forwarded" and (s.marker != "original_message" or _FWD_SUBJECT.match(m.subject or ""))
        for s in segs)
    machine = autoreply.auto_generated(m, is_baton)
    found = participants.collect(m, segs)
    everyone = [p for p, _ in found]
    h = handoff.Handoff()
    if machine is None:
        h = handoff.assign_roles(handoff.detect(segs, m.subject), segs, everyone, is_baton)
    # The contact is asked first unless they are being written to directly (a recipient of the hand-off).
    contact_is_recipient = bool(h.contact and h.segment and any(
        (h.contact.email and p.email == h.contact.email) or (h.contact.name and p.name == h.contact.name)
        for p in h.segment.to + h.segment.cc))
    flag_list = flags_mod.flags(h, m.attachments, contact_is_recipient=contact_is_recipient)
    sender = next((p.email for p in m.from_ + m.sender if p.email and not is_baton(p.email)), None)
    reply_to = None
    if machine is None:
        reply_to = (h.referrer.email if h.referrer and h.referrer.email else None) or sender
    roles = {"referrer": h.referrer, "pin": h.pin, "contact": h.contact}
    return _only_real_addresses(m, raw, Analysis(
        message_id=m.message_id,
        subject=m.subject,
        kind=Kind(h.kind),
        forwarded=forwarded,
        auto_generated=machine is not None,
        participants=tuple(participants.with_roles(found, roles, is_baton)),
        referrer=_person(h.referrer),
        pin=_person(h.pin),
        contact=_person(h.contact),
        flags=tuple(flag_list),
        reply_to=reply_to,
        auto_generated_reason=machine,
        evidence=h.evidence[:300] if h.evidence else None,
        defects=tuple(m.defects[:30]),
    ))


def _haystack(m: ParsedMail) -> str:
    # Decoded bodies (base64, quoted-printable) but not decoded headers: an address is never an
    # encoded word, and a decoder that drops a NUL is how fragments got glued into one.
    parts = [m.text, m.html] + [_haystack(inner) for inner in m.embedded]
    return "\n".join(p for p in parts if p).lower()


def _only_real_addresses(m: ParsedMail, raw: bytes, a: Analysis) -> Analysis:
    """An address is never invented: one that the message does not literally carry (a parser
    gluing fragments together around a NUL, say) is dropped, and never written to."""
    seen = raw.decode("utf-8", "replace").lower() + "\n" + _haystack(m)

    def real(addr: str | None) -> bool:
        return addr is None or addr.lower() in seen

    changes: dict = {}
    defects = list(a.defects)
    for role in ("referrer", "pin", "contact"):
        person = getattr(a, role)
        if person and not real(person.email):
            changes[role] = replace(person, email=None)
            defects.append(f"dropped an address for {role} not found in the message")
    changes["participants"] = tuple(p for p in a.participants if real(p.email))
    if not real(a.reply_to):
        changes["reply_to"] = None
    return replace(a, defects=tuple(defects), **changes)


def _empty(error: str) -> Analysis:
    return Analysis(defects=(error,))


def analyze_bytes(raw: bytes, *, assistant: str, domains: list[str]) -> Analysis:
    """The Analysis of a raw message. Never raises: a failure becomes a `defects` entry."""
    return parse_and_analyze(raw, assistant=assistant, domains=domains)[1]


def parse_and_analyze(raw: bytes, *, assistant: str, domains: list[str]) -> tuple[ParsedMail, Analysis]:
    """The parsed message and its Analysis, parsing once (the worker needs both). Never raises."""
    m = parse_bytes(raw)  # never raises: what it cannot read is a defect
    try:
        return m, analyze_parsed(m, assistant=assistant, domains=domains, raw=raw)
    except Exception as e:  # a rule bug must not lose a message; log the type, never the content
        log.exception("analysis failed: %s", type(e).__name__)
        return m, _empty(f"analysis failed: {type(e).__name__}")


def analyze_file(path: str | Path, *, assistant: str, domains: list[str]) -> dict:
    """analyze_bytes on a file, plus `file`; an unreadable file gives {"file", "error"}."""
    try:
        raw = Path(path).read_bytes()
    except Exception as e:
        return {"file": str(path), "error": f"{type(e).__name__}: {e.strerror if isinstance(e, OSError) else e}"}
    return {"file": str(path), **analyze_bytes(raw, assistant=assistant, domains=domains).to_json()}


HANDOFF_TEXT_LIMIT = 6000


def handoff_text(m: ParsedMail) -> str:
    """The words the optional LLM may see: the hand-off's own text (in a forward, the forwarded
    message), never quoted history or attachments. Empty when there is no hand-off."""
    try:
        segs = _segments(m)
        h = handoff.detect(segs, m.subject)
    except Exception as e:
        log.warning("handoff_text failed: %s", type(e).__name__)
        return ""
    text = h.text or (h.segment.text if h.segment else "")
    return text.strip()[:HANDOFF_TEXT_LIMIT]
