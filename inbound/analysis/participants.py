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
# Each starts where its run of space does (the look-behind): tried inside a long run, it would cost
# the square of the run.
BODY_MENTIONS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    # "Laura Brooks (laura@x.example)", "Laura Brooks <laura@x.example>"
    (re.compile(r"(?<!\s)\s*[(<]\s*(?P<email>" + EMAIL_RE.pattern + r")\s*[)>]"), "before", "body"),
    # "Aisha Khan (cc'd)", "Aisha Khan (copied)", "Theo Park (cc'd)", "(en copie)", "(in Kopie)"
    (re.compile(r"(?<!\s)\s*\((?i:cc'?d|cc|copied|bcc'?d|on cc|in cc|cc'ed|en copie|in kopie|en copia|em cópia|in cc|"
                r"in copia)\)"), "before", "cc_mention"),
    # "Ingrid Dekker: ingrid@x.example", "Ingrid Dekker - ingrid@x.example" on a line of its own
    (re.compile(r"(?<![ \t])[ \t]*(?::|-|–)[ \t]*(?P<email>" + EMAIL_RE.pattern + r")[ \t]*$", re.MULTILINE), "before",
     "body_line"),
    # "looping in Kevin", "cc'ing Kevin", "copying Kevin"
    (re.compile(r"(?i:looping in|loop in|cc'?ing|copying|adding)\s+(?P<name>(?-i:" + mentions.NAME + r"))"), "after",
     "cc_mention"),
)
_NAME_BEFORE = re.compile(r"(?P<name>" + mentions.NAME + r")\Z")
# "Sender Address: x@...", "Kontakt E-Mail: x@...": a form's label, not a name.
_LABEL_WORDS = frozenset("""address addresses email e-mail mail adresse adres correo contact kontakt contacto contato
contatto recipient sender empfänger absender destinataire expéditeur remitente destinatario""".split())
_LINE_START = re.compile(r"(?:^|\n)[ \t]*\Z")  # a "Name: address" line: the name opens the line
# "Nathalie Caron, DRH du groupe Caron Distribution (nathalie@...)": a title between the person and
# the address. Only a title: "Thanks, Ana - she said (x@...)" is no person's apposition.
_PERSON_TITLED = re.compile(r"(?P<name>" + mentions.NAME + r")\s*,\s*(?P<title>[^()<>\n,;]{2,80})\Z")
_TITLE_WORD = re.compile(r"(?i)\b(?:(?-i:[A-Z]{2,5})|head|chief|director|directrice|directeur|director[a]?|diretor[a]?|"
                         r"direttore|direttrice|leiter(?:in)?|gründer(?:in)?|founder|co-founder|fondat(?:eur|rice)|"
                         r"fundador[a]?|oprichter|hoofd|responsable|responsabile|gerente|manager|partner|socio|"
                         r"sócio|vp|president[e]?|présidente?|presidenta|dean|professor|professeur[e]?|recruiter|"
                         r"engineer|lead)\b")
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
                # A title after the last comma before the anchor ("Nathalie Caron, DRH du groupe ..."):
                # checked first, as the name search over the whole reach is too slow for every address.
                # The title has no comma in it, so the one found is the one after the name.
                comma = text.rfind(",", max(start, m.start() - 82), m.start())
                titled = _PERSON_TITLED.search(text, start, m.start()) if comma != -1 and \
                    _TITLE_WORD.search(text, comma, m.start()) else None
                if titled and (found is None or titled.start() < found.start()) and \
                        mentions.clean_name(titled.group("name")):
                    raw_name = titled.group("name")
                if tag == "body_line":
                    # Only a full name that opens its line: not a label ("Email: x@..."), not a sentence;
                    # and no address alone: "From: x@..." in a quoted header is read elsewhere.
                    words = (raw_name or "").split()
                    opens_line = found is not None and _LINE_START.search(text, start, found.start())
                    if not opens_line or len(words) < 2 or words[-1].lower() in _LABEL_WORDS:
                        continue
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
