"""An email as a list of blocks, written once and rendered twice (text and HTML).

Every email Baton writes is built from these: the sentences stay in Python, in the catalogue's
reach (composer/i18n.py), and one pair of templates lays them out, so the text part and the
HTML part always say the same thing.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Para:
    text: str
    quiet: bool = False  # a hint, in grey in HTML


@dataclass(frozen=True)
class Plain:
    """Lines kept as written (a request, a list of questions): never re-wrapped."""
    text: str


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Items:
    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Box:
    """Text the reader may copy as it stands (a note to send, the request): never re-wrapped."""
    title: str
    body: str
    subject: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    hint: str | None = None


@dataclass(frozen=True)
class Quote:
    """Someone's own words, passed on unchanged."""
    who: str
    text: str


Block = Para | Plain | Heading | Items | Box | Link | Quote


@dataclass(frozen=True)
class Body:
    greeting: str | None
    blocks: tuple[Block, ...]
    signature: tuple[str, ...] = ()  # below "-- ", not counted as the email's words

    def words(self) -> int:
        """What a reader reads above the signature (the measure of issue 13's 300-word target)."""
        parts = [self.greeting or ""]
        for b in self.blocks:
            if isinstance(b, Para | Heading | Plain):
                parts.append(b.text)
            elif isinstance(b, Items):
                parts.extend(b.items)
            elif isinstance(b, Box):
                parts += [b.title, b.subject or "", b.body, b.hint or ""]
            elif isinstance(b, Link):
                parts += [b.label, b.url, b.hint or ""]
            elif isinstance(b, Quote):
                parts += [b.who, b.text]
        return sum(len(p.split()) for p in parts)
