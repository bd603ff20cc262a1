"""The draft Baton builds from an Analysis: who reads it, what is missing, what to send.

The two bad hand-offs from the networking essay are VOICEMAIL and SISTER (their rendered text
is kept as golden files by tests/test_render.py); COMPLETE is the good one, for contrast.
"""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from composer.draft import AboutNote, Facts, IntroDraft, allowed_facts
from composer.draft import build_draft as _build
from model import Analysis


def build_draft(analysis: dict, facts: Facts | None = None):
    """The fixtures below are analyses as JSON (the contract); the composer reads the typed value."""
    return _build(Analysis.from_json(analysis), facts)
from composer.cleaning import blanks, words
from composer.mirror import MIRRORS, ORDER


def person(name, email):
    return {"name": name, "email": email}


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
COMPLETE_FACTS = Facts(
    relationship="my old teammate from Umbrella Corp",
    goal="a staff security engineering role",
    ask="a 20-minute call about Vertex's security team and whether it's hiring",
    why_contact="you know Vertex's security team from the inside",
    timeline="starting in January",
    requirements="Austin or remote, around $200k",
    resume_url="https://files.example/felix-adams-cv.pdf",
)

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


def all_text(d: IntroDraft) -> str:
    parts = [d.summary, *d.advice, *(c.effect for c in d.commands), d.prep_heading]
    parts += [f"{m.title}. {m.why} {m.fix}" for m in d.missing]
    parts += [f"{n.subject}\n{n.body}" for n in d.notes]
    parts += [f"{p.question} {p.answer_text}" for p in d.prep]
    if d.blurb:
        parts += [d.blurb.subject, d.blurb.body]
    return "\n".join(parts)


# --- no reply, or the short note -----------------------------------------------------------

def test_auto_generated_mail_gets_no_reply_ever():
    assert build_draft({**SISTER, "auto_generated": True}) is None
    assert build_draft({**SISTER, "kind": "none", "auto_generated": True}) is None


def test_no_reply_to_means_no_reply():
    assert build_draft({**SISTER, "reply_to": None}) is None


def test_not_a_hand_off_gets_the_about_note():
    note = build_draft({**SISTER, "kind": "none", "flags": []})
    assert note == AboutNote(message_id="<sister.2@mail.example>", subject="my wife's sister",
                             greeting="Mike")


# --- the voicemail: said_to_contact, forwarded by the contact ------------------------------

def test_voicemail_reply_speaks_to_the_contact_who_forwarded_it():
    d = build_draft(VOICEMAIL)
    assert d.reader == "contact" and d.greeting == "John"
    assert d.referrer.name is None          # "So and so" is not a name to greet
    assert "So and so" not in all_text(d).replace('"so and so said"', "")
    assert "you don't owe anyone a reply" in d.summary


def test_voicemail_offers_a_note_to_the_pin_and_one_to_the_referrer():
    d = build_draft(VOICEMAIL)
    to_pin, to_referrer = d.notes
    assert (to_pin.to, to_pin.to_email, to_pin.subject) == ("Dana", "dana@example.org",
                                                             "Re: career chat")
    assert "Who suggested you contact me" in to_pin.body
    assert to_pin.body.endswith("Thanks,\nJohn")
    assert to_referrer.to_email is None and "[[their name]]" in to_referrer.body
    assert to_referrer.subject == "Could you introduce Dana Whitfield properly?"
    assert "hear it from you first" in to_referrer.body


def test_voicemail_sends_nothing_on_the_contacts_behalf():
    assert build_draft(VOICEMAIL).commands == ()


def test_missing_items_follow_the_order_of_trust_then_focus():
    d = build_draft(VOICEMAIL)
    codes = [m.code for m in d.missing]
    assert codes == [c for c in ORDER if c in codes]
    assert codes[:2] == ["unknown_referrer", "no_opt_in"]
    for m in d.missing:
        assert m.why and m.fix and "\n" not in m.why + m.fix
        assert m.why.lstrip("\"")[0].isupper() and m.fix[0].isupper()


# --- the sister: intro_request with the PIN unnamed -------------------------------------------

def test_sister_request_has_blanks_for_what_only_mike_knows():
    d = build_draft(SISTER)
    assert d.reader == "referrer" and d.greeting == "Mike"
    assert d.blurb.subject == "Intro? [[their name]] → John Miller"
    assert "[[how you know them]]" in d.blurb.body
    assert "[[one concrete ask" in d.blurb.body
    assert d.blurb.body.endswith("Thanks,\nMike")
    assert [c.word for c in d.commands] == ["send"]


def test_sister_prep_note_goes_to_the_pin_without_an_address():
    (note,) = build_draft(SISTER).notes
    assert note.to == "the person you're helping" and note.to_email is None
    assert "What would you like from John, in one sentence?" in note.body


# --- the blurb ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(set(ALL) - {"direct_intro"}))
def test_blurb_is_short_and_has_one_ask_and_an_easy_no(name):
    d = build_draft(ALL[name], COMPLETE_FACTS)
    assert d.blurb.words <= 120
    assert d.blurb.body.count("?") == 1        # one concrete ask
    assert "just say so; no reason needed" in d.blurb.body
    assert d.blurb.subject.startswith("Intro? ") and " → " in d.blurb.subject


def test_blurb_stays_short_with_long_facts_and_names():
    long = "x" * 40
    facts = Facts(**{f: " ".join([long] * 12) for f in Facts.__dataclass_fields__})
    d = build_draft({**COMPLETE, "pin": person("A " * 50, "felix.adams@mail.example")}, facts)
    assert len(d.pin.name) <= 80
    assert all(len(v or "") <= 300 for v in vars(d.facts).values())


def test_complete_hand_off_with_facts_has_no_blanks_in_the_blurb():
    d = build_draft(COMPLETE, COMPLETE_FACTS)
    assert d.missing == ()
    assert blanks(d.blurb.body) == []
    assert "How I know Felix: my old teammate from Umbrella Corp." in d.blurb.body
    assert "Resume: https://files.example/felix-adams-cv.pdf" in d.blurb.body


def test_a_fact_the_rules_flagged_missing_stays_blank():
    facts = allowed_facts(COMPLETE_FACTS, {"no_resume", "no_relationship"})
    assert facts.resume_url is None and facts.relationship is None
    assert facts.goal == COMPLETE_FACTS.goal
    d = build_draft(SISTER, COMPLETE_FACTS)
    assert d.facts.ask is None and "[[one concrete ask" in d.blurb.body


# --- the other kinds ------------------------------------------------------------------------

def test_direct_intro_points_out_the_missing_opt_in_kindly_and_offers_follow_ups():
    d = build_draft(DIRECT_INTRO)
    assert d.blurb is None                      # the intro already happened
    assert "generous, and quick" in d.summary and "Victor wasn't asked first" in d.summary
    (note,) = d.notes
    assert note.to_email == "victor@chang-labs.example"
    assert "sorry for springing it on you" in note.body and "No obligation" in note.body
    assert [c.word for c in d.commands] == ["follow up"]
    assert d.missing[0].fix.startswith("It's done, and that's fine")


def test_pin_who_copied_baton_gets_a_note_asking_the_referrer_to_introduce_properly():
    d = build_draft(FROM_PIN)
    assert d.reader == "pin" and d.prep_heading == "Your prep list"
    (note,) = d.notes
    assert note.to == "Tom" and note.to_email is None
    assert "Would you introduce us yourself?" in note.body
    assert d.commands == ()
    assert d.blurb.body.endswith("Thanks,\nTom")


def test_referrer_on_cc_gets_the_request_to_send_and_a_prep_note_for_the_pin():
    d = build_draft(REFERRER_CC)
    assert d.reader == "referrer" and d.greeting == "Helen"
    assert "saying you suggested it" in d.summary
    (note,) = d.notes
    assert note.to_email == "sofia.lind@mail.example"
    assert "When do you need to land something?" in note.body
    assert [c.word for c in d.commands] == ["send"]


# --- every flag reads well for every reader ---------------------------------------------------

_BAD_GRAMMAR = re.compile(r"\b(?:you|You) (?:is|has|was|trusts|knows|needs|wants)\b|\{|\}")


@pytest.mark.parametrize("code", ORDER)
@pytest.mark.parametrize("name", sorted(ALL))
def test_each_flag_renders_without_placeholders_or_broken_grammar(code, name):
    analysis = {**ALL[name], "flags": [{"code": code, "evidence": "e"}]}
    d = build_draft(analysis)
    text = all_text(d)
    assert not _BAD_GRAMMAR.search(text), text
    assert [m.code for m in d.missing] == [code]


def test_mirror_table_covers_the_closed_set_of_flags():
    assert set(MIRRORS) == set(ORDER) == {
        "no_opt_in", "unknown_referrer", "referrer_unreachable", "no_relationship",
        "no_specific_ask", "no_goal", "no_timeline", "no_requirements", "no_resume"}


def test_unknown_flags_are_ignored():
    d = build_draft({**COMPLETE, "flags": [{"code": "rm -rf", "evidence": "x"}, "junk"]})
    assert d.missing == ()


# --- strings from mail ------------------------------------------------------------------------

def test_hostile_names_and_evidence_are_flattened_to_one_line():
    hostile = {**SISTER,
               "subject": "hi\r\nBcc: victim@example.net",
               "referrer": person("Mike\r\nX-Evil: 1 =?UTF-8?Q?=0A?=", "mike@example.net"),
               "flags": [{"code": "no_goal", "evidence": "a" * 500 + "\n" + "b"}]}
    d = build_draft(hostile)
    assert "\n" not in d.subject and "\r" not in d.subject
    assert "\n" not in d.referrer.name and "=?" not in d.referrer.name
    assert len(d.missing[0].evidence) <= 200


def test_bad_addresses_are_dropped_not_repaired():
    d = build_draft({**SISTER, "contact": person("John Miller", "john@example.com>, x@evil.example")})
    assert d.contact.email is None


def test_draft_values_are_frozen():
    d = build_draft(SISTER)
    from dataclasses import FrozenInstanceError
    with pytest.raises(FrozenInstanceError):
        d.kind = "none"  # type: ignore[misc]
    assert replace(d, kind="direct_intro").kind == "direct_intro"


def test_blank_count_words():
    assert words("Hi [[how you know Dana]].") == 5


def test_a_described_pin_is_not_greeted_by_the_referrers_first_name():
    # The analysis may name the PIN by description ("Greg Hall's cousin").
    d = build_draft({**SISTER, "pin": {"name": "Mike Chen's sister-in-law", "email": None}})
    assert d.pin.first is None
    assert d.summary.startswith("You'd like John to help Mike Chen's sister-in-law.")
    assert d.blurb.subject == "Intro? [[their name]] → John Miller"
    assert d.notes[0].body.startswith("Hi [[their name]],")
    assert d.prep_heading == "Prep list for Mike Chen's sister-in-law"
