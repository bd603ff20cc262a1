"""The people of a message: everyone its headers, forwarded blocks and words name, merged, with
where each appears. Roles are chosen from this inventory (roles.py), never from a sentence alone.

Baton's own addresses (the assistant, its +KEY and +bounce- forms, postmaster@ on its domains)
are never people; neither is an organisation. An address is kept only as the message wrote it.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from inbound.analysis import mentions
from inbound.analysis.addresses import name_from_email
from inbound.analysis.forwards import Segment
from inbound.analysis.sentences import fold, name_matches, tokens
from model import Person

# Where a person was seen. The contract's `source` is the first of these that applies.
HEADER_TAGS = ("from", "to", "cc", "reply_to")
FORWARD_TAGS = ("forwarded_from", "forwarded_to", "forwarded_cc")


@dataclass
class Someone:
    name: str | None
    email: str | None
    tags: list[str] = field(default_factory=list)  # in the order seen: from, to, cc, greeting, body, ...

    @property
    def person(self) -> Person:
        return Person(self.name, self.email)

    @property
    def source(self) -> str:
        for tag in self.tags:
            if tag in HEADER_TAGS or tag in FORWARD_TAGS:
                return tag
        return "body"

    def seen(self, *tags: str) -> bool:
        return any(t in self.tags for t in tags)


def baton_matcher(assistant: str, domains: Iterable[str]) -> Callable[[str], bool]:
    """True for Baton's own address, its sub-addresses (intro+KEY@, intro+bounce-KEY@) and
    postmaster@ on any of its domains: Baton is never a person in a hand-off."""
    local, _, own_domain = assistant.lower().rpartition("@")
    doms = {d.lower() for d in domains} | {own_domain}

    def is_baton(addr: str) -> bool:
        a_local, _, a_domain = addr.lower().rpartition("@")
        return a_domain in doms and (a_local in (local, "postmaster") or a_local.startswith(local + "+"))

    return is_baton


class People:
    def __init__(self, is_baton: Callable[[str], bool], assistant_name: str = "Baton", text: str = "") -> None:
        self.is_baton = is_baton
        self._assistant_names = {assistant_name.lower(), "baton"}
        self.everyone: list[Someone] = []
        self.text = text[:50_000]  # the message's words, where a first name's surname may stand

    def add(self, person: Person, tag: str) -> Someone | None:
        """Merges `person` into the inventory (by address, else by name); None for Baton."""
        if person.email and self.is_baton(person.email):
            return None
        if not person.email and person.name and person.name.lower() in self._assistant_names:
            return None
        for s in self.everyone:
            same = bool(person.email and s.email == person.email) or bool(
                person.name and s.name and not (person.email and s.email) and name_matches(person.name, s.person))
            if same:
                if person.name and (not s.name or _fuller(person.name, s.name)):
                    s.name = person.name
                s.email = s.email or person.email
                if tag not in s.tags:
                    s.tags.append(tag)
                return s
        s = Someone(person.name or name_from_email(person.email), person.email, [tag])
        self.everyone.append(s)
        return s

    def names_baton(self, words: set[str]) -> bool:
        """Whether one of these lower-case words is a name Baton goes by ("baton", its configured name)."""
        return bool(words & self._assistant_names)

    def find(self, name: str | None) -> Someone | None:
        """The person a name written in a sentence names: one with an address first, then the
        fullest name. "Dr. Mehta", "Raj" and "Raj Mehta" all find Raj Mehta <raj@...>."""
        if not name:
            return None
        bare = mentions.without_title(name)
        hits = [s for s in self.everyone if name_matches(bare, s.person)]
        if not hits:
            return None
        hits.sort(key=lambda s: (not s.email, -len(tokens(s.name))))
        return hits[0]

    def named(self, name: str, tag: str = "body") -> Someone:
        """The person `name` refers to, added (name only) when the message had no one by it."""
        found = self.find(name)
        if found is not None:
            if tag not in found.tags:
                found.tags.append(tag)
            return found
        s = Someone(self.expand(name), None, [tag])
        self.everyone.append(s)
        return s

    def expand(self, name: str) -> str:
        """A first name ("Greg") as the full name the message writes elsewhere ("Greg Curran")."""
        bare = mentions.without_title(name)
        if len(bare.split()) != 1:
            return name
        for m in mentions.names(self.text):
            words = mentions.without_title(m.text).split()
            if len(words) >= 2 and words[0] == bare and not any(w.lower() in mentions.NOT_A_NAME for w in words[1:]):
                return " ".join(words)
        return name


def _fuller(new: str, old: str) -> bool:
    """A display name that says more ("Dana Whitfield" over "dana", "Whitfield, Dana" as written)."""
    return len(tokens(new)) > len(tokens(old))


# "Hi Dana,", "Dear Dr. Mehta,", "Sehr geehrte Frau Vogel,", "Hi Omar and Jess,", "Sofia -- Kwame ..."
_GREETING_WORD = (
    r"(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|morning|greetings|hallo|hi|liebe|lieber|liebes|"
    r"sehr geehrte[r]?|guten (?:morgen|tag)|moin|servus|bonjour|bonsoir|salut|coucou|cher|chère|chers|chères|madame|"
    r"monsieur|hola|estimad[oa]s?|querid[oa]s?|buen(?:os|as) (?:días|tardes)|olá|ola|oi|prezad[oa]s?|car[oa]s?|"
    r"beste|hoi|goedemorgen|goedemiddag|geachte|ciao|gentile|gentilissim[oa]|buongiorno|salve)\b[ ,]*")
_GREETED = r"(?P<names>(?-i:" + mentions.NAME + r")(?:\s*(?:,|and|und|et|y|e|en|&)\s*(?-i:" + mentions.NAME + r"))*)"
_GREETING = re.compile(r"^\s*(?:" + _GREETING_WORD + ")?" + _GREETED + r"\s*(?:[,:!]|--?|\u2014)\s*$", re.IGNORECASE)
# "Hey Chiara, you were saying ...": the greeting and the first sentence on one line. Only after a
# greeting word: "Tom, the report is ready" may as well be a list.
_INLINE_GREETING = re.compile(r"^\s*" + _GREETING_WORD + _GREETED + r"\s*(?:,|!|\u2014|--?)\s+\S", re.IGNORECASE)
_GREETING_NAMES = re.compile(mentions.NAME)


def greeted(text: str) -> list[str]:
    """Names the first line of `text` greets ("Hi Omar and Jess," -> Omar, Jess)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    m = _GREETING.match(first) if len(first) <= 120 else None
    if not m:
        m = _INLINE_GREETING.match(first[:120])
    if not m:
        return []
    out = []
    for n in _GREETING_NAMES.finditer(m.group("names")):
        cleaned = mentions.clean_name(n.group(0))
        if cleaned:
            out.append(cleaned)
    return out


@dataclass
class Scene:
    """One segment as the rules see it: who wrote it, to whom, and its words."""
    segment: Segment
    writer: Someone | None
    addressee: Someone | None
    addressee_is_baton: bool
    recipients: list[Someone]  # To and Cc, without the writer and Baton
    text: str


def _short_for(greeting: str, to: list[Someone]) -> Someone | None:
    """The one person written to whose first name the greeting shortens ("Bea," to Beatriz
    Almeida-Cross, "Sam," to Samuel Ortiz); None when none or several do."""
    word = fold(greeting.split()[0]).lower() if greeting.split() else ""
    if len(word) < 3:
        return None
    firsts = [(s, fold(s.name.split()[0]).lower()) for s in to if s.name]
    fits = [s for s, first in firsts if first.startswith(word) and first != word]
    return fits[0] if len(fits) == 1 else None


def scene(segment: Segment, people: People, *, tag_prefix: str) -> Scene:
    """Adds the segment's people to the inventory and works out its writer and addressee."""
    author_tag, to_tag, cc_tag = (("from", "to", "cc") if tag_prefix == "" else FORWARD_TAGS)
    writer = next((s for s in (people.add(p, author_tag) for p in segment.author) if s), None)
    baton_to = any(p.email and people.is_baton(p.email) for p in segment.to)
    to = [s for s in (people.add(p, to_tag) for p in segment.to) if s and s is not writer]
    cc = [s for s in (people.add(p, cc_tag) for p in segment.cc) if s and s is not writer]
    recipients = to + [s for s in cc if s not in to]
    addressee = None
    names = greeted(segment.text)
    for n in names:
        hit = next((s for s in recipients if name_matches(n, s.person)), None) or people.find(n) or _short_for(n, to)
        if hit is not None and hit is not writer:
            addressee = hit
            if "greeting" not in hit.tags:
                hit.tags.append("greeting")
            break
    if addressee is None and names and not baton_to:
        # A greeting names someone the headers do not: a first name only ("Hi Owen,").
        addressee = people.named(names[0], "greeting")
    if addressee is None and len(to) == 1:
        addressee = to[0]
    if addressee is None and to and not baton_to:
        addressee = to[0]
    greets_baton = any(n.lower() in people._assistant_names for n in names)
    return Scene(segment, writer, addressee, addressee is None and (baton_to or greets_baton), recipients,
                 segment.text)
