"""The double opt-in over real HTTP: review & send, the two opt-in pages, and the introduction.

Each test runs the whole service (SMTP, worker, web) and follows the links found in the mail
Baton wrote, as the people would.
"""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import httpx
from sqlalchemy import select

from clock import clock
from store import outbox
from store.db import make_engine
from store.schema import intro_events, intro_parties, intros
from tests.service_helpers import HANDOFFS, maildir, wait_for

LINK = re.compile(r"https?://[^\s\"<>]+/(?:r|o)/[A-Za-z0-9_-]+")


def links(msg) -> list[str]:
    return LINK.findall(msg.get_body(("plain",)).get_content())


def form_token(html: str) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]+)"', html).group(1)


def mail_to(s, address: str) -> list:
    return [m for m in maildir(s) if m["Delivered-To"] == address]


def db(s):
    return make_engine(s.database_url)


def state(s) -> str:
    with db(s).connect() as conn:
        return conn.execute(select(intros.c.state)).scalar_one()


def decisions(s) -> dict[str, str]:
    with db(s).connect() as conn:
        return {r.role: r.decision for r in conn.execute(select(intro_parties.c.role, intro_parties.c.decision))}


async def review_link(baton, s) -> str:
    await baton.send(HANDOFFS / "intro-request-complete.eml")
    (draft,) = await wait_for(lambda: mail_to(s, "diane@wu.example"))
    (url,) = links(draft)
    assert "/r/" in url
    return url


def fill_review(html: str, **over) -> dict:
    """The review form as the referrer sends it: the page's own values, the needed facts set."""
    data = {"form_token": form_token(html), "action": "send", "referrer_name": "Diane Wu",
            "contact_name": "Carla Diaz", "contact_email": "carla.diaz@vertex.example",
            "pin_name": "Felix Adams", "pin_email": "felix.adams@mail.example",
            "hide_contact_until_yes": "1"}
    for name, value in re.findall(r'<textarea id="[^"]+" name="(fact_\w+)"[^>]*>([^<]*)</textarea>', html):
        data[name] = unescape(value)
    data.update({"fact_ask": "answer 0", "fact_relationship": "answer 1", "fact_goal": "answer 2"})
    data.update(over)
    return data


async def approve(baton, s, client, **over) -> None:
    url = await review_link(baton, s)
    page = await client.get(url)
    assert page.status_code == 200 and "Send opt-in requests" in page.text
    done = await client.post(url, data=fill_review(page.text, **over))
    assert done.status_code == 200 and "Requests sent" in done.text, done.text
    await wait_for(lambda: mail_to(s, "carla.diaz@vertex.example") and mail_to(s, "felix.adams@mail.example"))


async def answer(client, url: str, decision: str, **fields) -> httpx.Response:
    page = await client.get(url)
    return await client.post(url, data={"form_token": form_token(page.text), "decision": decision, **fields})


def party_link(s, address: str) -> str:
    (request,) = mail_to(s, address)
    (url,) = links(request)
    assert "/o/" in url
    return url


async def test_review_then_both_yes_sends_one_introduction_to_both_cc_referrer(running):
    baton, s, client = running
    await approve(baton, s, client)
    assert state(s) == "requested"
    contact_mail = mail_to(s, "carla.diaz@vertex.example")[0]
    assert contact_mail["Subject"] == "Intro? Felix Adams \u2192 Carla Diaz"
    assert "The ask: Answer 0." in contact_mail.get_body(("plain",)).get_content()  # as the referrer wrote it

    r = await answer(client, party_link(s, "carla.diaz@vertex.example"), "yes", reach="Tuesdays after 3pm, by phone")
    assert "Your answer: Yes" in r.text
    assert state(s) == "requested" and not [m for m in maildir(s) if m["Subject"].startswith("Introduction")]
    r = await answer(client, party_link(s, "felix.adams@mail.example"), "yes")
    assert "Your answer: Yes" in r.text
    intro_mails = await wait_for(lambda: [m for m in maildir(s) if m["Subject"].startswith("Introduction")]
                                 if len([m for m in maildir(s) if m["Subject"].startswith("Introduction")]) == 3
                                 else None)
    assert sorted(m["Delivered-To"] for m in intro_mails) == ["carla.diaz@vertex.example", "diane@wu.example",
                                                             "felix.adams@mail.example"]
    first = intro_mails[0]
    assert {a.addr_spec for a in first["To"].addresses} == {"carla.diaz@vertex.example", "felix.adams@mail.example"}
    assert [a.addr_spec for a in first["Cc"].addresses] == ["diane@wu.example"]
    assert "In-Reply-To" not in first  # a new thread
    text = first.get_body(("plain",)).get_content()
    assert "How and when to reach Carla: Tuesdays after 3pm, by phone" in text  # the contact's yes carries it
    assert text.count("Answer 0") == 1 and text.count("Felix Adams CV.pdf") == 1  # each fact once
    assert state(s) == "connected"
    with db(s).connect() as conn:
        moves = [(e.from_state, e.to_state) for e in conn.execute(select(intro_events).order_by(intro_events.c.id))
                 if e.to_state]
    assert moves == [(None, "draft"), ("draft", "requested"), ("requested", "connected")]


async def test_nothing_reaches_the_contact_before_the_referrer_sends(running):
    baton, s, client = running
    await review_link(baton, s)
    assert mail_to(s, "carla.diaz@vertex.example") == [] and state(s) == "draft"


async def test_get_and_head_ten_times_change_nothing(running):
    baton, s, client = running
    url = await review_link(baton, s)
    for _ in range(10):
        assert (await client.get(url)).status_code == 200
        assert (await client.head(url)).status_code == 200
    assert state(s) == "draft" and len(outbox.rows(db(s))) == 1
    page = await client.get(url)
    await client.post(url, data=fill_review(page.text))
    await wait_for(lambda: mail_to(s, "carla.diaz@vertex.example"))
    contact_url = party_link(s, "carla.diaz@vertex.example")
    rows_before = len(outbox.rows(db(s)))
    for _ in range(10):
        assert (await client.get(contact_url)).status_code == 200
        assert (await client.head(contact_url)).status_code == 200
    assert decisions(s) == {"contact": "pending", "pin": "pending"}
    assert len(outbox.rows(db(s))) == rows_before


async def test_forged_tampered_expired_and_wrong_purpose_links_are_refused(running):
    baton, s, client = running
    url = await review_link(baton, s)
    base, token = url.rsplit("/", 1)
    forged = await client.get(f"{base}/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert forged.status_code == 404 and "doesn't work" in unescape(forged.text)
    tampered = await client.get(f"{base}/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}")
    assert tampered.status_code == 404
    wrong_purpose = await client.get(url.replace("/r/", "/o/"))
    assert wrong_purpose.status_code == 404
    clock.advance(timedelta(days=15))
    expired = await client.get(url)
    assert expired.status_code == 410 and "expired" in expired.text and "new" in expired.text
    assert state(s) == "draft"


async def test_a_partys_link_acts_only_for_that_party(running):
    baton, s, client = running
    await approve(baton, s, client)
    await answer(client, party_link(s, "carla.diaz@vertex.example"), "yes")
    assert decisions(s) == {"contact": "yes", "pin": "pending"}  # the contact's link never answers for the PIN


async def test_a_double_post_is_harmless_and_the_first_decision_wins(running):
    baton, s, client = running
    await approve(baton, s, client)
    url = party_link(s, "carla.diaz@vertex.example")
    page = await client.get(url)
    token = form_token(page.text)
    first = await client.post(url, data={"form_token": token, "decision": "yes"})
    again = await client.post(url, data={"form_token": token, "decision": "no"})
    assert "Yes" in first.text and "already answered" in again.text and "Yes" in again.text
    assert decisions(s)["contact"] == "yes" and state(s) == "requested"


async def test_post_without_the_pages_form_token_is_refused(running):
    baton, s, client = running
    url = await review_link(baton, s)
    page = await client.get(url)
    data = fill_review(page.text)
    data.pop("form_token")
    refused = await client.post(url, data=data)
    assert refused.status_code == 403 and state(s) == "draft"
    data["form_token"] = "0" * 64
    assert (await client.post(url, data=data)).status_code == 403
    assert state(s) == "draft"


async def test_markup_typed_or_mailed_comes_out_escaped(running):
    baton, s, client = running
    # Unticked: the PIN's page names the contact, so the name is on it to be escaped.
    await approve(baton, s, client, contact_name="<script>alert(1)</script> Carla", hide_contact_until_yes="")
    page = await client.get(party_link(s, "felix.adams@mail.example"))
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Carla" in page.text
    for header in ("content-security-policy", "x-frame-options", "referrer-policy"):
        assert header in page.headers


async def test_review_validation_explains_what_is_wrong(running):
    baton, s, client = running
    url = await review_link(baton, s)
    page = await client.get(url)
    data = fill_review(page.text, contact_email="not-an-address", pin_email="", fact_ask="")
    r = await client.post(url, data=data)
    assert r.status_code == 400
    text = unescape(r.text)
    # Each error stands above its own field (and is listed, linked to it, at the top).
    assert re.search(r'id="contact_email-error">The contact\'s email is not a valid email address\.</p>\s*'
                     r'<input type="email" id="contact_email"', text)
    assert re.search(r'id="pin_email-error">The email of the person you are helping is needed\.</p>\s*'
                     r'<input type="email" id="pin_email"', text)
    assert re.search(r'id="ask-error">The ask is needed\.</p>\s*<textarea id="ask"', text)
    assert '<a href="#ask">The ask is needed.</a>' in text
    assert 'value="not-an-address"' in text  # what was typed stays
    assert state(s) == "draft" and mail_to(s, "carla.diaz@vertex.example") == []


async def test_a_no_tells_the_referrer_kindly_and_not_the_other_party(running):
    baton, s, client = running
    await approve(baton, s, client)
    await answer(client, party_link(s, "felix.adams@mail.example"), "yes")
    await answer(client, party_link(s, "carla.diaz@vertex.example"), "not_now", note="Busy until March.")
    told = await wait_for(lambda: [m for m in mail_to(s, "diane@wu.example") if m["Subject"].startswith("Your intro")])
    assert "Busy until March." in told[0].get_body(("plain",)).get_content()
    assert state(s) == "declined"
    assert len(mail_to(s, "felix.adams@mail.example")) == 1  # only the questions: no news of who declined


async def test_cancel_ends_the_intro_before_anyone_is_asked(running):
    baton, s, client = running
    url = await review_link(baton, s)
    page = await client.get(url)
    r = await client.post(url, data={"form_token": form_token(page.text), "action": "cancel"})
    assert "cancelled" in r.text and state(s) == "cancelled"
    assert "Already done" in unescape((await client.get(url)).text)
    assert mail_to(s, "carla.diaz@vertex.example") == []
