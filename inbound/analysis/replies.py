"""Replies to Baton's own mail: which intro+KEY@ they answer, and the one-word command they carry.

The key is read from the envelope first (what our listener was actually asked to deliver to),
then from To, Cc and Delivered-To, then from the KEY Baton put in its Message-IDs, which a
reply cites in In-Reply-To/References (RFC 5322 3.6.4).
"""
from __future__ import annotations

import re

from inbound.analysis.forwards import split
from inbound.analysis.parse import ParsedMail
from inbound.analysis.thread import intro_keys
from model import COMMAND_WORDS, Command

_ORDER = (Command.SEND, Command.CANCEL, Command.FOLLOW_UP, Command.NOT_NOW, Command.YES, Command.NO)
COMMANDS: tuple[tuple[re.Pattern[str], Command], ...] = tuple(
    (re.compile(r"^(?:" + "|".join(re.escape(w) for w in sorted({w for ws in COMMAND_WORDS[c].values() for w in ws},
                                                                key=len, reverse=True))
                + r")(?![\w-])", re.I), c) for c in _ORDER) + (
    # "si" alone is yes in Spanish and Italian, but also "if": only on its own.
    (re.compile(r"^s[ií]\s*[,.!]?\s*$", re.I), Command.YES),)


def keys(m: ParsedMail, rcpt_tos: list[str], *, assistant: str, domains: list[str]) -> list[str]:
    """Keys of intro+KEY@ addresses and of Baton Message-IDs, the envelope's first."""
    return intro_keys(m, rcpt_tos, assistant=assistant, domains=domains)


def command(m: ParsedMail) -> Command | None:
    """The command the new text starts with, if any."""
    own = split(m.text)[0].text if m.text else ""
    first = next((line.strip() for line in own.splitlines() if line.strip()), "")
    first = first.lstrip("\"'*_ ").rstrip()
    for pattern, word in COMMANDS:
        if pattern.match(first):
            return word
    return None


_BLANK = re.compile(r"\[\[[^\[\]\n]+\]\]")
_QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>)+ ?", re.M)
_SPACE = re.compile(r"\s+")
MAX_REPLY_CHARS = 200_000  # more than any draft quoted back; the rest is not read
MAX_STARTS = 20  # places where the template's first words are tried


def _squeezed(text: str) -> tuple[str, list[int]]:
    """`text` with every whitespace run made one space, and each kept character's index in `text`."""
    out: list[str] = []
    where: list[int] = []
    pos = 0
    for m in _SPACE.finditer(text):
        out.append(text[pos:m.start()])
        where.extend(range(pos, m.start()))
        out.append(" ")
        where.append(m.start())
        pos = m.end()
    out.append(text[pos:])
    where.extend(range(pos, len(text)))
    return "".join(out), where


def filled_blanks(template: str, reply_text: str) -> list[str] | None:
    """The words a referrer typed over each [[blank]] when quoting the draft in a reply.

    The template's own words must all be there, in order (whitespace and quote markers may
    differ: clients re-wrap and prefix "> "); None when they are not, or a blank was left.
    Each literal piece is found with str.find, left to right, from at most MAX_STARTS places:
    linear in the reply's length. (A regular expression with one lazy group per blank
    backtracked for minutes on a crafted 1 KB reply, holding the GIL: issue 18, finding 1.)
    """
    pieces = [" ".join(p.split()) for p in _BLANK.split(template.strip())]
    if len(pieces) < 2:
        return []
    if any(not p for p in pieces[1:-1]):
        return None  # two blanks side by side: nothing tells where one answer ends
    original = _QUOTE_PREFIX.sub("", reply_text[:MAX_REPLY_CHARS])
    text, where = _squeezed(original)
    first, rest = pieces[0], pieces[1:]
    start = 0
    for _ in range(MAX_STARTS):
        at = text.find(first, start) if first else 0
        if at < 0:
            return None
        values = _fill_from(text, where, original, at + len(first), rest)
        if values is not None:
            return values
        if not first:
            return None
        start = at + 1
    return None


def _next_literal(text: str, literal: str, start: int) -> int:
    """Where `literal` next starts at or after `start` (at least one character of answer
    before it), not inside a word: "on" after a blank is not the end of "Simon"."""
    while True:
        at = text.find(literal, start)
        if at < 0 or not (literal[0].isalnum() and text[at - 1].isalnum()):
            return at
        start = at + 1


def _fill_from(text: str, where: list[int], original: str, pos: int, rest: list[str]) -> list[str] | None:
    values: list[str] = []
    for literal in rest:
        if not literal:  # the template ends with a blank: it runs to the end of its line
            begin = where[pos] if pos < len(where) else len(original)
            while begin < len(original) and original[begin].isspace():
                begin += 1
            line_end = original.find("\n", begin)
            value = original[begin:line_end if line_end >= 0 else len(original)]
        else:
            at = _next_literal(text, literal, pos + 1)
            if at < 0:
                return None
            value = text[pos:at]
            pos = at + len(literal)
        value = " ".join(value.split())
        if not value or _BLANK.search(value):
            return None
        values.append(value)
    return values


MAX_WORDS_CHARS = 2000


def own_words(m: ParsedMail) -> str:
    """What the reply says below its command line, without quoted history or a signature: a
    party's answers or note, passed on as they wrote it."""
    own = split(m.text)[0].text if m.text else ""
    lines = own.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    lines = lines[1:]  # the command itself
    if "-- " in lines:  # RFC 3676 4.3: the signature separator
        lines = lines[:lines.index("-- ")]
    return "\n".join(lines).strip()[:MAX_WORDS_CHARS]
