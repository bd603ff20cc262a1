"""May Baton act for this sender? The configured policy applied to the message's authentication."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from inbound.auth.dns import DEFAULT_BUDGET, DnsPythonResolver, Resolver, nameservers_from
from inbound.auth.verify import SenderPolicy, authenticate, sender_allowed
from store.messages import Claimed

log = logging.getLogger("baton.senders")


@dataclass(frozen=True)
class SenderCheck:
    policy: SenderPolicy
    allowed: tuple[str, ...] = ()
    trusted_authserv_id: str | None = None  # an MTA in front verified the mail
    resolver: Resolver | None = None
    dns_budget: float = DEFAULT_BUDGET  # seconds of DNS per message (issue 18, finding 8)

    @classmethod
    def from_settings(cls, settings) -> SenderCheck:
        trusted = settings.trusted_authserv_id or None
        needs_dns = settings.sender_policy != "open" and not trusted
        resolver = DnsPythonResolver(nameservers=nameservers_from(settings.dns_nameservers)) if needs_dns else None
        return cls(settings.sender_policy, tuple(a.strip() for a in settings.allowed_senders.split(",") if a.strip()),
                   trusted, resolver, settings.dns_budget_seconds)

    def __call__(self, raw: bytes, msg: Claimed, from_address: str | None) -> tuple[bool, str, dict | None]:
        """(may act, why, the authentication result for the record)."""
        if self.policy == "open":
            return True, "sender policy is open (development only)", None
        resolver = self.resolver.budget(self.dns_budget) if isinstance(self.resolver, DnsPythonResolver) \
            else self.resolver
        result = authenticate(raw, peer_ip=msg.peer, helo=msg.helo, mail_from=msg.mail_from, resolver=resolver,
                              trusted_authserv_id=self.trusted_authserv_id)
        if getattr(resolver, "failures", 0):
            # The sender's DNS did not answer (or took the whole budget): judged temperror, never a
            # pass (RFC 7208 2.6.6, RFC 6376 6.1.2); the message is kept and listed with the reason.
            log.warning("message id=%s: %d DNS lookup(s) failed in %.1f s of a %g s budget; spf=%s dkim=%s",
                        msg.id, resolver.failures, resolver.spent, self.dns_budget, result.spf,  # type: ignore[union-attr]
                        ",".join(d.result for d in result.dkim) or "none")
        ok, why = sender_allowed(result, from_address=from_address, policy=self.policy, allowed=list(self.allowed))
        return ok, why, result.as_dict()
