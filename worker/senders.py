"""May Baton act for this sender? The configured policy applied to the message's authentication."""
from __future__ import annotations

from dataclasses import dataclass

from inbound.auth.dns import DnsPythonResolver, Resolver
from inbound.auth.verify import SenderPolicy, authenticate, sender_allowed
from store.messages import Claimed


@dataclass(frozen=True)
class SenderCheck:
    policy: SenderPolicy
    allowed: tuple[str, ...] = ()
    trusted_authserv_id: str | None = None  # an MTA in front verified the mail
    resolver: Resolver | None = None

    @classmethod
    def from_settings(cls, settings) -> SenderCheck:
        trusted = settings.trusted_authserv_id or None
        needs_dns = settings.sender_policy != "open" and not trusted
        return cls(settings.sender_policy, tuple(a.strip() for a in settings.allowed_senders.split(",") if a.strip()),
                   trusted, DnsPythonResolver() if needs_dns else None)

    def __call__(self, raw: bytes, msg: Claimed, from_address: str | None) -> tuple[bool, str, dict | None]:
        """(may act, why, the authentication result for the record)."""
        if self.policy == "open":
            return True, "sender policy is open (development only)", None
        result = authenticate(raw, peer_ip=msg.peer, helo=msg.helo, mail_from=msg.mail_from, resolver=self.resolver,
                              trusted_authserv_id=self.trusted_authserv_id)
        ok, why = sender_allowed(result, from_address=from_address, policy=self.policy, allowed=list(self.allowed))
        return ok, why, result.as_dict()
