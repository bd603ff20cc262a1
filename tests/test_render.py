"""The email Baton sends: threaded headers, text and HTML, no injection, golden drafts.

Golden files hold the text part for the essay's two bad hand-offs (and the good one for
contrast). Regenerate after an intended wording change with BATON_UPDATE_GOLDEN=1.
"""
from __future__ import annotations

import email
import os
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from composer.draft import build_draft as _build
from composer.render import LOOP_HEADER, reply_subject
from composer.render import render_about as _about
from composer.render import render_reply as _reply
from model import Analysis


def _typed(analysis):
    return analysis if isinstance(analysis, Analysis) else Analysis.from_json(analysis)


def build_draft(analysis, better=None):
    return _build(_typed(analysis), better)


def render_reply(draft, *, analysis, **kw):
    return _reply(draft, analysis=_typed(analysis), **kw)


def render_about(note, *, analysis, **kw):
    return _about(note, analysis=_typed(analysis), **kw)
from tests.test_draft import COMPLETE, COMPLETE_FACTS, DIRECT_INTRO, SISTER, VOICEMAIL

GOLDEN = Path(__file__).parent / "golden"
ASSISTANT = "intro@baton.example"
NOW = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)
EXPECTED_HEADERS = {"From", "To", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To",
                    "References", "Auto-Submitted", "X-Auto-Response-Suppress", LOOP_HEADER,
                    "MIME-Version", "Content-Type"}


def render(analysis: dict, facts=None, review_url: str | None = None,
           references: list[str] | None = None, key: str = "k7Q2mX9pL4") -> EmailMessage:
    return render_reply(build_draft(analysis, facts), analysis=analysis,
                        references=references or [], key=key, assistant=ASSISTANT,
                        assistant_name="Baton", review_url=review_url, now=NOW,
                        make_token=lambda: "0001")


def reparse(msg: EmailMessage) -> EmailMessage:
    return email.message_from_bytes(msg.as_bytes(policy=policy.SMTP), policy=policy.default)


def text_of(msg: EmailMessage) -> str:
    return msg.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html_of(msg: EmailMessage) -> str:
    return msg.get_body(("html",)).get_content().replace("\r\n", "\n")


# --- golden drafts ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, analysis, facts", [
    ("voicemail_forwarded_by_contact", VOICEMAIL, None),
    ("wifes_sister_in_la", SISTER, None),
    ("complete_with_llm_facts", COMPLETE, COMPLETE_FACTS),
])
def test_golden_text(name, analysis, facts):
    text = text_of(reparse(render(analysis, facts)))
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("BATON_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


# --- headers -----------------------------------------------------------------------------

def test_reply_headers_thread_under_the_original_and_mark_it_automatic():
    msg = reparse(render(SISTER, references=["<root.0@mail.example>"]))
    assert set(msg.keys()) == EXPECTED_HEADERS
    assert msg["From"] == "Baton <intro@baton.example>"
    assert msg["To"] == "Mike Chen <mike@example.net>"
    assert msg["Reply-To"] == "Baton <intro+k7Q2mX9pL4@baton.example>"
    assert msg["Subject"] == "Re: my wife's sister"
    assert msg["Message-ID"] == "<k7Q2mX9pL4.0001@baton.example>"
    assert msg["In-Reply-To"] == "<sister.2@mail.example>"
    assert msg["References"] == "<root.0@mail.example> <sister.2@mail.example>"
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["X-Auto-Response-Suppress"] == "All"
    assert msg[LOOP_HEADER] == ASSISTANT
    assert msg["Date"] == "Mon, 23 Nov 2026 17:30:00 +0000"


def test_reply_goes_to_analysis_reply_to():
    msg = reparse(render(VOICEMAIL))
    assert msg["To"] == "John Miller <john@example.com>"


def test_message_id_carries_a_fresh_random_part_by_default():
    d = build_draft(SISTER)
    ids = {render_reply(d, analysis=SISTER, references=[], key="abc", assistant=ASSISTANT,
                        assistant_name="Baton", review_url=None)["Message-ID"] for _ in range(3)}
    assert len(ids) == 3 and all(i.startswith("<abc.") and i.endswith("@baton.example>")
                                 for i in ids)


@pytest.mark.parametrize("subject, expected", [
    ("hello", "Re: hello"),
    ("Re: hello", "Re: hello"),
    ("RE: Re: re:hello", "Re: hello"),
    ("AW: Re[2]: hello", "Re: hello"),
    ("Fwd: career chat", "Re: Fwd: career chat"),
    ("", "Re: your message"),
    (None, "Re: your message"),
])
def test_subject_gets_one_re(subject, expected):
    assert reply_subject(subject) == expected


def test_long_reference_chains_are_trimmed_keeping_the_root_and_bad_ids_dropped():
    refs = [f"<r{i}@mail.example>" for i in range(40)] + ["not an id", "<a b@c>", "<sister.2@mail.example>"]
    msg = reparse(render(SISTER, references=refs))
    ids = msg["References"].split()
    assert len(ids) == 20
    assert ids[0] == "<r0@mail.example>" and ids[-2] == "<r39@mail.example>"
    assert ids[-1] == "<sister.2@mail.example>"


def test_no_threading_headers_without_a_valid_original_id():
    msg = reparse(render({**SISTER, "message_id": "<bad\r\nBcc: x@evil.example>"}))
    assert msg["In-Reply-To"] is None and msg["References"] is None


@pytest.mark.parametrize("key", ["", "a b", "a@b", "k\r\nBcc: x", "x" * 65, "+plus"])
def test_unsafe_keys_are_refused(key):
    with pytest.raises(ValueError):
        render(SISTER, key=key)


def test_no_reply_to_is_refused():
    with pytest.raises(ValueError):
        render_reply(build_draft(SISTER), analysis={**SISTER, "reply_to": None}, references=[],
                     key="k", assistant=ASSISTANT, assistant_name="Baton", review_url=None)


# --- header injection --------------------------------------------------------------------

HOSTILE_STRINGS = [
    "Mike\r\nBcc: victim@example.net",
    "Mike\nBcc: victim@example.net",
    "Mike =?UTF-8?Q?=0A?=Bcc: victim@example.net",
    "=?UTF-8?Q?Mike=0D=0ABcc:_victim@example.net?=",
    "Mike\u2028Bcc: victim@example.net",
    "\"Mike\" <mike@example.net>, victim@example.net",
]


@pytest.mark.parametrize("hostile", HOSTILE_STRINGS)
def test_names_and_subjects_from_mail_cannot_add_headers(hostile):
    analysis = {**SISTER, "subject": hostile,
                "referrer": {"name": hostile, "email": "mike@example.net"},
                "participants": [{"name": hostile, "email": "mike@example.net",
                                  "role": "referrer", "source": "from"}]}
    raw = render(analysis).as_bytes(policy=policy.SMTP)
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert set(msg.keys()) == EXPECTED_HEADERS
    for name, value in msg.items():
        assert "\n" not in str(value) and "\r" not in str(value), name
    assert [a.addr_spec for a in msg["To"].addresses] == ["mike@example.net"]
    assert b"\nBcc" not in raw and b"\nbcc" not in raw.lower().replace(b"\r\n", b"")[:0] + b"x"
    header_block = raw.split(b"\r\n\r\n", 1)[0]
    assert not any(line.lower().startswith(b"bcc") for line in header_block.split(b"\r\n"))


def test_assistant_name_cannot_add_headers_either():
    d = build_draft(SISTER)
    msg = render_reply(d, analysis=SISTER, references=[], key="k", assistant=ASSISTANT,
                       assistant_name="Baton\r\nBcc: x@evil.example", review_url=None)
    assert set(reparse(msg).keys()) == EXPECTED_HEADERS


# --- bodies ------------------------------------------------------------------------------

def test_text_and_html_alternatives_in_that_order():
    msg = reparse(render(SISTER))
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert all(p["Content-Transfer-Encoding"] == "quoted-printable" for p in msg.iter_parts())


def test_html_escapes_what_came_from_mail():
    evil = {**SISTER, "contact": {"name": "<script>alert(1)</script> Jo", "email": "john@example.com"},
            "subject": "<img src=x onerror=alert(1)>"}
    html = html_of(reparse(render(evil)))
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html
    # the text part is plain text: not escaped
    assert "<script>alert(1)</script>" in text_of(reparse(render(evil)))


def test_html_has_no_external_assets():
    html = html_of(reparse(render(VOICEMAIL, review_url="https://baton.example/r/abc")))
    assert "<link" not in html and "<img" not in html and "<script" not in html
    assert "src=" not in html and "<style" not in html


def test_blanks_are_highlighted_in_html():
    html = html_of(reparse(render(SISTER)))
    assert '<mark style="background:#fff3b0;padding:0 2px">[[how you know them]]</mark>' in html


def test_without_a_review_page_the_reader_is_told_where_replies_go():
    text = text_of(reparse(render(SISTER)))
    assert 'Reply "cancel": ' in text and "Replies go to intro+k7Q2mX9pL4@baton.example." in text
    assert 'Reply "send"' not in text  # the sister's address is unknown: a "send" could only be refused
    assert "Review & send" not in text


def test_with_a_review_page_the_link_is_offered():
    msg = reparse(render(SISTER, review_url="https://baton.example/review/abc"))
    assert "Review & send: https://baton.example/review/abc" in text_of(msg)
    assert 'href="https://baton.example/review/abc"' in html_of(msg)


def test_direct_intro_offers_follow_ups_and_no_request():
    both = [{"name": "Mia Scott", "email": "mia.scott@mail.example", "role": "pin", "source": "to"},
            {"name": "Victor Chang", "email": "victor@chang-labs.example", "role": "contact", "source": "to"}]
    text = text_of(reparse(render({**DIRECT_INTRO, "participants": both})))
    assert "THE REQUEST" not in text
    assert 'Reply "follow up"' in text and "sorry for springing it on you" in text


def test_text_prose_is_wrapped_but_blanks_never_split():
    text = text_of(reparse(render(SISTER)))
    for line in text.splitlines():
        assert line.count("[[") == line.count("]]"), line


def test_the_same_draft_renders_the_same_bytes():
    assert render(SISTER).as_bytes() == render(SISTER).as_bytes()


# --- the about note ------------------------------------------------------------------------

def test_about_note_for_mail_that_is_not_a_hand_off():
    analysis = {**DIRECT_INTRO, "kind": "none", "flags": [], "subject": "Re: Q3 numbers"}
    note = build_draft(analysis)
    msg = reparse(render_about(note, analysis=analysis, references=[], key="about1",
                               assistant=ASSISTANT, assistant_name="Baton", now=NOW,
                               make_token=lambda: "0002"))
    assert set(msg.keys()) == EXPECTED_HEADERS
    assert msg["Subject"] == "Re: Q3 numbers" and msg["To"] == "Paula Reyes <paula@reyes.example>"
    text = text_of(msg)
    assert text.startswith("Hi Paula,\n")
    flat = " ".join(text.split())
    assert "copy intro@baton.example" in flat and "Nobody is introduced until both say yes" in flat
    assert "&#34;Re: Q3 numbers&#34;" in html_of(msg)


def test_html_paragraphs_never_nest():
    from html.parser import HTMLParser

    class Nesting(HTMLParser):
        depth, worst = 0, 0

        def handle_starttag(self, tag, attrs):
            if tag == "p":
                self.depth += 1
                self.worst = max(self.worst, self.depth)

        def handle_endtag(self, tag):
            if tag == "p":
                self.depth -= 1

    for analysis in (VOICEMAIL, SISTER, DIRECT_INTRO):
        parser = Nesting()
        parser.feed(html_of(reparse(render(analysis, review_url="https://baton.example/r/x"))))
        assert parser.worst == 1 and parser.depth == 0
