"""The double-opt-in draft Baton sends back for a hand-off, built from an Analysis.

Pure: an Analysis dict (see DESIGN.md) in, frozen values out. The rules decide what is
missing (the analysis flags); optional `Facts` (from the LLM, or a review form) supply the
words for what the message does say. A fact whose flag says it is missing is ignored, so
nothing can paper over a gap the rules found.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Literal

from composer import wording
from composer.cleaning import blanks, clean
from composer.mirror import MIRRORS, ORDER
from composer.people import Person, cast_from
from model import Analysis, Kind

Role = Literal["referrer", "pin", "contact", "other"]
KINDS = (Kind.SAID_TO_CONTACT, Kind.DIRECT_INTRO, Kind.INTRO_REQUEST)
EVIDENCE_LIMIT = 200


@dataclass(frozen=True)
class Facts:
    """What the hand-off says about the PIN, in words fit for the blurb. None = unknown."""
    relationship: str | None = None   # how the referrer knows the PIN
    goal: str | None = None           # the PIN's direction: role, level, field
    targets: str | None = None        # named roles or companies
    ask: str | None = None            # completes "would you be open to helping X with one thing: ..."
    why_contact: str | None = None    # why this contact, in one line
    timeline: str | None = None
    requirements: str | None = None   # salary, location, remote
    resume_url: str | None = None


# A fact is only taken when the rules did not flag it as missing.
FACT_FLAGS: Mapping[str, tuple[str, ...]] = {
    "relationship": ("no_relationship", "unknown_referrer"),
    "goal": ("no_goal",),
    "targets": ("no_goal", "no_specific_ask"),
    "ask": ("no_specific_ask",),
    "why_contact": (),
    "timeline": ("no_timeline",),
    "requirements": ("no_requirements",),
    "resume_url": ("no_resume",),
}


@dataclass(frozen=True)
class Missing:
    code: str
    title: str
    why: str
    fix: str
    evidence: str | None


@dataclass(frozen=True)
class Note:
    """A message ready for the reader to send from their own mailbox."""
    to: str          # who it is for, as the reader knows them ("Dana", "whoever suggested it")
    to_email: str | None
    subject: str
    body: str


@dataclass(frozen=True)
class Command:
    """A word the reader can reply with, and what Baton then does."""
    word: str
    effect: str


@dataclass(frozen=True)
class IntroDraft:
    kind: str
    message_id: str | None
    subject: str
    reader: Role
    greeting: str | None
    referrer: Person
    pin: Person
    contact: Person
    summary: str
    missing: tuple[Missing, ...]
    advice: tuple[str, ...]
    notes: tuple[Note, ...]
    blurb: wording.Blurb | None
    prep_heading: str
    prep: tuple[wording.PrepItem, ...]
    commands: tuple[Command, ...]
    facts: Facts

    @property
    def blanks(self) -> list[str]:
        texts = [n.body for n in self.notes] + [p.answer_text for p in self.prep]
        if self.blurb:
            texts[:0] = [self.blurb.subject, self.blurb.body]
        return blanks("\n".join(texts))


@dataclass(frozen=True)
class AboutNote:
    """The short "what Baton does" reply for mail that is not a hand-off."""
    message_id: str | None
    subject: str
    greeting: str | None


def build_draft(analysis: Analysis, facts: Facts | None = None) -> IntroDraft | AboutNote | None:
    """The reply's content for this Analysis; None when Baton must not answer at all."""
    if analysis.auto_generated or not analysis.reply_to:
        return None  # never answer a machine, and never guess a recipient
    cast = cast_from(analysis)
    subject = clean(analysis.subject, 300) or ""
    message_id = analysis.message_id
    kind = analysis.kind
    if kind not in KINDS:
        return AboutNote(message_id=message_id, subject=subject, greeting=cast.reader_person.first)

    codes = _flag_codes(analysis)
    facts = allowed_facts(facts or Facts(), codes)
    v = cast.voice(kind)
    ctx = wording.Context(kind=kind, cast=cast, voice=v, facts=facts, flags=frozenset(codes))
    return IntroDraft(
        kind=kind,
        message_id=message_id,
        subject=subject,
        reader=cast.reader,
        greeting=cast.reader_person.first,
        referrer=cast.referrer,
        pin=cast.pin,
        contact=cast.contact,
        summary=wording.summary(ctx),
        missing=_missing(analysis, kind, cast.reader, v),
        advice=wording.advice(ctx),
        notes=tuple(Note(**n) for n in wording.notes(ctx, subject)),
        blurb=None if kind == "direct_intro" else wording.blurb(ctx),
        prep_heading=wording.prep_heading(ctx),
        prep=wording.prep(ctx),
        commands=tuple(Command(w, e) for w, e in wording.commands(ctx)),
        facts=facts,
    )


def allowed_facts(facts: Facts, codes: set[str] | frozenset[str]) -> Facts:
    """Facts with each field cleaned, and dropped where the rules flagged it missing."""
    kept = {}
    for f in fields(Facts):
        value = clean(getattr(facts, f.name), 300)
        kept[f.name] = None if any(c in codes for c in FACT_FLAGS[f.name]) else value
    return replace(facts, **kept)


def _flag_codes(analysis: Analysis) -> set[str]:
    return {f.code.value for f in analysis.flags} & set(MIRRORS)


def _missing(analysis: Analysis, kind: str, reader: str, v: Mapping[str, str]) -> tuple[Missing, ...]:
    evidence: dict[str, str | None] = {}
    for f in analysis.flags:
        if f.code.value in MIRRORS:
            evidence.setdefault(f.code.value, clean(f.evidence, EVIDENCE_LIMIT))
    out = []
    for code in ORDER:
        if code not in evidence:
            continue
        m = MIRRORS[code]
        out.append(Missing(
            code=code,
            title=m.title,
            why=_sentence(m.why.format_map(v)),
            fix=_sentence(m.fix_text(kind, reader).format_map(v)),
            evidence=evidence[code],
        ))
    return tuple(out)


def _sentence(s: str) -> str:
    return s[:1].upper() + s[1:]


# Re-exported so callers need one import for every value of a draft.
Blurb = wording.Blurb
PrepItem = wording.PrepItem
__all__ = ["AboutNote", "Blurb", "Command", "Facts", "IntroDraft", "Missing", "Note", "Person",
           "PrepItem", "allowed_facts", "build_draft"]
