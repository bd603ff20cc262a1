"""Issue 18, finding 7: a planted Authentication-Results right after our MTA's own is not believed.

RFC 8601 5 and 7.1: only the single topmost field with the configured authserv-id is our MTA's,
and only when it sits above the first Received field (the one that MTA added). Real message
bytes, as an MTA in front hands them over: through the auth module, and through the real
listener and worker.
"""
from __future__ import annotations

from inbound.auth.verify import authenticate, strip_untrusted
from outbound.sendfile import to_crlf
from store import messages
from store.db import make_engine
from tests.service_helpers import HANDOFFS, Running, maildir, wait_for

OURS = "mx.baton.example"
# What our MTA concluded: nothing vouches for the From domain.
REAL = f"Authentication-Results: {OURS};\r\n\tspf=softfail smtp.mailfrom=paula@reyes.example; dkim=none\r\n"
# What the sender wrote at the top of its own header, with our authserv-id.
PLANTED = (f"Authentication-Results: {OURS}; dkim=pass header.d=reyes.example header.s=s1;\r\n"
           "\tdmarc=pass header.from=reyes.example\r\n")
RECEIVED = (f"Received: from mail.reyes.example (mail.reyes.example [192.0.2.7])\r\n\tby {OURS} with ESMTPS; "
            "Mon, 23 Nov 2026 09:14:02 -0800\r\n")


def handoff(top: str, message_id: str = "") -> bytes:
    raw = to_crlf((HANDOFFS / "direct-intro-meet.eml").read_bytes())
    if message_id:
        raw = raw.replace(b"Message-ID: <", f"Message-ID: <{message_id}".encode(), 1)
    return top.encode() + raw


def judged(raw: bytes):
    return authenticate(raw, peer_ip="192.0.2.7", helo="mail.reyes.example", mail_from="paula@reyes.example",
                        resolver=None, trusted_authserv_id=OURS)


def test_finding_7_a_planted_authentication_results_right_after_the_mtas_own_is_not_believed():
    # The MTA's field on top, the sender's copy right under it (no Received between), then the
    # MTA's Received: the old reading took both as the MTA's and counted the planted dkim=pass.
    result = judged(handoff(REAL + PLANTED + RECEIVED))
    assert result.method == "upstream"
    assert (result.spf, result.dkim, result.dmarc, result.aligned) == ("softfail", (), None, False)
    assert any("ignored 1 Authentication-Results" in r for r in result.reasons)
    # The same two fields the other way round: only the topmost counts, so the verdict changes.
    assert judged(handoff(PLANTED + REAL + RECEIVED)).aligned
    # strip_untrusted keeps the MTA's field only.
    stripped = strip_untrusted(handoff(REAL + PLANTED + RECEIVED), OURS)
    assert stripped.count(b"Authentication-Results:") == 1 and b"dmarc=pass" not in stripped


def test_finding_7_a_field_below_the_first_received_or_without_any_received_is_not_believed():
    # Our MTA added no field (say, its milter was skipped); one below its Received was the sender's.
    assert not judged(handoff(RECEIVED + PLANTED)).aligned
    # No Received at all: the message never passed through an MTA (RFC 5321 4.4), nothing is ours.
    assert not judged(handoff(PLANTED)).aligned
    assert judged(handoff(PLANTED + RECEIVED)).aligned  # the same field where our MTA puts it


async def test_finding_7_through_the_listener_the_planted_field_gets_no_draft(make_settings, tmp_path):
    s = make_settings(sender_policy="aligned", trusted_authserv_id=OURS)
    planted, honest = tmp_path / "planted.eml", tmp_path / "honest.eml"
    planted.write_bytes(handoff(REAL + PLANTED + RECEIVED, "planted"))
    honest.write_bytes(handoff(PLANTED + RECEIVED, "honest"))  # the same verdict, where our MTA puts it
    engine = make_engine(s.database_url)
    async with Running(s) as baton:
        await baton.send(planted)
        await baton.send(honest)
        assert await wait_for(lambda: [r["status"] for r in messages.recent(engine)] == ["processed"] * 2)
        await wait_for(lambda: maildir(s))
    engine.dispose()
    by_id = {r["id"]: r["analysis"] for r in messages.recent(make_engine(s.database_url))}
    assert by_id[1]["outcome"] == "untrusted_sender" and by_id[1]["auth"]["aligned"] is False
    assert by_id[2]["outcome"] == "handoff" and by_id[2]["auth"]["aligned"] is True
    assert len(maildir(s)) == 1  # the draft for the honest copy only
