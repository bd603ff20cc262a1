"""The DNS lookups that sender authentication needs, behind one small interface.

`inbound.auth.verify` asks a `Resolver`; production uses `DnsPythonResolver`, tests a dict. An answer
is a list (empty when the name or the record type does not exist). Anything that is not an
answer (timeout, SERVFAIL, no reachable server) raises `DNSTempError`, which callers map to
`temperror`: a lookup that did not happen must never count as a pass (RFC 7208 2.6.6,
RFC 6376 6.1.2, RFC 8601 2.7).
"""
from __future__ import annotations

from typing import Protocol

import dns.exception
import dns.name
import dns.resolver

DEFAULT_TIMEOUT = 3.0  # seconds per lookup, retries included; inbound.auth.verify caps a whole SPF check


class DNSTempError(Exception):
    """The lookup did not produce an answer (timeout, SERVFAIL, no server). Never a pass."""


class Resolver(Protocol):
    def txt(self, name: str) -> list[bytes]:
        """One bytes value per TXT record, its strings joined (RFC 7208 3.3, RFC 6376 3.6.2.2)."""

    def a(self, name: str) -> list[str]: ...

    def aaaa(self, name: str) -> list[str]: ...

    def mx(self, name: str) -> list[tuple[int, str]]:
        """(preference, exchange) pairs; the exchange without its trailing dot."""

    def ptr(self, name: str) -> list[str]:
        """Names for a reverse name (`4.3.2.1.in-addr.arpa`): SPF's discouraged `ptr` and %{p}."""


class DnsPythonResolver:
    """dnspython with short timeouts and absolute names (no search list)."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, nameservers: list[str] | None = None,
                 port: int = 53) -> None:
        self._r = dns.resolver.Resolver(configure=nameservers is None)
        if nameservers is not None:
            self._r.nameservers = nameservers
        self._r.port = port
        self._r.timeout = timeout
        self._r.lifetime = timeout  # the whole lookup, retries included

    def _query(self, name: str, rdtype: str) -> list:
        try:
            qname = dns.name.from_text(name.rstrip(".") + ".")
        except dns.exception.DNSException:
            return []  # not a valid DNS name (empty or overlong label): nothing can exist there
        try:
            answer = self._r.resolve(qname, rdtype, search=False, raise_on_no_answer=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return []
        except dns.exception.DNSException as e:  # Timeout, NoNameservers (SERVFAIL, REFUSED), ...
            raise DNSTempError(f"{rdtype} {name}: {type(e).__name__}") from None
        return list(answer.rrset or [])

    def txt(self, name: str) -> list[bytes]:
        return [b"".join(r.strings) for r in self._query(name, "TXT")]

    def a(self, name: str) -> list[str]:
        return [r.address for r in self._query(name, "A")]

    def aaaa(self, name: str) -> list[str]:
        return [r.address for r in self._query(name, "AAAA")]

    def mx(self, name: str) -> list[tuple[int, str]]:
        return [(r.preference, r.exchange.to_text(omit_final_dot=True)) for r in self._query(name, "MX")]

    def ptr(self, name: str) -> list[str]:
        return [r.target.to_text(omit_final_dot=True) for r in self._query(name, "PTR")]
