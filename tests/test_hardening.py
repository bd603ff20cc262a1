"""Issue 18: each finding of the hostile-user review, as a test named for it."""
from __future__ import annotations

from tests.service_helpers import Running, maildir, wait_for


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode())
    return path


BODY_ONLY_VICTIM = """From: Mallory Stone <mallory@attacker.example>
To: intro@baton.example
Subject: Buy cheap watches at http://spam.example
Message-ID: <victim-in-body@attacker.example>

Hello,

Vera Victim (vera@target.example) suggested I contact you about http://spam.example today.

Mallory
"""


async def test_finding_2_an_address_only_in_the_body_is_never_mailed(make_settings, tmp_path):
    s = make_settings()
    async with Running(s) as baton:
        await baton.send(_write(tmp_path, "victim.eml", BODY_ONLY_VICTIM))
        mails = await wait_for(lambda: maildir(s))
    recipients = {a.addr_spec for m in mails for f in ("To", "Cc") for a in (m[f].addresses if m[f] else ())}
    assert "vera@target.example" not in recipients
    assert recipients == {"mallory@attacker.example"}  # the sender, who was in the conversation


FORWARDED_REFERRER = """From: Carla Bennett <carla@pin.example>
To: Richard Hale <rhale@contact.example>
Cc: intro@baton.example
Subject: FW: Advice on private credit
Message-ID: <fwd-referrer@pin.example>

Dear Mr. Hale,

Please see below: Patricia Lang recommended I contact you about analyst roles.

Carla

________________________________
From: Patricia Lang <plang@referrer.example>
Sent: Friday, February 6, 2026 3:12 PM
To: Carla Bennett <carla@pin.example>
Subject: RE: Advice on private credit

Carla, you should reach out to Richard Hale. Tell him I sent you.

Patricia
"""


async def test_finding_2_a_referrer_only_in_a_forwarded_block_is_reached_through_the_sender(make_settings, tmp_path):
    s = make_settings()
    async with Running(s) as baton:
        await baton.send(_write(tmp_path, "fwd.eml", FORWARDED_REFERRER))
        mails = await wait_for(lambda: maildir(s))
    (draft,) = mails
    assert [a.addr_spec for a in draft["To"].addresses] == ["carla@pin.example"]
    text = draft.get_body(("plain",)).get_content()
    assert "Patricia" in text  # the note to pass on names the referrer
