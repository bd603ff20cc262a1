"""Sender authentication: DKIM, SPF and DMARC alignment against a local DNS, and trusted
Authentication-Results. Each test names the RFC it guards. No network: DNS is a dict, or a
DNS server on loopback for the dnspython adapter itself."""
from __future__ import annotations

import base64
import subprocess

import dkim
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inbound.auth.dns import DnsPythonResolver, DNSTempError
from inbound.auth.verify import (
    AuthResult,
    DkimResult,
    authenticate,
    organizational_domain,
    relaxed_aligned,
    sender_allowed,
    strip_untrusted,
)
from tests.dns_helpers import LoopbackDNS

TIMEOUT = DNSTempError  # a value in FakeDNS that stands for "the lookup timed out / SERVFAIL"


class FakeDNS:
    """The Resolver interface over a dict {(name, type): answer}; unknown names do not exist."""

    def __init__(self, records: dict | None = None) -> None:
        self.records = dict(records or {})
        self.asked: list[tuple[str, str]] = []

    def _get(self, name: str, rtype: str) -> list:
        key = (name.lower().rstrip("."), rtype)
        self.asked.append(key)
        value = self.records.get(key, [])
        if value is TIMEOUT:
            raise DNSTempError(f"{rtype} {name}: Timeout")
        return list(value)

    def txt(self, name): return self._get(name, "TXT")
    def a(self, name): return self._get(name, "A")
    def aaaa(self, name): return self._get(name, "AAAA")
    def mx(self, name): return self._get(name, "MX")
    def ptr(self, name): return self._get(name, "PTR")


def _keypair() -> tuple[bytes, bytes]:
    private = subprocess.run(["openssl", "genrsa", "2048"], check=True, capture_output=True).stdout
    der = subprocess.run(["openssl", "rsa", "-pubout", "-outform", "DER"], input=private, check=True,
                         capture_output=True).stdout
    return private, b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)


@pytest.fixture(scope="module")
def key() -> tuple[bytes, bytes]:
    return _keypair()


@pytest.fixture(scope="module")
def other_key() -> tuple[bytes, bytes]:
    return _keypair()


def message(from_addr: str = "dana@example.com", extra_headers: str = "", body: str = "Hi Mike,\r\n") -> bytes:
    return (f"{extra_headers}From: Dana Whitfield <{from_addr}>\r\nTo: intro@baton.example\r\n"
            f"Subject: Meet John\r\nMessage-ID: <a1@example.com>\r\n"
            f"Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\n{body}").encode()


def sign(raw: bytes, private: bytes, domain: str, selector: str = "s1", **kw) -> bytes:
    return dkim.sign(raw, selector.encode(), domain.encode(), private, **kw) + raw


def in_process(raw: bytes, resolver, *, peer_ip: str | None = None, mail_from: str = "dana@example.com",
               helo: str = "mx1.example.com") -> AuthResult:
    return authenticate(raw, peer_ip=peer_ip, helo=helo, mail_from=mail_from, resolver=resolver,
                        trusted_authserv_id=None)


# --- DKIM (RFC 6376) --------------------------------------------------------------------------

def test_rfc6376_dkim_pass_aligned_with_from_domain(key):
    private, record = key
    dns_ = FakeDNS({("s1._domainkey.example.com", "TXT"): [record]})
    result = in_process(sign(message(), private, "example.com"), dns_)
    assert result.dkim == (DkimResult("example.com", "pass", "s1"),)
    assert result.aligned and result.aligned_by == "dkim" and result.method == "in_process"
    assert result.from_domain == "example.com"


@pytest.mark.parametrize("tamper", [(b"Hi Mike", b"Hi Eve!"), (b"Subject: Meet John", b"Subject: Wire money")],
                         ids=["body", "signed-header"])
def test_rfc6376_tampered_message_fails_and_is_not_aligned(key, tamper):
    private, record = key
    dns_ = FakeDNS({("s1._domainkey.example.com", "TXT"): [record]})
    signed = sign(message(), private, "example.com")
    result = in_process(signed.replace(*tamper), dns_)
    assert result.dkim == (DkimResult("example.com", "fail", "s1"),)
    assert not result.aligned


def test_rfc6376_every_signature_is_verified_and_the_second_is_the_aligned_pass(key, other_key):
    """RFC 6376 6.1 / RFC 7489 4.2: a message may carry several signatures; any aligned pass
    counts. The topmost here is an ESP's (unaligned), a broken one sits in between."""
    private, record = key
    signed = sign(message(), private, "mail.sub.example.com")
    signed = sign(signed, other_key[0], "example.org", "broken")  # DNS has `key`'s record: fails
    signed = sign(signed, private, "esp.example.net", "esp")
    dns_ = FakeDNS({("s1._domainkey.mail.sub.example.com", "TXT"): [record],
                    ("broken._domainkey.example.org", "TXT"): [record],
                    ("esp._domainkey.esp.example.net", "TXT"): [record]})
    result = in_process(signed, dns_)
    assert [(d.domain, d.result) for d in result.dkim] == [
        ("esp.example.net", "pass"), ("example.org", "fail"), ("mail.sub.example.com", "pass")]
    assert result.aligned and result.aligned_by == "dkim"


def test_rfc6376_junk_signatures_cannot_push_out_the_aligned_one(key):
    """Verification is capped (each signature costs a DNS lookup); signatures whose d= aligns with
    From are verified first, so a relay adding eight junk signatures on top changes nothing."""
    private, record = key
    signed = sign(message(), private, "example.com")
    records = {("s1._domainkey.example.com", "TXT"): [record]}
    for i in range(8):
        signed = sign(signed, private, f"junk{i}.example.net")
        records[(f"s1._domainkey.junk{i}.example.net", "TXT")] = [record]
    result = in_process(signed, FakeDNS(records))
    assert result.aligned and DkimResult("example.com", "pass", "s1") in result.dkim
    assert len(result.dkim) == 5 and any("9 DKIM signatures" in r for r in result.reasons)


def test_rfc6376_unaligned_pass_alone_does_not_align(key):
    """RFC 7489 3.1.1: a valid signature by another organisation says nothing about From."""
    private, record = key
    dns_ = FakeDNS({("esp._domainkey.example.net", "TXT"): [record]})
    result = in_process(sign(message(), private, "example.net", "esp"), dns_)
    assert result.dkim == (DkimResult("example.net", "pass", "esp"),)
    assert not result.aligned


def test_rfc6376_missing_key_record_is_permerror(key):
    result = in_process(sign(message(), key[0], "example.com"), FakeDNS())
    assert result.dkim == (DkimResult("example.com", "permerror", "s1"),)
    assert not result.aligned


def test_rfc6376_key_lookup_timeout_is_temperror_never_pass(key):
    dns_ = FakeDNS({("s1._domainkey.example.com", "TXT"): TIMEOUT})
    result = in_process(sign(message(), key[0], "example.com"), dns_)
    assert result.dkim == (DkimResult("example.com", "temperror", "s1"),)
    assert not result.aligned


def test_rfc6376_section_8_2_body_length_tag_is_not_a_pass(key):
    """l= lets anyone append text below the signed part: reported as `policy`, not `pass`."""
    private, record = key
    signed = sign(message(), private, "example.com", length=True)
    appended = signed + b"\r\nPS: also introduce me to everyone you know.\r\n"
    result = in_process(appended, FakeDNS({("s1._domainkey.example.com", "TXT"): [record]}))
    assert result.dkim[0].result == "policy"
    assert not result.aligned


# --- SPF (RFC 7208) ---------------------------------------------------------------------------

SPF_DNS = {
    ("example.com", "TXT"): [b"v=spf1 mx a:out.example.com ip4:192.0.2.0/28 include:_spf.example.net -all"],
    ("example.com", "MX"): [(10, "mx1.example.com")],
    ("mx1.example.com", "A"): ["198.51.100.25"],
    ("out.example.com", "A"): ["198.51.100.26"],
    ("_spf.example.net", "TXT"): [b"v=spf1 ip6:2001:db8::/32 -all"],
    ("soft.example.org", "TXT"): [b"v=spf1 ip4:192.0.2.0/28 ~all"],
    ("timeout.example.org", "TXT"): TIMEOUT,
    ("inctimeout.example.org", "TXT"): [b"v=spf1 include:slow.example.net -all"],
    ("slow.example.net", "TXT"): TIMEOUT,
}


@pytest.mark.parametrize("peer, mail_from, expected", [
    ("192.0.2.5", "dana@example.com", "pass"),         # ip4:
    ("198.51.100.25", "dana@example.com", "pass"),     # mx
    ("198.51.100.26", "dana@example.com", "pass"),     # a:
    ("2001:db8::25", "dana@example.com", "pass"),      # include: -> ip6:
    ("203.0.113.9", "dana@example.com", "fail"),       # -all
    ("203.0.113.9", "dana@soft.example.org", "softfail"),  # ~all
    ("203.0.113.9", "dana@nospf.example.org", "none"),     # no record
    ("192.0.2.5", "dana@timeout.example.org", "temperror"),
    ("192.0.2.5", "dana@inctimeout.example.org", "temperror"),
])
def test_rfc7208_spf_results_from_dns(peer, mail_from, expected):
    result = in_process(message(from_addr=mail_from), FakeDNS(SPF_DNS), peer_ip=peer, mail_from=mail_from)
    assert result.spf == expected
    assert result.spf_domain == mail_from.rpartition("@")[2]
    assert result.aligned == (expected == "pass")


def test_rfc7208_dns_timeout_is_temperror_and_never_a_pass():
    """RFC 7208 2.6.6 and 5: a lookup that failed is a temperror; the record behind it might
    have said +all, but no answer is not permission."""
    records = {**SPF_DNS, ("example.com", "TXT"): TIMEOUT}
    result = in_process(message(), FakeDNS(records), peer_ip="192.0.2.5")
    assert result.spf == "temperror" and not result.aligned
    assert any("temperror" in r for r in result.reasons)


def test_rfc7208_null_sender_is_checked_as_helo():
    """RFC 7208 2.4: with MAIL FROM <> the HELO identity is checked."""
    dns_ = FakeDNS({("mx1.example.com", "TXT"): [b"v=spf1 ip4:192.0.2.5 -all"]})
    result = in_process(message(), dns_, peer_ip="192.0.2.5", mail_from="", helo="mx1.example.com")
    assert (result.spf, result.spf_domain) == ("pass", "mx1.example.com")


def test_rfc7208_void_lookup_limit_is_permerror():
    """RFC 7208 4.6.4: more than two lookups that find nothing end in permerror."""
    dns_ = FakeDNS({("example.com", "TXT"): [b"v=spf1 a:n1.example.com a:n2.example.com a:n3.example.com -all"]})
    assert in_process(message(), dns_, peer_ip="192.0.2.5").spf == "permerror"


# --- DMARC alignment (RFC 7489) ---------------------------------------------------------------

@pytest.mark.parametrize("a, b, aligned", [
    ("mail.sub.example.com", "example.com", True),
    ("example.com", "MAIL.Example.COM.", True),
    ("example.com", "example.net", False),
    ("example.com", "example.com.example.net", False),
    ("a.example", "b.example", False),  # unlisted TLD: each name below it is its own organisation
])
def test_rfc7489_relaxed_alignment_by_organisational_domain(a, b, aligned):
    assert relaxed_aligned(a, b) is aligned


def test_rfc7489_public_suffix_list_is_bundled_and_read_offline():
    assert organizational_domain("mail.sub.example.com") == "example.com"
    assert organizational_domain("com") == "com"


def test_rfc7489_spf_aligns_by_mail_from_organisational_domain():
    dns_ = FakeDNS({("bounces.mail.example.com", "TXT"): [b"v=spf1 ip4:192.0.2.5 -all"],
                    ("example.net", "TXT"): [b"v=spf1 ip4:192.0.2.5 -all"]})
    ok = in_process(message(), dns_, peer_ip="192.0.2.5", mail_from="b-1@bounces.mail.example.com")
    assert (ok.spf, ok.aligned, ok.aligned_by) == ("pass", True, "spf")
    other = in_process(message(), dns_, peer_ip="192.0.2.5", mail_from="b-1@example.net")
    assert (other.spf, other.aligned) == ("pass", False)


@pytest.mark.parametrize("headers", [
    "From: eve@example.net\r\n",                             # two From fields
    "",                                                      # (control: one From)
], ids=["two-from-fields", "one-from-field"])
def test_rfc7489_6_6_1_several_from_fields_align_with_nothing(key, headers):
    private, record = key
    raw = sign(message(extra_headers=headers), private, "example.com")
    result = in_process(raw, FakeDNS({("s1._domainkey.example.com", "TXT"): [record]}))
    assert result.aligned is (headers == "")


def test_rfc7489_from_with_two_addresses_aligns_with_nothing():
    raw = message().replace(b"From: Dana Whitfield <dana@example.com>",
                            b"From: dana@example.com, eve@example.net")
    result = in_process(raw, FakeDNS())
    assert result.from_domain is None and not result.aligned


# --- Authentication-Results from a trusted MTA (RFC 8601) -------------------------------------

OURS = "mx.baton.example"


def upstream(raw: bytes) -> AuthResult:
    return authenticate(raw, peer_ip="192.0.2.5", helo="mx1.example.com", mail_from="dana@example.com",
                        resolver=None, trusted_authserv_id=OURS)


def relayed(our_results: str | None, sender_headers: str) -> bytes:
    """As our MTA hands it over: its A-R on top, its Received, the sender's Received, then what
    the sender wrote (which may include forged A-R fields)."""
    top = f"Authentication-Results: {OURS};\r\n\t{our_results}\r\n" if our_results else ""
    trace = (f"{top}Received: from mx1.example.com (mx1.example.com [192.0.2.5])\r\n\tby {OURS}; "
             "Thu, 26 Nov 2026 10:00:02 +0000\r\n"
             "Received: from laptop by mx1.example.com; Thu, 26 Nov 2026 10:00:01 +0000\r\n")
    return trace.encode() + message(extra_headers=sender_headers)


FORGED = (f"Authentication-Results: {OURS}; spf=pass smtp.mailfrom=dana@example.com;\r\n"
          " dkim=pass header.d=example.com; dmarc=pass header.from=example.com\r\n"
          "Authentication-Results: mx.example.net; dkim=pass header.d=example.com\r\n")


def test_rfc8601_forged_results_from_the_sender_are_ignored():
    """RFC 8601 5 and 7.2: fields written by the sender, even with our authserv-id, count for nothing."""
    raw = relayed("spf=fail smtp.mailfrom=dana@example.com; dkim=none; dmarc=fail header.from=example.com",
                  FORGED)
    result = upstream(raw)
    assert result.method == "upstream"
    assert (result.spf, result.dkim, result.dmarc, result.aligned) == ("fail", (), "fail", False)
    assert any("ignored 2" in r for r in result.reasons)


def test_rfc8601_forged_results_without_ours_still_count_for_nothing():
    result = upstream(relayed(None, FORGED))
    assert not result.aligned and result.spf == "none" and result.dkim == ()
    assert any(f"no Authentication-Results from {OURS}" in r for r in result.reasons)


def test_rfc8601_trusted_results_are_honoured():
    raw = relayed("spf=pass smtp.mailfrom=dana@bounce.example.com;\r\n\tdkim=pass header.d=example.com "
                  "header.s=s1 header.b=AbCd; dkim=fail header.i=@example.net", "")
    result = upstream(raw)
    assert result.aligned and result.aligned_by == "dkim"
    assert result.spf == "pass" and result.spf_domain == "bounce.example.com"
    assert result.dkim == (DkimResult("example.com", "pass", "s1"), DkimResult("example.net", "fail", None))


def test_rfc8601_trusted_dmarc_verdict_is_honoured_over_own_alignment():
    """RFC 7489 3.1: the domain may ask for strict alignment; our MTA applied it, so its
    dmarc=fail stands even though relaxed alignment of the DKIM pass would hold."""
    raw = relayed("dkim=pass header.d=mail.example.com; dmarc=fail (p=reject adkim=s) header.from=example.com", "")
    result = upstream(raw)
    assert result.dmarc == "fail" and not result.aligned


def test_rfc8601_authserv_id_is_matched_exactly_not_as_a_suffix():
    raw = relayed(None, "").replace(b"Received:", b"Authentication-Results: evil-" + OURS.encode()
                                    + b"; dmarc=pass header.from=example.com\r\nReceived:", 1)
    assert not upstream(raw).aligned


def test_rfc8601_strip_untrusted_keeps_only_our_mtas_fields():
    raw = relayed("dmarc=pass header.from=example.com", FORGED)
    stripped = strip_untrusted(raw, OURS)
    assert stripped.count(b"Authentication-Results:") == 1
    assert stripped.startswith(f"Authentication-Results: {OURS};\r\n\tdmarc=pass".encode())
    assert b"mx.example.net" not in stripped and stripped.endswith(b"\r\n\r\nHi Mike,\r\n")
    assert upstream(stripped).aligned and upstream(stripped).reasons == ()


# --- the sender policy (issue 7) ---------------------------------------------------------------

ALIGNED = AuthResult("in_process", "example.com", "pass", "example.com", (), None, True, "spf")
UNALIGNED = AuthResult("in_process", "example.com", "fail", "example.com", (), None, False, None,
                       ("no SPF or DKIM pass aligned with example.com (RFC 7489 3.1)",))


@pytest.mark.parametrize("result, policy, allowed, address, ok", [
    (ALIGNED, "aligned", [], "dana@example.com", True),
    (UNALIGNED, "aligned", [], "dana@example.com", False),
    (ALIGNED, "aligned", [], "dana@example.net", False),          # not the authenticated From
    (ALIGNED, "allowlist", ["dana@example.com"], "Dana@Example.com", True),
    (ALIGNED, "allowlist", ["@example.com"], "mike@example.com", True),
    (ALIGNED, "allowlist", ["example.com"], "mike@example.com", True),
    (ALIGNED, "allowlist", ["mike@example.com", "example.org"], "dana@example.com", False),
    (ALIGNED, "allowlist", ["sub.example.com"], "dana@example.com", False),
    (UNALIGNED, "allowlist", ["example.com"], "dana@example.com", False),  # the list needs authentication
    (UNALIGNED, "open", [], "dana@example.com", True),
])
def test_rfc7489_sender_policy(result, policy, allowed, address, ok):
    allowed_, why = sender_allowed(result, from_address=address, policy=policy, allowed=allowed)
    assert allowed_ is ok and why


def test_unknown_sender_policy_is_refused():
    with pytest.raises(ValueError):
        sender_allowed(ALIGNED, from_address="dana@example.com", policy="lenient", allowed=[])


# --- the dnspython adapter, against a DNS server on loopback (RFC 8601 2.7: temperror) ----------

@pytest.fixture
def loopback_dns():
    server = LoopbackDNS({
        "example.com": ['"v=spf1 ip4:192.0.2.0/24" " -all"', '"unrelated=1"'],
        "broken.example.com": "servfail",
        "slow.example.com": "drop",
    })
    yield DnsPythonResolver(timeout=0.5, nameservers=["127.0.0.1"], port=server.port)
    server.close()


def test_rfc7208_dnspython_resolver_joins_strings_and_maps_nxdomain_to_empty(loopback_dns):
    assert sorted(loopback_dns.txt("example.com")) == [b"unrelated=1", b"v=spf1 ip4:192.0.2.0/24 -all"]
    assert loopback_dns.txt("missing.example.com") == []
    assert loopback_dns.txt("bad..name.example.com") == []


@pytest.mark.parametrize("name", ["broken.example.com", "slow.example.com"], ids=["servfail", "timeout"])
def test_rfc8601_dnspython_servfail_and_timeout_raise_temperror(loopback_dns, name):
    with pytest.raises(DNSTempError):
        loopback_dns.txt(name)


def test_rfc7208_servfail_through_the_real_resolver_is_spf_temperror(loopback_dns):
    result = in_process(message(from_addr="dana@broken.example.com"), loopback_dns, peer_ip="192.0.2.5",
                        mail_from="dana@broken.example.com")
    assert result.spf == "temperror" and not result.aligned


# --- garbage never authenticates --------------------------------------------------------------

_header_soup = st.lists(st.sampled_from([
    b"From: dana@example.com", b"From: <>", b"From: a@example.com, b@example.net", b"From: =?UTF-8?Q?=0A?=@example.com",
    b"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s1; h=from; bh=AAAA; b=AAAA",
    b"DKIM-Signature: d=example.com; s=s1; l=0; b=;", b"DKIM-Signature: \xff\x00;;==",
    f"Authentication-Results: {OURS}; dmarc=pass header.from=example.com".encode(),
    f"Authentication-Results: {OURS}; dkim=pass header.d=example.com (unclosed".encode(),
    f"Authentication-Results: {OURS}".encode(), b"Authentication-Results: ; ; ;",
    b"Received: from x", b" folded continuation", b"\tmore", b"no colon here", b"",
]), max_size=10).map(lambda lines: b"\r\n".join(lines) + b"\r\n\r\nbody\r\n")


@settings(max_examples=150, deadline=None)
@given(raw=st.one_of(st.binary(max_size=600), _header_soup), trusted=st.sampled_from([None, OURS]))
def test_rfc8601_garbage_never_raises_and_never_passes_dkim(raw, trusted):
    """Whatever the headers say, nothing raises; without a key in DNS, no signature passes, and
    in-process alignment needs a pass (RFC 7489 3.1)."""
    result = authenticate(raw, peer_ip="192.0.2.5", helo="x", mail_from="", resolver=FakeDNS(),
                          trusted_authserv_id=trusted)
    assert isinstance(result, AuthResult)
    if trusted is None:
        assert not result.aligned and all(d.result != "pass" for d in result.dkim)


# --- DMARC: alignment decides, not the record's presence (issue 14) ----------------------------

def test_rfc7489_aligned_dkim_pass_with_no_dmarc_record_is_accepted():
    """OpenDMARC writes dmarc=none when the From domain publishes no record; the DKIM pass for
    the From domain still aligns, and alignment is what Baton's policy asks for."""
    raw = relayed("dkim=pass header.d=example.com header.s=s1; spf=none smtp.mailfrom=example.com;\r\n"
                  "\tdmarc=none (p=none dis=none) header.from=example.com", "")
    result = upstream(raw)
    assert result.dmarc == "none" and result.aligned and result.aligned_by == "dkim"
    ok, why = sender_allowed(result, from_address="dana@example.com", policy="aligned", allowed=[])
    assert ok and "aligned dkim pass" in why


def test_rfc7489_aligned_spf_pass_with_a_dmarc_temperror_is_accepted():
    raw = relayed("spf=pass smtp.mailfrom=dana@example.com; dmarc=temperror header.from=example.com", "")
    result = upstream(raw)
    assert result.aligned and result.aligned_by == "spf"


@pytest.mark.parametrize("results, named", [
    ("dkim=pass header.d=other.example; spf=softfail smtp.mailfrom=dana@bounce.example.net;"
     " dmarc=none header.from=example.com",
     ["spf=softfail (bounce.example.net)", "dkim=pass (d=other.example, not aligned)"]),
    ("dkim=fail header.d=example.com; spf=none; dmarc=none header.from=example.com",
     ["spf=none", "dkim=fail (d=example.com)"]),
    ("dkim=pass header.d=mail.example.com; dmarc=fail (p=reject adkim=s) header.from=example.com",
     [f"DMARC fail for example.com according to {OURS}"]),
])
def test_the_reason_for_refusing_names_the_actual_failure(results, named):
    result = upstream(relayed(results, ""))
    ok, why = sender_allowed(result, from_address="dana@example.com", policy="aligned", allowed=[])
    assert not ok and why != "sender not authenticated"
    for words in named:
        assert words in why, why
