"""inbound.analysis.participants: who is involved, where they were found, and their role (issue 3)."""
import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from inbound.analysis.addresses import name_from_email, parse_header_addresses, parse_text_addresses
from inbound.analysis.participants import body_mentions
from tests.mailfixtures import analyze, fixture, message


def test_body_mentions_with_address_cc_and_looping_in():
    people = [p for p, _ in body_mentions(
        "Meet Laura Brooks (laura@x.example). Aisha Khan (cc'd) knows her. Looping in Kevin Ortiz.")]
    assert ("Laura Brooks", "laura@x.example") in [(p.name, p.email) for p in people]
    assert {"Aisha Khan", "Kevin Ortiz"} <= {p.name for p in people}


def test_assistant_and_sub_addresses_get_role_assistant():
    a = analyze(message("Lucy Grant pointed me your way.", cc="intro@baton.example, Baton <intro+ab12@baton.example>"))
    roles = {p["email"]: p["role"] for p in a["participants"]}
    assert roles["intro@baton.example"] == "assistant" and roles["intro+ab12@baton.example"] == "assistant"
    assert roles["ahmed@mail.example"] == "pin" and roles["owen@price.example"] == "contact"


def test_sources_from_to_cc_reply_to():
    a = analyze(message("Thanks!", extra="Reply-To: Ahmed Home <ahmed@home.example>\n"))
    sources = {p["email"]: p["source"] for p in a["participants"]}
    assert sources == {"ahmed@mail.example": "from", "owen@price.example": "to", "intro@baton.example": "cc",
                       "ahmed@home.example": "reply_to"}


def test_rfc2047_names_are_decoded():
    a = fixture("encoded_names_latin1.eml")
    names = {p["name"] for p in a["participants"]}
    assert {"Renée Dubois", "Jürgen Weiß"} <= names
    assert a["kind"] == "said_to_contact" and "Roux" in a["referrer"]["name"]


def test_addresses_are_never_invented():
    a = analyze(message("Hi Owen, Peter Novak suggested I contact you."))
    assert a["referrer"] == {"name": "Peter Novak", "email": None}
    emails = {p["email"] for p in a["participants"] if p["email"]}
    assert emails <= {"ahmed@mail.example", "owen@price.example", "intro@baton.example"}


def test_strict_header_parsing_drops_unusable_addresses():
    people = parse_header_addresses('"Roe, Jane" <jane@roe.example>, Dan Leff@EES, <IMCEANOTES-x@corp.example>')
    assert people[0].name == "Jane Roe" and people[0].email == "jane@roe.example"
    assert all(p.email in (None, "jane@roe.example") for p in people)


def test_text_headers_read_outlook_and_notes_forms():
    assert [p.name for p in parse_text_addresses("Davis, Jeff; Patrick, Christie")] == ["Jeff Davis", "Christie Patrick"]
    assert [p.name for p in parse_text_addresses("Richard Lewis/LON/CORP@CORP, Rob Bayley/LON/CORP")] == ["Richard Lewis", "Rob Bayley"]
    assert parse_text_addresses("Rich Shane [mailto:rich@mail.example]")[0].email == "rich@mail.example"


def test_name_from_email():
    assert name_from_email("john.miller@example.com") == "John Miller" and name_from_email("jm42@example.com") is None


# The body-mention rows as they were first written, each a single search that starts with the
# name (plus the later "person at organisation" form, tried when no name stands right before the
# anchor). participants.body_mentions finds each anchor first; it must find the same people.
def _reference_mentions(text: str) -> list:
    import re

    from inbound.analysis.addresses import EMAIL_RE
    from inbound.analysis.mentions import NAME, clean_name
    from inbound.analysis.participants import mentioned
    at = r"(?:\s*(?:,\s*)?\b(?:at|from|of|with|bei|chez|de|da|van|di)\s+[^()<>\n]{1,60}?)?"
    rows = (re.compile(r"(?:(?P<name>" + NAME + r")(?P<org>" + at + r"))?\s*[(<]\s*(?P<email>" + EMAIL_RE.pattern
                       + r")\s*[)>]"),
            re.compile(r"(?P<name>" + NAME + r")(?P<org>" + at + r")\s*\((?i:cc'?d|cc|copied|bcc'?d|on cc|in cc|"
                       r"cc'ed|en copie|in kopie|en copia|em cópia|in copia)\)"),
            re.compile(r"(?i:looping in|loop in|cc'?ing|copying|adding)\s+(?P<name>(?-i:" + NAME + r"))"))
    out = []
    for rx in rows:
        for m in rx.finditer(text[:100_000]):
            if m.group("name") and m.groupdict().get("org") and clean_name(m.group("name") + m.group("org")):
                continue  # the org form only stands in when the words before the anchor are no name
            person = mentioned(m.group("name"), m.groupdict().get("email"))
            if person is not None:
                out.append(person)
    return out


_MENTION_PIECES = ["Laura", "Brooks", "Dr.", "J.", "van", "Jr.", "the", "Please", "meet", " ", "\t", "\n", "(", ")", "<",
                   ">", "laura@x.example", "b@y.example", "(cc'd)", "(copied)", "(cc)", "looping in", "cc'ing", "Adding",
                   ",", ".", "O'Neil", "Anne-Marie", "MARY", "\u00c9mile", "x" * 300]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_MENTION_PIECES), min_size=1, max_size=14), st.lists(st.booleans(), min_size=14, max_size=14))
def test_body_mentions_find_what_the_name_first_rows_find(pieces, spaces):
    text = "".join(p + (" " if sp else "") for p, sp in zip(pieces, spaces, strict=False))
    # "Laura, MARY (cc'd)" reads as Laura with a title (as "Nathalie Caron, DRH (...)"), a form the
    # rows never had: it has tests of its own, and the rows are no reference for it.
    assume(not re.search(r",[^()<>\n,;]*\b[A-Z]{2,5}\b", text))
    assert [p for p, _ in body_mentions(text)] == _reference_mentions(text)



def test_a_name_and_address_on_a_line_of_their_own_are_one_person():
    people = {(p.name, p.email) for p, _ in body_mentions(
        "Ingrid knows about it.\nIngrid Dekker: ingrid@gemeente.example\nEmail: office@gemeente.example\n"
        "Write to me - kees@vandijk.example\nTom Berg – tom@berg.example\nSender Address: postmaster@x.example\n")}
    assert ("Ingrid Dekker", "ingrid@gemeente.example") in people and ("Tom Berg", "tom@berg.example") in people
    labels = ("office@gemeente.example", "kees@vandijk.example", "postmaster@x.example")
    assert not any(email in labels and name for name, email in people)


def test_a_title_between_a_person_and_their_address_keeps_the_address_with_the_person():
    people = {(p.name, p.email) for p, _ in body_mentions(
        "Please connect Pierre with Nathalie Caron, DRH du groupe Caron Distribution (nathalie@caron.example). "
        "I asked Ana, she said yes (ana@x.example).")}
    assert ("Nathalie Caron", "nathalie@caron.example") in people
    assert ("Ana", "ana@x.example") not in people


def test_names_lose_the_words_around_them_but_keep_their_own():
    from inbound.analysis.mentions import clean_name
    assert clean_name("Anfrage von Herrn Lange") == "Herrn Lange"  # German capitalises nouns
    assert clean_name("Ingrid Dekker van de") == "Ingrid Dekker"
    assert clean_name("Kees van Dijk") == "Kees van Dijk"
    assert clean_name("Jean M. Dupont") == "Jean M. Dupont"  # an initial, not "M." the title
