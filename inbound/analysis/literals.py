"""The words a pattern cannot match without: a substring test before the regex runs.

A table row is searched in every message, yet matches in few. When none of the words its every
match must contain occurs in the text (one C-speed `in` test each), the search is skipped. The
words are read from the compiled pattern's own syntax tree, so they can never disagree with it:
a row whose required words cannot be told (it may start anywhere, "\\d+ k") gets None and
always runs.
"""
from __future__ import annotations

import re
from importlib import import_module

# The regex module's own parser and opcodes (re._parser, re._constants): the syntax tree that
# re.compile builds on. Private, so read through import_module; a change there makes `required`
# answer None (every row runs), never a wrong word.
_parser = import_module("re._parser")
C = import_module("re._constants")

_MIN_USEFUL = 2  # a one-letter "word" occurs in almost every text: testing it saves nothing
_MAX_WORDS = 64  # more alternatives than this cost as much as the search they would spare


def required(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Strings of which every match of `pattern` contains at least one; None when that cannot be
    said usefully. A case-insensitive pattern gets None: its folding (the Kelvin sign matches
    "k") is not what a lower-cased substring test would see."""
    if flags & re.IGNORECASE:
        return None
    try:
        tree = _parser.parse(pattern, flags)
        if tree.state.flags & re.IGNORECASE:
            return None
        words = _sequence(list(tree))
    except Exception:  # a pattern (or a Python) this reader does not know: the row always runs
        return None
    if not words or len(words) > _MAX_WORDS or min(map(len, words)) < _MIN_USEFUL:
        return None
    return tuple(sorted(words))


def _sequence(items: list) -> set[str] | None:
    """The best requirement of a sequence: a run of literal characters, or one item's own."""
    best: set[str] | None = None
    run: list[str] = []

    def consider(words: set[str] | None) -> None:
        nonlocal best
        if words and (best is None or _score(words) > _score(best)):
            best = words

    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        if run:
            consider({"".join(run)})
            run = []
        consider(_item(op, av))
    if run:
        consider({"".join(run)})
    return best


def _item(op, av) -> set[str] | None:
    if op is C.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return None if add_flags & re.IGNORECASE else _sequence(list(sub))
    if op is C.BRANCH:
        words: set[str] = set()
        for alternative in av[1]:
            each = _sequence(list(alternative))
            if not each:
                return None  # one way through needs nothing: the branch needs nothing
            words |= each
        return words
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _high, sub = av
        return _sequence(list(sub)) if low >= 1 else None
    if op is C.ATOMIC_GROUP:
        return _sequence(list(av))
    return None  # a class, any character, an assertion, a back-reference: no word to require


def _score(words: set[str]) -> tuple[int, int]:
    """Longer shortest word first (rarer), then fewer words (fewer tests)."""
    return min(map(len, words)), -len(words)
