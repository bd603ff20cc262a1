"""The message ids a reply must cite to stay in the sender's thread (RFC 5322 3.6.4)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from email import message_from_bytes, policy

from inbound.analysis.parse import ParsedMail
from model import ThreadKeys

_MSG_ID = re.compile(r"<[^<>\s]{1,250}>")
_HEAD_LIMIT = 256 * 1024


def references_of(raw: bytes) -> list[str]:
    """The original's References (or In-Reply-To) ids, oldest first; never raises."""
    try:
        head = message_from_bytes(raw[:_HEAD_LIMIT].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0],
                                  policy=policy.compat32)
        found = _MSG_ID.findall(str(head.get("References") or "")) or \
            _MSG_ID.findall(str(head.get("In-Reply-To") or ""))
    except Exception:
        return []
    return found[-20:]


_KEY = r"[A-Za-z0-9_-]{1,64}"


def intro_keys(m: ParsedMail, extra_addresses: Iterable[str], *, assistant: str, domains: Iterable[str]) -> list[str]:
    """KEYs of Baton's intro+KEY@ addresses the message is sent to (the envelope's first, when the
    caller has one), then of Baton Message-IDs it cites (RFC 5322 3.6.4: a reply cites its parent)."""
    local = re.escape(assistant.rpartition("@")[0])
    doms = "|".join(re.escape(d) for d in domains)
    address = re.compile(rf"^{local}\+({_KEY})@(?:{doms})$", re.I)
    found: list[str] = []
    header_addrs = [p.email for p in m.to + m.cc if p.email] + (m.headers.get("delivered-to") or [])
    for addr in list(extra_addresses) + header_addrs:
        hit = address.match(addr.strip())
        if hit and not hit.group(1).startswith("bounce-"):
            found.append(hit.group(1))
    cited = " ".join((m.headers.get("in-reply-to") or []) + (m.headers.get("references") or []))
    found += re.findall(rf"<({_KEY})\.[A-Za-z0-9_-]+@(?:{doms})>", cited, re.I)
    return list(dict.fromkeys(found))


def keys_of(m: ParsedMail, quoted: str, *, assistant: str, domains: Iterable[str]) -> ThreadKeys:
    """What ties the message to earlier mail; `quoted` is the history below its new text."""
    ids = " ".join(m.headers.get("references") or [])
    in_reply_to = _MSG_ID.findall(" ".join(m.headers.get("in-reply-to") or []))
    local = re.escape(assistant.rpartition("@")[0])
    doms = "|".join(re.escape(d) for d in domains)
    quotes_baton = bool(re.search(rf"\b{local}\+{_KEY}@(?:{doms})\b", quoted, re.I))
    return ThreadKeys(in_reply_to=in_reply_to[0] if in_reply_to else None, references=tuple(_MSG_ID.findall(ids)[-20:]),
                      intro_keys=tuple(intro_keys(m, (), assistant=assistant, domains=domains)),
                      quotes_baton=quotes_baton)
