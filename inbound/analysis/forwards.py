"""Split a body into segments: the sender's own words, then each forwarded or quoted message.

Each forward marker is one row of MARKERS, naming the mail client that writes it. After a marker
comes the embedded header block (From/Sent/To/Cc/Subject in the client's language, or Lotus
Notes' name-and-date lines); the people in it are who wrote and received the forwarded words.
`>`-quoted runs are unquoted and split again, so a forward inside a quote (or a forward of a
forward) is found at any depth, up to MAX_SEGMENTS. Nothing is discarded: in a forward, the
forwarded message is the point.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from inbound.analysis.addresses import Person, parse_text_addresses

MAX_SEGMENTS = 30
MAX_LINES = 20_000


@dataclass(frozen=True)
class Marker:
    name: str
    pattern: re.Pattern[str]
    forward: bool  # True: a forward; False: a quoted reply header


def _m(name: str, pattern: str, forward: bool = True) -> Marker:
    return Marker(name, re.compile(pattern, re.I), forward)


MARKERS: tuple[Marker, ...] = (
    # Gmail: "---------- Forwarded message ---------" (also its German, French, Spanish, Italian, Dutch UI)
    _m("gmail", r"^\s*-{5,}\s*(?:Forwarded message|Weitergeleitete Nachricht|Message transf[ée]r[ée]|"
                r"Mensaje reenviado|Mensagem encaminhada|Mensagem reencaminhada|Messaggio inoltrato|"
                r"Doorgestuurd bericht)\s*-{3,}\s*$"),
    # Thunderbird and Yahoo: "-------- Forwarded Message --------" / "----- Forwarded Message -----"
    _m("thunderbird", r"^\s*-{3,}\s*(?:Forwarded Message|Weitergeleitete Nachricht|Message transf[ée]r[ée]|"
                      r"Mensaje reenviado|Mensagem encaminhada|Messaggio inoltrato|Doorgestuurd bericht)\s*-{3,}\s*$"),
    # Apple Mail: "Begin forwarded message:" (and German / French Apple Mail)
    _m("apple", r"^\s*(?:Begin forwarded message|Anfang der weitergeleiteten Nachricht|"
                r"D[ée]but du message r[ée]exp[ée]di[ée]|In[íi]cio da mensagem (?:re)?encaminhada|"
                r"Inicio del mensaje reenviado|Begin doorgestuurd bericht|Inizio messaggio inoltrato)\s*:\s*$"),
    # Lotus Notes: "---------------------- Forwarded by Jane Roe/HOU/ECT on 05/23/2001 08:45 AM ----"
    _m("lotus_notes", r"^\s*-{3,}\s*Forwarded by .{1,200}? on .{1,80}?-{3,}\s*$"),
    # Outlook/Exchange and many others: "-----Original Message-----" (forward or reply; also localized)
    _m("original_message", r"^\s*-{3,}\s*(?:Original Message|Urspr[üu]ngliche Nachricht|Message d'origine|"
                           r"Mensaje original|Messaggio originale|Oorspronkelijk bericht)\s*-{3,}\s*$"),
    # Outlook (desktop and web): a rule line of underscores, then a From:/Sent: block
    _m("outlook_rule", r"^\s*_{20,}\s*$"),
    # Outlook without the rule (pasted, or the rule lost in HTML conversion): "From: ..." then "Sent: ..."
    _m("outlook_block", r"^\s*\*?(?:From|Von|De|Van|Da)\s*:\*?\s+\S.{0,300}$"),
    # Quoted reply header: Gmail/Apple "On <date>, Jane <jane@x> wrote:", Yahoo "--- jane@x wrote:"
    _m("reply_header", r"^\s*(?:On\s.{4,250}\swrote|-{2,3}\s.{1,200}\swrote|Am\s.{4,250}\sschrieb|"
                       r"Le\s.{4,250}\sa\s[ée]crit)\s*:\s*$", forward=False),
)

# Embedded header keys per language -> the field they mean.
HEADER_KEYS: dict[str, str] = {
    "from": "from", "von": "from", "de": "from", "da": "from", "van": "from",
    "to": "to", "an": "to", "à": "to", "a": "to", "para": "to", "aan": "to", "pour": "to",
    "cc": "cc", "kopie": "cc", "bcc": "bcc", "cci": "bcc", "cco": "bcc",
    "subject": "subject", "betreff": "subject", "objet": "subject", "asunto": "subject", "oggetto": "subject",
    "onderwerp": "subject", "sujet": "subject", "assunto": "subject", "sent": "date", "date": "date",
    "gesendet": "date", "datum": "date", "envoyé": "date", "enviado": "date", "enviada": "date", "fecha": "date",
    "inviato": "date", "verzonden": "date", "data": "date",
    # Outlook in Spanish, Portuguese, French, Italian, German, Dutch: "Enviado el:", "Envoyé le :"
    "enviado el": "date", "enviada em": "date", "enviado em": "date", "envoyé le": "date", "inviato il": "date",
    "gesendet am": "date", "verzonden op": "date", "sent on": "date",
}
_KEY_LINE = re.compile(r"^\s*\*?(?P<key>[^\W\d_]{1,10}(?: (?:el|em|le|il|am|op|on))?)\s*:\*?\s*(?P<value>.*)$")
_LOTUS_AUTHOR = re.compile(r"^\s*(?P<who>\S.{0,150}?)\s+(?:on|@)\s+\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}.*$")
_DATE_ONLY = re.compile(r"^\s*\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}(?:\s+\d{1,2}:\d{2}.*)?\s*$")


@dataclass
class Segment:
    text: str
    source: str = "body"  # body | forwarded | quoted | attached
    marker: str | None = None  # MARKERS row (or "message/rfc822") that opened it
    author: list[Person] = field(default_factory=list)
    to: list[Person] = field(default_factory=list)
    cc: list[Person] = field(default_factory=list)
    subject: str | None = None
    depth: int = 0


def _key(line: str) -> tuple[str, str] | None:
    m = _KEY_LINE.match(line)
    if not m:
        return None
    field_ = HEADER_KEYS.get(m.group("key").lower())
    return (field_, m.group("value").strip()) if field_ else None


def _header_block(lines: list[str], start: int) -> tuple[dict[str, str], int]:
    """Read an embedded header block beginning near `start`; returns the fields and the body start."""
    fields: dict[str, str] = {}
    i, n = start, len(lines)
    while i < n and i < start + 4 and not lines[i].strip():
        i += 1
    pre: list[str] = []  # Lotus Notes writes the author and date on bare lines before "To:"
    last: str | None = None
    limit = min(n, i + 40)
    while i < limit:
        line = lines[i]
        kv = _key(line)
        if kv:
            last = kv[0]
            fields[last] = (fields.get(last, "") + " " + kv[1]).strip() if last in ("to", "cc") else kv[1]
        elif not line.strip():
            # Notes puts a blank line between "cc:" and "Subject:"; keep reading if a key follows.
            j = i + 1
            while j < limit and not lines[j].strip():
                j += 1
            if fields and j < limit and _key(lines[j]) and _key(lines[j])[0] in ("subject", "cc", "bcc"):  # type: ignore[index]
                i = j
                continue
            if fields or pre:
                break
        elif not fields and len(pre) < 3 and len(line) < 200:
            pre.append(line.strip())
        elif last in ("to", "cc", "bcc") and (line[:1].isspace() or fields.get(last, "").rstrip().endswith((",", ";"))):
            fields[last] += " " + line.strip()
        else:
            break
        i += 1
    if pre and "from" not in fields and ("to" in fields or "subject" in fields):
        for p in pre:
            m = _LOTUS_AUTHOR.match(p)
            if m:
                fields["from"] = m.group("who")
                break
            if not _DATE_ONLY.match(p):
                fields["from"] = p
                break
    elif pre and not fields:
        return {}, start
    return fields, i


def _people(value: str | None) -> list[Person]:
    return parse_text_addresses(value) if value else []


_AFTER_TIME = re.compile(r"^.{0,80}?\d{1,2}[:.h]\d{2}(?::\d{2})?\s?(?:[AaPp]\.?[Mm]\.?|Uhr)?(?:\s|,)+")


def _reply_author(line: str) -> list[Person]:
    core = re.sub(r"(?<!\s)\s*(wrote|schrieb|a [ée]crit)\s*:\s*$", "", line.strip(), flags=re.I)
    people = [p for p in parse_text_addresses(core) if p.email]
    if people:
        # "On Thu, Feb 12, 2026 at 6:05 PM Greg Whitcomb <greg@...>": the name follows the date.
        before = core.split("<", 1)[0] if "<" in core else (people[0].name or "")
        name = _AFTER_TIME.sub("", before).strip(" \"',") or None
        return [Person(name, people[0].email)]
    m = re.search(r"(?:,|\d\s?[AaPp]\.?[Mm]\.?|\d{1,2}:\d{2})\s+([^,<>\d][^,<>]{1,60}?)\s*$", core)
    if m:
        return [Person(m.group(1).strip(" \"'"), None)]
    return []


def _find_marker(lines: list[str], start: int) -> tuple[int, Marker] | None:
    for i in range(start, len(lines)):
        line = lines[i]
        if len(line) > 400 or not line.strip():
            continue
        for marker in MARKERS:
            if not marker.pattern.match(line):
                continue
            if marker.name == "outlook_block":
                # Only a header block if a Sent/Date/To line follows closely.
                nxt = [line for line in lines[i + 1:i + 4] if line.strip()]
                if not any((_key(line) or ("", ""))[0] in ("date", "to") for line in nxt[:2]):
                    continue
            if marker.name == "outlook_rule":
                nxt = [line for line in lines[i + 1:i + 4] if line.strip()]
                if not nxt or (_key(nxt[0]) or ("", ""))[0] != "from":
                    continue
            return i, marker
    return None


def _quoted_run(lines: list[str], start: int) -> tuple[int, int] | None:
    """The first run of `>`-quoted lines (blank lines inside the run allowed)."""
    i = start
    while i < len(lines):
        if lines[i].lstrip().startswith(">"):
            j = i
            while j < len(lines) and (lines[j].lstrip().startswith(">") or (
                    not lines[j].strip() and j + 1 < len(lines) and lines[j + 1].lstrip().startswith(">"))):
                j += 1
            return i, j
        i += 1
    return None


def _unquote(lines: list[str]) -> str:
    return "\n".join(re.sub(r"^\s*> ?", "", line) for line in lines)


def split(text: str, *, depth: int = 0, top: Segment | None = None) -> list[Segment]:
    """Segments of `text`, the first being the writer's own words (described by `top`)."""
    seg = top or Segment(text="")
    lines = text.split("\n")[:MAX_LINES]
    found = _find_marker(lines, 0)
    quoted = _quoted_run(lines, 0)
    out: list[Segment] = []
    if quoted and (not found or quoted[0] < found[0]):
        a, b = quoted
        header_line = next((lines[k] for k in range(a - 1, max(-1, a - 3), -1) if lines[k].strip()), "")
        is_reply_header = any(not m.forward and m.pattern.match(header_line) for m in MARKERS)
        seg.text = "\n".join(lines[:a - 1 if is_reply_header else a])
        out.append(seg)
        if depth < 8:
            inner = Segment(text="", source="quoted", marker="quote",
                            author=_reply_author(header_line) if is_reply_header else [], depth=depth + 1)
            out.extend(split(_unquote(lines[a:b]), depth=depth + 1, top=inner))
        if depth < 8 and b < len(lines):
            rest = "\n".join(lines[b:])
            if rest.strip():
                same = Segment(text="", source=seg.source, marker=seg.marker, author=seg.author, to=seg.to, cc=seg.cc,
                               depth=depth)
                out.extend(split(rest, depth=depth + 1, top=same))
        return out[:MAX_SEGMENTS]
    if not found or depth >= 8:
        seg.text = "\n".join(lines)
        return [seg]
    idx, marker = found
    seg.text = "\n".join(lines[:idx])
    out.append(seg)
    if marker.name == "outlook_block":
        fields, body_start = _header_block(lines, idx)
    else:
        fields, body_start = _header_block(lines, idx + 1)
    if not marker.forward:
        fields = {}
        body_start = idx + 1
    inner = Segment(
        text="",
        source="forwarded" if marker.forward else "quoted",
        marker=marker.name,
        author=_people(fields.get("from")) or (_reply_author(lines[idx]) if not marker.forward else []),
        to=_people(fields.get("to")),
        cc=_people(fields.get("cc")),
        subject=fields.get("subject"),
        depth=depth + 1,
    )
    out.extend(split("\n".join(lines[body_start:]), depth=depth + 1, top=inner))
    return out[:MAX_SEGMENTS]


def is_forward_marker_html(markup: str) -> bool:
    """Outlook's HTML forward keeps its header block in <div id="divRplyFwdMsg"> (Outlook 2016+/OWA);
    Gmail's in <div class="gmail_quote"> with "Forwarded message" text."""
    return "divRplyFwdMsg" in markup or ("gmail_quote" in markup and "Forwarded message" in markup)
