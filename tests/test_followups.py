"""An intro's fourteen days in seconds: reminders, expiry, the follow-up and the thank-you.

Each test asserts the exact emails Baton queued, in order, as (purpose, recipient).
"""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from clock import clock
from store import outbox
from store.schema import jobs
from tests.service_helpers import wait_for
from tests.test_optin import answer, approve, db, fill_review, form_token, links, mail_to, party_link, state
from tests.test_replies import BOTH_CCD

DIANE, CARLA, FELIX = "diane@wu.example", "carla.diaz@vertex.example", "felix.adams@mail.example"


def sent(s) -> list[tuple[str, str]]:
    return [(r["purpose"], r["recipient"]) for r in outbox.rows(db(s))]


def pending_jobs(s) -> list[str]:
    with db(s).connect() as conn:
        return sorted(f"{r.kind}:{r.step}" for r in conn.execute(select(jobs).where(jobs.c.status == "pending")))


def settled(s) -> bool:
    """No job due or running, and nothing waiting in the outbox."""
    with db(s).connect() as conn:
        busy = conn.execute(select(jobs.c.id).where(
            ((jobs.c.status == "pending") & (jobs.c.available_at <= clock.now())) | (jobs.c.status == "running"))).first()
    return busy is None and all(r["status"] not in ("pending", "sending") for r in outbox.rows(db(s)))


async def days(n: float, s) -> None:
    """Moves the clock and waits until the job worker and the outbox have caught up."""
    clock.advance(timedelta(days=n))
    assert await wait_for(lambda: settled(s), timeout=20)


async def test_both_yes_then_follow_up_then_we_met_thanks_the_contact(running):
    baton, s, client = running
    await approve(baton, s, client)
    await answer(client, party_link(s, CARLA), "yes")
    await answer(client, party_link(s, FELIX), "yes")
    assert pending_jobs(s) == ["followup:-", "nudge_pin:-"]  # the reminders and expiry were cancelled
    await days(1, s)
    await days(6, s)
    assert state(s) == "followed_up"
    followup = [m for m in mail_to(s, FELIX) if m["Subject"] == "Did you connect?"][0]
    (url,) = [u for u in re.findall(r"https?://\S+/f/[A-Za-z0-9_-]+", followup.get_body(("plain",)).get_content())]
    page = await client.get(url)
    r = await client.post(url, data={"form_token": form_token(page.text), "answer": "met"})
    assert "We met" in r.text
    await wait_for(lambda: ("thanks_contact", CARLA) in sent(s))
    assert sent(s) == [
        ("draft", DIANE), ("optin_contact", CARLA), ("optin_pin", FELIX),
        ("introduction", CARLA), ("introduction", FELIX), ("introduction", DIANE),
        ("nudge_pin", FELIX), ("followup", CARLA), ("followup", FELIX),
        ("summary_pin", DIANE), ("thanks_contact", CARLA)]
    assert state(s) == "closed" and pending_jobs(s) == []


async def test_contact_silent_gets_one_reminder_then_the_intro_expires(running):
    baton, s, client = running
    await approve(baton, s, client)
    await answer(client, party_link(s, FELIX), "yes")
    await days(3, s)
    await days(4, s)
    assert state(s) == "expired"
    assert sent(s) == [("draft", DIANE), ("optin_contact", CARLA), ("optin_pin", FELIX),
                       ("reminder_contact", CARLA), ("expired", DIANE)]
    await days(30, s)
    assert len(sent(s)) == 5  # nothing more, ever


async def test_pin_says_no_and_only_the_referrer_hears(running):
    baton, s, client = running
    await approve(baton, s, client)
    await answer(client, party_link(s, FELIX), "no")
    await days(10, s)
    assert state(s) == "declined" and pending_jobs(s) == []
    assert sent(s) == [("draft", DIANE), ("optin_contact", CARLA), ("optin_pin", FELIX), ("declined", DIANE)]
    assert outbox.is_suppressed(db(s), FELIX)  # a "no" is respected for good


async def test_referrer_who_never_reviews_gets_one_reminder(running):
    baton, s, client = running
    await baton.send(__import__("tests.service_helpers", fromlist=["HANDOFFS"]).HANDOFFS / "intro-request-complete.eml")
    await wait_for(lambda: mail_to(s, DIANE))
    await days(2, s)
    await days(20, s)
    assert sent(s) == [("draft", DIANE), ("reminder_review", DIANE)]
    reminder = mail_to(s, DIANE)[1]
    assert reminder["Subject"].startswith("You offered an intro")
    assert "/r/" in links(reminder)[0] and state(s) == "draft"


async def test_a_second_referrer_for_the_same_contact_and_pin_is_told_instead(running, tmp_path):
    baton, s, client = running
    await approve(baton, s, client)
    second = tmp_path / "second.eml"
    second.write_text(BOTH_CCD.replace("Diane Wu <diane@wu.example>", "Greg Hall <greg@hall.example>")
                      .replace("<both-ccd@wu.example>", "<second@hall.example>"))
    await baton.send(second)
    (draft,) = await wait_for(lambda: mail_to(s, "greg@hall.example"))
    (url,) = links(draft)
    page = await client.get(url)
    r = await client.post(url, data=fill_review(page.text, referrer_name="Greg Hall"))
    assert r.status_code == 409 and "already asked about" in r.text
    assert len(mail_to(s, CARLA)) == 1  # the contact was not asked again
