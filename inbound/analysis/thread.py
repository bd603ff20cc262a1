"""The message ids a reply must cite to stay in the sender's thread (RFC 5322 3.6.4)."""
from __future__ import annotations

import re
from email import message_from_bytes, policy

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
