"""Everyone involved: header fields, forwarded header blocks, and people the body names.

Each participant keeps where they were found (`source`, as in the contract). Roles are given
afterwards from the hand-off: referrer, pin, contact; Baton's own addresses are `assistant`.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from inbound.analysis.addresses import EMAIL_RE, Person, clean_name, usable_email
from inbound.analysis.forwards import Segment
from inbound.analysis.parse import ParsedMail
from inbound.analysis.phrases import NAME, NOT_A_NAME
from inbound.analysis.sentences import name_matches
from model import Participant, Role, Source

# People the body names, with a comment on the writing habit each row reads. A row is an anchor,
# cheap to find, and the side of it where the name stands. The name pattern runs only next to an
# anchor: run from every capital letter of a long body (a 5,000-character link), it was the
# slowest part of the analysis.
BODY_MENTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Laura Brooks (laura@x.example)", "Laura Brooks <laura@x.example>"
    (re.compile(r"\s*[(<]\s*(?P<email>" + EMAIL_RE.pattern + r")\s*[)>]"), "before"),
    # "Aisha Khan (cc'd)", "Aisha Khan (copied)", "Aisha Khan (cc)"
    (re.compile(r"\s*\((?i:cc'?d|cc|copied|bcc'?d|on cc|in cc|cc'ed)\)"), "before"),
    # "looping in Kevin", "cc'ing Kevin", "copying Kevin"
    (re.compile(r"(?i:looping in|loop in|cc'?ing|copying|adding)\s+(?P<name>" + NAME + r")"), "after"),
)
_NAME_BEFORE = re.compile(r"(?P<name>" + NAME + r")\Z")
_NAME_REACH = 256  # characters before an anchor: more than NAME can span (its words are bounded)


def body_mentions(text: str) -> list[Person]:
    out: list[Person] = []
    text = text[:100_000]
    for anchor, side in BODY_MENTIONS:
        prev_end = 0
        for m in anchor.finditer(text):
            if side == "before":
                found = _NAME_BEFORE.search(text, max(prev_end, m.start() - _NAME_REACH), m.start())
                if not found:
                    continue
                raw_name = found.group("name")
                prev_end = m.end()
            else:
                raw_name = m.group("name")
            person = mentioned(raw_name, m.groupdict().get("email"))
            if person is not None:
                out.append(person)
    return out


def mentioned(raw_name: str, raw_email: str | None) -> Person | None:
    """The person a body mention names, without a leading "Thanks", "Please" and the like."""
    name = clean_name(raw_name)
    while name and name.split()[0].lower().strip(".,") in NOT_A_NAME:
        name = " ".join(name.split()[1:]) or None
    email = usable_email(raw_email)
    return Person(name, email) if name or email else None


def collect(m: ParsedMail, segments: list[Segment]) -> list[tuple[Person, str]]:
    """(person, source) in the order found, one entry per address (or per name when no address)."""
    found: list[tuple[Person, str]] = []
    for field, source in (("from_", "from"), ("sender", "from"), ("to", "to"), ("cc", "cc"), ("reply_to", "reply_to")):
        for p in getattr(m, field):
            found.append((p, source))
    for seg in segments[1:]:
        for p in seg.author:
            found.append((p, "forwarded_from"))
        for p in seg.to:
            found.append((p, "forwarded_to"))
        for p in seg.cc:
            found.append((p, "forwarded_cc"))
    for seg in segments:
        for p in body_mentions(seg.text):
            found.append((p, "body"))
    return _dedupe(found)


def _dedupe(found: list[tuple[Person, str]]) -> list[tuple[Person, str]]:
    """One entry per person: an address wins over a bare name, and a name fills a bare address."""
    out: list[tuple[Person, str]] = []
    for person, source in found:
        merged = False
        for i, (q, qs) in enumerate(out):
            same = (person.email and q.email == person.email) or (
                person.name and q.name and name_matches(person.name, q) and not (person.email and q.email))
            if same:
                out[i] = (Person(q.name or person.name, q.email or person.email), qs)
                merged = True
                break
        if not merged:
            out.append((person, source))
    return out[:200]


def with_roles(found: list[tuple[Person, str]], roles: dict[str, Person | None],
               is_baton: Callable[[str], bool]) -> list[Participant]:
    out = []
    for person, source in found:
        role = "other"
        if person.email and is_baton(person.email):
            role = "assistant"
        else:
            for name in ("referrer", "pin", "contact"):
                r = roles.get(name)
                if r is None:
                    continue
                by_name = bool(r.name and name_matches(r.name, person)) and (not r.email or not person.email)
                if (r.email and person.email == r.email) or by_name:
                    role = name
                    break
        out.append(Participant(person.name, person.email, Role(role), Source(source)))
    return out
