"""People the body names with an address or as copied: "Ines Duarte (ines@x.example)",
"Theo Park (cc'd)", "looping in Kevin". The inventory (people.py) merges them with the headers.
"""
from __future__ import annotations

import re

from inbound.analysis import mentions
from inbound.analysis.addresses import EMAIL_RE, usable_email
from model import Person

# People the body names, with a comment on the writing habit each row reads. A row is an anchor,
# cheap to find, and the side of it where the name stands. The name pattern runs only next to an
# anchor: run from every capital letter of a long body (a 5,000-character link), it was the
# slowest part of the analysis.
BODY_MENTIONS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    # "Laura Brooks (laura@x.example)", "Laura Brooks <laura@x.example>"
    (re.compile(r"\s*[(<]\s*(?P<email>" + EMAIL_RE.pattern + r")\s*[)>]"), "before", "body"),
    # "Aisha Khan (cc'd)", "Aisha Khan (copied)", "Theo Park (cc'd)", "(en copie)", "(in Kopie)"
    (re.compile(r"\s*\((?i:cc'?d|cc|copied|bcc'?d|on cc|in cc|cc'ed|en copie|in kopie|en copia|em cópia|in cc|"
                r"in copia)\)"), "before", "cc_mention"),
    # "looping in Kevin", "cc'ing Kevin", "copying Kevin"
    (re.compile(r"(?i:looping in|loop in|cc'?ing|copying|adding)\s+(?P<name>(?-i:" + mentions.NAME + r"))"), "after",
     "cc_mention"),
)
_NAME_BEFORE = re.compile(r"(?P<name>" + mentions.NAME + r")\Z")
# "Tom Becker at Ridgeway Partners (tbecker@...)": the person stands before the organisation.
_PERSON_AT = re.compile(r"(?P<name>" + mentions.NAME + r")\s*(?:,\s*)?\b(?:at|from|of|with|bei|chez|de|da|van|di)\s+"
                        r"[^()<>\n]{1,60}\Z")
_NAME_REACH = 256  # characters before an anchor: more than NAME can span (its words are bounded)


def body_mentions(text: str) -> list[tuple[Person, str]]:
    """(person, tag) for each mention, in order."""
    out: list[tuple[Person, str]] = []
    text = text[:100_000]
    for anchor, side, tag in BODY_MENTIONS:
        prev_end = 0
        for m in anchor.finditer(text):
            raw_name: str | None
            if side == "before":
                start = max(prev_end, m.start() - _NAME_REACH)
                found = _NAME_BEFORE.search(text, start, m.start())
                raw_name = found.group("name") if found else None
                at = _PERSON_AT.search(text, start, m.start())
                # "Tom Becker at Ridgeway Partners (...)": the organisation form, when it starts first or
                # no name stands right before the anchor, and only if its words are no name themselves.
                if at and (found is None or at.start() < found.start() or mentions.clean_name(raw_name or "") is None):
                    whole = mentions.clean_name(text[at.start():m.start()].rstrip())
                    raw_name = None if whole else at.group("name")
                prev_end = m.end()
            else:
                raw_name = m.group("name")
            person = mentioned(raw_name, m.groupdict().get("email"))
            if person is not None:
                out.append((person, tag))
    return out


def mentioned(raw_name: str | None, raw_email: str | None) -> Person | None:
    """The person a body mention names, without a leading "Thanks", "Please" and the like."""
    name = mentions.clean_name(raw_name) if raw_name else None
    email = usable_email(raw_email)
    return Person(name, email) if name or email else None
