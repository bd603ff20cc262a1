"""Raw message bytes to a ParsedMail: headers, people, readable text, attachments, embedded messages.

mail-parser reads bodies, attachments and defects; the standard library (policy.default) reads the
header fields that decisions rest on. Hostile input is capped (size, header block, parts, depth)
and nothing here raises: a message that cannot be read becomes an empty ParsedMail with defects.
"""
from __future__ import annotations

import copy
import email
import itertools
import logging
import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from typing import Any

import mailparser

from inbound.analysis.addresses import Person, canonical, parse_header_addresses, simple_pairs
from inbound.analysis.charset import decode, detect
from inbound.analysis.htmltext import html_to_text

log = logging.getLogger("baton.inbound.parse")

MAX_BYTES = 8 * 1024 * 1024  # analysed prefix of a message; the store keeps all of it
MAX_HEADER_BYTES = 256 * 1024  # header block; Python's header parser is quadratic on hostile input
MAX_HEADERS = 500
# Fields read through the standard library's (slow) structured parser; the others are read as
# they are, their encoded words decoded.
_ADDRESS_FIELDS = frozenset({"from", "to", "cc", "reply-to", "sender"})
MAX_FIELD_BYTES = 16 * 1024  # one header field; the rules read no more of it than this
MAX_PARTS = 200
MAX_DEPTH = 4  # message/rfc822 inside message/rfc822 ...
MAX_TEXT = 200_000  # characters of body text that the rules read

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Outlook .msg (Compound File Binary)
_HEADER_LINE = re.compile(rb"^(?:From |>?From |[!-9;-~]{1,76}:)")
_UNFOLD = re.compile(r"\r?\n(?=[ \t])")  # RFC 5322 unfolding: the line break goes, the blank stays
_FIELD_START = re.compile(rb"\r?\n(?![ \t])")  # a line break that starts a new field (not a fold)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str


@dataclass
class ParsedMail:
    message_id: str | None = None
    subject: str = ""
    headers: dict[str, list[str]] = field(default_factory=dict)  # lower-case name -> values
    from_: list[Person] = field(default_factory=list)
    to: list[Person] = field(default_factory=list)
    cc: list[Person] = field(default_factory=list)
    reply_to: list[Person] = field(default_factory=list)
    sender: list[Person] = field(default_factory=list)
    content_type: str = "text/plain"
    text: str = ""
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    embedded: list[ParsedMail] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None


def _split_head(raw: bytes) -> tuple[bytes, bytes]:
    m = re.search(rb"\r?\n\r?\n", raw)
    return (raw[: m.start()], raw[m.end():]) if m else (raw, b"")


def _cap_head(head: bytes, defects: list[str]) -> bytes:
    """The header block with each field (folded lines included) cut to MAX_FIELD_BYTES, then
    the block to MAX_HEADER_BYTES; `head` itself when nothing is cut. Both parsers decode every
    encoded word of a field: a 200 KB Subject took a quarter second."""
    if len(head) > MAX_FIELD_BYTES:
        fields = _FIELD_START.split(head)
        if any(len(f) > MAX_FIELD_BYTES for f in fields):
            for i, f in enumerate(fields):
                if len(f) > MAX_FIELD_BYTES:
                    name = f.split(b":", 1)[0][:40].decode("ascii", "replace")
                    defects.append(f"header field {name} over {MAX_FIELD_BYTES // 1024} KB; truncated")
                    fields[i] = f[:MAX_FIELD_BYTES].rstrip(b"\r")
            head = b"\n".join(fields)
    if len(head) > MAX_HEADER_BYTES:
        defects.append("header block too large; truncated")
        head = head[:MAX_HEADER_BYTES].rsplit(b"\n", 1)[0]
    return head


def _looks_like_headers(raw: bytes) -> bool:
    first = raw.lstrip(b"\r\n")[:200]
    return bool(_HEADER_LINE.match(first))


def _headers(msg: Message, defects: list[str], objects: dict[str, list[Any]]) -> dict[str, list[str]]:
    """Lower-case name -> values; `objects` gets, for each address field's value, the header object
    the structured parser made of it, or the pairs addresses.simple_pairs read (None when neither
    could), so that the people are read from it, not re-parsed."""
    headers: dict[str, list[str]] = {}
    try:
        items = list(itertools.islice(msg.raw_items(), MAX_HEADERS))
    except Exception:
        return headers
    fallback = msg.get_content_charset() if hasattr(msg, "get_content_charset") else None
    for name, raw_value in items:
        key = name.lower()
        values = headers.setdefault(key, [])
        if len(values) >= 20:
            continue
        text = _plain(str(raw_value), fallback)
        obj: Any = None
        if key in _ADDRESS_FIELDS:
            obj = simple_pairs(text)
            if obj is None:
                obj = _header_object(name, text, defects)
                if getattr(obj, "defects", None) and "AddressHeaderDefect" not in defects:
                    defects.append("AddressHeaderDefect")  # read, but not as RFC 5322 writes it
        elif key == "subject":
            text = _UNFOLD.sub("", text)
        value = text if obj is None else canonical(obj) if isinstance(obj, list) else str(obj)
        if obj is None and "=?" in text:
            value = _encoded_words(name, text, defects)
        values.append(re.sub(r"[\r\n]+\s*", " ", value)[:MAX_FIELD_BYTES])
        if key in _ADDRESS_FIELDS:
            objects.setdefault(key, []).append(obj)
    return headers


def _header_object(name: str, raw_value: str, defects: list[str]) -> Any:
    """The field as the standard library's parser reads it (its str: encoded words decoded,
    addresses in their canonical form, a display name with "<" in it quoted); None when the
    parser fails, and the field is then read as it is."""
    try:
        return policy.default.header_fetch_parse(name, raw_value)
    except Exception as e:
        defects.append(f"header {name.lower()}: {type(e).__name__}")
        return None


def _encoded_words(name: str, value: str, defects: list[str]) -> str:
    """A field that is only text (a Subject) with its encoded words decoded: email.header's
    decoder is many times faster than the structured parser, which is kept for the fields
    whose syntax matters (addresses) and for what this decoder cannot read."""
    try:
        return str(make_header(decode_header(value)))
    except Exception:
        obj = _header_object(name, value, defects)
        return value if obj is None else str(obj)


def _plain(raw_value: str, fallback: str | None = None) -> str:
    """A header as text. 8-bit bytes (RFC 6532 UTF-8, or a legacy charset some clients still
    write) arrive as surrogates: UTF-8 first, then the message's own charset, then detection."""
    if raw_value.isascii():
        return raw_value
    data = raw_value.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    as_utf8 = data.decode("utf-8", "replace")
    if any(ord(c) > 0x7F and c != "\ufffd" for c in as_utf8):
        return as_utf8  # mostly UTF-8 with a stray byte: keep what is readable
    if fallback:
        return decode(data, fallback)
    # No charset said: detection needs a few letters to go on; for a name or two, Western mail's
    # own default is the better guess.
    return detect(data) if sum(b > 0x7F for b in data) >= 8 else data.decode("windows-1252", "replace")


def _people(headers: dict[str, list[str]], objects: dict[str, list[Any]], name: str) -> list[Person]:
    out: list[Person] = []
    for v, obj in zip(headers.get(name, [])[:5], objects.get(name, []), strict=False):
        out.extend(parse_header_addresses(v, obj))
    return out


def _body_only(raw: bytes, defects: list[str]) -> ParsedMail:
    """A body with no header block (a pasted reply, a test-suite snippet): read it as text."""
    text = decode(raw)
    if "<html" in text[:2000].lower() or "<div" in text[:2000].lower():
        return ParsedMail(text=html_to_text(text)[:MAX_TEXT], html=text, content_type="text/html", defects=defects)
    return ParsedMail(text=text[:MAX_TEXT], defects=defects)


def _embedded_bytes(msg: Message, defects: list[str]) -> list[bytes]:
    """Bytes of each message/rfc822 part (a forward as attachment), in order, capped in number."""
    out: list[bytes] = []
    try:
        parts = list(msg.walk())[:MAX_PARTS]
    except Exception as e:
        defects.append(f"mime walk: {type(e).__name__}")
        return out
    if len(parts) >= MAX_PARTS:
        defects.append("too many MIME parts; the rest was not read")
    inner_ids: set[int] = set()
    for part in parts:
        if id(part) in inner_ids or part.get_content_type() != "message/rfc822":
            continue
        try:
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, Message):
                for sub in inner.walk():
                    inner_ids.add(id(sub))  # nested forwards are read by the recursive parse
                out.append(inner.as_bytes(policy=policy.SMTP.clone(max_line_length=0)))
            elif isinstance(payload, (str, bytes)):
                out.append(payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else payload)
        except Exception as e:
            defects.append(f"message/rfc822: {type(e).__name__}")
    return out[:10]


# mail-parser parses every top-level field eagerly (addresses, dates, each Received line) and
# copies each into its results twice: over a third of the analysis time, for results Baton does
# not read (it reads the fields it acts on itself). Bodies need only the MIME fields.
_FOR_BODIES = ("content-", "mime-version")
_MOST_NAMES = 100  # a message with more distinct field names keeps them (each `del` reads them all)
_PARSED_EAGERLY = ("from", "to", "cc", "bcc", "reply-to", "delivered-to", "date", "resent-date", "received")


def _body_view(msg: Message) -> Message:
    """The message with only its MIME fields, for mail-parser: the same parts, nothing parsed twice.
    A shallow copy: `del` gives the copy its own list of fields and leaves `msg` whole."""
    view = copy.copy(msg)
    names = {name.lower() for name in msg.keys()}
    if len(names) > _MOST_NAMES:
        names = set(_PARSED_EAGERLY)
    for name in names:
        if not name.startswith(_FOR_BODIES):
            del view[name]
    return view


def _bodies(msg: Message, defects: list[str]) -> tuple[str, str, list[Attachment]]:
    """Plain text, HTML and attachments via mail-parser, from the message already parsed."""
    try:
        mp = mailparser.MailParser(_body_view(msg))
    except Exception as e:  # mail-parser gave up: the headers may still be worth reading
        defects.append(f"mail-parser: {type(e).__name__}")
        return "", "", []
    for d in sorted(map(str, mp.defects_categories or []))[:20]:
        defects.append(str(d))
    plain = "\n".join(t for t in (mp.text_plain or []) if isinstance(t, str))
    plain = plain.replace("\r\n", "\n").replace("\r", "\n")
    markup = "\n".join(t for t in (mp.text_html or []) if isinstance(t, str))
    attachments = []
    for a in (mp.attachments or [])[:MAX_PARTS]:
        attachments.append(Attachment(str(a.get("filename") or ""), str(a.get("mail_content_type") or "")))
    return plain, markup, attachments


def parse_bytes(raw: bytes, depth: int = 0) -> ParsedMail:
    """Read a message. Never raises; what could not be read is listed in `defects`."""
    defects: list[str] = []
    try:
        return _parse(raw, depth, defects)
    except Exception as e:  # last line of defence: one bad message must not stop the worker
        log.warning("unparseable message: %s", type(e).__name__)
        defects.append(f"unparseable: {type(e).__name__}")
        try:  # still give the rules the words, read as plain text
            return ParsedMail(text=decode(bytes(raw)[:MAX_BYTES])[:MAX_TEXT], defects=defects)
        except Exception:
            return ParsedMail(defects=defects)


def _parse(raw: bytes, depth: int, defects: list[str]) -> ParsedMail:
    if not isinstance(raw, (bytes, bytearray)):
        raw = str(raw).encode("utf-8", "surrogateescape")
    raw = bytes(raw)
    if len(raw) > MAX_BYTES:
        defects.append(f"message over {MAX_BYTES} bytes; only the start was read")
        raw = raw[:MAX_BYTES]
    if raw.startswith(OLE_MAGIC):
        defects.append("Outlook .msg (OLE) file: not a MIME message")
        return ParsedMail(content_type="application/vnd.ms-outlook", defects=defects)
    if raw.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark before the first header hides every header
        raw = raw[3:]
        defects.append("byte-order mark before the headers")
    raw = raw.replace(b"\x00", b"")
    if raw.startswith(b"From ") and b"\n" in raw[:1000]:  # mbox separator line
        raw = raw.split(b"\n", 1)[1]
    if not _looks_like_headers(raw):
        defects.append("no header block")
        return _body_only(raw, defects)
    head, body = _split_head(raw)
    capped = _cap_head(head, defects)
    if capped is not head:
        raw = capped + b"\n\n" + body
    # One parse (compat32 keeps header values raw); mail-parser reads the bodies from it, and the
    # fields decisions rest on go through policy.default's parser one by one.
    msg = email.message_from_bytes(raw, policy=policy.compat32)
    for d in (msg.defects or [])[:20]:
        defects.append(type(d).__name__)
    objects: dict[str, list[Any]] = {}
    headers = _headers(msg, defects, objects)
    try:
        content_type = msg.get_content_type()
    except Exception:
        content_type = "text/plain"
    plain, markup, attachments = _bodies(msg, defects)
    embedded: list[ParsedMail] = []
    if depth < MAX_DEPTH:
        for inner in _embedded_bytes(msg, defects):
            sub = parse_bytes(inner, depth + 1)
            embedded.append(sub)
            # mail-parser folds an attached message's text into the outer body: take it out again
            # so that the words are credited to the attached message's author, not the forwarder.
            for piece in (sub.text,) if sub.text else ():
                plain = plain.replace(piece.strip(), "") if piece.strip() else plain
    elif "message/rfc822" in raw[:MAX_BYTES].lower().decode("ascii", "replace"):
        defects.append("message nesting too deep; inner messages not read")
    text = plain if plain.strip() else html_to_text(markup) if markup else ""
    if not text.strip() and not markup and body.strip() and not attachments and content_type.startswith("text/"):
        text = decode(body)  # mail-parser found no text part, but there is a readable body
    text = text.replace("\r\n", "\n").replace("\r", "\n")[:MAX_TEXT]
    message_ids = headers.get("message-id") or []
    message_id = message_ids[0] if message_ids else None
    return ParsedMail(
        message_id=message_id.strip() if message_id else None,
        subject=(headers.get("subject") or [""])[0].strip(),
        headers=headers,
        from_=_people(headers, objects, "from"),
        to=_people(headers, objects, "to"),
        cc=_people(headers, objects, "cc"),
        reply_to=_people(headers, objects, "reply-to"),
        sender=_people(headers, objects, "sender"),
        content_type=content_type,
        text=text,
        html=markup[:MAX_TEXT * 5],
        attachments=attachments,
        embedded=embedded,
        defects=defects,
    )


MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # a resume; anything larger stays behind


def attachment_named(raw: bytes | None, filename: str) -> tuple[str, bytes] | None:
    """The content type and bytes of the attachment called `filename` (the first, in a
    forward-as-attachment too), or None when it is not there or too large to pass on."""
    if not raw or not filename:
        return None
    try:
        msg = email.message_from_bytes(raw[:MAX_BYTES], policy=policy.compat32)
        for part in itertools.islice(msg.walk(), MAX_PARTS):
            given = part.get_filename()
            if part.is_multipart() or given is None or _decoded_filename(given) != filename:
                continue
            data = part.get_payload(decode=True)
            if not isinstance(data, bytes) or len(data) > MAX_ATTACHMENT_BYTES:
                return None
            return part.get_content_type(), data
    except Exception:  # a part that can't be decoded is simply not passed on
        return None
    return None


def _decoded_filename(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except Exception:
        return value
