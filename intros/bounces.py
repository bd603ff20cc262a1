"""Mail that came back: a delivery report to intro+bounce-KEY@ marks its outbox row bounced,
suppresses an address that failed for good, and tells the referrer, once and kindly, when the
contact or the PIN of their intro could not be reached.

Behind a relay, this is how almost every bounce arrives (RFC 3464), long after the relay said
250. The report itself is never answered, and nothing is ever sent to the address that bounced.
Runs inside the caller's transaction, like intros/flow.py, so the row, the suppression, the
timeline line and the note to the referrer are committed together or not at all.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Connection

from composer.followup_mail import note
from composer.optin_mail import Addressee
from inbound.analysis.dsn import RecipientReport, Report
from intros.flow import Context, mail_view
from model import Actor, Intro, MailPurpose, Role
from store import intros as store
from store import outbox


def handle(conn: Connection, key: str, report: Report, *, now: datetime, ctx: Context) -> tuple[str, bool]:
    """What the report about the mail sent as intro+bounce-KEY@ changed; (what happened, mail queued)."""
    row = outbox.by_bounce_key(conn, key)
    if row is None:
        return "no outbox row has this bounce key", False
    about = report.about(row.recipient)
    if about is None:
        return "the report names no failure of this mail's recipient", False
    if not about.failed:
        return f"{about.action} ({about.status or 'no status'}): nothing to do", False
    if not outbox.mark_bounced(conn, row.id, error=_words(about)):
        return f"outbox id={row.id} was {row.status}: already handled", False
    if about.hard:
        outbox.suppress(conn, row.recipient, reason="hard_bounce", now=now)
    result = f"outbox id={row.id} bounced ({about.status or 'no status'}{', suppressed' if about.hard else ''})"
    if row.intro_id is None:
        return result, False
    intro = store.load(conn, row.intro_id)
    role = _role_of(intro, row.recipient)
    store.record(conn, intro.id, actor=Actor.BATON, now=now,
                 why=f"the {row.purpose} mail to the {role.value if role else 'recipient'} came back undelivered "
                     f"({about.status or 'no status'})")
    if role not in (Role.CONTACT, Role.PIN):
        return result, False  # the referrer's own mail bounced: there is nobody to tell
    return result, _tell_referrer(conn, intro, role, about, bounced=row.recipient, now=now, ctx=ctx)


def _role_of(intro: Intro, address: str) -> Role | None:
    address = address.lower()
    for role, party in intro.parties.items():
        if party.email.lower() == address:
            return role
    if (intro.referrer_email or "").lower() == address:
        return Role.REFERRER
    return None


def _tell_referrer(conn: Connection, intro: Intro, role: Role, about: RecipientReport, *, bounced: str,
                   now: datetime, ctx: Context) -> bool:
    referrer = intro.referrer_email
    if not referrer or referrer.lower() == bounced.lower() or outbox.suppressed(conn, referrer):
        return False
    view = mail_view(intro)
    party = view.contact if role is Role.CONTACT else view.pin
    who = party.name or party.email
    message = note(MailPurpose.BOUNCED, view, to=Addressee(view.referrer.name, referrer), key=intro.key,
                   token=secrets.token_hex(8), sender=ctx.sender, now=now, who=who,
                   who_first=who.split()[0], address=party.email, status=about.status or "-")
    # One note per unreachable person per intro, however many of their mails come back.
    return ctx.mailer.queue(conn, scope=f"intro:{intro.id}:{role.value}", purpose=MailPurpose.BOUNCED.value,
                            recipient=referrer, mail=message, now=now, intro_id=intro.id)


def _words(about: RecipientReport) -> str:
    return f"bounced: {about.action} {about.status or '-'} {about.diagnostic}".strip()
