"""Replies by email to intro+KEY@: matched to their intro and checked against who the key was for."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from inbound.analysis.parse import parse_bytes
from inbound.analysis.replies import command, filled_blanks, keys
from store.schema import intro_events
from tests.service_helpers import Running, wait_for
from tests.test_optin import approve, db, decisions, mail_to, review_link, state

ASSISTANT = "intro@baton.example"


def mail(body: str, *, frm="carla@vertex.example", to="intro+k1@baton.example", extra="") -> bytes:
    head = f"From: {frm}\nTo: {to}\nSubject: Re: Intro?\n{extra.replace(chr(13), '')}\n"
    return (head + body).replace("\n", "\r\n").encode()


@pytest.mark.parametrize("text,word", [
    ("Yes, happy to help.", "yes"), ("yes please", "yes"), ("Sure thing", "yes"), ("Not now, sorry.", "not_now"),
    ("No thanks.", "no"), ("no", "no"), ("send", "send"), ("Send it", "send"), ("cancel", "cancel"),
    ("I'd say yes but", None), ("Nobody told me", None), ("Notably, ...", None), ("", None),
])
def test_only_the_first_word_of_the_new_text_is_a_command(text, word):
    assert command(parse_bytes(mail(f"{text}\n\nOn Monday Baton wrote:\n> No reason needed\n"))) == word


def test_keys_come_from_envelope_headers_and_cited_message_ids():
    m = parse_bytes(mail("yes", to="Baton <intro+fromto@baton.example>",
                         extra="In-Reply-To: <cited.x1@baton.example>\r\nDelivered-To: intro+deliv@baton.example\r\n"))
    assert keys(m, ["intro+envelope@baton.example"], assistant=ASSISTANT, domains=["baton.example"]) == \
        ["envelope", "fromto", "deliv", "cited"]
    other = parse_bytes(mail("yes", to="intro+k@elsewhere.example", extra="References: <k.1@elsewhere.example>\r\n"))
    assert keys(other, [], assistant=ASSISTANT, domains=["baton.example"]) == []
    bounce = parse_bytes(mail("x", to="intro+bounce-abc@baton.example"))
    assert keys(bounce, [], assistant=ASSISTANT, domains=["baton.example"]) == []  # bounces are not replies


@pytest.mark.parametrize("reply,want", [
    ("> Hi Carla,\n> Please meet [[x]] soon? Felix\n", None),                  # left as a blank
    ("> Hi Carla,\n> Please meet Felix\n> Adams soon?\n", ["Felix Adams"]),      # re-wrapped and quoted
    ("Hi Carla,\nPlease meet   Felix soon?", ["Felix"]),                         # not quoted at all
    ("> Hi Dana,\n> Please meet Felix soon?\n", None),                          # the template's words changed
])
def test_blanks_filled_inline_in_a_quoted_reply(reply, want):
    assert filled_blanks("Hi Carla,\nPlease meet [[who]] soon?", reply) == want


async def _reply(baton, *, frm: str, to: str, body: str, in_reply_to: str | None = None) -> None:
    import aiosmtplib
    extra = f"In-Reply-To: {in_reply_to}\r\n" if in_reply_to else ""
    raw = mail(body, frm=frm, to=to, extra=extra + "Message-ID: <r" + str(abs(hash((frm, body)))) + "@mail.example>\r\n")
    await aiosmtplib.send(raw, sender=frm, recipients=[to], hostname="127.0.0.1", port=baton.settings.smtp_port)


def events(s) -> list[str]:
    with db(s).connect() as conn:
        return [e.why for e in conn.execute(select(intro_events).order_by(intro_events.c.id))]


@pytest.fixture
async def baton(make_settings):
    s = make_settings()
    async with Running(s, web=True) as running:
        yield running, s


BOTH_CCD = """From: Diane Wu <diane@wu.example>
To: intro@baton.example
Cc: Felix Adams <felix.adams@mail.example>, Carla Diaz <carla.diaz@vertex.example>
Subject: Intro request: Felix and Carla
Message-ID: <both-ccd@wu.example>

Hi,

Please help me introduce Felix Adams, my old teammate, to Carla Diaz.

Diane
"""


async def _draft_for(running, s, tmp_path, text: str | None):
    if text is None:
        return await review_link(running, s)
    path = tmp_path / "handoff.eml"
    path.write_text(text)
    await running.send(path)
    return await wait_for(lambda: mail_to(s, "diane@wu.example"))


async def _reply_send_filled(running, s):
    (draft,) = mail_to(s, "diane@wu.example")
    text = draft.get_body(("plain",)).get_content()
    counter = iter(range(100))
    filled = re.sub(r"\[\[[^\]]+\]\]", lambda _: f"filled {next(counter)}", text)
    quoted = "\n".join("> " + line for line in filled.splitlines())
    await _reply(running, frm="diane@wu.example", to=draft["Reply-To"].addresses[0].addr_spec,
                 body=f"send\n\nOn Thursday Baton wrote:\n{quoted}\n", in_reply_to=draft["Message-ID"])


async def test_send_by_reply_refuses_an_address_seen_only_in_the_body(baton, tmp_path):
    running, s = baton
    await _draft_for(running, s, tmp_path, None)  # Carla's address is only in the body there
    await _reply_send_filled(running, s)
    assert await wait_for(lambda: any("not in the message's headers" in e for e in events(s)))
    assert state(s) == "draft" and mail_to(s, "carla.diaz@vertex.example") == []


async def test_referrer_replies_send_with_the_blanks_filled_inline(baton, tmp_path):
    running, s = baton
    await _draft_for(running, s, tmp_path, BOTH_CCD)
    await _reply_send_filled(running, s)
    request = await wait_for(lambda: mail_to(s, "carla.diaz@vertex.example"))
    assert state(s) == "requested"
    body = request[0].get_body(("plain",)).get_content()
    assert "Filled 1." in body and "[[" not in body  # the blanks as the referrer typed them


async def test_send_with_blanks_left_is_refused_and_recorded(baton):
    running, s = baton
    await review_link(running, s)
    (draft,) = mail_to(s, "diane@wu.example")
    await _reply(running, frm="diane@wu.example", to=draft["Reply-To"].addresses[0].addr_spec, body="send\n")
    assert await wait_for(lambda: any("refused" in e for e in events(s)))
    assert state(s) == "draft" and mail_to(s, "carla.diaz@vertex.example") == []


async def test_a_party_replies_yes_and_a_stranger_using_the_same_key_does_nothing(baton):
    running, s = baton
    import httpx
    async with httpx.AsyncClient() as client:
        await approve(running, s, client)
    (request,) = mail_to(s, "carla.diaz@vertex.example")
    key_address = request["Reply-To"].addresses[0].addr_spec
    await _reply(running, frm="mallory@evil.example", to=key_address, body="No.\n")
    assert await wait_for(lambda: any("someone else" in e for e in events(s)))
    assert decisions(s)["contact"] == "pending"
    await _reply(running, frm="carla.diaz@vertex.example", to=key_address, body="Yes, happy to.\n")
    assert await wait_for(lambda: decisions(s)["contact"] == "yes")
    assert state(s) == "requested"
    assert all(m["Subject"] != "Re: Intro?" for m in mail_to(s, "carla.diaz@vertex.example"))  # no "about" note


def test_a_blank_at_the_very_end_takes_the_whole_line():
    """Regression: the sign-off blank once captured one character ("D" for "Diane Wu")."""
    assert filled_blanks("Thanks,\n[[your name]]", "> Thanks,\n> Diane Wu\n> \n> ---\n") == ["Diane Wu"]


# Issue 18, finding 1: one crafted "send" reply froze the whole process (one lazy regex group per
# blank backtracked for minutes while holding the GIL). The literals are now found in order.
def _crafted(blanks: int, repeats: int) -> tuple[str, str]:
    template = "Hi Carla,\n" + " ".join(f"word{i} [[blank {i}]]" for i in range(blanks)) + " end."
    reply = "Hi Carla,\n" + " ".join(f"word{i} x" for i in range(blanks - 1)) + f" word{blanks - 1} "
    return template, reply + "word1 " * repeats


@pytest.mark.parametrize("repeats", [150, 1_500, 15_000])
def test_finding_1_crafted_send_reply_cannot_freeze_the_process(repeats):
    import time
    template, reply = _crafted(8, repeats)
    started = time.perf_counter()
    assert filled_blanks(template, reply) is None  # "end." never comes
    # The old pattern took 3 s at 150 repeats and grew exponentially; a linear scan of 90 KB
    # takes milliseconds. The bound is generous so a loaded machine cannot fail it.
    assert time.perf_counter() - started < 1.0


def test_blanks_are_not_found_inside_a_word():
    assert filled_blanks("Please meet [[who]] on Monday", "> Please meet Felix Simon on Monday") == ["Felix Simon"]


def test_adjacent_blanks_cannot_be_told_apart():
    assert filled_blanks("Meet [[first]] [[last]] soon", "Meet Felix Adams soon") is None


from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

_WORD = st.text(alphabet="abcdefghij", min_size=1, max_size=6)


@hsettings(max_examples=200, deadline=None)
@given(literals=st.lists(st.lists(_WORD, min_size=1, max_size=4), min_size=2, max_size=6),
       values=st.lists(st.lists(st.text(alphabet="KLMNOP", min_size=1, max_size=5), min_size=1, max_size=3),
                       min_size=5, max_size=5),
       quoted=st.booleans(), width=st.integers(min_value=8, max_value=40))
def test_filled_blanks_recovers_what_was_typed_however_the_client_wraps_it(literals, values, quoted, width):
    import textwrap
    pieces = [" ".join(words) for words in literals]
    typed = [" ".join(v) for v in values[:len(pieces) - 1]]
    template = " [[x]] ".join(pieces)
    filled = pieces[0] + "".join(f" {v} {p}" for v, p in zip(typed, pieces[1:], strict=True))
    lines = textwrap.wrap(filled, width, break_long_words=False)
    reply = "\n".join(("> " if quoted else "") + line for line in lines)
    assert filled_blanks(template, reply) == typed
