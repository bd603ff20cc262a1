"""Cleaning strings that come from mail before they reach a draft, a template or a header.

Everything in an Analysis was written by a stranger: names and subjects may carry CR/LF,
control characters or literal encoded words (`=?UTF-8?Q?=0A?=`) that a later decode would
turn into a line break. We flatten them here, once, so no other module has to care.
"""
from __future__ import annotations

import re
from email.errors import HeaderParseError, MessageDefect
from email.headerregistry import Address

# C0/C1 controls plus the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
BLANK = re.compile(r"\[\[[^\[\]\n]+\]\]")
URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"')\]]+")
EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")  # from where a run starts: linear
_TITLES = {"mr", "mrs", "ms", "mx", "dr", "dra", "prof", "sir", "herr", "herrn", "frau", "hr", "fr", "m", "mme", "mlle",
           "sr", "sra", "srta", "sig", "sig.ra", "dott", "dhr", "mevr", "mw", "don", "doña"}
# "Greg Hall's cousin", "my wife's sister", "meine Cousine": who someone is, not what they are called.
# Other languages' possessives only in lower case: "Mia Scott" and "Ma Yun" are names.
_DESCRIPTION = re.compile(r"(?i:['’]s\b|^(?:my|his|her|their|our|your|a|an|the)\s)|^(?:[Mm]ein|[Mm]eine|[Mm]einen|"
                          r"[Mm]einem|[Mm]einer|mon|ma|mes|mi|mis|meu|minha|meus|minhas|mijn|il mio|la mia|i miei|"
                          r"le mie)\s|"
                          # "sobrino de Lucía Gómez": a lower-case noun, then "of" (a name's particle never leads)
                          r"^(?!(?:van|von|de|di|da|do|du|del|della|dos|das|le|la|ter|ten)\s)[a-zà-ÿ]+\s(?:de|van|di|da|do)\s")


def clean(value: object, limit: int = 200) -> str | None:
    """One line of plain text, or None when nothing usable is left."""
    if not isinstance(value, str):
        return None
    s = _CONTROL.sub(" ", value)
    # A decoded name never legitimately contains an encoded-word opener; keep it inert.
    s = s.replace("=?", "= ?")
    s = " ".join(s.split())
    if len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    return s or None


def clean_email(value: object) -> str | None:
    """A single addr-spec that the stdlib parser accepts as is, or None."""
    if not isinstance(value, str) or len(value) > 254:
        return None
    if _CONTROL.search(value) or any(c in value for c in " <>,;\"()"):
        return None
    try:
        parsed = Address(addr_spec=value).addr_spec
    except (ValueError, IndexError, HeaderParseError, MessageDefect):
        return None
    if parsed != value or "@" not in value:
        return None
    return value


def is_description(name: str | None) -> bool:
    return bool(name and _DESCRIPTION.search(name))


def first_name(name: str | None) -> str | None:
    """The name to greet someone by: "Whitfield, Dana" and "Dr. Dana Whitfield" give "Dana"."""
    if not name or is_description(name):
        return None
    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}"
    words = [w for w in name.split() if w.rstrip(".").lower() not in _TITLES]
    if len(words) == 1 and len(name.split()) > 1:
        # "Herrn Schmidt", "Dr. Adeyemi": a title and a surname; greet by both, as the writer did.
        title = name.split()[0]
        title = {"herrn": "Herr"}.get(title.rstrip(".").lower(), title)
        return f"{title} {words[0]}"
    return words[0] if words else None


def words(text: str) -> int:
    """Word count as a reader sees it; a [[blank]] counts for the words it holds."""
    return len(text.split())


def blanks(text: str) -> list[str]:
    """The [[blanks]] in text, in order, without duplicates."""
    seen: dict[str, None] = {}
    for m in BLANK.finditer(text):
        seen.setdefault(m.group(0))
    return list(seen)
