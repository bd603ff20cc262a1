"""Delivery reports (issue 14): read from the shared real-world bounces, then, over SMTP into the
running service, matched to their outbox row by intro+bounce-KEY@, with the address suppressed
when it failed for good and the referrer told once; the report itself is never answered."""
from __future__ import annotations

import asyncio
import smtplib

import pytest
from sqlalchemy import select

import settings as settings_mod
from inbound.analysis import dsn
from store import outbox
from store.db import make_engine
from store.schema import intro_events
from tests.service_helpers import HANDOFFS, maildir, wait_for
from tests.test_optin import approve, mail_to

FIXTURES = settings_mod.load().fixtures_dir
REAL = FIXTURES / "real"


@pytest.mark.parametrize("path, recipient, action, status, hard, standard", [
    # RFC 3464 reports from Postfix, sendmail, Exchange / Office 365, AOL, MailSite, Sun SIMS
    ("real/mailgun__flanker/bounce/zed.eml", "asdfasdfasdfasdfasdfasdfewrqertrtyrthsfgdfgadfqeadvxzvz@gmail.com",
     "failed", "5.1.1", True, True),
    ("real/mailgun__flanker/bounce/office365.eml", "noname@example.com", "failed", "5.1.10", True, True),
    ("real/mailgun__flanker/bounce/mailbox-full.eml", "user@aol.com", "failed", "5.2.2", False, True),
    ("real/mailgun__flanker/bounce/delayed.eml", "foo@example.com", "failed", "4.0.0", False, True),
    ("real/mailgun__flanker/bounce/no-mx.eml", "user@example.com", "delayed", "4.4.4", False, True),
    ("real/mailgun__flanker/bounce/delayed-broken.eml", "demo@example.com", "failed", "4.2.2", False, True),
    ("real/mikel__mail/multipart_report_emails/report_530.eml", "edwin@zzzzzzz.com", "failed", "5.3.0", True, True),
    ("real/mikel__mail/multipart_report_emails/report_422.eml", "fraser@oooooooo.com.au", "delayed", "4.2.2", False,
     True),
    # a first delivery-status part that holds prose, not fields; the second holds the report
    ("real/mikel__mail/multipart_report_emails/multipart_report_multiple_status.eml", "u@ci.com", "failed", "5.3.0",
     True, True),
    ("real/python__cpython/msg_16.txt", "jangel1@cougar.noc.ucla.edu", "failed", "5.0.0", True, True),
    ("real/SpamScope__mail-parser/mail_malformed_2", "abh@netpar.com.br", "failed", "4.2.2", False, True),
    ("varied/english/a16-bounce-dsn.eml", "dana.w@loomstack.example", "failed", "5.1.1", True, True),
    ("varied/multilingual/b83-en-dsn-exchange-undeliverable.eml", "maya.patel@solaris-utilities.example", "failed",
     "5.1.1", True, True),
    # non-standard: Gmail's X-Failed-Recipients text bounces, and a bare "Delivery failed" note
    ("real/mailgun__flanker/bounce/gmail-invalid-address.eml", "awfawfawfawfawfaw@someserverhere.com", "failed",
     "5.1.0", True, False),
    ("real/mailgun__flanker/bounce/gmail-no-dns.eml", "user@example.comm", "failed", "5.0.0", True, False),
    ("real/mailgun__flanker/bounce/broken-mime.eml", "info@example.net", "failed", None, False, False),
])
def test_rfc3464_and_common_bounces_are_read(path, recipient, action, status, hard, standard):
    report = dsn.read((FIXTURES / path).read_bytes())
    about = report.about(recipient)
    assert about is not None, report
    assert (about.recipient, about.action, about.status, about.hard, report.standard) == \
        (recipient, action, status, hard, standard)


def test_a_report_about_several_recipients_keeps_each():
    report = dsn.read((REAL / "mikel__mail/multipart_report_emails/multi_address_bounce1.eml").read_bytes())
    assert len(report.recipients) == 5 and all(r.hard for r in report.recipients)
    assert report.about("egyfefsdvsfvvhjsd@gmail.com").recipient == "egyfefsdvsfvvhjsd@gmail.com"
    assert report.about("someone-else@example.com") is None  # several named, none of them ours


@pytest.mark.parametrize("path", [
    "real/mailgun__flanker/complaints/yahoo.eml",           # RFC 5965 feedback report: a complaint
    "real/mailgun__flanker/complaints/aol.eml",
    "real/mailgun__flanker/disposition-notification.eml",   # RFC 8098 read receipt
    "real/mailgun__flanker/long-links.eml",                 # a person writing from postmaster@
    "handoffs/auto-reply-vacation.eml",
    "handoffs/intro-request-complete.eml",
])
def test_what_is_not_a_delivery_failure_reports_nothing(path):
    assert dsn.read((FIXTURES / path).read_bytes()).recipients == ()


@pytest.mark.parametrize("raw", [b"", b"\x00\xff" * 100, b"Content-Type: multipart/report; boundary=x\r\n\r\n--x"])
def test_garbage_never_raises(raw):
    assert dsn.read(raw).recipients in ((), (dsn.RecipientReport(None, None, "failed", None, ""),))


def test_the_bounce_key_comes_from_the_envelope_recipient_only():
    kw = {"assistant": "intro@baton.example", "domains": ["baton.example"]}
    assert dsn.bounce_key(["intro+bounce-0a1b2c@baton.example"], **kw) == "0a1b2c"
    assert dsn.bounce_key(["<INTRO+bounce-0A1B2C@Baton.Example>"], **kw) == "0A1B2C"
    assert dsn.bounce_key(["intro+0a1b2c@baton.example"], **kw) is None  # a reply key, not a bounce key
    assert dsn.bounce_key(["intro+bounce-0a1b2c@evil.example", "intro@baton.example"], **kw) is None


# --- over SMTP into the running service ---------------------------------------------------------

def postfix_dsn(recipient: str, status: str, action: str = "failed", message_id: str = "dsn1") -> bytes:
    """A delivery report as Postfix writes one (compare real/mailgun__flanker/bounce/zed.eml)."""
    return (f"From: MAILER-DAEMON@mx.baton.example (Mail Delivery System)\r\n"
            f"To: intro+bounce@baton.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
            f"Message-Id: <{message_id}@mx.baton.example>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
            "--B\r\nContent-Type: text/plain\r\n\r\nThis is the mail system at host mx.baton.example.\r\n\r\n"
            f"<{recipient}>: host mx.vertex.example said: 550 {status} unknown\r\n"
            "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.baton.example\r\n\r\n"
            f"Final-Recipient: rfc822; {recipient}\r\nOriginal-Recipient: rfc822;{recipient}\r\n"
            f"Action: {action}\r\nStatus: {status}\r\nDiagnostic-Code: smtp; 550 {status} <{recipient}>: unknown\r\n"
            "--B\r\nContent-Type: text/rfc822-headers\r\n\r\nSubject: Intro?\r\n--B--\r\n").encode()


async def deliver(port: int, raw: bytes, rcpt: str) -> str:
    """As a relay returns a bounce: MAIL FROM:<> (RFC 5321 4.5.5) to the envelope sender Baton used."""
    def send() -> str:
        with smtplib.SMTP("127.0.0.1", port) as c:
            c.ehlo()
            c.mail("<>")
            c.rcpt(rcpt)
            return c.data(raw)[1].decode()
    return await asyncio.to_thread(send)


def row_for(engine, recipient: str) -> dict:
    return next(r for r in outbox.rows(engine) if r["recipient"] == recipient and r["purpose"].startswith("optin"))


def bounce_address(row: dict) -> str:
    return f"intro+bounce-{row['bounce_key']}@baton.example"


def outcomes(engine) -> list[str]:
    from store import messages
    return [r["analysis"]["outcome"] for r in reversed(messages.recent(engine)) if r["analysis"]]


async def test_a_hard_bounce_suppresses_the_contact_and_tells_the_referrer_once(running):
    baton, s, client = running
    await approve(baton, s, client)
    engine = make_engine(s.database_url)
    carla = row_for(engine, "carla.diaz@vertex.example")
    assert carla["status"] == "sent"
    sent_before = len(maildir(s))

    answer = await deliver(s.smtp_port, postfix_dsn("carla.diaz@vertex.example", "5.1.1"), bounce_address(carla))
    assert answer.startswith("2.0.0 queued")
    (told,) = await wait_for(lambda: [m for m in mail_to(s, "diane@wu.example") if "reached" in m["Subject"]])
    assert told["Subject"] == "Carla Diaz couldn't be reached"
    text = told.get_body(("plain",)).get_content()
    assert "carla.diaz@vertex.example" in text and "5.1.1" in text and "Felix Adams" in text
    assert row_for(engine, "carla.diaz@vertex.example")["status"] == "bounced"
    assert outbox.is_suppressed(engine, "carla.diaz@vertex.example")
    assert not outbox.is_suppressed(engine, "felix.adams@mail.example")

    # The same report again (another copy, another Message-ID): nobody is told twice.
    await deliver(s.smtp_port, postfix_dsn("carla.diaz@vertex.example", "5.1.1", message_id="dsn2"),
                  bounce_address(carla))
    assert await wait_for(lambda: outcomes(engine)[-2:] == ["bounce", "bounce"])
    await asyncio.sleep(0.3)
    new = maildir(s)[sent_before:]
    assert [m["To"].addresses[0].addr_spec for m in new] == ["diane@wu.example"]  # never the report's sender
    with engine.connect() as conn:
        whys = [r.why for r in conn.execute(select(intro_events.c.why))]
    assert "the optin_contact mail to the contact came back undelivered (5.1.1)" in whys


async def test_soft_delayed_unknown_and_the_referrers_own_bounce(running):
    baton, s, client = running
    await approve(baton, s, client)
    engine = make_engine(s.database_url)
    felix = row_for(engine, "felix.adams@mail.example")
    carla = row_for(engine, "carla.diaz@vertex.example")
    draft = next(r for r in outbox.rows(engine) if r["purpose"] == "draft")

    # "Still trying" changes nothing; a report about a key Baton never used changes nothing either.
    await deliver(s.smtp_port, postfix_dsn("carla.diaz@vertex.example", "4.4.1", action="delayed"),
                  bounce_address(carla))
    await deliver(s.smtp_port, postfix_dsn("carla.diaz@vertex.example", "5.1.1", message_id="x"),
                  "intro+bounce-0123456789abcdef01234567@baton.example")
    assert await wait_for(lambda: outcomes(engine)[-2:] == ["bounce", "bounce"])
    assert row_for(engine, "carla.diaz@vertex.example")["status"] == "sent"

    # Mailbox full (X.2.2): bounced and the referrer told, but the address is not suppressed.
    await deliver(s.smtp_port, postfix_dsn("felix.adams@mail.example", "5.2.2", message_id="full"),
                  bounce_address(felix))
    assert await wait_for(lambda: [m for m in mail_to(s, "diane@wu.example")
                                   if m["Subject"] == "Felix Adams couldn't be reached"])
    assert row_for(engine, "felix.adams@mail.example")["status"] == "bounced"
    assert not outbox.is_suppressed(engine, "felix.adams@mail.example")

    # The referrer's own draft bounced for good: suppressed, and nobody to tell.
    before = len(maildir(s))
    await deliver(s.smtp_port, postfix_dsn("diane@wu.example", "5.1.1", message_id="own"),
                  f"intro+bounce-{draft['bounce_key']}@baton.example")
    assert await wait_for(lambda: outbox.is_suppressed(engine, "diane@wu.example"))
    await asyncio.sleep(0.3)
    assert len(maildir(s)) == before
    assert [r["status"] for r in outbox.rows(engine) if r["purpose"] == "draft"] == ["bounced"]


async def test_a_report_to_the_plain_assistant_address_is_still_only_auto_generated(running):
    """Without the bounce key nothing ties a report to a row: stored, never answered, nothing marked."""
    baton, s, _ = running
    engine = make_engine(s.database_url)
    await baton.send(HANDOFFS / "direct-intro-meet.eml")
    await wait_for(lambda: maildir(s))
    await deliver(s.smtp_port, postfix_dsn("paula@reyes.example", "5.1.1"), "intro@baton.example")
    assert await wait_for(lambda: outcomes(engine) == ["handoff", "auto_generated"])
    assert not outbox.is_suppressed(engine, "paula@reyes.example")
    assert [r["status"] for r in outbox.rows(engine)] == ["sent"]
