"""inbound.analysis.forwards: one test per MARKERS row; forwarded people get forwarded_* sources (issue 3, Forwards)."""
import pytest

from inbound.analysis.forwards import MARKERS, split
from tests.mailfixtures import fixture

ROW_EXAMPLES = {
    "gmail": "---------- Forwarded message ---------",
    "thunderbird": "-------- Forwarded Message --------",
    "apple": "Begin forwarded message:",
    "lotus_notes": "---------------------- Forwarded by Jane Roe/HOU/CORP on 05/23/2026 08:45 AM ---------------------------",
    "original_message": " -----Original Message-----",
    "outlook_rule": "________________________________",
    "outlook_block": "From: Jane Roe <jane@roe.example>",
    "reply_header": "On Tue, Nov 17, 2026 at 11:41 AM Jane Roe <jane@roe.example> wrote:",
}


def test_every_row_has_an_example():
    assert set(ROW_EXAMPLES) == {m.name for m in MARKERS}


@pytest.mark.parametrize("row", sorted(ROW_EXAMPLES))
def test_marker_row_opens_a_segment(row):
    header = "" if row in ("outlook_block", "reply_header") else "From: Jane Roe <jane@roe.example>\n"
    if row == "reply_header":
        text = f"Thanks!\n\n{ROW_EXAMPLES[row]}\n> Kim Lee said I should contact you.\n"
    else:
        text = (f"FYI\n\n{ROW_EXAMPLES[row]}\n{header}Sent: Tuesday, November 17, 2026 11:41 AM\n"
                f"To: Irene Fox <irene@fox.example>\nSubject: hello\n\nKim Lee said I should contact you.\n")
    segs = split(text)
    assert len(segs) >= 2
    inner = next(s for s in segs[1:] if "Kim Lee" in s.text)
    assert any(p.email == "jane@roe.example" for s in segs[1:] for p in s.author)
    if row != "reply_header":
        assert inner.to and inner.to[0].email == "irene@fox.example"


def test_marker_inside_a_sentence_is_not_a_forward():
    assert len(split("I said the original message was fine. From: me is not a header.")) == 1


@pytest.mark.parametrize("name, author", [
    ("forward_gmail.eml", "marco@mail.example"),
    ("forward_outlook_mailto.eml", "yuki@mail.example"),
    ("forward_outlook_html_divrplyfwdmsg.eml", "yuki@mail.example"),
    ("forward_apple.eml", "sofia@mail.example"),
    ("forward_original_message.eml", "rich@mail.example"),
    ("forward_quoted.eml", "kai@mail.example"),
    ("forward_of_forward.eml", "marco@mail.example"),
    ("forward_rfc822_attachment.eml", "tariq@mail.example"),
])
def test_forwarded_author_is_the_pin(name, author):
    a = fixture(name)
    assert a["forwarded"] is True
    assert a["kind"] == "said_to_contact"
    assert a["pin"]["email"] == author
    assert any(p["email"] == author and p["source"] == "forwarded_from" for p in a["participants"]) or name.endswith("attachment.eml")


def test_outlook_mailto_names_are_turned_round_and_cc_is_forwarded_cc():
    a = fixture("forward_outlook_mailto.eml")
    lucy = next(p for p in a["participants"] if p["email"] == "lucy@grant.example")
    assert lucy["source"] == "forwarded_cc" and lucy["role"] == "referrer"
    assert a["referrer"] == {"name": "Lucy Grant", "email": "lucy@grant.example"}
    assert a["reply_to"] == "lucy@grant.example"


def test_lotus_notes_author_from_bare_name_line():
    a = fixture("forward_lotus_notes.eml")
    assert a["forwarded"] and a["kind"] == "said_to_contact"
    assert a["pin"]["name"] == "Chris Thrall" and a["referrer"]["name"] == "Ann Keller"


def test_forward_of_forward_keeps_the_innermost_writer():
    a = fixture("forward_of_forward.eml")
    assert a["contact"]["email"] == "irene@fox.example" and a["referrer"]["name"] == "Peter Novak"
