"""Is this a hand-off, of which kind, and who is the referrer, the person in need and the contact?

Reads the segments (the writer's words, then each forwarded or quoted message) in order and
stops at the first sentence that a PHRASES row matches with a plausible referrer. The segment's
author and recipients give the people: in "X said I should contact you", the author is the PIN and
the recipient the contact; in an introduction, the author is the referrer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from inbound.analysis.addresses import Person, name_from_email
from inbound.analysis.forwards import Segment
from inbound.analysis.phrases import NAME, NOT_A_NAME, ORG_WORDS, PHRASES, SUBJECT_HINTS, VAGUE, Phrase
from inbound.analysis.sentences import find_person, name_matches, sentences

_VAGUE_RE = re.compile(VAGUE + r"$")
_NAME_RE = re.compile(NAME)
_PRONOUN_RE = re.compile(r"^(?:[Hh]e|[Ss]he|[Tt]hey)$")
# Words that say the PIN wants something: used to tell which of two people is being helped.
GOAL_WORDS = re.compile(r"(?i)\b(?:looking for|looking to|seeking|searching for|hoping to|exploring|interested in|"
                        r"wants to|would like to|'d like to|keen to|job search|moving (?:into|to)|graduat|"
                        r"transition(?:ing)? (?:into|to)|open to)\b")


@dataclass
class Handoff:
    kind: str = "none"
    phrase: str | None = None
    evidence: str | None = None
    segment: Segment | None = None
    referrer_name: str | None = None
    referrer_vague: bool = False
    referrer: Person | None = None
    pin: Person | None = None
    contact: Person | None = None
    pin_note: str | None = None  # an unnamed PIN ("my cousin")
    writer_is_referrer: bool = False
    text: str = ""  # the words of the hand-off segment(s), for the flags
    extra: dict = field(default_factory=dict)


def _clean_ref(ref: str) -> str | None:
    """Drop leading sentence words ("Yesterday John Smith" -> "John Smith"); None if no name is left."""
    ref = re.sub(r"(?:'s|’s) office$", "", ref.strip())
    ref = re.sub(r"^(?i:the )?office of ", "", ref)
    ref = ref.split(" and ")[0]  # "Mandy Curless and Gary Buck": the first one answers for both
    words = ref.split()
    while words and words[0].lower().strip(".,") in NOT_A_NAME:
        words = words[1:]
    shouted = len(words) == 1 and words[0].isupper() and len(words[0]) > 1
    if not words or any(w.lower().strip(".,") in ORG_WORDS for w in words) or shouted:
        return None
    return " ".join(words)


def _antecedent(before: str, exclude: list[Person]) -> str | None:
    """The person a "he/she" most likely refers to: the last name written before it."""
    names = []
    for m in _NAME_RE.finditer(before[-600:]):
        n = _clean_ref(m.group(0))
        if not n or any(name_matches(n, p) for p in exclude):
            continue
        if len(n.split()) == 1 and n.lower() in NOT_A_NAME:
            continue
        names.append(n)
    return names[-1] if names else None


def _is_assistant(p: Person, is_baton) -> bool:
    return bool(p.email and is_baton(p.email))


def _match(phrase: Phrase, sentence: str, before: str, seg: Segment) -> tuple[str | None, bool] | None:
    """(referrer name, vague) for a match of `phrase` in `sentence`, or None if it is not a hand-off."""
    m = phrase.search(sentence)
    if not m:
        return None
    if phrase.writer_is_referrer:
        pin = m.groupdict().get("pin")
        if pin is not None:
            pin = _clean_ref(pin)
            if not pin or pin.split()[0].lower() in NOT_A_NAME:
                return None
        return (pin, False)
    ref = m.group("ref")
    if _VAGUE_RE.match(ref):
        return (None, True)
    if _PRONOUN_RE.match(ref):
        name = _antecedent(before + " " + sentence[: m.start()], seg.author + seg.to + seg.cc)
        return (name, name is None)
    name = _clean_ref(ref)
    if not name:
        return None
    if len(name.split()) == 1 and name.lower() in NOT_A_NAME:
        return None
    if any(name_matches(name, p) for p in seg.author):  # the writer citing themselves is no referral
        return None
    return (name, False)


def detect(segments: list[Segment], subject: str) -> Handoff:
    """The first hand-off phrase in reading order, with who is who."""
    for seg in segments:
        before = ""
        for sentence in [subject] * (seg is segments[0] and bool(subject)) + sentences(seg.text):
            for phrase in PHRASES:
                got = _match(phrase, sentence, before, seg)
                if got is None:
                    continue
                name, vague = got
                h = Handoff(kind=phrase.kind, phrase=phrase.name, evidence=sentence, segment=seg,
                            writer_is_referrer=phrase.writer_is_referrer)
                if phrase.writer_is_referrer:
                    h.extra["pin_name"] = name
                else:
                    h.referrer_name, h.referrer_vague = name, vague
                return h
            before += " " + sentence
    for kind, pattern in SUBJECT_HINTS:
        if pattern.search(subject or ""):
            return Handoff(kind=kind, phrase="subject", evidence=subject, segment=segments[0] if segments else None,
                           writer_is_referrer=True)
    return Handoff()


def expand_name(name: str, everyone: list[Person], text: str) -> str:
    """A first name ("Greg") to the full name the message writes elsewhere ("Greg Curran")."""
    if len(name.split()) != 1:
        return name
    for p in everyone:
        if p.name and len(p.name.split()) >= 2 and name_matches(name, p) and p.name.split()[0].lower() == name.lower():
            return p.name
    for m in _NAME_RE.finditer(text[:50_000]):
        words = (_clean_ref(m.group(0)) or "").split()
        if len(words) >= 2 and words[0] == name and not any(w.lower() in NOT_A_NAME for w in words[1:]):
            return " ".join(words)
    return name


def _described_pin(text: str, people: list[Person]) -> Person | None:
    """Of several people, the one the text says is looking for something ("Zara ... is now looking
    for a VP Marketing role"); a name used as a salutation ("Irene - ...") is not the subject."""
    for s in sentences(text):
        if not GOAL_WORDS.search(s):
            continue
        for m in _NAME_RE.finditer(s):
            n = _clean_ref(m.group(0))
            if not n or re.match(r"\s*[-–:,]\s", s[m.end():]):
                continue
            tail = s[m.end():m.end() + 100]
            g = GOAL_WORDS.search(tail)
            if not g or re.search(r"[;:]", tail[:g.start()]):
                continue
            for p in people:
                if name_matches(n.split()[0], p) or name_matches(n, p):
                    return p
    return None


def assign_roles(h: Handoff, segments: list[Segment], everyone: list[Person], is_baton) -> Handoff:
    """Fill referrer, pin and contact from the phrase and the segment's headers."""
    seg = h.segment
    if h.kind == "none" or seg is None:
        return h
    idx = segments.index(seg)
    h.text = "\n\n".join(s.text for s in segments[idx:]) + "\n\n" + "\n\n".join(s.text for s in segments[:idx])
    author = next((p for p in seg.author if not _is_assistant(p, is_baton)), None)
    if author and not author.name:
        author = Person(name_from_email(author.email), author.email)
    recipients = [p for p in seg.to + seg.cc if not _is_assistant(p, is_baton)]
    to_first = [p for p in seg.to if not _is_assistant(p, is_baton)]
    if not h.writer_is_referrer:
        h.pin = author
        h.contact = next(iter(to_first or recipients), None)
        if h.referrer_name:
            full = expand_name(h.referrer_name, everyone, (seg.subject or "") + "\n" + h.text)
            found = find_person(full, everyone)
            h.referrer = Person(found.name or full, found.email) if found else Person(full, None)
        return h
    h.referrer = author
    others = [p for p in recipients if not (author and p.email and p.email == author.email)]
    # People named in the body with an address ("Carla Diaz (carla@x)") may be the other party.
    body_people = [p for p in everyone if p.email and not is_baton(p.email) and p not in others
                   and not (author and (p.email == author.email or name_matches(p.name, author)))]
    pin_name = h.extra.get("pin_name")
    pin = find_person(pin_name, others + body_people) if pin_name else None
    if h.phrase not in ("relative_looking", "help_my_relative"):
        pin = _described_pin(h.text, others + body_people) or pin
    if pin is None and pin_name:
        pin = Person(pin_name, None)
    if pin is None and h.phrase in ("relative_looking", "help_my_relative"):
        m = re.search(r"(?i)\bmy ([\w' ]{2,30}?)(?: is| has|\b)", h.evidence or "")
        h.pin_note = m.group(1) if m else None
        pin = Person(f"{author.name}'s {h.pin_note}" if author and author.name and h.pin_note else None, None)
    h.pin = pin
    candidates = [p for p in others + body_people if not (pin and (p == pin or (p.email and p.email == pin.email)))]
    if pin and pin.email:
        candidates = [p for p in candidates if not name_matches(pin.name, p)]
    h.contact = candidates[0] if candidates else None
    return h
