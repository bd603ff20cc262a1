"""Replies to Baton's own mail: which intro+KEY@ they answer, and the one-word command they carry.

The key is read from the envelope first (what our listener was actually asked to deliver to),
then from To, Cc and Delivered-To, then from the KEY Baton put in its Message-IDs, which a
reply cites in In-Reply-To/References (RFC 5322 3.6.4).
"""
from __future__ import annotations

import re

from inbound.forwards import split
from inbound.parse import ParsedMail

_KEY = r"[A-Za-z0-9_-]{1,64}"

# First words of a reply, and what they mean. Only the very start of the new text counts,
# so "no" inside a sentence or in the quoted draft never decides anything.
COMMANDS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"^(?:send|send it|ok,? send|go ahead)\b", re.I), "send"),
    (re.compile(r"^cancel\b", re.I), "cancel"),
    (re.compile(r"^not now\b|^not right now\b|^maybe later\b", re.I), "not_now"),
    (re.compile(r"^(?:yes|yes please|sure|happy to)\b", re.I), "yes"),
    (re.compile(r"^(?:no|no thanks|no thank you)\b", re.I), "no"),
)


def keys(m: ParsedMail, rcpt_tos: list[str], *, assistant: str, domains: list[str]) -> list[str]:
    """Keys of intro+KEY@ addresses and of Baton Message-IDs, the envelope's first."""
    local = re.escape(assistant.rpartition("@")[0])
    doms = "|".join(re.escape(d) for d in domains)
    address = re.compile(rf"^{local}\+({_KEY})@(?:{doms})$", re.I)
    found: list[str] = []
    header_addrs = [p.email for p in m.to + m.cc if p.email] + (m.headers.get("delivered-to") or [])
    for addr in list(rcpt_tos) + header_addrs:
        hit = address.match(addr.strip())
        if hit and not hit.group(1).startswith("bounce-"):
            found.append(hit.group(1))
    cited = " ".join((m.headers.get("in-reply-to") or []) + (m.headers.get("references") or []))
    found += re.findall(rf"<({_KEY})\.[A-Za-z0-9_-]+@(?:{doms})>", cited, re.I)
    return list(dict.fromkeys(found))


def command(m: ParsedMail) -> str | None:
    """The command the new text starts with ("send", "yes", "not_now", "no", "cancel"), if any."""
    own = split(m.text)[0].text if m.text else ""
    first = next((line.strip() for line in own.splitlines() if line.strip()), "")
    first = first.lstrip("\"'*_ ").rstrip()
    for pattern, word in COMMANDS:
        if pattern.match(first):
            return word
    return None


_BLANK = re.compile(r"\[\[[^\[\]\n]+\]\]")


def filled_blanks(template: str, reply_text: str) -> list[str] | None:
    """The words a referrer typed over each [[blank]] when quoting the draft in a reply.

    The template's own words must all be there, in order (whitespace and quote markers may
    differ: clients re-wrap and prefix "> "); None when they are not, or a blank was left.
    """
    unquoted = "\n".join(re.sub(r"^(?:\s*>)+ ?", "", line) for line in reply_text.splitlines())
    parts = _BLANK.split(template.strip())
    if len(parts) < 2:
        return []
    literal = [r"\s+".join(re.escape(w) for w in p.split()) for p in parts]
    groups = [r"\s*(.+?)\s*"] * (len(parts) - 1)
    if not literal[-1]:  # a blank at the very end runs to the end of its line, not one character
        groups[-1] = r"\s*([^\n]+?)[ \t]*(?:\n|$)"
    pattern = literal[0] + "".join(g + lit for g, lit in zip(groups, literal[1:]))
    m = re.search(pattern, unquoted, re.S)
    if not m:
        return None
    values = [" ".join(v.split()) for v in m.groups()]
    if any(not v or _BLANK.search(v) for v in values):
        return None
    return values
