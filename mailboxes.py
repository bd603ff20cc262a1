"""The mailbox an address delivers to, as one key: what caps, suppressions and "asked once" compare.

`carla+1@Example.COM` and `carla@example.com` reach one person, so a cap or a "no" that counted
them apart could be walked around with sub-addresses (issue 18, finding 6). The key lower-cases
the address, drops a `+tag` (RFC 5233 sub-addressing, which nearly every provider honours) and,
on the domains the operator lists (BATON_DOT_INSENSITIVE_DOMAINS), the dots of the local part,
which Gmail ignores. The key is for comparing only: mail still goes to the address as written.
"""
from __future__ import annotations

from collections.abc import Iterable

DEFAULT_DOT_INSENSITIVE = ("gmail.com", "googlemail.com")

# One mailbox under two domain names (Google's own alias).
_SAME_DOMAIN = {"googlemail.com": "gmail.com"}

_dot_insensitive: frozenset[str] = frozenset(DEFAULT_DOT_INSENSITIVE)


def configure(dot_insensitive: Iterable[str]) -> None:
    """Set once at start from the settings (service.py); the default suits tests and tools."""
    global _dot_insensitive
    _dot_insensitive = frozenset(d.strip().lower().rstrip(".") for d in dot_insensitive if d.strip())


def key(address: str) -> str:
    """`Carla.Diaz+intros@GoogleMail.com` -> `carladiaz@gmail.com`; a string without @ is only lower-cased."""
    local, at, domain = address.strip().rpartition("@")
    if not at:
        return address.strip().lower()
    local, domain = local.lower(), domain.lower().rstrip(".")
    if not local.startswith('"'):  # a quoted local part is compared as written (RFC 5321 4.1.2)
        base = local.split("+", 1)[0]
        local = base or local  # "+tag@" alone is an address of its own, not an empty one
        if domain in _dot_insensitive:
            local = local.replace(".", "") or local
    return f"{local}@{_SAME_DOMAIN.get(domain, domain)}"


def domain(address: str | None) -> str | None:
    """The key's domain: what per-domain caps charge."""
    if not address or "@" not in address:
        return None
    return key(address).rpartition("@")[2] or None
