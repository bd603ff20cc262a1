"""Hostile MIME through the analysis and the reply (issue 7): bounded time on oversized and deeply
nested messages, no header injection from names or subjects, attachments never opened."""
from __future__ import annotations

import base64
import bz2
import email
import gzip
import io
import lzma
import tarfile
import time
import zipfile
import zlib
from email import policy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composer.draft import Handoff, build_draft
from composer.render import LOOP_HEADER, render_reply
from inbound.analysis.analyze import analyze_bytes
from inbound.analysis.thread import references_of

ASSISTANT = "intro@baton.example"
DOMAINS = ["baton.example"]
TIME_LIMIT = 20.0  # seconds; generous for a slow CI machine, far below a quadratic blow-up
HEAD = (b"From: Ahmed Hassan <ahmed.hassan@mail.example>\r\nTo: Owen Price <owen@price.example>\r\n"
        b"Cc: intro@baton.example\r\nSubject: Lucy Grant pointed me your way\r\n"
        b"Message-ID: <h1@mail.example>\r\nMIME-Version: 1.0\r\n")
HANDOFF_TEXT = (b"Hi Owen,\r\n\r\nLucy Grant pointed me your way. I'm an accountant hoping to move into FP&A "
                b"at a startup this year.\r\n\r\nAhmed\r\n")


def analyze(raw: bytes) -> tuple[dict, float]:
    start = time.perf_counter()
    analysis = analyze_bytes(raw, assistant=ASSISTANT, domains=DOMAINS).to_json()
    return analysis, time.perf_counter() - start


def many_parts(n: int = 5000, part_bytes: int = 2100) -> bytes:
    line = b"words in a part that nobody needs to read, again and again\r\n"
    filler = line * (part_bytes // len(line))
    parts = [b"--p\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + (b"part %d\r\n" % i) + filler
             for i in range(n)]
    return (HEAD + b"Content-Type: multipart/mixed; boundary=p\r\n\r\n"
            + b"--p\r\nContent-Type: text/plain\r\n\r\n" + HANDOFF_TEXT + b"".join(parts) + b"--p--\r\n")


def nested_multipart(depth: int) -> bytes:
    body = b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + HANDOFF_TEXT
    for i in range(depth):
        body = (b"Content-Type: multipart/mixed; boundary=n%d\r\n\r\n--n%d\r\n" % (i, i)
                + body + b"\r\n--n%d--\r\n" % i)
    return HEAD + body


def nested_rfc822(depth: int) -> bytes:
    body = b"Content-Type: text/plain\r\n\r\n" + HANDOFF_TEXT
    for i in range(depth):
        body = b"Content-Type: message/rfc822\r\n\r\nFrom: f%d@mail.example\r\nSubject: fwd %d\r\n" % (i, i) + body
    return HEAD + body


def test_ten_megabytes_in_5000_parts_is_analysed_in_bounded_time():
    """No quadratic blow-up on many parts (issue 7; Python's email has quadratic cases)."""
    raw = many_parts()
    assert len(raw) >= 10_000_000
    analysis, seconds = analyze(raw)
    print(f"\n{len(raw):,} bytes in 5,000 parts analysed in {seconds:.2f} s")
    assert seconds < TIME_LIMIT
    assert analysis["kind"] == "said_to_contact"  # the hand-off in the first part is still read
    assert any("too many MIME parts" in d or "only the start was read" in d for d in analysis["defects"])


@pytest.mark.parametrize("build, depth", [(nested_multipart, 200), (nested_multipart, 5000),
                                          (nested_rfc822, 200), (nested_rfc822, 5000)],
                         ids=["multipart-200", "multipart-5000", "rfc822-200", "rfc822-5000"])
def test_deeply_nested_mime_returns_an_analysis_in_bounded_time(build, depth):
    raw = build(depth)
    analysis, seconds = analyze(raw)
    print(f"\n{build.__name__} depth {depth}: {seconds:.2f} s, defects {analysis['defects'][:2]}")
    assert seconds < TIME_LIMIT
    assert analysis["kind"] in ("said_to_contact", "none") and isinstance(analysis["defects"], list)
    if depth == 200 and build is nested_multipart:
        assert analysis["kind"] == "said_to_contact"


def test_huge_header_block_is_truncated_not_parsed_whole():
    raw = HEAD + b"".join(b"X-Filler-%d: %s\r\n" % (i, b"v" * 40) for i in range(150_000)) \
        + b"Content-Type: text/plain\r\n\r\n" + HANDOFF_TEXT
    analysis, seconds = analyze(raw)
    print(f"\n{len(raw):,}-byte header block: {seconds:.2f} s")
    assert seconds < TIME_LIMIT
    assert analysis["subject"] == "Lucy Grant pointed me your way"


# --- attachments are never opened ------------------------------------------------------------

def zip_bomb(expanded: int = 200 * 1024 * 1024) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("resume.pdf", "w", force_zip64=True) as f:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(expanded // len(chunk)):
            f.write(chunk)
    return buf.getvalue()


@pytest.fixture
def decompressions(monkeypatch) -> list[str]:
    """Every archive or decompressor call made while the test runs."""
    calls: list[str] = []

    def spy(owner, name):
        real = getattr(owner, name)

        def wrapper(*args, **kwargs):
            calls.append(f"{owner.__name__}.{name}")
            return real(*args, **kwargs)
        monkeypatch.setattr(owner, name, wrapper)

    for owner, name in [(zipfile, "ZipFile"), (tarfile, "open"), (gzip, "open"), (gzip, "GzipFile"),
                        (gzip, "decompress"), (zlib, "decompress"), (zlib, "decompressobj"), (bz2, "decompress"),
                        (bz2, "BZ2Decompressor"), (lzma, "decompress"), (lzma, "LZMADecompressor")]:
        spy(owner, name)
    return calls


def test_zip_bomb_named_resume_is_never_opened(decompressions):
    """A 200 MB-when-expanded zip attached as resume.zip: listed as an attachment, never opened."""
    bomb = zip_bomb()
    decompressions.clear()  # building the bomb is not the analysis
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\n"
           + HANDOFF_TEXT + b"--z\r\nContent-Type: application/zip; name=resume.zip\r\n"
           b"Content-Disposition: attachment; filename=resume.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           + base64.encodebytes(bomb).replace(b"\n", b"\r\n") + b"--z--\r\n")
    analysis, seconds = analyze(raw)
    print(f"\n{len(bomb):,}-byte zip (200 MB expanded) analysed in {seconds:.2f} s")
    assert decompressions == []
    assert seconds < 5
    assert "no_resume" not in {f["code"] for f in analysis["flags"]}  # it was seen, by name only


# --- header injection through names and subjects -----------------------------------------------

EXPECTED_HEADERS = {"From", "To", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
                    "Auto-Submitted", "X-Auto-Response-Suppress", LOOP_HEADER, "MIME-Version", "Content-Type"}
INJECTIONS = [
    "=?UTF-8?Q?=0A?=Bcc: victim@example.net",
    "=?UTF-8?Q?Ahmed=0D=0ABcc:_victim@example.net?=",
    "=?UTF-8?B?" + base64.b64encode(b"Ahmed\r\nBcc: victim@example.net\r\n\r\nbody").decode() + "?=",
    "=?ISO-8859-1?Q?Ahmed=0ABcc=3A_victim=40example.net?=",
    "Ahmed =?UTF-8?Q?=0D?= =?UTF-8?Q?=0A?= Bcc: victim@example.net",
    "=?UTF-8?Q?Ahmed=E2=80=A8Bcc:_victim@example.net?=",  # U+2028 LINE SEPARATOR
    "=?UTF-8?Q?Ahmed=C2=85Bcc:_victim@example.net?=",  # U+0085 NEXT LINE
    "Ahmed\rBcc: victim@example.net",
    "Ahmed\nBcc: victim@example.net",
    "Ahmed\x00Bcc: victim@example.net",
    '"Ahmed\\"\r\nBcc: victim@example.net" x',
]


def hostile_message(name: str, subject: str, message_id: str = "<h1@mail.example>") -> bytes:
    head = (f"From: {name} <ahmed.hassan@mail.example>\r\nTo: Owen Price <owen@price.example>\r\n"
            f"Cc: intro@baton.example\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
    return head.encode("utf-8", "surrogateescape") + HANDOFF_TEXT


def assert_no_header_added(raw: bytes) -> bool:
    """Analysis -> draft -> reply, re-parsed: only Baton's own headers, one recipient, no line breaks.
    Returns whether a reply was rendered at all."""
    typed = analyze_bytes(raw, assistant=ASSISTANT, domains=DOMAINS)
    analysis = typed.to_json()
    draft = build_draft(typed)
    if not isinstance(draft, Handoff):
        return False
    msg = render_reply(draft, analysis=typed, references=references_of(raw), key="k1", assistant=ASSISTANT,
                       assistant_name="Baton", review_url=None, make_token=lambda: "t1")
    wire = msg.as_bytes(policy=policy.SMTP)
    head = wire.split(b"\r\n\r\n", 1)[0]
    assert b"\n" not in head.replace(b"\r\n", b""), "bare line end in the header block"
    again = email.message_from_bytes(wire, policy=policy.default)
    assert set(again.keys()) <= EXPECTED_HEADERS, set(again.keys()) - EXPECTED_HEADERS
    assert len(again.get_all("To")) == 1 and [a.addr_spec for a in again["To"].addresses] == [analysis["reply_to"]]
    # The one recipient is an address the message literally carries (a From that names someone
    # else is the sender policy's business: its domain is what must be authenticated).
    assert analysis["reply_to"].encode() in raw.lower()
    assert again.get_all("Bcc") is None and again.get_all("Cc") is None
    for name, value in again.items():
        assert "\n" not in str(value) and "\r" not in str(value), name
    return True


@pytest.mark.parametrize("payload", INJECTIONS)
def test_header_injection_through_the_subject_adds_no_header(payload):
    """Encoded words that decode to CR/LF (LIBRARIES.md trap; CWE-93) never add a header to the reply."""
    assert assert_no_header_added(hostile_message("Ahmed Hassan", "Lucy Grant pointed me your way " + payload))


@pytest.mark.parametrize("payload", INJECTIONS)
def test_header_injection_through_display_names_adds_no_header(payload):
    """In the From name (the reply's To) and the contact's name: either no reply at all (the
    address could not be read strictly) or a reply with Baton's headers only."""
    raw = hostile_message(payload, "Lucy Grant pointed me your way " + payload)
    assert_no_header_added(raw)
    assert_no_header_added(raw.replace(b"To: Owen Price", b"To: " + payload.encode("utf-8", "surrogateescape")))


_pieces = st.sampled_from(INJECTIONS + ["\r\n", "\n", "\r", "=?UTF-8?Q?", "?=", "=0A", "=0D", ":", "Bcc:",
                                        "To: victim@example.net", "<", ">", '"', ",", "Lucy Grant"])
_hostile_text = st.lists(st.one_of(_pieces, st.text(max_size=12)), max_size=8).map("".join)


def test_fuzzed_names_subjects_and_message_ids_never_add_a_header():
    counts = {"messages": 0, "replies": 0}

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(name=_hostile_text, subject=_hostile_text, message_id=_hostile_text)
    def run(name, subject, message_id):
        counts["messages"] += 1
        counts["replies"] += assert_no_header_added(
            hostile_message(name, "Lucy Grant pointed me your way " + subject, message_id))

    run()
    print(f"\nheader-injection fuzzer: {counts['messages']} messages, {counts['replies']} replies rendered, "
          "none with an added header")
    assert counts["replies"] > counts["messages"] // 4  # most runs reach the renderer, or this proves little


def test_an_address_glued_together_around_a_nul_is_never_written_to():
    """Found by the fuzzer: a From with NULs once yielded 'victim@example.netahmedbcc', an
    address the message does not carry. The analysis never invents one."""
    raw = hostile_message("=?UTF-8?Q?=0A?=Bcc: victim@example.netAhmed\x00Bcc: victim@example.net", "Lucy Grant "
                          "pointed me your way")
    analysis = analyze_bytes(raw, assistant=ASSISTANT, domains=DOMAINS).to_json()
    for addr in [analysis["reply_to"]] + [p["email"] for p in analysis["participants"]]:
        assert addr is None or addr.encode() in raw.lower()
    assert_no_header_added(raw)
