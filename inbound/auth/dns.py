"""The DNS lookups that sender authentication needs, behind one small interface.

`inbound.auth.verify` asks a `Resolver`; production uses `DnsPythonResolver` (one per process,
shared by every worker thread), each message through its own `Budget`; tests use a dict. An
answer is a list (empty when the name or the record type does not exist). Anything that is not
an answer (timeout, SERVFAIL, no reachable server, the message's budget spent) raises
`DNSTempError`, which callers map to `temperror`: a lookup that did not happen must never count
as a pass (RFC 7208 2.6.6, RFC 6376 6.1.2, RFC 8601 2.7).

Why a budget and a cache (issue 18, finding 8): a sender controls how many lookups its message
causes and whether its name servers answer. Without them, one message whose DNS never answered
held a worker for 18.6 s, and ten held the queue for three minutes.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Protocol

import dns.exception
import dns.name
import dns.nameserver
import dns.resolver

DEFAULT_TIMEOUT = 3.0  # seconds per lookup, retries included
DEFAULT_BUDGET = 10.0  # seconds of DNS per message, all lookups together (BATON_DNS_BUDGET_SECONDS)
CACHE_ENTRIES = 20_000
MAX_CACHE_TTL = 3600.0  # a record's own TTL is honoured up to this; a sender may publish 68 years
# RFC 9520 3.2: a resolution failure (timeout, SERVFAIL) is remembered for a while, so that a
# dead name server costs one timeout, not one per message; at most 5 minutes.
FAILURE_TTL = 30.0


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


class _Records:
    """The Resolver methods, over one `_records(name, rdtype)`."""

    def _records(self, name: str, rdtype: str) -> list:
        raise NotImplementedError

    def txt(self, name: str) -> list[bytes]:
        return [b"".join(r.strings) for r in self._records(name, "TXT")]

    def a(self, name: str) -> list[str]:
        return [r.address for r in self._records(name, "A")]

    def aaaa(self, name: str) -> list[str]:
        return [r.address for r in self._records(name, "AAAA")]

    def mx(self, name: str) -> list[tuple[int, str]]:
        return [(r.preference, r.exchange.to_text(omit_final_dot=True)) for r in self._records(name, "MX")]

    def ptr(self, name: str) -> list[str]:
        return [r.target.to_text(omit_final_dot=True) for r in self._records(name, "PTR")]


class _BoundedCache(dns.resolver.LRUCache):
    """dnspython's LRU cache (answers and NXDOMAIN, each for its TTL), with the TTL capped."""

    def put(self, key: Any, value: dns.resolver.Answer) -> None:
        value.expiration = min(value.expiration, time.time() + MAX_CACHE_TTL)
        super().put(key, value)


class DnsPythonResolver(_Records):
    """dnspython with short timeouts, absolute names (no search list), a TTL-bounded cache shared
    by every thread, failures remembered for FAILURE_TTL, and one query in flight per name: four
    workers asking for the same dead name wait on one timeout, not four."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, nameservers: list[str] | None = None,
                 port: int = 53) -> None:
        """`nameservers`: addresses, each optionally `:port` (`[::1]:5353` for IPv6); None reads
        /etc/resolv.conf."""
        self._r = dns.resolver.Resolver(configure=nameservers is None)
        self._r.port = port
        if nameservers is not None:
            self._r.nameservers = [_nameserver(n, port) for n in nameservers]
        self._r.timeout = timeout
        self._r.lifetime = timeout  # the whole lookup, retries included
        self._r.cache = _BoundedCache(CACHE_ENTRIES)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._failed: dict[tuple[str, str], tuple[float, str]] = {}
        self._in_flight: dict[tuple[str, str], Future] = {}

    def budget(self, seconds: float) -> Budget:
        """A view for one message: all its lookups together take at most `seconds`."""
        return Budget(self, seconds)

    def _records(self, name: str, rdtype: str) -> list:
        return self.lookup(name, rdtype, self.timeout)

    def lookup(self, name: str, rdtype: str, lifetime: float) -> list:
        key = (name.rstrip(".").lower(), rdtype)
        with self._lock:
            failed = self._failed.get(key)
            if failed and failed[0] > time.monotonic():
                raise DNSTempError(f"{failed[1]} (remembered)")
            leader = key not in self._in_flight
            fut = self._in_flight.setdefault(key, Future())
        if not leader:
            try:
                return fut.result(timeout=lifetime)
            except FutureTimeout:
                raise DNSTempError(f"{rdtype} {name}: Timeout") from None
        try:
            result = self._query(name, rdtype, lifetime)
        except DNSTempError as e:
            with self._lock:
                if lifetime >= self.timeout:  # a lookup cut short by a message's budget proves nothing
                    self._failed[key] = (time.monotonic() + FAILURE_TTL, str(e))
                if len(self._failed) > CACHE_ENTRIES:  # expired entries go when the map grows
                    now = time.monotonic()
                    self._failed = {k: v for k, v in self._failed.items() if v[0] > now}
                del self._in_flight[key]
            fut.set_exception(e)
            raise
        with self._lock:
            self._failed.pop(key, None)
            del self._in_flight[key]
        fut.set_result(result)
        return result

    def _query(self, name: str, rdtype: str, lifetime: float) -> list:
        try:
            qname = dns.name.from_text(name.rstrip(".") + ".")
        except dns.exception.DNSException:
            return []  # not a valid DNS name (empty or overlong label): nothing can exist there
        try:
            answer = self._r.resolve(qname, rdtype, search=False, raise_on_no_answer=False,
                                     lifetime=min(lifetime, self.timeout))
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return []
        except dns.exception.DNSException as e:  # Timeout, NoNameservers (SERVFAIL, REFUSED), ...
            raise DNSTempError(f"{rdtype} {name}: {type(e).__name__}") from None
        return list(answer.rrset or [])


def _nameserver(spec: str, default_port: int) -> dns.nameserver.Nameserver:
    spec = spec.strip()
    host, port = spec, default_port
    if spec.startswith("["):  # [IPv6]:port
        host, _, rest = spec[1:].partition("]")
        port = int(rest[1:]) if rest.startswith(":") else default_port
    elif spec.count(":") == 1:  # IPv4:port (a bare IPv6 address has several colons)
        host, _, p = spec.partition(":")
        port = int(p)
    return dns.nameserver.Do53Nameserver(host, port)


def nameservers_from(setting: str) -> list[str] | None:
    """BATON_DNS_NAMESERVERS: comma-separated, or empty for the system's resolv.conf."""
    return [n.strip() for n in setting.split(",") if n.strip()] or None


class Budget(_Records):
    """One message's DNS: every lookup draws on the same time budget, and once it is spent each
    further lookup is a temperror at once (RFC 7208 4.6.4: a check that takes too long is a
    temperror). `spent` and `failures` are for the log line."""

    def __init__(self, resolver: DnsPythonResolver, seconds: float) -> None:
        self._resolver = resolver
        self.seconds = seconds
        self._started = time.monotonic()
        self.failures = 0

    @property
    def spent(self) -> float:
        return time.monotonic() - self._started

    def _records(self, name: str, rdtype: str) -> list:
        left = self.seconds - self.spent
        try:
            if left <= 0:
                raise DNSTempError(f"{rdtype} {name}: DNS budget of {self.seconds:g} s spent")
            return self._resolver.lookup(name, rdtype, left)
        except DNSTempError:
            self.failures += 1
            raise
