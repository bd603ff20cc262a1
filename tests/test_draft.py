"""The draft Baton builds from an Analysis: who reads it, what is missing, what to send.

The two bad hand-offs from the networking essay are VOICEMAIL and SISTER (their rendered text
is kept as golden files by tests/test_render.py); COMPLETE is the good one, for contrast.
"""
from __future__ import annotations

import re
from dataclasses import FrozenInstanceError

import pytest

from composer import mirror
from composer.blocks import Body
from composer.draft import AboutNote, Handoff
from composer.draft import build_draft as _build
from composer.request import render
from composer.wording import offers, reply_body
from model import Analysis, Command, Flag, Kind, Role


def build_draft(analysis: dict, better: dict | None = None):
    """The fixtures below are analyses as JSON (the contract); the composer reads the typed value."""
    return _build(Analysis.from_json(analysis), better)


def person(name, email):
    return {"name": name, "email": email}


def body(d: Handoff, review_url: str | None = None) -> Body:
    return reply_body(d, review_url=review_url, reply_address="intro+k1@baton.example",
                      assistant="intro@baton.example", assistant_name="Baton", subject=d.subject)


def all_text(d: Handoff, review_url: str | None = None) -> str:
    """Every sentence of the draft, blocks joined."""
    b = body(d, review_url)
    parts = [b.greeting or ""]
    for block in b.blocks:
        for attr in ("text", "title", "subject", "body", "hint", "label"):
            value = getattr(block, attr, None)
            if value:
                parts.append(value)
        parts += list(getattr(block, "items", ()))
    return "\n".join(parts)


# "So and so said I should talk to you about my career/job search/resume", left by the PIN
# and forwarded to Baton by the contact.
VOICEMAIL: dict = {
    "message_id": "<voicemail.1@mail.example>",
    "subject": "Fwd: career chat",
    "kind": "said_to_contact",
    "forwarded": True,
    "auto_generated": False,
    "participants": [
        {"name": "John Miller", "email": "john@example.com", "role": "contact", "source": "from"},
        {"name": "Dana Whitfield", "email": "dana@example.org", "role": "pin",
         "source": "forwarded_from"},
        {"name": None, "email": "intro@baton.example", "role": "assistant", "source": "to"},
    ],
    "referrer": {"name": "So and so", "email": None},
    "pin": person("Dana Whitfield", "dana@example.org"),
    "contact": person("John Miller", "john@example.com"),
    "flags": [
        {"code": "no_opt_in", "evidence": "So and so said I should talk to you about my "
                                          "career/job search/resume."},
        {"code": "unknown_referrer", "evidence": "So and so said I should talk to you about my "
                                                 "career/job search/resume."},
        {"code": "no_relationship", "evidence": "So and so said I should talk to you about my "
                                                "career/job search/resume."},
        {"code": "no_specific_ask", "evidence": "talk to you about my career/job search/resume"},
        {"code": "no_goal", "evidence": "talk to you about my career/job search/resume"},
        {"code": "no_timeline", "evidence": "So and so said I should talk to you about my "
                                            "career/job search/resume."},
        {"code": "no_resume", "evidence": "talk to you about my career/job search/resume"},
    ],
    "reply_to": "john@example.com",
}

# "My wife's sister was just laid off and is going to connect with you; can you help her find
# something in LA?", from the referrer to the contact, Baton in cc.
SISTER: dict = {
    "message_id": "<sister.2@mail.example>",
    "subject": "my wife's sister",
    "kind": "intro_request",
    "forwarded": False,
    "auto_generated": False,
    "participants": [
        {"name": "Mike Chen", "email": "mike@example.net", "role": "referrer", "source": "from"},
        {"name": "John Miller", "email": "john@example.com", "role": "contact", "source": "to"},
        {"name": None, "email": "intro@baton.example", "role": "assistant", "source": "cc"},
    ],
    "referrer": person("Mike Chen", "mike@example.net"),
    "pin": None,
    "contact": person("John Miller", "john@example.com"),
    "flags": [
        {"code": "no_opt_in", "evidence": "My wife's sister was just laid off and is going to "
                                          "connect with you"},
        {"code": "no_specific_ask", "evidence": "can you help her find something in LA?"},
        {"code": "no_goal", "evidence": "can you help her find something in LA?"},
        {"code": "no_timeline", "evidence": "can you help her find something in LA?"},
        {"code": "no_resume", "evidence": "can you help her find something in LA?"},
    ],
    "reply_to": "mike@example.net",
}

# The handoffs fixture intro-request-complete: nothing missing.
COMPLETE: dict = {
    "message_id": "<felix.3@mail.example>",
    "subject": "Intro request: Felix -> Carla",
    "kind": "intro_request",
    "forwarded": False,
    "auto_generated": False,
    "participants": [],
    "referrer": person("Diane Wu", "diane@wu.example"),
    "pin": person("Felix Adams", "felix.adams@mail.example"),
    "contact": person("Carla Diaz", "carla.diaz@vertex.example"),
    "flags": [],
    "reply_to": "diane@wu.example",
}
# What the rules read in it (the analysis' facts), and the LLM's shorter words for the same facts.
COMPLETE["facts"] = {f: {"value": v, "evidence": v} for f, v in {
    "relationship": "my old teammate from Umbrella Corp (we built the incident response team together)",
    "goal": "Felix is a security engineer looking for a staff role in Austin or remote",
    "ask": "He'd like Carla's view on Vertex's security team and whether it's hiring",
    "why_contact": "you know Vertex's security team from the inside",
    "timeline": "starting in January",
    "requirements": "Austin or remote, around $200k",
    "resume": "https://files.example/felix-adams-cv.pdf",
}.items()}
COMPLETE_FACTS = {
    "relationship": "my old teammate from Umbrella Corp",
    "goal": "a staff security engineering role",
    "ask": "a 20-minute call about Vertex's security team and whether it's hiring",
}

DIRECT_INTRO: dict = {
    "message_id": "<meet.4@mail.example>",
    "subject": "Victor, meet Mia",
    "kind": "direct_intro",
    "forwarded": False,
    "auto_generated": False,
    "participants": [],
    "referrer": person("Paula Reyes", "paula@reyes.example"),
    "pin": person("Mia Scott", "mia.scott@mail.example"),
    "contact": person("Victor Chang", "victor@chang-labs.example"),
    "flags": [{"code": "no_opt_in", "evidence": "Victor, meet Mia. Mia, meet Victor."},
              {"code": "no_resume", "evidence": "looking for a junior data role"}],
    "reply_to": "paula@reyes.example",
}

# The PIN copied Baton directly; the referrer is named but has no address.
FROM_PIN: dict = {
    "message_id": "<grant.5@mail.example>",
    "subject": "Tom Grant suggested I write",
    "kind": "said_to_contact",
    "forwarded": False,
    "auto_generated": False,
    "participants": [],
    "referrer": person("Tom Grant", None),
    "pin": person("Ahmed Hassan", "ahmed.hassan@mail.example"),
    "contact": person("Owen Price", "owen@price.example"),
    "flags": [{"code": "referrer_unreachable", "evidence": "Tom Grant suggested I write"},
              {"code": "no_opt_in", "evidence": "Tom Grant suggested I write"},
              {"code": "no_resume", "evidence": "I'm moving into product management"}],
    "reply_to": "ahmed.hassan@mail.example",
}

# The contact forwarded it and the referrer was on cc, so the referrer reads the reply.
REFERRER_CC: dict = {
    **FROM_PIN,
    "message_id": "<brooks.6@mail.example>",
    "subject": "Fwd: Helen Brooks suggested I reach out",
    "forwarded": True,
    "referrer": person("Helen Brooks", "helen@brooks.example"),
    "pin": person("Sofia Lind", "sofia.lind@mail.example"),
    "flags": [{"code": "no_opt_in", "evidence": "Helen Brooks suggested I reach out"},
              {"code": "no_timeline", "evidence": "I'm exploring what's next"}],
    "reply_to": "helen@brooks.example",
}

ALL = {"voicemail": VOICEMAIL, "sister": SISTER, "complete": COMPLETE,
       "direct_intro": DIRECT_INTRO, "from_pin": FROM_PIN, "referrer_cc": REFERRER_CC}


def request_of(d: Handoff):
    return render(referrer=d.referrer, pin=d.pin, contact=d.contact, facts=d.facts, attachment=d.attachment)


# --- no reply, or the short note -----------------------------------------------------------

def test_auto_generated_mail_gets_no_reply_ever():
    assert build_draft({**SISTER, "auto_generated": True}) is None


def test_no_reply_to_means_no_reply():
    assert build_draft({**SISTER, "reply_to": None}) is None


def test_not_a_hand_off_gets_the_about_note():
    note = build_draft({**SISTER, "kind": "none", "flags": []})
    assert isinstance(note, AboutNote) and note.greeting == "Mike"


# --- the essay's voicemail: the contact forwarded it ----------------------------------------

def test_voicemail_reply_speaks_to_the_contact_who_forwarded_it():
    d = build_draft(VOICEMAIL)
    assert d.reader == "contact" and d.greeting_name == "John"
    text = all_text(d)
    assert "Dana wrote to you saying someone suggested it" in text
    assert "you owe no reply" in text


def test_voicemail_offers_a_note_to_the_pin_and_none_to_an_unknown_referrer():
    d = build_draft(VOICEMAIL)
    b = body(d)
    boxes = [blk for blk in b.blocks if getattr(blk, "title", "").startswith("Note to")]
    assert [blk.title for blk in boxes] == ["Note to Dana, ready to send"]
    assert "Who suggested you contact me" in boxes[0].body and boxes[0].hint == "To: dana@example.org"


def test_voicemail_sends_nothing_on_the_contacts_behalf():
    d = build_draft(VOICEMAIL)
    assert offers(d) == ()
    assert "Baton writes to nobody on your behalf" in all_text(d)


def test_at_most_three_missing_things_in_trust_then_focus_order_and_the_rest_named():
    d = build_draft(SISTER)
    assert list(d.flags) == [c for c in mirror.ORDER if c in d.flags]
    b = body(d, review_url="https://baton.example/r/x")
    (items,) = [blk for blk in b.blocks if hasattr(blk, "items")]
    assert [i.split(":")[0] for i in items.items] == ["Not asked first", "No concrete ask", "No goal"]
    assert "Also missing: a timeline, a resume (more on the review page)." in all_text(d, "https://x/r/x")


# --- the essay's sister: a request with blanks ----------------------------------------------

def test_sister_request_has_blanks_only_for_what_only_mike_knows():
    req = request_of(build_draft(SISTER))
    assert req.blanks == ("pin_name", "ask", "relationship", "goal")
    assert "[[" not in req.subject  # the subject follows the names once they are known
    assert req.body.startswith("Hi John,") and req.body.rstrip().endswith("Thanks,\nMike")


def test_a_template_is_never_called_ready():
    for analysis in ALL.values():
        for blk in body(build_draft(analysis)).blocks:
            title = getattr(blk, "title", "")
            text = f"{getattr(blk, 'subject', '')}\n{getattr(blk, 'body', '')}"
            if "ready" in title:
                assert "[[" not in text, title


@pytest.mark.parametrize("name", ["sister", "complete", "from_pin", "referrer_cc"])
def test_request_is_short_and_has_one_ask_and_an_easy_no(name):
    req = request_of(build_draft(ALL[name]))
    assert len(req.body.split()) <= 120
    assert req.body.count("?") <= 2 and "just say so; no reason needed" in req.body


def test_request_stays_short_with_long_facts_and_names():
    long = "x" * 2000
    d = build_draft({**COMPLETE, "facts": {f: {"value": long, "evidence": long} for f in ("ask", "goal")},
                     "pin": person("A" * 500, "felix.adams@mail.example")})
    req = request_of(d)
    assert all(len(line) <= 330 for line in req.body.splitlines())


def test_complete_hand_off_has_no_blanks_and_says_each_fact_once():
    d = build_draft(COMPLETE)
    req = request_of(d)
    assert req.blanks == () and "[[" not in req.body
    assert req.body.count("starting in January") + req.body.count("Starting in January") == 1
    lines = [line.split(": ", 1)[1] for line in req.body.splitlines() if ": " in line]
    assert len(lines) == len(set(lines)) == 7
    assert "THE REQUEST FOR CARLA, READY TO SEND" in all_text(d).upper()


def test_the_llm_may_reword_a_fact_the_rules_found_but_never_fill_a_gap():
    d = build_draft(COMPLETE, COMPLETE_FACTS)
    assert d.facts["ask"] == COMPLETE_FACTS["ask"]  # reworded
    gap = build_draft(SISTER, {"ask": "a call", "goal": "a job in LA"})
    assert "ask" not in gap.facts and "goal" not in gap.facts  # flagged missing: stays a blank
    assert "ask" in request_of(gap).blanks


# --- direct intro, the PIN, the referrer on cc ------------------------------------------------

def test_direct_intro_says_what_went_wrong_kindly_and_offers_the_note_not_praise():
    text = all_text(build_draft(DIRECT_INTRO))
    assert "wasn't asked first" in text and "sorry for springing it on you" in text
    assert "generous" not in text and "THE REQUEST" not in text.upper().replace("A REQUEST", "")


def test_follow_up_is_offered_only_when_both_addresses_were_in_the_headers():
    header = [{"name": "Paula Reyes", "email": "paula@reyes.example", "role": "referrer", "source": "from"},
              {"name": "Mia Scott", "email": "mia.scott@mail.example", "role": "pin", "source": "to"},
              {"name": "Victor Chang", "email": "victor@chang-labs.example", "role": "contact", "source": "to"}]
    with_headers = build_draft({**DIRECT_INTRO, "participants": header})
    assert [o.command for o in offers(with_headers)] == [Command.FOLLOW_UP]
    assert 'Reply "follow up" to this email' in all_text(with_headers)
    body_only = build_draft({**DIRECT_INTRO, "participants": [{**header[2], "source": "body"}, *header[:2]]})
    assert offers(body_only) == () and "follow up" not in all_text(body_only)


def test_pin_who_copied_baton_gets_a_note_asking_the_referrer_to_introduce_properly():
    d = build_draft(FROM_PIN)
    text = all_text(d)
    assert d.reader == "pin" and "Would you introduce me to Owen Price?" in text
    assert "A request Tom could send" in text and offers(d) == ()


def test_advice_passed_on_before_anyone_wrote_never_says_the_pin_wrote_to_the_contact():
    """Forwarded advice ("Tom told me to contact Owen; his note is below"): no one has written to
    Owen yet (no no_opt_in flag), so neither the draft nor the note to Tom may say so."""
    d = build_draft({**FROM_PIN, "flags": [f for f in FROM_PIN["flags"] if f["code"] != "no_opt_in"],
                     "assumptions": ["forwarded_advice"]})
    text = all_text(d)
    assert "Tom suggested you get in touch with Owen" in text
    assert "You suggested I get in touch with Owen Price" in text
    assert "wrote to" not in text.replace("Baton writes to", "")
    written = all_text(build_draft(FROM_PIN))
    assert "You wrote to Owen" in written and "I wrote to Owen Price, as you suggested" in written


def test_referrer_on_cc_gets_the_request_to_send_and_the_review_page():
    d = build_draft(REFERRER_CC)
    text = all_text(d, review_url="https://baton.example/r/x")
    assert d.reader == "referrer" and "Sofia wrote to Owen saying you suggested it" in text
    assert "press Send on the review page" in text
    # Neither Sofia's nor Owen's address came from the headers here: "send" by reply would be refused.
    assert [o.command for o in offers(d)] == [Command.CANCEL]


_BAD_GRAMMAR = re.compile(r"\b(?:you|You) (?:is|has|was|trusts|knows|needs|wants)\b|[{}]|%\(")


def test_every_flag_the_analysis_can_raise_has_its_place_and_words_in_the_draft():
    """A flag added to `model.Flag` without a title, a noun and a line would be dropped from every
    draft; the mirror must know each one."""
    assert set(mirror.ORDER) == set(Flag) and len(mirror.ORDER) == len(Flag)
    for code in Flag:
        assert mirror.title(code) and mirror.noun(code)
        for reader in (Role.REFERRER, Role.PIN, Role.CONTACT, Role.OTHER):
            for kind in (Kind.SAID_TO_CONTACT, Kind.DIRECT_INTRO, Kind.INTRO_REQUEST):
                assert mirror.line(code, kind, reader, {"referrer": "Ann", "pin": "Bo", "contact": "Cy"})


@pytest.mark.parametrize("code", list(Flag))
@pytest.mark.parametrize("name", list(ALL))
def test_each_flag_renders_without_placeholders_or_broken_grammar(code, name):
    analysis = {**ALL[name], "flags": [{"code": code, "evidence": "x"}]}
    for review in (None, "https://baton.example/r/x"):
        text = all_text(build_draft(analysis), review)
        assert not _BAD_GRAMMAR.search(text), text


def test_unknown_flags_are_ignored():
    d = build_draft({**SISTER, "flags": [{"code": "no_goal", "evidence": "x"}]})
    assert d.flags == ("no_goal",)


def test_hostile_names_and_evidence_are_flattened_to_one_line():
    evil = {**SISTER, "contact": person("John\r\nBcc: evil =?UTF-8?Q?=0A?=", "john@example.com"),
            "subject": "hi\r\nBcc: y@evil.example"}
    d = build_draft(evil)
    assert "\n" not in d.contact.name and "\r" not in d.subject and "=?" not in d.contact.name


def test_bad_addresses_are_dropped_not_repaired():
    d = build_draft({**SISTER, "contact": person("John", "john@example.com>, x@evil.example")})
    assert d.contact.email is None


def test_drafts_are_frozen_and_survive_the_database():
    d = build_draft(COMPLETE)
    with pytest.raises(FrozenInstanceError):
        d.kind = "none"  # type: ignore[misc]
    assert Handoff.from_json(d.to_json()) == d


def test_a_described_pin_is_called_as_the_referrer_would():
    analysis = {**SISTER, "pin": person("Mike Chen's wife's sister", None)}
    text = all_text(build_draft(analysis))
    assert "You'd like John to help your wife's sister." in text and "Hi Mike Chen" not in text


def test_an_unnamed_referrer_is_explained_once_not_as_someone_to_add_to_the_thread():
    flags = [*VOICEMAIL["flags"], {"code": "referrer_unreachable", "evidence": "So and so said I should talk to you."}]
    d = build_draft({**VOICEMAIL, "flags": flags})
    assert "unknown_referrer" in d.flags and "referrer_unreachable" not in d.flags
    assert "Add So and so to the thread" not in all_text(d)
