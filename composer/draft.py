"""A hand-off as Baton keeps it: who is who, what the message states, what it lacks.

Pure: an Analysis in, a frozen `Handoff` out. The intro stores it as JSON (`to_json`), and every
email about the intro is rendered from it and from the referrer's approved edits, never from
text baked when the draft was written. The rules decide what is missing (the analysis flags);
optional facts (from the LLM) may reword what the message does say, never fill a gap the rules
found.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from composer.cast import Cast, cast_from, first
from composer.cleaning import URL, clean
from composer.mirror import CODES, ORDER
from composer.request import NEEDED, OPTIONAL
from model import FACT_CLEARS, HEADER_SOURCES, Analysis, FactField, Flag, Kind, Person, Role

KINDS = (Kind.SAID_TO_CONTACT, Kind.DIRECT_INTRO, Kind.INTRO_REQUEST)
FACT_LIMIT = 300
# The PIN is asked, on their opt-in page, for what neither the message nor the referrer said.
PREP_ORDER = (FactField.GOAL, FactField.TARGETS, FactField.ASK, FactField.TIMELINE, FactField.REQUIREMENTS,
              FactField.RESUME)


@dataclass(frozen=True)
class Handoff:
    kind: Kind
    reader: Role  # whoever the draft is written to: referrer, pin, contact or other
    subject: str
    message_id: str | None
    referrer: Person
    pin: Person
    contact: Person
    facts: Mapping[str, str] = field(default_factory=dict)  # FactField value -> words, only what is known
    flags: tuple[Flag, ...] = ()  # missing things, most important first
    assumptions: tuple[str, ...] = ()  # what the analysis guessed (see `assumption_lines`)
    attachment: str | None = None  # the file name of a resume attached to the hand-off
    covered: tuple[FactField, ...] = ()  # facts stated inside another fact's words (kept there, once)
    language: str = "en"
    reader_name: str | None = None
    in_headers: tuple[str, ...] = ()  # addresses in the message's own From/To/Cc (lower case)

    @property
    def cast(self) -> Cast:
        return Cast(self.referrer, self.pin, self.contact, self.reader, "", reader_name=self.reader_name)

    @property
    def greeting_name(self) -> str | None:
        return first(self.cast.reader_person) if self.reader is not Role.OTHER else (
            first(Person(self.reader_name)) if self.reader_name else None)

    def addressable(self, person: Person) -> bool:
        """Baton may write to this person without the referrer confirming the address."""
        return bool(person.email) and (person.email or "").lower() in self.in_headers

    @property
    def prep(self) -> tuple[FactField, ...]:
        """What the PIN will be asked, because nobody has said it yet."""
        return tuple(f for f in PREP_ORDER if not self.facts.get(f.value) and f not in self.covered
                     and not (f is FactField.RESUME and self.attachment))

    def to_json(self) -> dict[str, Any]:
        return {"version": 2, "kind": self.kind.value, "reader": self.reader.value,
                "subject": self.subject, "message_id": self.message_id,
                **{r.value: {"name": p.name, "email": p.email} for r, p in
                   ((Role.REFERRER, self.referrer), (Role.PIN, self.pin), (Role.CONTACT, self.contact))},
                "facts": dict(self.facts), "flags": [f.value for f in self.flags],
                "assumptions": list(self.assumptions), "attachment": self.attachment, "language": self.language,
                "reader_name": self.reader_name, "in_headers": list(self.in_headers),
                "covered": [f.value for f in self.covered]}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Handoff:
        """The one way a stored draft is read back (the intro's `draft` JSON)."""
        def person(role: Role) -> Person:
            p = d.get(role.value) or {}
            return Person(p.get("name"), p.get("email"))
        reader = d.get("reader", "other")
        return cls(kind=Kind(d["kind"]), reader=Role(reader) if reader in set(Role) else Role.OTHER,
                   subject=d.get("subject", ""), message_id=d.get("message_id"), referrer=person(Role.REFERRER),
                   pin=person(Role.PIN), contact=person(Role.CONTACT), facts=dict(d.get("facts") or {}),
                   flags=tuple(Flag(f) for f in d.get("flags") or () if f in set(Flag)),  # unknown: skipped
                   assumptions=tuple(d.get("assumptions") or ()), attachment=d.get("attachment"),
                   language=d.get("language") or "en", reader_name=d.get("reader_name"),
                   in_headers=tuple(d.get("in_headers") or ()),
                   covered=tuple(FactField(f) for f in d.get("covered") or () if f in set(FactField)))


@dataclass(frozen=True)
class AboutNote:
    """The short "what Baton does" reply for mail that is not a hand-off."""
    message_id: str | None
    subject: str
    greeting: str | None
    language: str = "en"


def build_draft(analysis: Analysis, better: Mapping[str, str | None] | None = None) -> Handoff | AboutNote | None:
    """The hand-off in `analysis`; an AboutNote when it is none; None when Baton must not answer.
    `better` (the LLM's words) may say a fact better, or one the rules neither found nor missed; it
    cannot fill a gap the rules flagged."""
    if analysis.auto_generated or not analysis.reply_to:
        return None  # never answer a machine, and never guess a recipient
    cast = cast_from(analysis)
    subject = clean(analysis.subject, 300) or ""
    if analysis.kind not in KINDS:
        return AboutNote(message_id=analysis.message_id, subject=subject, greeting=first(cast.reader_person),
                         language=analysis.language or "en")
    codes = {f.code for f in analysis.flags} & CODES
    facts: dict[str, str] = {}
    attachment = None
    for f in FactField:
        fact = analysis.facts.get(f)
        if fact is not None and f is FactField.RESUME and fact.evidence.startswith("attachment:"):
            attachment = clean(fact.value, 200)
            continue
        value = clean(fact.value, FACT_LIMIT) if fact else None
        # Better words for a fact (the LLM's) count only where the rules did not find it missing.
        gap = f in FACT_CLEARS and FACT_CLEARS[f] in codes
        wording = None if gap else clean((better or {}).get(f.value), FACT_LIMIT)
        value = wording or value
        if f is FactField.RESUME and value and not URL.fullmatch(value):
            continue  # a resume is a link or an attachment; anything else is a guess
        if value:
            facts[f.value] = value
    facts, covered = _once(facts)
    in_headers = tuple(sorted({p.email.lower() for p in analysis.participants
                               if p.email and p.source in HEADER_SOURCES and p.role is not Role.ASSISTANT}))
    return Handoff(kind=analysis.kind, reader=cast.reader, subject=subject, message_id=analysis.message_id,
                   referrer=cast.referrer, pin=cast.pin, contact=cast.contact, facts=facts,
                   flags=_shown(codes), assumptions=tuple(analysis.assumptions),
                   attachment=attachment, language=analysis.language or "en", reader_name=cast.reader_name,
                   in_headers=in_headers, covered=covered)


def _once(facts: Mapping[str, str]) -> tuple[dict[str, str], tuple[FactField, ...]]:
    """Each fact's words once, in the request's order: one sentence can state the goal, the
    targets and the salary; it is kept under the first of them, and the others are covered."""
    kept: dict[str, str] = {}
    covered = []
    for f in NEEDED + OPTIONAL:
        value = facts.get(f.value)
        if not value:
            continue
        if any(value in other for other in kept.values()):
            covered.append(f)
        else:
            kept[f.value] = value
    return kept, tuple(covered)


__all__ = ["AboutNote", "Handoff", "Person", "build_draft"]


def _shown(codes: set[Flag] | frozenset[Flag]) -> tuple[Flag, ...]:
    """The flags a draft explains, in reading order. An unnamed referrer is also unreachable
    (the analysis says both), but "add them to the thread" cannot be done for nobody in
    particular: "find out who" says the one thing to do."""
    return tuple(c for c in ORDER if c in codes
                 and not (c is Flag.REFERRER_UNREACHABLE and Flag.UNKNOWN_REFERRER in codes))
