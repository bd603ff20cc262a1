"""Loops: a sender whose message repeats one Baton already answered gets no second answer.

An autoresponder that does not mark its mail (RFC 3834 `Auto-Submitted`) answers every email
Baton sends with the same words; each answer read as a new hand-off would get a new draft, and
the two would mail each other until a cap stopped them (issue 18, finding 10). The fingerprint
is the sender's mailbox and the message's words, without quoted lines, links and addresses (which
carry the fresh keys of each round); a message whose fingerprint was answered within
BATON_REPEAT_WINDOW_DAYS is recorded `repeated` and nothing is mailed.
"""
from __future__ import annotations

import hashlib

import mailboxes

# Enough to tell two messages apart; an autoresponder's text is short.
_TEXT_LIMIT = 64 * 1024


def fingerprint(sender: str, text: str) -> str:
    words: list[str] = []
    for line in text[:_TEXT_LIMIT].splitlines():
        if line.lstrip().startswith(">"):  # quoted history: Baton's own words, with this round's keys
            continue
        words.extend(w.lower() for w in line.split() if "://" not in w and "@" not in w)
    basis = f"{mailboxes.key(sender)}\0{' '.join(words)}"
    return hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()
