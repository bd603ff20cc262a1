"""Cues: the ways people write a hand-off, as data, one module per language.

A cue is an anchor (the words that make a sentence a hand-off, or a counter-cue that makes it
ordinary mail) and the roles its sentence gives: who refers, who needs help, who is asked. A
role is read from a place, not from the row's wording:

  writer     the author of the segment (its From, or a forwarded block's From)
  addressee  whom the segment is written to (its greeting, else its To)
  left       the person mentioned nearest before the anchor ("Dana suggested I ...")
  right      the person mentioned nearest after it ("... recommended by Dr. Adeyemi")
  x, y       the person in the row's named window ("introduce <x> to <y>")
  other      whoever of the people on the thread is left (decided by roles.py)

Every pattern is searched in one sentence at a time and is bounded: windows are at most 80
characters and no two unbounded quantifiers meet, so a search is linear in the sentence. A row
runs only when one of its `needs` words occurs in the sentence (a substring test), which keeps
the tables cheap however long they grow. Each row carries example sentences; tests/test_cues.py
checks every row matches its examples and no row matches the near misses.

To add a phrasing: add a row to its language's module with at least one example. To add a
language: a new module with ROWS, listed in LANGUAGES below, and its function words in
inbound/analysis/language.py.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import import_module

from inbound.analysis.mentions import NAME, RELATION, VAGUE
from model import Kind

LANGUAGES = ("en", "de", "fr", "es", "pt", "nl", "it")

# A dot inside a window: one inside a token ("J.Roe", an address) or after a title ("Dr. Evelyn Lin").
_TITLE_DOT = "|".join(rf"(?<=\b{t})\." for t in ("Dr", "Mr", "Mrs", "Ms", "Mx", "Prof", "Jr", "Sr", "Sra", "Dra", "St",
                                                 "Ing", "Lic", "Dott", "Sig", "Mme", "Mlle", "Hr", "Fr", "Dhr"))
_IN_SENTENCE = r"(?:[^.;!?\n]|\.(?=\S)|" + _TITLE_DOT + ")"
# Building blocks for patterns (written as <NAME> etc. in the rows).
_MACROS = {
    "<NAME>": "(?-i:" + NAME + ")",  # rows ignore case, but a name starts with a capital
    "<VAGUE>": VAGUE,
    "<RELATION>": RELATION,
    # a window inside one sentence, where roles.py looks for a mention
    "<X>": r"(?P<x>[^.;!?\n]{1,80})",
    "<Y>": r"(?P<y>[^.;!?\n]{1,80})",
    "<GAP>": r"[^.;!?\n]{0,80}?",
    "<SHORT>": r"[^.;!?\n]{0,30}?",
    # what may stand between a subject and its verb: a first predicate that shares the subject
    # ("my niece graduated in May and is looking": a short clause, then "and" in any of the
    # languages), or a relative clause between commas ("mon fils Hugo, qui est en CAP, doit")
    "<AND>": r"(?: [^.;!?\n]{1,60}? (?:and|und|et|y|e|en|ed)|,? (?:who|qui|que|der|die|das|che|dat) [^.;!?\n,]{1,60},)?",
}
_MACRO = re.compile("|".join(re.escape(k) for k in _MACROS))

# Places a role can be read from.
PLACES = frozenset({"writer", "addressee", "left", "right", "x", "y", "other", "none"})


@dataclass(frozen=True)
class Cue:
    name: str
    kind: Kind | None  # None: a counter-cue (ordinary mail that sounds like a hand-off)
    pattern: re.Pattern[str]
    needs: tuple[str, ...]  # lower-case; the row runs only if one occurs in the sentence
    lang: str
    ref: str = "none"
    pin: str = "none"
    contact: str = "none"
    pair: bool = False  # pin and contact may be either way round: roles.py decides by what is said of each
    asks_first: bool = False  # the writer asks before anyone is introduced: not `no_opt_in`
    scope: str = "sentence"  # counter-cues: "sentence" vetoes that sentence, "message" the whole new text
    offline: bool = False  # a direct intro whose PIN need not be on the thread ("I gave your name to Lynn")
    examples: tuple[str, ...] = ()
    misses: tuple[str, ...] = field(default=())  # near misses the row must not match


def bounded(source: str) -> str:
    """The pattern with every open-ended run bounded: "\\w+" is at most a 40-letter word, "\\S*" at
    most a 200-character token. A pattern that can start a run anywhere rescans a long token from
    each of its characters (quadratic); bounded, a search stays linear in the text."""
    return (source.replace(r"\w+", r"\w{1,40}").replace(r"\w*", r"\w{0,40}")
            .replace(r"\S+", r"\S{1,200}").replace(r"\S*", r"\S{0,200}"))


def row(name: str, kind: Kind | None, pattern: str, *, needs: str, lang: str, ref: str = "none",
        pin: str = "none", contact: str = "none", pair: bool = False, asks_first: bool = False,
        scope: str = "sentence", examples: tuple[str, ...] = (), misses: tuple[str, ...] = (),
        offline: bool = False, flags: int = re.IGNORECASE) -> Cue:
    """A cue from a readable pattern: <NAME>, <VAGUE>, <RELATION>, <X>, <Y>, <GAP>, <SHORT>, <AND> expand."""
    if kind is Kind.DIRECT_INTRO and ref == "none":
        ref = "writer"  # whoever introduces two people now is the referrer
    for place in (ref, pin, contact):
        if place not in PLACES:
            raise ValueError(f"{name}: unknown place {place!r}")
    source = _MACRO.sub(lambda m: _MACROS[m.group(0)], pattern)
    # A window runs to the end of its sentence; a dot inside an address or a name ("J. Roe",
    # "ines.duarte@x.example") does not end one.
    source = bounded(source.replace(r"[^.;!?\n]", _IN_SENTENCE))
    return Cue(name=name, kind=kind, pattern=re.compile(source, flags),
               needs=tuple(w.strip().lower() for w in needs.split("|")), lang=lang, ref=ref, pin=pin, contact=contact,
               pair=pair, asks_first=asks_first, scope=scope, offline=offline, examples=examples, misses=misses)


@dataclass(frozen=True)
class Hit:
    cue: Cue
    sentence: str
    start: int  # the anchor's span in the sentence
    end: int
    x: tuple[int, int] | None
    y: tuple[int, int] | None


def _load(lang: str) -> tuple[Cue, ...]:
    rows: tuple[Cue, ...] = import_module(f"inbound.analysis.cues.{lang}").ROWS
    return rows


_TABLES: dict[str, tuple[Cue, ...]] = {}


def table(lang: str) -> tuple[Cue, ...]:
    if lang not in _TABLES:
        _TABLES[lang] = _load(lang)
    return _TABLES[lang]


@dataclass(frozen=True)
class Rows:
    """Rows to read a message with, and which rows each `needs` word wakes."""
    rows: tuple[Cue, ...]
    by_word: dict[str, tuple[int, ...]]

    def within(self, text: str) -> Rows:
        """The same rows, woken only by the words that occur somewhere in `text`: each of its
        sentences then tests a few words, not the whole table's."""
        lowered = text.lower()
        return Rows(self.rows, {w: ids for w, ids in self.by_word.items() if w in lowered})


@lru_cache(maxsize=64)
def rows_for(langs: tuple[str, ...]) -> Rows:
    """The rows of these languages, English always included (mail mixes it into every language)."""
    out: list[Cue] = []
    for lang in dict.fromkeys([*langs, "en"]):
        if lang in LANGUAGES:
            out.extend(table(lang))
    by_word: dict[str, list[int]] = {}
    for i, cue in enumerate(out):
        for w in cue.needs:
            by_word.setdefault(w, []).append(i)
    return Rows(tuple(out), {w: tuple(v) for w, v in by_word.items()})


def _triggered(lowered: str, rows: Rows) -> list[int]:
    """Indexes of the rows one of whose words occurs in the sentence, in table order: each
    distinct word is one substring test, however many rows share it."""
    found: set[int] = set()
    for w in [w for w in rows.by_word if w in lowered]:
        found.update(rows.by_word[w])
    return sorted(found)


def hits(sentence: str, rows: Rows) -> Iterator[Hit]:
    """Every row that matches `sentence`, in table order."""
    lowered = sentence.lower()
    for i in _triggered(lowered, rows):
        cue = rows.rows[i]
        m = cue.pattern.search(sentence)
        if m is None:
            continue
        groups = m.re.groupindex
        x = m.span("x") if "x" in groups and m.group("x") is not None else None
        y = m.span("y") if "y" in groups and m.group("y") is not None else None
        yield Hit(cue, sentence, m.start(), m.end(), x, y)
