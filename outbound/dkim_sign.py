"""Optional DKIM signing (RFC 6376) of Baton's outgoing mail with dkimpy.

The signature is computed over the final bytes and those exact bytes are stored in the outbox
and sent: re-serialising a message after signing would break the signature.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dkim

# Headers a forger would most like to change; From is required by RFC 6376 5.4.
SIGNED_HEADERS = [b"from", b"to", b"cc", b"reply-to", b"subject", b"date", b"message-id", b"in-reply-to",
                  b"references", b"mime-version", b"content-type", b"auto-submitted"]


@dataclass(frozen=True)
class Signer:
    selector: str
    domain: str
    private_key: bytes

    @classmethod
    def from_files(cls, selector: str, domain: str, key_file: Path) -> Signer:
        return cls(selector, domain, Path(key_file).read_bytes())

    def sign(self, raw: bytes) -> bytes:
        header = dkim.sign(raw, self.selector.encode(), self.domain.encode(), self.private_key,
                           include_headers=SIGNED_HEADERS, canonicalize=(b"relaxed", b"relaxed"))
        return header + raw
