"""Bytes to text: the declared charset, then UTF-8, then windows-1252. Never raises."""
from __future__ import annotations

import codecs

# Labels mail clients write that Python's codec registry does not know, mapped to what they mean.
ALIASES: dict[str, str] = {
    "unknown-8bit": "windows-1252",  # RFC 1428 placeholder; Western mail in practice
    "x-unknown": "windows-1252",  # Outlook Express when it gave up
    "x-user-defined": "windows-1252",  # old Mozilla
    "iso-8859-8-i": "iso-8859-8",  # logical-order Hebrew (RFC 1556)
    "ks_c_5601-1987": "cp949",  # Outlook's name for Korean
    "gb2312": "gb18030",  # superset; mail labelled gb2312 often holds GBK characters
    "utf8": "utf-8",
    "ansi_x3.4-1968": "ascii",
}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip('"').lower()
    label = ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):
        return None


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode with the declared charset, then UTF-8, then windows-1252 (which maps every byte
    except five; those become U+FFFD). NUL bytes are dropped: they end C strings downstream."""
    for name in (_codec(declared), "utf-8"):
        if name:
            try:
                return data.decode(name).replace("\x00", "")
            except (UnicodeDecodeError, LookupError, ValueError):
                continue
    return data.decode("windows-1252", errors="replace").replace("\x00", "")


def detect(data: bytes) -> str:
    """Bytes in an undeclared charset (an 8-bit header): the most likely charset by
    charset-normalizer, loaded only when one is met; windows-1252 when it cannot tell."""
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(data[:4096]).best()
        if best is not None and best.encoding:
            return data.decode(best.encoding, errors="replace").replace("\x00", "")
    except Exception:  # detection is a guess: never let it stop the parse
        pass
    return data.decode("windows-1252", errors="replace").replace("\x00", "")
