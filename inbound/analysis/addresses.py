"""People and addresses: strict parsing for real headers, careful reading of headers quoted in text.

Decisions (whom to answer, whom to introduce) rest on the real header fields, so those go through
the standard library's strict RFC 5322 parser. Header lines that only appear inside a body (a
forwarded block) are read with a tolerant pattern, but an address is still only ever one that
literally occurs in the message.
"""
from __future__ import annotations

import email.utils
import inspect
import re
from email.headerregistry import HeaderRegistry
from typing import Any

from model import Person

MAX_ADDRESSES = 200  # per header; more is a mass mailing or an attack, not a hand-off
MAX_HEADER_VALUE = 16_384  # characters read from one address header (the strict parser is quadratic)

EMAIL_RE = re.compile(r"(?<![\w.%+\-'=])[A-Za-z0-9][A-Za-z0-9._%+\-'=]{0,63}"
                      r"@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}\.)+[A-Za-z]{2,24}")


def usable_email(addr: str | None) -> str | None:
    """The address lower-cased if it is one we could write to; None for X.500, Notes or bare hosts."""
    if not addr or len(addr) > 254:
        return None
    addr = addr.strip().strip("<>").strip()
    if not EMAIL_RE.fullmatch(addr):
        return None
    local = addr.rpartition("@")[0]
    # Exchange/Notes gateway encodings ("IMCEANOTES-...", "/O=ENRON/...") are not addresses anyone reads.
    if local.upper().startswith(("IMCEA", "IMCEANOTES")) or "/" in local:
        return None
    return addr.lower()


_NOTES_NAME = re.compile(r"^([^/@<>]+)/[A-Z0-9/]+(?:@\w+)?$")  # "Richard Lewis/LON/ECT@ECT"


def clean_name(name: str | None) -> str | None:
    """A display name a person would write: unquoted, one line, "Last, First" turned round,
    Lotus Notes hierarchy ("/HOU/ECT@ECT") and gateway suffixes ("@ENRON") removed."""
    if not name:
        return None
    name = re.sub(r"[\r\n\t]+", " ", name).strip().strip("\"'").strip()
    # From where a run of space starts, and an address's length at most: linear on any name.
    name = re.sub(r"(?<!\s)\s*\[mailto:[^\]]{0,320}\]", "", name)
    name = re.sub(r"(?<!\s)\s*<[^>]{0,320}>", "", name).strip()
    m = _NOTES_NAME.match(name)
    if m:
        name = m.group(1).rstrip()
    name = re.sub(r"@[A-Za-z]+$", "", name).strip()
    if EMAIL_RE.fullmatch(name) or not re.search(r"[^\W\d_]", name):
        return None
    if re.fullmatch(r"[^,]{1,40},\s*[^,]{1,40}", name) and not re.search(r"\b(inc|llc|ltd|jr|sr)\b", name, re.I):
        last, first = (p.strip() for p in name.split(",", 1))
        name = f"{first} {last}"
    name = re.sub(r"\s+", " ", name).strip().strip("\"'").strip()
    return name[:120] or None


def name_from_email(addr: str | None) -> str | None:
    """'john.miller@x' -> 'John Miller'; None when the local part is not a first.last shape."""
    if not addr:
        return None
    local = addr.split("@", 1)[0].split("+", 1)[0]
    parts = [p for p in re.split(r"[._]", local) if p]
    if 2 <= len(parts) <= 3 and all(p.isalpha() and len(p) > 1 for p in parts):
        return " ".join(p.capitalize() for p in parts)
    return None


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = _ATOM + r"(?:\." + _ATOM + r")*"
_SPEC = _DOT_ATOM + "@" + _DOT_ATOM
# One address in the shape nearly all mail uses: "Jane Roe <jane@x>", "<jane@x>" or "jane@x", the
# name plain words (no quotes, dots, commas or encoded words, which need the full grammar).
_SIMPLE = re.compile(r"\s*(?:(?P<name>[A-Za-z0-9'\-]+(?: [A-Za-z0-9'\-]+)*)\s*<(?P<named>" + _SPEC + r")>|"
                     r"<(?P<angle>" + _SPEC + r")>|(?P<bare>" + _SPEC + r"))\s*")


def simple_pairs(value: str) -> list[tuple[str, str]] | None:
    """(name, addr) pairs of a field written only in that shape, which has one reading (the strict
    parser gives the same pairs; tests/test_parse.py checks it on every fixture); None for any
    other field, which the strict parser reads. The strict parser costs half a millisecond a field."""
    if not value.isascii() or len(value) > MAX_HEADER_VALUE:
        return None
    pairs = []
    for part in value.split(","):
        m = _SIMPLE.fullmatch(part)
        if m is None:
            return None
        pairs.append((m["name"] or "", m["named"] or m["angle"] or m["bare"]))
    return pairs


def canonical(pairs: list[tuple[str, str]]) -> str:
    """The field as the strict parser would print those pairs."""
    return ", ".join(f"{name} <{addr}>" if name else addr for name, addr in pairs)


_HAS_STRICT_GETADDRESSES = "strict" in inspect.signature(email.utils.getaddresses).parameters


def _strict_pairs(value: str, parsed: Any = None) -> list[tuple[str, str]]:
    """(name, addr) pairs by strict RFC 5322 parsing: getaddresses(strict=True) where this Python
    has it (3.11.10+; CVE-2023-27043), otherwise the policy.default header parser, which is strict.
    `parsed` is that parser's header object when the caller already has it for this very value
    (parsing the field a second time was a third of the analysis's CPU), or the pairs
    `simple_pairs` read from it."""
    if isinstance(parsed, list):
        return parsed
    if _HAS_STRICT_GETADDRESSES:
        return email.utils.getaddresses([value], strict=True)
    header: Any = parsed if parsed is not None and str(parsed) == value else HeaderRegistry()("to", value)
    pairs = []
    for group in header.groups:
        for a in group.addresses:
            pairs.append((a.display_name, a.addr_spec))
    return pairs


def parse_header_addresses(value: str | None, parsed: Any = None) -> list[Person]:
    """People in a real From/To/Cc/Reply-To/Sender value; unusable addresses keep only their name.
    `parsed`: the standard library's header object that `value` is the text of, if there is one."""
    if not value:
        return []
    value = str(value)[:MAX_HEADER_VALUE].replace("\r", " ").replace("\n", " ")
    try:
        pairs = _strict_pairs(value, parsed)
    except Exception:  # the parser found something it cannot represent: nothing we can act on
        return []
    out: list[Person] = []
    for name, addr in pairs[:MAX_ADDRESSES]:
        mail = usable_email(addr)
        nm = clean_name(name) or clean_name(addr if not mail else None)
        if mail or nm:
            out.append(Person(nm, mail))
    return out


# A name then an address: "Jane Roe <jane@x>", "Roe, Jane [mailto:jane@x]", "'Jane' <jane@x>".
# The address in its brackets is found first; the name is then read back from it (`_name_start`):
# a pattern that lets the name start anywhere tries every start, quadratic in the line's length.
_BRACKETED = re.compile(r"(?:<|\[mailto:|\()\s*(?P<addr>" + EMAIL_RE.pattern + r")\s*[>\])]")
_NOT_IN_NAME = re.compile(r"[<>\[\];\n]")


def _name_span(value: str, lo: int, bracket: int) -> tuple[int, int]:
    """The name before `bracket`: it ends where the white space before the bracket begins, and
    starts as early as `lo` allows, never across < > [ ] ; or a line break, with at most one comma
    in it and no @ after that comma ("Roe, Jane")."""
    end = bracket
    while end > lo and value[end - 1].isspace():
        end -= 1
    start = lo
    for m in _NOT_IN_NAME.finditer(value, lo, end):
        start = m.end()
    commas = [i for i in range(start, end) if value[i] == ","]
    if len(commas) >= 2:
        start = commas[-2] + 1
    if commas and "@" in value[commas[-1] + 1:end]:
        start = commas[-1] + 1
    return start, max(start, end)


def _named(value: str):
    """(name, address, span) of each bracketed address in `value`, in order."""
    done = 0
    for m in _BRACKETED.finditer(value):
        start, end = _name_span(value, done, m.start())
        done = m.end()
        yield value[start:end], m.group("addr"), (start, done)


def parse_text_addresses(value: str) -> list[Person]:
    """People in a header line quoted inside a body (Outlook, Gmail, Notes forward blocks)."""
    value = value[:4000]
    out: list[Person] = []
    seen: set[str] = set()
    spans: list[tuple[int, int]] = []
    for raw_name, addr, span in _named(value):
        mail = usable_email(addr)
        if not mail or mail in seen:
            continue
        seen.add(mail)
        spans.append(span)
        name = clean_name(raw_name.strip(" ;,\"'"))
        out.append(Person(name or name_from_email(mail), mail))
    rest = value
    for a, b in reversed(spans):
        rest = rest[:a] + ";" + rest[b:]
    for m in EMAIL_RE.finditer(rest):
        mail = usable_email(m.group(0))
        if mail and mail not in seen:
            seen.add(mail)
            out.append(Person(name_from_email(mail), mail))
    rest = EMAIL_RE.sub(";", rest)
    # Names without addresses: Outlook writes "Lavorato, John; Smith, Ann", Notes "A B/HOU/ECT@ECT, C D/HOU/ECT".
    items = [p for p in re.split(r";", rest) if p.strip(" ,")]
    for item in items:
        if re.fullmatch(r"\s*[^,]{1,40},\s*[^,]{1,40}\s*", item) and "/" not in item and "@" not in item:
            pieces = [item]  # "Last, First"
        else:
            pieces = item.split(",")
        for piece in pieces:
            name = clean_name(piece.strip(" ,\"'"))
            if name and len(name.split()) <= 5 and not re.search(r"[\[\]<>]", name):
                out.append(Person(name, None))
    return out[:MAX_ADDRESSES]
