"""Issue 18 findings 3, 6 and 10 (fair caps, addresses as mailboxes, autoresponder loops) and the
issue 17 rule that every cap is read from the last 24 hours through an index, never the whole outbox."""
from __future__ import annotations

import asyncio
import email
import json
import os
import re
import secrets
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email import policy
from html import unescape
from pathlib import Path

import aiosmtplib
import pytest
from aiosmtpd.smtp import SMTP
from sqlalchemy import insert, select, text

import mailboxes
from clock import clock
from outbound.sendfile import to_crlf
from store import intros as intro_store
from store import messages, migrate, outbox
from store.db import make_engine
from store.schema import inbound_messages, intro_parties, intros, suppressions
from store.schema import outbox as outbox_table
from tests.service_helpers import HANDOFFS, Running, maildir, wait_for
from tests.test_optin import answer, fill_review, links, mail_to, party_link
from worker.caps import WINDOW

DIANE = "diane@wu.example"


# --- finding 6: addresses compared as mailboxes -----------------------------------------------------

def test_a_mailbox_key_drops_the_tag_the_case_and_gmail_dots():
    assert mailboxes.key("Carla+1@Vertex.EXAMPLE") == "carla@vertex.example"
    assert mailboxes.key("carla+intros+2@vertex.example") == "carla@vertex.example"
    assert mailboxes.key("c.arla@vertex.example") == "c.arla@vertex.example"  # dots count on most domains
    assert mailboxes.key("Carla.Diaz+x@GoogleMail.com") == "carladiaz@gmail.com"
    assert mailboxes.key("+tag@vertex.example") == "+tag@vertex.example"  # not an empty mailbox
    assert mailboxes.key('"carla+1"@vertex.example') == '"carla+1"@vertex.example'  # quoted: as written
    try:
        mailboxes.configure(["mail.example"])  # BATON_DOT_INSENSITIVE_DOMAINS=mail.example
        assert mailboxes.key("f.elix@mail.example") == "felix@mail.example"
        assert mailboxes.key("car.la@gmail.com") == "car.la@gmail.com"
    finally:
        mailboxes.configure(mailboxes.DEFAULT_DOT_INSENSITIVE)


async def _review_url(baton, s, n: int) -> str:
    """Diane's n-th hand-off (n from 1), each in its own words, and the review link of its draft."""
    raw = (HANDOFFS / "intro-request-complete.eml").read_text()
    path = s.var_dir / f"handoff{n}.eml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(raw.replace("Message-ID: <", f"Message-ID: <n{n}-").replace("Hi,\n", f"Hi ({n}),\n", 1))
    await baton.send(path)
    # Its draft answers it (In-Reply-To); a review reminder for an earlier one may come between.
    drafts = await wait_for(lambda: [m for m in mail_to(s, DIANE) if f"<n{n}-" in (m["In-Reply-To"] or "")])
    return links(drafts[0])[0]


async def _send_to(client, url: str, **fields):
    page = await client.get(url)
    return await client.post(url, data=fill_review(page.text, **fields))


def _to_carla(s) -> list:
    return [m for m in maildir(s) if mailboxes.key(m["Delivered-To"]) == "carla@vertex.example"]


async def test_finding_6_sub_addresses_share_the_contact_cap_and_carlas_no(running):
    baton, s, client = running
    engine = make_engine(s.database_url)
    for n in (1, 2, 3):
        r = await _send_to(client, await _review_url(baton, s, n), contact_email=f"carla+{n}@vertex.example",
                           pin_name=f"Pin {n}", pin_email=f"pin{n}@mail.example")
        assert r.status_code == 200 and "Requests sent" in r.text, r.text
    assert await wait_for(lambda: len(_to_carla(s)) == 3)
    # A fourth request to Carla under another tag: the cap of 3 in 30 days holds for her mailbox.
    r = await _send_to(client, await _review_url(baton, s, 4), contact_email="Carla+4@Vertex.example",
                       pin_name="Pin 4", pin_email="pin4@mail.example")
    assert r.status_code == 409 and "has been asked 3 times" in unescape(r.text)
    # Carla says no to the first; a month later nobody reaches her under any tag, nor by a reminder.
    assert (await answer(client, party_link(s, "carla+1@vertex.example"), "no")).status_code == 200
    clock.advance(timedelta(days=31))
    r = await _send_to(client, await _review_url(baton, s, 5), contact_email="carla+news@vertex.example",
                       pin_name="Pin 5", pin_email="pin5@mail.example")
    assert r.status_code == 409 and "asked Baton never to send them an intro request" in unescape(r.text)
    # The other two requests' reminders fell due: stopped at delivery, as Carla's.
    assert await wait_for(lambda: [r for r in outbox.rows(engine)
                                   if r["recipient_key"] == "carla@vertex.example" and r["status"] == "suppressed"])
    await asyncio.sleep(0.5)
    assert len(_to_carla(s)) == 3
    assert outbox.is_suppressed(engine, "CARLA+anything@vertex.example")
    engine.dispose()


def test_migration_0006_keys_existing_rows_and_carries_a_suppression_to_the_mailbox(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, "0005")
    engine = make_engine(url)
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO intros (id, key, message_id, kind, state, referrer_email, draft, created_at, "
                          "updated_at) VALUES (1, 'k', 1, 'intro_request', 'requested', 'Diane+x@Wu.example', '{}', "
                          ":now, :now)"), {"now": now})
        conn.execute(text("INSERT INTO intro_parties (intro_id, role, email, reply_key, decision) "
                          "VALUES (1, 'contact', 'Carla+1@vertex.example', 'r1', 'no')"))
        conn.execute(text("INSERT INTO outbox (dedup_key, intro_id, purpose, recipient, bounce_key, raw, status, "
                          "available_at, created_at) VALUES ('d', 1, 'optin_contact', 'Carla+1@vertex.example', 'b', "
                          "x'00', 'sent', :now, :now)"), {"now": now})
        # As Baton stored a "no" before 0006: the hash of the address as written, lower-cased.
        legacy = outbox._sha256("carla+1@vertex.example")
        conn.execute(text("INSERT INTO suppressions VALUES (:h, 'declined', :now)"), {"h": legacy, "now": now})
    engine.dispose()
    migrate.upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(select(intros.c.referrer_key)).scalar() == "diane@wu.example"
        assert conn.execute(select(intro_parties.c.email_key)).scalar() == "carla@vertex.example"
        assert conn.execute(select(outbox_table.c.recipient_key, outbox_table.c.sender_domain)).one() == \
            ("carla@vertex.example", "wu.example")
        assert len(conn.execute(select(suppressions)).all()) == 2
    assert outbox.is_suppressed(engine, "carla+2@vertex.example")  # the "no" now holds for her mailbox
    engine.dispose()


# --- finding 3: fair limits -------------------------------------------------------------------------

async def test_finding_3_one_domain_cannot_use_up_the_daily_cap_and_what_waits_is_answered_later(
        make_settings, tmp_path):
    # A total of 20 a day; one domain may cause 10 % of it (2). Before, 25 hand-offs from one
    # domain used all 20 and the real hand-off after them was rate_limited, never answered.
    # Behind an MTA that verified every sender: the flood comes from an authenticated domain.
    s = make_settings(daily_cap_total=20, sender_policy="aligned", trusted_authserv_id="mx.baton.example")
    engine = make_engine(s.database_url)
    raw = to_crlf((HANDOFFS / "direct-intro-meet.eml").read_bytes())

    def verified(domain: str, mail: bytes) -> bytes:  # as Postfix with OpenDKIM/OpenDMARC would pass it on
        return (f"Authentication-Results: mx.baton.example; dkim=pass header.d={domain}; spf=pass "
                f"smtp.mailfrom={domain}\r\nReceived: from mail.{domain} (mail.{domain} [192.0.2.1]) by "
                f"mx.baton.example; Tue, 1 Dec 2026 10:00:00 +0000\r\n").encode() + mail

    def flooded() -> list:
        return [m for m in maildir(s) if m["Delivered-To"].endswith("@flood.example")]

    def waiting() -> list[dict]:
        return [r for r in messages.recent(engine, 100) if r["status"] == "received"]

    async with Running(s) as baton:
        for i in range(25):
            path = tmp_path / f"flood{i}.eml"
            path.write_bytes(verified("flood.example", raw.replace(b"Message-ID: <", f"Message-ID: <flood{i}.".encode())
                             .replace(b"Paula Reyes <paula@reyes.example>", f"Flood <f{i}@flood.example>".encode())))
            await baton.send(path)
        diane = tmp_path / "diane.eml"  # a real hand-off, from another domain
        diane.write_bytes(verified("wu.example", to_crlf((HANDOFFS / "intro-request-complete.eml").read_bytes())))
        await baton.send(diane)
        assert await wait_for(lambda: mail_to(s, DIANE))
        assert await wait_for(lambda: len(waiting()) == 23)
        assert len(flooded()) == 2
        assert {r["analysis"]["deferred"]["cap"] for r in waiting()} == {"domain"}
        # Kept, not dropped: when the window opens, the next two are answered.
        clock.advance(WINDOW + timedelta(minutes=1))
        assert await wait_for(lambda: len(flooded()) == 4 and len(waiting()) == 21)
        await asyncio.sleep(0.5)
        assert len(flooded()) == 4
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")} | {"BATON_DATABASE_URL": s.database_url}
    listed = json.loads(subprocess.run([sys.executable, "server.py", "messages", "--json", "--limit", "100"], env=env,
                                       cwd=Path(__file__).parents[1], capture_output=True, text=True).stdout)
    assert [m["outcome"] for m in listed].count("waiting for the domain cap") == 21


def test_a_message_that_waited_past_the_longest_wait_is_recorded_rate_limited(engine):
    from worker.caps import Caps
    from worker.pipeline import Pipeline
    now = clock.now()
    with engine.begin() as conn:
        outbox.enqueue(conn, scope="s", purpose="draft", recipient="paula+a@reyes.example", raw=b"x", now=now)
    pipeline = Pipeline(engine, "intro@baton.example", "Baton", ["baton.example"], None,  # type: ignore[arg-type]
                        caps=Caps(per_sender=1, max_wait=timedelta(hours=30)))
    claimed = messages.Claimed(1, b"", "paula@reyes.example", [], 1,
                               deferred={"since": (now - timedelta(hours=13)).isoformat()})
    assert pipeline._cap_reached(claimed, recipient="paula@reyes.example", sender_domain="reyes.example") == "sender"
    fresh = messages.Claimed(1, b"", "paula@reyes.example", [], 1)
    with engine.begin() as conn:
        conn.execute(insert(inbound_messages).values(
            id=1, dedup_key="d", mail_from="paula@reyes.example", rcpt_tos=[], received_at=now, size=1, sha256="s",
            raw=b"", status="processing", attempts=1, available_at=now))
    assert pipeline._cap_reached(fresh, recipient="paula@reyes.example", sender_domain="reyes.example") == "wait"
    row = messages.get(engine, 1)
    assert row["status"] == "received" and row["attempts"] == 0  # a cap is not a failed attempt
    assert row["available_at"] > now + timedelta(hours=23)


# --- issue 17: caps read the window through an index ------------------------------------------------

def _plan(conn, stmt) -> str:
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    if conn.dialect.name == "sqlite":
        return "\n".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    return "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql))


def _reads_by_index(plan: str, table: str, dialect: str) -> bool:
    if dialect == "sqlite":
        # SEARCH reads a range of an index; SCAN (with or without an index) reads the whole table.
        lines = [line for line in plan.splitlines() if re.search(rf"\b{table}\b", line)]
        return bool(lines) and all(line.lstrip().startswith("SEARCH") for line in lines)
    return f"Seq Scan on {table}" not in plan and "Index Cond" in plan


def test_issue_17_each_cap_and_repeat_query_reads_an_index_never_the_whole_table(engine):
    """60 days of mail (about 100 a day in the window) and ANALYZE, so the planner knows the table
    is large and the window small: the plan of each cap query must search an index."""
    now = clock.now()
    rows = [dict(dedup_key=secrets.token_hex(16), purpose=("draft", "about", "optin_contact")[i % 3],
                 recipient=f"person{i % 500}+t{i}@mail{i % 50}.example",
                 recipient_key=f"person{i % 500}@mail{i % 50}.example", sender_domain=f"mail{i % 50}.example",
                 bounce_key=secrets.token_hex(12), raw=b"x", status="sent", available_at=now,
                 created_at=now - timedelta(minutes=5 * i)) for i in range(17_280)]
    inbound = [dict(dedup_key=secrets.token_hex(16), mail_from="a@b.example", rcpt_tos=[], received_at=now
                    - timedelta(minutes=5 * i), size=1, sha256="s", status="processed", available_at=now,
                    fingerprint=secrets.token_hex(32)) for i in range(5_000)]
    with engine.begin() as conn:
        conn.execute(insert(outbox_table), rows)
        conn.execute(insert(inbound_messages), inbound)
        conn.execute(insert(intros), [dict(id=i + 1, key=f"k{i}", message_id=i + 1, kind="intro_request",
                                           state="requested", draft={}, created_at=now, updated_at=now,
                                           referrer_email=f"r{i}@mail.example", referrer_key=f"r{i}@mail.example")
                                      for i in range(2_000)])
        conn.execute(insert(intro_parties), [dict(intro_id=i // 2 + 1, role=("contact", "pin")[i % 2],
                                                  email=f"p{i}@mail.example", email_key=f"p{i}@mail.example",
                                                  reply_key=f"r{i}") for i in range(4_000)])
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    since = now - WINDOW
    queries = {
        "outbox": [outbox.window_stmt(since, limit=20, recipient="person7+x@mail7.example", purposes=("draft", "about")),
                   outbox.window_stmt(since, limit=100, sender_domain="mail7.example"),
                   outbox.window_stmt(since, limit=1000)],
        "inbound_messages": [messages.answered_stmt("f" * 64, since=now - timedelta(days=7), other_than=1)],
        "intro_parties": [intro_store.times_asked_stmt("P7+x@mail.example", since=now - timedelta(days=30),
                                                       other_than=1), intro_store.has_used_stmts("p7@mail.example")[1]],
        "intros": [intro_store.has_used_stmts("r7+x@mail.example")[0]],
    }
    with engine.connect() as conn:
        for table, stmts in queries.items():
            for stmt in stmts:
                plan = _plan(conn, stmt)
                assert _reads_by_index(plan, table, conn.dialect.name), f"{table}:\n{plan}"


def test_the_total_cap_reuses_a_recent_count_only_far_below_the_cap(engine):
    """Issue 17: far below the total cap, a count up to RecentTotal.FRESH old stands in (the count
    reads a whole day of mail); near the cap, and with a small cap, every check counts afresh."""
    from worker.caps import RecentTotal

    now = clock.now()

    def add(n: int) -> None:
        with engine.begin() as conn:
            conn.execute(insert(outbox_table), [dict(
                dedup_key=secrets.token_hex(16), purpose="optin_contact", recipient="x@mail.example",
                recipient_key="x@mail.example", sender_domain="mail.example", bounce_key=secrets.token_hex(12),
                raw=b"x", status="sent", available_at=now, created_at=now - timedelta(minutes=1)) for _ in range(n)])

    def count(recent: RecentTotal, limit: int, at: datetime) -> int:
        with engine.connect() as conn:
            return recent.count(conn, now - WINDOW, limit, at)[0]

    add(10)
    far = RecentTotal()
    assert count(far, 100_000, now) == 10
    add(5)
    assert count(far, 100_000, now + timedelta(seconds=1)) == 10  # recent enough, far from the cap
    assert count(far, 100_000, now + RecentTotal.FRESH) == 15  # too old: counted again
    assert count(far, 100_000, now - timedelta(seconds=1)) == 15  # a clock set back never keeps a count
    small = RecentTotal()
    assert count(small, 20, now) == 15
    add(5)
    assert count(small, 20, now + timedelta(seconds=1)) == 20  # within the headroom: always exact
    near = RecentTotal()
    assert count(near, 115, now) == 20
    add(1)
    assert count(near, 115, now + timedelta(seconds=1)) == 21  # 20 + 100 >= 115: exact


# --- finding 10: an autoresponder's ping-pong -------------------------------------------------------

class AutoResponder:
    """A second SMTP server, Baton's relay here, whose mailbox answers every email it gets with the
    same words and no Auto-Submitted: to the mail's From (intro@) or to its Reply-To (intro+KEY@)."""

    def __init__(self, baton_port: int, answer_to: str) -> None:
        self.baton_port = baton_port
        self.answer_to = answer_to
        self.received: list[email.message.EmailMessage] = []
        self.sent = 0
        self.tasks: set[asyncio.Task] = set()

    def auto_answer(self, to: str) -> bytes:
        if self.answer_to == "from":  # reads as a hand-off, as the finding's autoresponder's did
            body = (HANDOFFS / "direct-intro-meet.eml").read_bytes().replace(b"\r\n", b"\n").split(b"\n\n", 1)[1]
        else:  # nothing in it says "automatic": the kind no header or phrase gives away
            body = b"Thank you for your email. We have received it and will get back to you soon.\n"
        self.sent += 1
        head = (f"From: Paula Reyes <paula@reyes.example>\nTo: {to}\nCc: Victor Chang <victor@chang-labs.example>, "
                f"Mia Scott <mia.scott@mail.example>\nSubject: Re: Victor, meet Mia\n"
                f"Message-ID: <auto{self.sent}@reyes.example>\nMIME-Version: 1.0\n"
                f"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n")
        return (head.encode() + body).replace(b"\n", b"\r\n")

    async def handle_DATA(self, server, session, envelope):
        mail = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append(mail)
        field = "From" if self.answer_to == "from" else "Reply-To"
        to = mail[field].addresses[0].addr_spec
        task = asyncio.create_task(aiosmtplib.send(self.auto_answer(to), sender="paula@reyes.example",
                                                   recipients=[to], hostname="127.0.0.1", port=self.baton_port))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return "250 2.0.0 OK"


@pytest.mark.parametrize("answer_to", ["from", "reply-to"])
async def test_finding_10_an_autoresponder_ping_pong_gets_one_draft(make_settings, answer_to):
    port = make_settings().smtp_port
    auto = AutoResponder(port, answer_to)
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(auto, decode_data=False, hostname="reyes.example"), "127.0.0.1", 0)
    relay_port = server.sockets[0].getsockname()[1]
    s = make_settings(smtp_port=port, outbound=f"smtp://127.0.0.1:{relay_port}?starttls=false")
    engine = make_engine(s.database_url)

    def outcomes() -> list[str | None]:
        return [(r["analysis"] or {}).get("outcome") for r in reversed(messages.recent(engine))]

    async with Running(s) as baton:
        if answer_to == "from":  # the autoresponder's text comes first, as if answering some other mail
            path = s.var_dir / "auto0.eml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(auto.auto_answer("intro@baton.example"))
            await baton.send(path)
            expected = ["handoff", "repeated"]  # the draft, its echo; nothing more is mailed
        else:  # a real hand-off; the draft's Reply-To gets the out-of-office answers
            await baton.send(HANDOFFS / "direct-intro-meet.eml")
            expected = ["handoff", "reply", "repeated"]  # the draft, one refusal ("no command"), nothing more
        assert await wait_for(lambda: outcomes() == expected), outcomes()
        await asyncio.sleep(1)  # were the ping-pong still going, more mail would arrive by now
        assert outcomes() == expected
    server.close()
    drafts = [r for r in outbox.rows(engine) if r["purpose"] == "draft"]
    assert len(drafts) == 1 and len(auto.received) == len(expected) - 1
    engine.dispose()


def test_a_repeat_is_only_the_same_sender_with_the_same_words():
    from worker.repeats import fingerprint
    text = "Victor, meet Mia.\n\nPaula"
    assert fingerprint("Paula+x@reyes.example", text) == fingerprint("paula@reyes.example", text + "\n")
    # Quoted lines, links and addresses carry each round's fresh keys: they do not count.
    quoted = text + "\n> Review: https://baton.example/r/abc\n> intro+k1@baton.example"
    assert fingerprint("paula@reyes.example", quoted) == fingerprint("paula@reyes.example", text)
    assert fingerprint("paula@reyes.example", text) != fingerprint("diane@wu.example", text)
    assert fingerprint("paula@reyes.example", text) != fingerprint("paula@reyes.example", "Victor, meet Dana.")
