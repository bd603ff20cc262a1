"""What each due job does. A handler runs in one transaction and only queues mail (the outbox
worker sends it later), so no job holds a row lock while talking to SMTP or an LLM."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Connection, func, select

from composer.followup_mail import note
from composer.optin_mail import Party
from intros import flow, states, tokens
from store.schema import outbox

MAX_REMINDERS = 2  # per person per intro


def _reminders_sent(conn: Connection, intro_id: int, recipient: str) -> int:
    return conn.execute(select(func.count()).select_from(outbox).where(
        outbox.c.intro_id == intro_id, outbox.c.recipient == recipient,
        outbox.c.purpose.like("reminder%"))).scalar_one()


def _send(conn: Connection, intro: dict, kind: str, to: Party, *, now: datetime, ctx: flow.Context,
          purpose: str, link: str | None = None, **extra: str) -> bool:
    if not to.email:
        return False
    if purpose.startswith("reminder") and _reminders_sent(conn, intro["id"], to.email) >= MAX_REMINDERS:
        return False
    mail = note(kind, flow.mail_view(intro), to=to, key=intro["key"], token=secrets.token_hex(8), sender=ctx.sender,
                link=link, now=now, **extra)
    return ctx.mailer.queue(conn, scope=f"intro:{intro['id']}", purpose=purpose, recipient=to.email, mail=mail,
                            now=now, intro_id=intro["id"])


def run(conn: Connection, job: dict, *, now: datetime, ctx: flow.Context) -> str:
    """Runs one due job; returns what it did (for the log and the tests)."""
    intro = flow.load(conn, job["intro_id"])
    handler = HANDLERS[job["kind"]]
    return handler(conn, intro, job, now=now, ctx=ctx)


def _review_reminder(conn, intro, job, *, now, ctx) -> str:
    if intro["state"] != "draft":
        return "skipped: already reviewed"
    link = f"{ctx.public_url}/r/{tokens.issue(conn, intro['id'], purpose='review', role='referrer', now=now, ttl=ctx.token_ttl)}"
    sent = _send(conn, intro, "review_reminder", flow.mail_view(intro).referrer, now=now, ctx=ctx,
                 purpose="reminder_review", link=link)
    return "sent" if sent else "skipped: reminder cap"


def _party_reminder(conn, intro, job, *, now, ctx) -> str:
    party = intro["parties"].get(job["step"])
    if intro["state"] != "requested" or not party or party["decision"] != "pending":
        return "skipped: answered"
    link = f"{ctx.public_url}/o/{tokens.issue(conn, intro['id'], purpose='optin', role=job['step'], now=now, ttl=ctx.token_ttl)}"
    sent = _send(conn, intro, "party_reminder", Party(party["name"], party["email"]), now=now, ctx=ctx,
                 purpose=f"reminder_{job['step']}", link=link)
    return "sent" if sent else "skipped: reminder cap"


def _expire(conn, intro, job, *, now, ctx) -> str:
    if intro["state"] != "requested":
        return "skipped: settled"
    states.transition(conn, intro["id"], "expired", actor="baton", now=now)
    flow.cancel_jobs(conn, intro["id"])
    view = flow.mail_view(intro)
    _send(conn, intro, "expired", view.referrer, now=now, ctx=ctx, purpose="expired")
    return "expired"


def _nudge_pin(conn, intro, job, *, now, ctx) -> str:
    if intro["state"] != "connected":
        return "skipped"
    _send(conn, intro, "nudge_pin", flow.mail_view(intro).pin, now=now, ctx=ctx, purpose="nudge_pin")
    return "sent"


def _followup(conn, intro, job, *, now, ctx) -> str:
    if intro["state"] != "connected":
        return "skipped"
    states.transition(conn, intro["id"], "followed_up", actor="baton", now=now)
    view = flow.mail_view(intro)
    for role, person in (("contact", view.contact), ("pin", view.pin)):
        token = tokens.issue(conn, intro["id"], purpose="outcome", role=role, now=now, ttl=ctx.token_ttl)
        _send(conn, intro, "followup", person, now=now, ctx=ctx, purpose="followup", link=f"{ctx.public_url}/f/{token}")
    return "sent"


HANDLERS = {"review_reminder": _review_reminder, "party_reminder": _party_reminder, "expire": _expire,
            "nudge_pin": _nudge_pin, "followup": _followup}
