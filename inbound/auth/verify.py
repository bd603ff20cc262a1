"""Who really sent this message: SPF, DKIM and DMARC alignment, or our MTA's word for it.

`authenticate` decides whether the From domain is vouched for, in one of two ways:
- behind an MTA that verifies (`trusted_authserv_id` set): read only the Authentication-Results
  fields that MTA added (RFC 8601) and ignore every other one, since a sender can write any;
- otherwise in-process: every DKIM signature (dkimpy), SPF for the peer and MAIL FROM (pyspf),
  all DNS through `inbound.auth.dns.Resolver`, then relaxed DMARC alignment with the From domain.

"Aligned" follows RFC 7489 3.1 in relaxed mode: an SPF pass for the MAIL FROM domain, or a DKIM
pass for d=, whose organisational domain equals the From domain's. The domain's published DMARC
policy is not consulted: Baton decides whom it acts for, it does not reject mail. Nothing here
raises; a lookup that failed is a temperror, and no error is ever a pass.
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import asdict, dataclass
from email import policy as email_policy
from functools import lru_cache
from typing import Literal

import authres
import dkim
import dkim.util
import spf
from publicsuffixlist import PublicSuffixList

from inbound.auth.dns import DNSTempError, Resolver

log = logging.getLogger("baton.inbound.auth")

Method = Literal["upstream", "in_process"]
SenderPolicy = Literal["aligned", "allowlist", "open"]

MAX_HEADER_BYTES = 256 * 1024  # header block read here; trace fields and From are near the top
MAX_SIGNATURES = 5  # DKIM signatures verified; each costs a DNS lookup, and senders choose how many
MAX_FROM_VALUE = 16_384  # characters of the From field given to the (quadratic) strict parser
# Whole SPF evaluation; RFC 7208 4.6.4 suggests at least 20 s. The worker's per-message DNS
# budget (inbound.auth.dns.Budget, BATON_DNS_BUDGET_SECONDS) bounds SPF and DKIM together first.
SPF_BUDGET_SECONDS = 20.0
MIN_KEY_BITS = 1024  # RFC 8301 3.2: verifiers MUST NOT consider signatures with smaller RSA keys valid


@dataclass(frozen=True)
class DkimResult:
    domain: str  # d=
    result: str  # RFC 8601 2.7.1: pass, fail, policy, neutral, temperror, permerror
    selector: str | None = None


@dataclass(frozen=True)
class AuthResult:
    method: Method
    from_domain: str | None
    spf: str = "none"  # RFC 8601 2.7.2: pass, fail, softfail, neutral, none, temperror, permerror
    spf_domain: str | None = None  # the identity SPF checked (MAIL FROM, or HELO for a null sender)
    dkim: tuple[DkimResult, ...] = ()  # one per signature, in header order
    dmarc: str | None = None  # upstream's dmarc= word, when it gave one for this From domain
    aligned: bool = False
    aligned_by: str | None = None  # "spf", "dkim" or "dmarc" (upstream)
    reasons: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return asdict(self)


# --- header fields ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Field:
    name: str  # lower case
    value: str  # unfolded
    lines: tuple[int, int]  # [start, end) line indexes in the header block


def _header_block(raw: bytes) -> tuple[list[bytes], int]:
    """Header lines (with their line ends) and the offset where the body begins."""
    m = re.search(rb"\r?\n\r?\n", raw[:MAX_HEADER_BYTES])
    end = m.start() + len(m.group().split(b"\n", 1)[0]) + 1 if m else min(len(raw), MAX_HEADER_BYTES)
    return raw[:end].splitlines(keepends=True), end


def _fields(lines: list[bytes]) -> list[_Field]:
    out: list[_Field] = []
    name, parts, start = None, [], 0
    for i, line in enumerate(lines + [b"X:"]):  # a sentinel closes the last field
        if line[:1] in (b" ", b"\t") and name is not None:  # RFC 5322 2.2.3 folding
            parts.append(line)
            continue
        if name is not None:
            value = b"".join(parts).decode("utf-8", "replace")
            out.append(_Field(name, re.sub(r"\r?\n(?=[ \t])", "", value).strip(), (start, i)))
        head, colon, rest = line.partition(b":")
        name = head.strip().decode("ascii", "replace").lower() if colon else None
        parts, start = [rest], i
    return out


def _from_domain(fields: list[_Field]) -> tuple[str | None, str | None]:
    """The one From domain DMARC is about, or (None, why not). RFC 7489 6.6.1: several From
    fields or addresses make the author ambiguous, so nothing is aligned with them."""
    froms = [f for f in fields if f.name == "from"]
    if len(froms) != 1:
        return None, f"{len(froms)} From fields (RFC 7489 6.6.1)"
    try:
        header = email_policy.default.header_factory("from", froms[0].value[:MAX_FROM_VALUE])
        addresses = header.addresses
    except Exception as e:
        return None, f"unreadable From field ({type(e).__name__})"
    if len(addresses) != 1 or not addresses[0].domain:
        return None, f"From field with {len(addresses)} addresses (RFC 7489 6.6.1)"
    return _domain(addresses[0].domain), None


def _domain(value: str | None) -> str | None:
    """A domain as DNS compares it: lower case, A-labels, no trailing dot."""
    if not value:
        return None
    value = value.strip().rstrip(".").lower()
    try:
        value = value.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        pass
    return value or None


def _address_domain(value: str | None) -> str | None:
    return _domain((value or "").strip().strip("<>").rpartition("@")[2])


# --- alignment -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    return PublicSuffixList()  # the list bundled with the package: no fetch at run time


def organizational_domain(domain: str) -> str:
    """RFC 7489 3.2: the public suffix plus one label; a public suffix is its own."""
    domain = _domain(domain) or ""
    return _psl().privatesuffix(domain) or domain


def relaxed_aligned(a: str | None, b: str | None) -> bool:
    """RFC 7489 3.1.1/3.1.2 relaxed mode: the same organisational domain."""
    return bool(a and b) and organizational_domain(a or "") == organizational_domain(b or "")


def _alignment(from_domain: str | None, spf_result: str, spf_domain: str | None,
               dkim_results: tuple[DkimResult, ...]) -> str | None:
    if not from_domain:
        return None
    if any(d.result == "pass" and relaxed_aligned(d.domain, from_domain) for d in dkim_results):
        return "dkim"
    if spf_result == "pass" and relaxed_aligned(spf_domain, from_domain):
        return "spf"
    return None


def not_aligned(from_domain: str, spf_result: str, spf_domain: str | None,
                dkim_results: tuple[DkimResult, ...]) -> str:
    """Why nothing aligned, naming each result: "spf=softfail (bounce.example.net), dkim=pass
    (d=other.example, not aligned)" says what to fix; "not authenticated" does not."""
    def dkim_word(d: DkimResult) -> str:
        aside = ", not aligned" if d.result == "pass" else ""
        return f"dkim={d.result} (d={d.domain or '?'}{aside})"
    spf_aside = ", not aligned" if spf_result == "pass" else ""
    found = [f"spf={spf_result} ({spf_domain or 'no domain'}{spf_aside})"]
    found += [dkim_word(d) for d in dkim_results] or ["dkim=none"]
    return f"no SPF or DKIM pass aligned with {from_domain} (RFC 7489 3.1): {', '.join(found)}"


# --- upstream: Authentication-Results from our own MTA -----------------------------------------

_AUTHSERV = re.compile(r"^\s*(?:\([^)]*\)\s*)*([^\s;()]+)")


def _authserv_id(value: str) -> str:
    m = _AUTHSERV.match(value)
    return m.group(1).lower() if m else ""


def _trusted_fields(fields: list[_Field], trusted_id: str) -> tuple[list[_Field], int]:
    """The one Authentication-Results field our MTA added (or none), and how many were ignored.

    RFC 8601 5: the MTA deletes fields carrying its own authserv-id before adding its own, and
    every MTA prepends its Received field (RFC 5321 4.4). So only the single topmost field with
    our authserv-id can be ours, and only when it sits above the first Received field: one below
    it was in the message before our MTA saw it (RFC 8601 7.1). A second field with our id right
    under the first, with no Received between, is what a sender plants to look like our MTA's
    (issue 18, finding 7): it is ignored, as are fields from any other authserv-id. A message
    with no Received field at all never passed through an MTA, so nothing in it is trusted.
    """
    trusted_id = trusted_id.lower()
    total = sum(1 for f in fields if f.name == "authentication-results")
    ours = next((i for i, f in enumerate(fields) if f.name == "authentication-results"
                 and _authserv_id(f.value) == trusted_id), None)
    received = next((i for i, f in enumerate(fields) if f.name == "received"), None)
    if ours is None or received is None or ours > received:
        return [], total
    return [fields[ours]], total - 1


def strip_untrusted(raw: bytes, trusted_authserv_id: str) -> bytes:
    """The message without any Authentication-Results field but our MTA's (RFC 8601 5)."""
    lines, body_at = _header_block(raw)
    fields = _fields(lines)
    kept, dropped = _trusted_fields(fields, trusted_authserv_id)
    if not dropped:
        return raw
    keep_ids = {id(f) for f in kept}
    drop = {i for f in fields if f.name == "authentication-results" and id(f) not in keep_ids
            for i in range(*f.lines)}
    return b"".join(line for i, line in enumerate(lines) if i not in drop) + raw[body_at:]


def _prop(result, ptype: str, name: str) -> str | None:
    for p in result.properties or []:
        if p.type == ptype and p.name == name:
            return str(p.value)
    return None


def _upstream(fields: list[_Field], trusted_id: str, from_domain: str | None,
              reasons: list[str]) -> AuthResult:
    kept, ignored = _trusted_fields(fields, trusted_id)
    if ignored:
        reasons.append(f"ignored {ignored} Authentication-Results field(s) not added by {trusted_id}")
    if not kept:
        reasons.append(f"no Authentication-Results from {trusted_id}")
    spf_result, spf_domain, dkims, dmarc = "none", None, [], None
    seen_spf = False
    for f in kept:
        try:
            header = authres.AuthenticationResultsHeader.parse_value(f.value)
        except Exception as e:  # authres.core.SyntaxError and friends: unreadable, so worth nothing
            reasons.append(f"unparseable Authentication-Results from {trusted_id} ({type(e).__name__})")
            continue
        for r in header.results:
            method, result = str(r.method).lower(), str(r.result).lower()
            if method == "spf" and not seen_spf:
                seen_spf = True
                spf_result = result
                spf_domain = _address_domain(_prop(r, "smtp", "mailfrom")) or _domain(_prop(r, "smtp", "helo"))
            elif method == "dkim" and result != "none":  # RFC 8601 2.7.1: header.d, or header.i's domain
                d = _domain(_prop(r, "header", "d")) or _address_domain(_prop(r, "header", "i"))
                dkims.append(DkimResult(d or "", result, _prop(r, "header", "s")))
            elif (method == "dmarc" and dmarc is None and from_domain
                  and _domain(_prop(r, "header", "from")) == from_domain):
                dmarc = result
    dkim_results = tuple(dkims[:MAX_SIGNATURES * 4])
    if dmarc in ("pass", "fail"):  # the MTA applied the domain's own alignment mode (adkim/aspf): honour it
        by = "dmarc" if dmarc == "pass" else None
        if by is None:
            reasons.append(f"DMARC fail for {from_domain} according to {trusted_id}")
    else:
        # dmarc=none means the domain publishes no DMARC record (RFC 7489 6.6.3), and temperror or
        # permerror that it could not be read. The record only says what the domain wants done
        # with mail that fails; whom Baton acts for is decided by alignment, which is checked here.
        by = _alignment(from_domain, spf_result, spf_domain, dkim_results)
        if by is None and from_domain:
            reasons.append(not_aligned(from_domain, spf_result, spf_domain, dkim_results))
    return AuthResult("upstream", from_domain, spf_result, spf_domain, dkim_results, dmarc,
                      by is not None, by, tuple(reasons))


# --- in-process: SPF ------------------------------------------------------------------------

class _SPFQuery(spf.query):
    """pyspf with its DNS replaced by our Resolver (pyspf calls a module-level DNSLookup)."""

    def __init__(self, resolver: Resolver, **kwargs) -> None:
        super().__init__(**kwargs)
        self._resolver = resolver
        self._deadline = time.monotonic() + SPF_BUDGET_SECONDS

    def dns(self, name, qtype, cnames=None, ignore_void=False):
        name = str(name or "").rstrip(".").lower()
        if not name or not all(0 < len(label) < 64 for label in name.split(".")):
            return []  # not a DNS name: nothing exists there
        if (name, qtype) in self.cache:
            return self.cache[(name, qtype)]
        if time.monotonic() > self._deadline:
            raise spf.TempError("DNS: SPF evaluation took too long")
        r = self._resolver
        result: list
        try:
            if qtype == "TXT":
                result = [[t] for t in r.txt(name)]  # pyspf joins each record's strings itself
            elif qtype == "A":
                result = r.a(name)
            elif qtype == "AAAA":
                result = r.aaaa(name)
            elif qtype == "MX":
                result = r.mx(name)
            elif qtype == "PTR":
                result = r.ptr(name)
            else:  # type 99 (SPF) is obsolete, RFC 7208 3.1
                result = []
        except DNSTempError as e:  # RFC 7208 2.6.6 / 5: a DNS error is a temperror, never a match
            raise spf.TempError(f"DNS {e}") from None
        if not result and not ignore_void:
            self.void_lookups += 1  # RFC 7208 4.6.4: more than two void lookups is a permerror
            if self.void_lookups > spf.MAX_VOID_LOOKUPS:
                raise spf.PermError(f"Void lookup limit of {spf.MAX_VOID_LOOKUPS} exceeded")
        self.cache[(name, qtype)] = result
        return result


def check_spf(resolver: Resolver, *, peer_ip: str | None, helo: str | None,
              mail_from: str) -> tuple[str, str | None, str]:
    """(result, the domain checked, explanation). RFC 7208 2.4: a null MAIL FROM is checked
    as postmaster@HELO."""
    domain = _address_domain(mail_from) if mail_from else _domain(helo)
    if not peer_ip:
        return "none", domain, "no peer address"
    if not domain:
        return "none", None, "no MAIL FROM or HELO domain"
    try:
        q = _SPFQuery(resolver, i=peer_ip, s=mail_from or "", h=helo or "")
        result, _code, explanation = q.check()
    except Exception as e:  # pyspf on input it did not expect: not the sender's pass
        return "temperror", domain, f"SPF check failed: {type(e).__name__}"
    # The explanation may quote the domain's exp= text (RFC 7208 6.2): the sender's words, one line.
    return str(result), domain, re.sub(r"[\x00-\x1f\x7f]+", " ", str(explanation))[:200]


# --- in-process: DKIM -----------------------------------------------------------------------

class _KeyLookupFailed(Exception):
    """Not a DKIMException, so that dkimpy lets it through instead of answering False."""


def _dkim_dnsfunc(resolver: Resolver, missing: list[bool]):
    def lookup(name: bytes, timeout: int = 5) -> bytes:
        try:
            records = resolver.txt(name.decode("ascii").rstrip("."))
        except UnicodeDecodeError:
            records = []
        except DNSTempError:  # RFC 6376 6.1.2: a failed query is TEMPFAIL, never a pass
            raise _KeyLookupFailed() from None
        if not records:
            missing.append(True)  # RFC 6376 6.1.2: no key record is PERMFAIL
            return b""
        return records[0]
    return lookup


def _tags(value: bytes) -> dict:
    try:
        return dkim.util.parse_tag_value(re.sub(rb"\r?\n[ \t]", b" ", value))
    except Exception:
        return {}


def check_dkim(raw: bytes, resolver: Resolver,
               from_domain: str | None = None) -> tuple[tuple[DkimResult, ...], list[str]]:
    """Every DKIM-Signature, in header order (RFC 6376 6.1: each is evaluated on its own; one
    that fails says nothing of the others). Past MAX_SIGNATURES, those whose d= aligns with
    `from_domain` are verified first, so that added junk signatures cannot push out the one
    that matters."""
    reasons: list[str] = []
    try:
        d = dkim.DKIM(raw, minkey=MIN_KEY_BITS)
        sigs = [_tags(v) for n, v in d.headers if n.lower() == b"dkim-signature"]
    except Exception as e:
        return (), [f"message not readable for DKIM ({type(e).__name__})"]
    domains = [_domain(t.get(b"d", b"").decode("ascii", "replace")) or "" for t in sigs]
    chosen = sorted(range(len(sigs)), key=lambda i: (not relaxed_aligned(domains[i], from_domain), i))
    chosen = sorted(chosen[:MAX_SIGNATURES])
    if len(sigs) > MAX_SIGNATURES:
        reasons.append(f"{len(sigs)} DKIM signatures; only {MAX_SIGNATURES} were verified")
    out = []
    for idx in chosen:
        tags, domain = sigs[idx], domains[idx]
        missing: list[bool] = []
        try:
            ok = d.verify(idx=idx, dnsfunc=_dkim_dnsfunc(resolver, missing))
            result = "pass" if ok else ("permerror" if missing else "fail")
        except _KeyLookupFailed:
            result = "temperror"
        except Exception as e:
            # A changed body is a signature that did not verify (RFC 6376 6.1.3: fail); anything
            # else dkimpy raises is a malformed signature or key (RFC 6376 6.1.1, 6.1.2: permerror).
            result = "fail" if "body hash mismatch" in str(e) else "permerror"
            reasons.append(f"DKIM signature {idx + 1} ({domain or 'no d='}): {result} ({type(e).__name__})")
        if result == "pass" and b"l" in tags:
            # RFC 6376 8.2: with l= anyone may append to the signed body, so it vouches for nothing.
            result = "policy"
            reasons.append(f"DKIM signature {idx + 1} ({domain}) has l=; not taken as a pass")
        out.append(DkimResult(domain, result, tags.get(b"s", b"").decode("ascii", "replace") or None))
    return tuple(out), reasons


# --- the decision ---------------------------------------------------------------------------

def authenticate(raw: bytes, *, peer_ip: str | None, helo: str | None, mail_from: str,
                 resolver: Resolver | None, trusted_authserv_id: str | None) -> AuthResult:
    """How far the From domain of `raw` is vouched for. Never raises."""
    method: Method = "upstream" if trusted_authserv_id else "in_process"
    try:
        raw = bytes(raw or b"")
        fields = _fields(_header_block(raw)[0])
        from_domain, why = _from_domain(fields)
        reasons = [why] if why else []
        if trusted_authserv_id:
            return _upstream(fields, trusted_authserv_id, from_domain, reasons)
        if resolver is None:
            raise ValueError("in-process verification needs a resolver")
        dkim_results, dkim_reasons = check_dkim(raw, resolver, from_domain)
        reasons += dkim_reasons
        spf_result, spf_domain, explanation = check_spf(resolver, peer_ip=peer_ip, helo=helo,
                                                        mail_from=mail_from or "")
        if spf_result not in ("pass", "none"):
            reasons.append(f"SPF {spf_result}: {explanation}")
        by = _alignment(from_domain, spf_result, spf_domain, dkim_results)
        if by is None and from_domain:
            reasons.append(not_aligned(from_domain, spf_result, spf_domain, dkim_results))
        return AuthResult("in_process", from_domain, spf_result, spf_domain, dkim_results, None,
                          by is not None, by, tuple(reasons))
    except Exception as e:  # a bug here must not lose the message, nor let it through
        log.exception("authentication failed: %s", type(e).__name__)
        return AuthResult(method, None, "temperror", reasons=(f"authentication failed: {type(e).__name__}",))


def _allowlisted(address: str, allowed: list[str]) -> bool:
    address = address.strip().lower()
    domain = _address_domain(address)
    for entry in allowed:
        entry = entry.strip().lower()
        if "@" in entry.lstrip("@"):
            if entry == address:
                return True
        elif entry and _domain(entry.lstrip("@")) == domain:  # `@example.com` or `example.com`
            return True
    return False


def sender_allowed(result: AuthResult, *, from_address: str | None, policy: SenderPolicy,
                   allowed: list[str]) -> tuple[bool, str]:
    """May Baton act for this sender? (decision, why) — the why is fit for the messages list."""
    if policy == "open":
        return True, "sender policy is open (development only)"
    if policy not in ("aligned", "allowlist"):
        raise ValueError(f"unknown sender policy {policy!r}")
    if not result.aligned:
        return False, "; ".join(result.reasons) or "sender not authenticated"
    if _address_domain(from_address) != result.from_domain:
        return False, "the address acted for is not the authenticated From address"
    if policy == "allowlist" and not _allowlisted(from_address or "", allowed):
        return False, "sender is authenticated but not on the allow list"
    return True, f"{result.from_domain} authenticated by aligned {result.aligned_by} pass"
