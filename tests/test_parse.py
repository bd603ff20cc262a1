"""inbound.analysis.parse: never raises, charsets fall back, hostile input is capped (issue 3, Parsing)."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbound.analysis.charset import decode
from inbound.analysis.parse import MAX_HEADER_BYTES, parse_bytes
from tests.mailfixtures import MAIL, analyze


def test_declared_charset_then_utf8_then_windows_1252():
    assert decode("Jürgen".encode("latin-1"), "iso-8859-1") == "Jürgen"
    assert decode("Jürgen".encode(), "no-such-charset") == "Jürgen"
    assert decode(b"caf\xe9 \x81", "utf-8") == "café \ufffd"  # not UTF-8: windows-1252, 0x81 unmapped


def test_unknown_8bit_alias_and_nul_bytes():
    assert decode(b"a\x00b\xe9", "unknown-8bit") == "abé"


def test_encoded_names_and_latin1_body():
    m = parse_bytes((MAIL / "encoded_names_latin1.eml").read_bytes())
    assert m.from_[0].name == "Renée Dubois"
    assert m.to[0].name == "Jürgen Weiß"
    assert "Étienne Roux" in m.text and m.subject.startswith("Étienne")


def test_bare_lf_and_crlf_read_the_same():
    raw = (MAIL / "forward_gmail.eml").read_bytes().replace(b"\r\n", b"\n")
    lf, crlf = parse_bytes(raw), parse_bytes(raw.replace(b"\n", b"\r\n"))
    assert lf.subject == crlf.subject and lf.text.strip() == crlf.text.strip()


def test_body_without_headers_is_read_as_text():
    m = parse_bytes(b"Hi Owen,\n\nLucy Grant pointed me your way.\n")
    assert "no header block" in m.defects and "Lucy Grant" in m.text


def test_outlook_msg_is_a_defect_not_an_exception():
    m = parse_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert m.defects and m.text == ""


def test_missing_message_id_and_absurd_header_block():
    many = b"".join(b"X-Junk-%d: %s\n" % (i, b"x" * 8000) for i in range(MAX_HEADER_BYTES // 8000 + 2))
    m = parse_bytes(b"From: a@example.com\n" + many + b"\nbody\n")
    assert m.message_id is None and any("header block" in d for d in m.defects)
    one = parse_bytes(b"From: a@example.com\nX-Junk: " + b"x" * (MAX_HEADER_BYTES + 10) + b"\n\nbody\n")
    assert any(d.startswith("header field X-Junk over") for d in one.defects) and one.text.strip() == "body"


def test_message_rfc822_is_parsed_as_embedded_and_removed_from_outer_text():
    m = parse_bytes((MAIL / "forward_rfc822_attachment.eml").read_bytes())
    assert m.embedded and m.embedded[0].from_[0].email == "tariq@mail.example"
    assert "Julia Kim" not in m.text and "Julia Kim" in m.embedded[0].text


def test_deep_nesting_is_capped():
    inner = b"From: x@example.com\nSubject: core\n\nhello\n"
    for i in range(8):
        inner = (b"From: y@example.com\nContent-Type: multipart/mixed; boundary=b%d\n\n--b%d\nContent-Type: message/rfc822\n\n"
                 % (i, i)) + inner + b"\n--b%d--\n" % i
    m = parse_bytes(inner)
    depth = 0
    while m.embedded:
        m, depth = m.embedded[0], depth + 1
    assert depth <= 4


SEEDS = [p.read_bytes() for p in sorted(MAIL.glob("*.eml"))]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes_never_raise(raw):
    assert "kind" in analyze(raw)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 5000), st.binary(min_size=0, max_size=20)), max_size=6),
       st.integers(0, 5000))
def test_mutated_mime_never_raises(seed, edits, cut):
    raw = bytearray(seed)
    for pos, junk in edits:
        pos %= max(1, len(raw))
        raw[pos:pos + len(junk)] = junk
    out = analyze(bytes(raw[: max(cut, 1)]) if cut % 3 == 0 else bytes(raw))
    assert out["kind"] in ("none", "said_to_contact", "direct_intro", "intro_request")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["utf-8", "iso-8859-1", "x-bogus", "utf-16", "shift_jis"]),
       st.sampled_from(["7bit", "base64", "quoted-printable", "x-uuencode"]))
def test_generated_mime_never_raises(body, charset, cte):
    raw = (f"From: =?{charset}?q?=C3=A9?= <a@example.com>\nTo: b@example.com, ,,<>\nSubject: =?{charset}?b?////?=\n"
           f"Content-Type: multipart/alternative; boundary=zz\n\n--zz\nContent-Type: text/plain; charset={charset}\n"
           f"Content-Transfer-Encoding: {cte}\n\n{body}\n--zz\nContent-Type: text/html\n\n<p>{body}\n").encode("utf-8", "replace")
    assert isinstance(analyze(raw)["participants"], list)


def test_a_huge_header_field_is_cut_with_a_defect_and_the_rest_still_read():
    """flanker's long-header.eml has a 200 KB Subject of encoded words; both parsers decoded all of it."""
    subject = " ".join(["=?utf-8?q?caf=C3=A9?="] * 20_000)
    raw = (f"From: Dana <dana@mail.example>\r\nSubject: {subject}\r\nTo: Owen <owen@mail.example>\r\n"
           f"Message-ID: <long@mail.example>\r\n\r\nHello Owen.\r\n").encode()
    m = parse_bytes(raw)
    assert any(d.startswith("header field Subject over 16 KB") for d in m.defects)
    assert m.subject.startswith("caf\u00e9caf\u00e9") and len(m.subject) < 16 * 1024
    assert [p.email for p in m.to] == ["owen@mail.example"] and m.message_id == "<long@mail.example>"
    assert m.text.strip() == "Hello Owen."


def test_fields_outside_the_parsed_set_keep_their_text_and_decode_encoded_words():
    raw = (b"From: Dana <dana@mail.example>\r\nTo: intro@baton.example\r\nSubject: hi\r\n"
           b"Thread-Topic: =?utf-8?q?Caf=C3=A9_talk?=\r\nX-Note: plain\r\n\tfolded\r\n"
           b"X-Raw: caf\xc3\xa9 \xff\r\n\r\nbody\r\n")
    h = parse_bytes(raw).headers
    assert h["thread-topic"] == ["Caf\u00e9 talk"]
    assert h["x-note"] == ["plain folded"]
    assert h["x-raw"] == ["caf\u00e9 \ufffd"]
