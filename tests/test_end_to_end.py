"""A hand-off in over SMTP, a reply out: the whole service in-process on real sockets."""
from __future__ import annotations

import asyncio
import email
import logging
import time
from datetime import timedelta
from email import policy
from pathlib import Path

from clock import clock
from outbound.sendfile import to_crlf
from store import outbox
from store.db import make_engine
from tests.service_helpers import ASSISTANT, HANDOFFS, Running, maildir, wait_for
from tests.test_outbound import Relay, start_relay


async def test_a_handoff_gets_exactly_one_reply_in_the_maildir(make_settings):
    """The 2-second goal is measured by bench/ (make bench); here: one reply, and its time printed."""
    s = make_settings()
    original = email.message_from_bytes((HANDOFFS / "intro-request-complete.eml").read_bytes(), policy=policy.default)
    async with Running(s) as baton:
        started = time.monotonic()
        await baton.send(HANDOFFS / "intro-request-complete.eml")
        replies = await wait_for(lambda: maildir(s))
        print(f"reply in the Maildir after {time.monotonic() - started:.3f}s")
        assert len(replies) == 1
        await baton.send(HANDOFFS / "intro-request-complete.eml")  # the same message again
        await asyncio.sleep(0.5)
    (reply,) = maildir(s)
    assert reply["To"].addresses[0].addr_spec == "diane@wu.example"  # the referrer
    assert reply["In-Reply-To"] == original["Message-ID"]
    assert reply["Subject"] == "Re: " + original["Subject"]
    assert reply["Auto-Submitted"] == "auto-replied"
    assert reply["Reply-To"].addresses[0].addr_spec.startswith("intro+")


async def test_auto_replies_get_no_reply(make_settings):
    s = make_settings()
    async with Running(s) as baton:
        for name in ("auto-reply-vacation.eml", "auto-reply-precedence-bulk.eml"):
            await baton.send(HANDOFFS / name)
        engine = make_engine(s.database_url)
        from store import messages
        assert await wait_for(lambda: all(r["status"] == "processed" for r in messages.recent(engine))
                              and len(messages.recent(engine)) == 2)
    assert maildir(s) == []
    assert outbox.rows(engine) == []


async def test_baton_never_answers_its_own_reply(make_settings, tmp_path):
    s = make_settings()
    async with Running(s) as baton:
        await baton.send(HANDOFFS / "direct-intro-meet.eml")
        (reply,) = await wait_for(lambda: maildir(s))
        own = tmp_path / "own.eml"
        own.write_bytes(reply.as_bytes(policy=policy.SMTP))
        await baton.send(own, sender=ASSISTANT)
        await asyncio.sleep(0.6)
    assert len(maildir(s)) == 1


async def test_through_a_relay_451_then_250_delivers_on_retry(make_settings):
    relay = Relay(["451 4.3.0 greylisted"])
    server, port = await start_relay(relay)
    s = make_settings(outbound=f"smtp://127.0.0.1:{port}?starttls=false")
    engine = make_engine(s.database_url)
    async with Running(s) as baton:
        await baton.send(HANDOFFS / "direct-intro-meet.eml")
        assert await wait_for(lambda: [r["status"] for r in outbox.rows(engine)] == ["pending"]
                              and outbox.rows(engine)[0]["attempts"] == 1)
        assert relay.received == []
        for _ in range(4):  # past the backoff; again if a transient failure came first
            clock.advance(timedelta(minutes=10))
            if await wait_for(lambda: len(relay.received) == 1, timeout=5):
                break
        assert len(relay.received) == 1, outbox.rows(engine)[0]["last_error"]
    server.close()
    (mail_from, rcpts, data), = relay.received
    assert rcpts == ["paula@reyes.example"] and mail_from.startswith("intro+bounce-")
    assert [r["status"] for r in outbox.rows(engine)] == ["sent"]


async def test_through_a_relay_550_marks_it_failed(make_settings):
    server, port = await start_relay(Relay(["550 5.1.1 unknown user"]))
    s = make_settings(outbound=f"smtp://127.0.0.1:{port}?starttls=false")
    engine = make_engine(s.database_url)
    async with Running(s) as baton:
        await baton.send(HANDOFFS / "direct-intro-meet.eml")
        assert await wait_for(lambda: [r["status"] for r in outbox.rows(engine)] == ["failed"])
    server.close()
    assert outbox.rows(engine)[0]["last_error"].startswith("550 5.1.1")
    assert outbox.is_suppressed(engine, "paula@reyes.example")


async def test_not_a_handoff_gets_one_note_per_sender_per_day(make_settings, tmp_path):
    s = make_settings()
    async with Running(s) as baton:
        await baton.send(HANDOFFS / "none-thanks.eml")
        second = tmp_path / "second.eml"
        second.write_bytes((HANDOFFS / "none-thanks.eml").read_bytes().replace(b"Message-ID: <", b"Message-ID: <2"))
        await baton.send(second)
        assert await wait_for(lambda: len(maildir(s)) == 1)
        await asyncio.sleep(0.5)
        assert len(maildir(s)) == 1
        clock.advance(timedelta(days=1))
        third = tmp_path / "third.eml"
        third.write_bytes((HANDOFFS / "none-thanks.eml").read_bytes().replace(b"Message-ID: <", b"Message-ID: <3"))
        await baton.send(third)
        assert await wait_for(lambda: len(maildir(s)) == 2)


async def test_with_dkim_configured_the_reply_verifies(make_settings, tmp_path):
    import dkim

    from tests.test_dkim import keypair
    private, record = keypair(tmp_path)
    (tmp_path / "dkim.pem").write_bytes(private)
    s = make_settings(dkim_selector="baton", dkim_key_file=tmp_path / "dkim.pem")
    async with Running(s) as baton:
        await baton.send(HANDOFFS / "direct-intro-meet.eml")
        assert await wait_for(lambda: maildir(s))
    (path,) = list((Path(s.outbound[len("maildir:"):]) / "new").iterdir())
    assert dkim.verify(path.read_bytes(), dnsfunc=lambda name, timeout=5: record)


async def test_a_bounce_with_a_null_reverse_path_gets_no_reply(make_settings):
    s = make_settings()
    async with Running(s) as baton:
        await baton.send(HANDOFFS / "direct-intro-meet.eml", sender="<>")  # MAIL FROM:<>
        engine = make_engine(s.database_url)
        from store import messages
        assert await wait_for(lambda: [r["status"] for r in messages.recent(engine)] == ["processed"])
    assert maildir(s) == [] and outbox.rows(engine) == []


async def test_with_an_llm_the_reply_uses_it_and_sends_only_the_handoff_text(make_settings):
    from tests.test_llm import ChatServer, answer_well
    with ChatServer() as llm:
        llm.respond = answer_well
        s = make_settings(llm_api_key="k", llm_model="m", llm_base_url=llm.base_url)
        async with Running(s) as baton:
            await baton.send(HANDOFFS / "intro-request-complete.eml")
            (reply,) = await wait_for(lambda: maildir(s), timeout=10)
    assert llm.requests, "the LLM was not asked"
    sent = " ".join(m["content"] for r in llm.requests for m in r["messages"])
    assert "Felix" in sent
    for raw_part in ("Content-Type:", "Content-Disposition", "Message-ID:", "base64"):
        assert raw_part not in sent  # the hand-off's words only: no headers, no attachment
    assert "The ask: A 20-minute call about Vertex" in reply.get_body(("plain",)).get_content()  # the LLM's words


async def test_an_llm_that_hangs_does_not_stop_the_reply(make_settings):
    from tests.test_llm import ChatServer

    def hang(req):
        import time as t
        t.sleep(3)
        return 500, {"error": "late"}

    with ChatServer() as llm:
        llm.respond = hang
        s = make_settings(llm_api_key="k", llm_model="m", llm_base_url=llm.base_url, llm_timeout_seconds=0.5)
        async with Running(s) as baton:
            await baton.send(HANDOFFS / "direct-intro-meet.eml")
            assert await wait_for(lambda: len(maildir(s)) == 1, timeout=10)


async def test_without_llm_settings_no_content_leaves(make_settings):
    from tests.test_llm import ChatServer
    with ChatServer() as llm:
        s = make_settings(llm_base_url=llm.base_url, llm_model="m")  # no key: off
        async with Running(s) as baton:
            await baton.send(HANDOFFS / "intro-request-complete.eml")
            assert await wait_for(lambda: maildir(s))
    assert llm.requests == []


def _with_auth_results(raw: bytes, header: bytes) -> bytes:
    # As the MTA in front hands it over: its field above the Received field it added (RFC 8601 5).
    return header + b"\r\nReceived: from mail.reyes.example by mx.baton.example; Mon, 23 Nov 2026 09:14:02 -0800\r\n" + raw


async def test_behind_a_trusted_mta_only_authenticated_senders_are_answered(make_settings, tmp_path):
    """RFC 8601: trust Authentication-Results only from our own authserv-id; RFC 7489 alignment."""
    from store import messages
    s = make_settings(sender_policy="aligned", trusted_authserv_id="mx.baton.example")
    raw = to_crlf((HANDOFFS / "direct-intro-meet.eml").read_bytes())
    good = tmp_path / "good.eml"
    good.write_bytes(_with_auth_results(raw, b"Authentication-Results: mx.baton.example; "
                                             b"dkim=pass header.d=reyes.example; spf=pass smtp.mailfrom=reyes.example"))
    forged = tmp_path / "forged.eml"
    forged.write_bytes(_with_auth_results(raw.replace(b"Message-ID: <", b"Message-ID: <forged"),
                                          b"Authentication-Results: evil.example; dkim=pass header.d=reyes.example"))
    engine = make_engine(s.database_url)
    async with Running(s) as baton:
        await baton.send(forged)
        await baton.send(good)
        assert await wait_for(lambda: [r["status"] for r in messages.recent(engine)] == ["processed", "processed"])
        await wait_for(lambda: maildir(s))
    (reply,) = maildir(s)
    assert reply["To"].addresses[0].addr_spec == "paula@reyes.example"
    by_id = {r["id"]: r["analysis"] for r in messages.recent(engine)}
    assert by_id[1]["outcome"] == "untrusted_sender" and by_id[1]["auth"]["aligned"] is False
    assert by_id[2]["outcome"] == "handoff" and by_id[2]["auth"]["aligned"] is True


async def test_daily_caps_keep_the_mail_and_answer_it_when_the_window_opens(make_settings, tmp_path, caplog):
    from store import messages
    caplog.set_level(logging.INFO, "baton")  # one CI run timed out here: a failure shows the worker's steps
    s = make_settings(daily_cap_per_sender=2)
    engine = make_engine(s.database_url)
    raw = (HANDOFFS / "direct-intro-meet.eml").read_bytes()

    def written(name: str, n: int):  # each in new words: the same words again would be a repeat
        path = tmp_path / f"{name}.eml"
        path.write_bytes(raw.replace(b"Message-ID: <", f"Message-ID: <{name}".encode())
                         .replace(b"\nPaula", f"\nPaula ({n})".encode()))
        return path

    def statuses() -> list[str]:
        return [r["status"] for r in reversed(messages.recent(engine))]

    def kept() -> list[str]:  # processed, or put back by a cap ("received" alone may not be claimed yet)
        return sorted("deferred" if r["status"] == "received" and (r["analysis"] or {}).get("deferred") else r["status"]
                      for r in messages.recent(engine))

    async with Running(s) as baton:
        for i in range(4):
            await baton.send(written(f"cap{i}", i))
        # Every message handled before the clock moves: a message still in a worker's hands when the
        # fake clock jumps a day has an expired lease, and a second worker took it (the flaky CI runs).
        assert await wait_for(lambda: kept() == ["deferred", "deferred", "processed", "processed"])
        assert await wait_for(lambda: len(maildir(s)) == 2)
        clock.advance(timedelta(days=1, minutes=1))  # a new day: two more may be answered
        await baton.send(written("nextday", 9))
        done = await wait_for(lambda: len(maildir(s)) == 4 and statuses().count("processed") == 4)
        assert done, (len(maildir(s)), [(r["status"], r["analysis"]) for r in messages.recent(engine)])
        await asyncio.sleep(0.5)
        assert len(maildir(s)) == 4
    rows = list(reversed(messages.recent(engine)))
    # Workers process several messages at once (finding 8): which of the three waiting on the
    # new day is left for the next window is not fixed, but one is, kept and not dropped.
    assert sorted(r["analysis"].get("outcome") or "-" for r in rows) == ["-"] + ["handoff"] * 4
    waiting = [r for r in rows if r["status"] == "received"]
    assert len(waiting) == 1 and waiting[0]["analysis"]["deferred"]["cap"] == "sender"
