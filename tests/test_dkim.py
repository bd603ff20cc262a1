"""DKIM: what Baton signs verifies against the published key (a local DNS answer)."""
from __future__ import annotations

import base64
import subprocess

import dkim

from outbound.dkim_sign import Signer

RAW = (b"From: Baton <intro@baton.example>\r\nTo: dana@mail.example\r\nSubject: Intro?\r\n"
       b"Message-ID: <k1@baton.example>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\nHello Dana\r\n")


def keypair(tmp_path) -> tuple[bytes, bytes]:
    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    der = subprocess.run(["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"], check=True,
                         capture_output=True).stdout
    return key.read_bytes(), b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)


def test_signed_mail_verifies_and_tampering_breaks_it(tmp_path):
    private, record = keypair(tmp_path)
    signed = Signer("baton", "baton.example", private).sign(RAW)
    assert signed.startswith(b"DKIM-Signature:") and signed.endswith(RAW)

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"baton._domainkey.baton.example."
        return record

    assert dkim.verify(signed, dnsfunc=dns)
    assert not dkim.verify(signed.replace(b"Subject: Intro?", b"Subject: Wire money"), dnsfunc=dns)
    assert not dkim.verify(signed.replace(b"Hello Dana", b"Hello Eve"), dnsfunc=dns)
