"""What each step of an intro does: start, approve (send the opt-in requests), decide, cancel.

Each function runs inside the caller's transaction and queues its mail there too (a
transactional outbox), so a decision and the mail it causes are committed together or not at all.
"""
from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import Connection, func, select, update

from composer import optin_mail
from composer.draft import IntroDraft
from composer.followup_mail import note
from composer.cleaning import BLANK
from composer.optin_mail import IntroMail, Party, PrepAnswer, Sender
from intros import schedule, states, tokens
from intros.schedule import Delays
from outbound.mailer import Mailer
from store import intros as intro_store
from store import outbox
from store.schema import intro_parties, intros

DECISIONS = ("yes", "not_now", "no")


@dataclass(frozen=True)
class Context:
    sender: Sender
    mailer: Mailer
    public_url: str
    token_ttl: timedelta = timedelta(days=14)
    delays: Delays = Delays()
    contact_requests_per_30_days: int = 3  # across all referrers: contacts are not a mailing list


class LimitReached(Exception):
    """The approval would over-ask a contact; the message says why, for the referrer."""


@dataclass(frozen=True)
class Started:
    intro_id: int
    key: str
    review_url: str | None


@dataclass(frozen=True)
class Approval:
    """The referrer's final word on the review page (already validated by the web layer)."""
    referrer_name: str
    contact: Party
    pin: Party
    blurb_subject: str
    blurb_body: str
    hide_contact_until_yes: bool


def start(conn: Connection, *, message_id: int, draft: IntroDraft, referrer_email: str | None,
          addresses: list[str], now: datetime, ctx: Context, header_addresses: list[str] = ()) -> Started | None:
    """A new intro in `draft`; a review link when the reader is the referrer who can send it."""
    key = secrets.token_hex(10)
    stored = {**dataclasses.asdict(draft), "addresses": addresses, "header_addresses": list(header_addresses)}
    intro_id = intro_store.create(conn, key=key, message_id=message_id, kind=draft.kind,
                                  referrer_email=referrer_email, pin_email=draft.pin.email,
                                  contact_email=draft.contact.email, draft=stored, now=now)
    if intro_id is None:
        return None
    states.record(conn, intro_id, actor="baton", now=now, why=f"hand-off recognised ({draft.kind})",
                  to_state="draft")
    review_url = None
    if any(c.word == "send" for c in draft.commands):
        token = tokens.issue(conn, intro_id, purpose="review", role="referrer", now=now, ttl=ctx.token_ttl)
        review_url = f"{ctx.public_url}/r/{token}"
        schedule.add(conn, intro_id, "review_reminder", due=now + ctx.delays.review_reminder, now=now)
    return Started(intro_id, key, review_url)


def load(conn: Connection, intro_id: int) -> dict:
    row = dict(conn.execute(select(intros).where(intros.c.id == intro_id)).mappings().one())
    row["parties"] = {p["role"]: dict(p) for p in
                      conn.execute(select(intro_parties).where(intro_parties.c.intro_id == intro_id)).mappings()}
    return row


def mail_view(intro: dict) -> IntroMail:
    """The intro as its mail sees it: the approved people and words, or the draft's before approval."""
    d, parties = intro["draft"], intro["parties"]

    def person(role: str) -> Party:
        p = parties.get(role) or d.get(role) or {}
        return Party(p.get("name"), p.get("email") or "")

    approved = d.get("approved") or {}
    pin_answers = (parties.get("pin") or {}).get("answers") or {}
    prep = tuple(PrepAnswer(p["label"], p["question"], pin_answers.get(p["label"], "")) for p in d.get("prep", []))
    return IntroMail(
        referrer=Party(approved.get("referrer_name") or d["referrer"].get("name"), intro["referrer_email"] or ""),
        contact=person("contact"), pin=person("pin"),
        blurb_subject=approved.get("blurb_subject", ""), blurb_body=approved.get("blurb_body", ""),
        prep=prep, hide_contact_until_yes=bool(intro["hide_contact_until_yes"]))


def check_limits(conn: Connection, intro_id: int, a: Approval, *, now: datetime, ctx: Context) -> None:
    """Raises LimitReached when asking this contact now would be one request too many."""
    since = now - timedelta(days=30)
    asked = conn.execute(select(func.count()).select_from(intro_parties).join(intros).where(
        intro_parties.c.role == "contact", func.lower(intro_parties.c.email) == a.contact.email.lower(),
        intros.c.updated_at >= since, intros.c.id != intro_id)).scalar_one()
    if asked >= ctx.contact_requests_per_30_days:
        raise LimitReached(f"{a.contact.name or a.contact.email} has been asked {asked} times in the last 30 days; "
                           "Baton won't ask again yet. Try again in a few weeks.")
    contact_intros = select(intro_parties.c.intro_id).where(
        intro_parties.c.role == "contact", func.lower(intro_parties.c.email) == a.contact.email.lower())
    same_pair = conn.execute(select(func.count()).select_from(intro_parties).join(intros).where(
        intro_parties.c.role == "pin", func.lower(intro_parties.c.email) == a.pin.email.lower(),
        intro_parties.c.intro_id.in_(contact_intros), intros.c.updated_at >= since,
        intros.c.id != intro_id)).scalar_one()
    if same_pair:
        raise LimitReached(f"{a.contact.name or a.contact.email} was already asked about "
                           f"{a.pin.name or a.pin.email} this month, by someone else. Baton won't ask twice; "
                           "you could ask them directly how it went.")


def approve(conn: Connection, intro_id: int, a: Approval, *, now: datetime, ctx: Context) -> None:
    """draft -> requested: the contact gets the request, the PIN the questions. Nothing earlier."""
    check_limits(conn, intro_id, a, now=now, ctx=ctx)
    states.transition(conn, intro_id, "requested", actor="referrer", now=now)
    schedule.cancel(conn, intro_id, "review_reminder")
    for role in ("contact", "pin"):
        schedule.add(conn, intro_id, "party_reminder", step=role, due=now + ctx.delays.party_reminder, now=now)
    schedule.add(conn, intro_id, "expire", due=now + ctx.delays.expire, now=now)
    intro = load(conn, intro_id)
    draft = {**intro["draft"], "approved": {"referrer_name": a.referrer_name, "blurb_subject": a.blurb_subject,
                                            "blurb_body": a.blurb_body}}
    conn.execute(update(intros).where(intros.c.id == intro_id).values(
        draft=draft, contact_email=a.contact.email, pin_email=a.pin.email,
        hide_contact_until_yes=a.hide_contact_until_yes, updated_at=now))
    for role, party in (("contact", a.contact), ("pin", a.pin)):
        conn.execute(intro_parties.insert().values(intro_id=intro_id, role=role, name=party.name, email=party.email,
                                                   reply_key=secrets.token_hex(10), decision="pending"))
    intro = load(conn, intro_id)
    view = mail_view(intro)
    for role, render in (("contact", optin_mail.optin_contact), ("pin", optin_mail.optin_pin)):
        party = intro["parties"][role]
        link = f"{ctx.public_url}/o/{tokens.issue(conn, intro_id, purpose='optin', role=role, now=now, ttl=ctx.token_ttl)}"
        mail = render(view, link=link, key=party["reply_key"], token=secrets.token_hex(8), sender=ctx.sender, now=now)
        ctx.mailer.queue(conn, scope=f"intro:{intro_id}", purpose=f"optin_{role}", recipient=party["email"],
                         mail=mail, now=now, intro_id=intro_id)


def cancel(conn: Connection, intro_id: int, *, now: datetime) -> None:
    states.transition(conn, intro_id, "cancelled", actor="referrer", now=now)
    cancel_jobs(conn, intro_id)


def cancel_jobs(conn: Connection, intro_id: int) -> None:
    schedule.cancel(conn, intro_id)


def decide(conn: Connection, intro_id: int, role: str, decision: str, *, note: str | None, answers: dict | None,
           now: datetime, ctx: Context) -> str:
    """Records a party's decision; the first final decision wins. Returns the decision in force."""
    if decision not in DECISIONS or role not in ("contact", "pin"):
        raise ValueError("unknown decision or role")
    party = conn.execute(select(intro_parties).where(intro_parties.c.intro_id == intro_id,
                                                     intro_parties.c.role == role)).mappings().one()
    if party["decision"] != "pending":
        return party["decision"]
    done = conn.execute(update(intro_parties).where(intro_parties.c.id == party["id"],
                                                    intro_parties.c.decision == "pending")
                        .values(decision=decision, note=note, answers=answers, decided_at=now)).rowcount
    if done != 1:  # a concurrent request decided first
        return conn.execute(select(intro_parties.c.decision).where(intro_parties.c.id == party["id"])).scalar()
    states.record(conn, intro_id, actor=role, now=now, why=f"{role} answered {decision}")
    schedule.cancel(conn, intro_id, "party_reminder", step=role)  # an answer makes the reminder pointless
    if decision == "no":
        outbox.suppress(conn, party["email"], reason="declined", now=now)
    intro = load(conn, intro_id)
    if intro["state"] != "requested":
        return decision
    view = mail_view(intro)
    if decision != "yes":
        states.transition(conn, intro_id, "declined", actor=role, now=now)
        cancel_jobs(conn, intro_id)
        mail = optin_mail.declined(view, who=role, decision=decision, note=note, key=intro["key"],
                                   token=secrets.token_hex(8), sender=ctx.sender, now=now)
        ctx.mailer.queue(conn, scope=f"intro:{intro_id}", purpose="declined", recipient=view.referrer.email,
                         mail=mail, now=now, intro_id=intro_id)
    elif all(p["decision"] == "yes" for p in intro["parties"].values()):
        states.transition(conn, intro_id, "connected", actor=role, now=now)
        cancel_jobs(conn, intro_id)
        schedule.add(conn, intro_id, "nudge_pin", due=now + ctx.delays.nudge_pin, now=now)
        schedule.add(conn, intro_id, "followup", due=now + ctx.delays.followup, now=now)
        mail = optin_mail.introduction(view, why=_why(view), key=intro["key"], token=secrets.token_hex(8),
                                       sender=ctx.sender, now=now)
        for person in (view.contact, view.pin, view.referrer):
            if person.email:
                ctx.mailer.queue(conn, scope=f"intro:{intro_id}", purpose="introduction", recipient=person.email,
                                 mail=mail, now=now, intro_id=intro_id)
    return decision


def _why(view: IntroMail) -> str:
    """The approved request without its greeting and sign-off: why these two should talk."""
    paras = [p.strip() for p in view.blurb_body.split("\n\n") if p.strip()]
    # greeting / ask / details / the easy no / sign-off: keep the details. The ask was a
    # question to the contact ("Would you be open to...?"), answered by now.
    middle = paras[1:-2] if len(paras) >= 4 else paras
    return "\n\n".join(p for p in middle if not p.endswith("?")) or "\n\n".join(middle)


@dataclass(frozen=True)
class KeyOwner:
    intro_id: int
    role: str  # referrer | contact | pin
    email: str | None  # the person the key was sent to


def key_owner(conn: Connection, key: str) -> KeyOwner | None:
    row = conn.execute(select(intros.c.id, intros.c.referrer_email).where(intros.c.key == key)).first()
    if row:
        return KeyOwner(row.id, "referrer", row.referrer_email)
    row = conn.execute(select(intro_parties.c.intro_id, intro_parties.c.role, intro_parties.c.email)
                       .where(intro_parties.c.reply_key == key)).first()
    return KeyOwner(row.intro_id, row.role, row.email) if row else None


def approval_from_draft(intro: dict, filled: list[str] | None) -> Approval | str:
    """The draft with the blanks the referrer filled by reply; or why it cannot go yet."""
    d = intro["draft"]
    blurb = dict(d.get("blurb") or {})
    blanks = BLANK.findall(blurb.get("body", ""))
    if BLANK.search(blurb.get("subject", "")):
        return "the subject has a blank"
    if blanks and (not filled or len(filled) != len(blanks)):
        return f"{len(blanks)} blank(s) still to fill"
    values = iter(filled or [])
    blurb["body"] = BLANK.sub(lambda _: next(values), blurb.get("body", ""))
    contact, pin = d["contact"], d["pin"]
    if not contact.get("email") or not pin.get("email"):
        return "an address is missing"
    trusted = set(d.get("header_addresses") or [])
    if {contact["email"].lower(), pin["email"].lower()} - trusted:
        # Seen only in the body (or suggested by the LLM): the review page must confirm it.
        return "an address is not in the message's headers; confirm it on the review page"
    return Approval(referrer_name=d["referrer"].get("name") or "", contact=Party(contact.get("name"), contact["email"]),
                    pin=Party(pin.get("name"), pin["email"]), blurb_subject=blurb["subject"], blurb_body=blurb["body"],
                    hide_contact_until_yes=False)


def apply_reply(conn: Connection, owner: KeyOwner, sender: str | None, word: str | None, *, now: datetime,
                ctx: Context, fill: Callable[[str], list[str] | None] = lambda template: None) -> str:
    """Acts on a one-word reply from the person the key was sent to; returns what happened."""
    if not sender or not owner.email or sender.lower() != owner.email.lower():
        states.record(conn, owner.intro_id, actor="baton", now=now,
                      why=f"ignored a reply to the {owner.role}'s address from someone else")
        return "ignored: not the person the key was sent to"
    if word is None:
        states.record(conn, owner.intro_id, actor=owner.role, now=now, why="replied without a command")
        return "no command"
    intro = load(conn, owner.intro_id)
    try:
        if owner.role == "referrer" and word == "send" and intro["state"] == "draft":
            approval = approval_from_draft(intro, fill((intro["draft"].get("blurb") or {}).get("body", "")))
            if isinstance(approval, str):
                states.record(conn, owner.intro_id, actor="referrer", now=now, why=f"'send' by reply refused: {approval}")
                return f"refused: {approval}"
            try:
                approve(conn, owner.intro_id, approval, now=now, ctx=ctx)
            except LimitReached as e:
                states.record(conn, owner.intro_id, actor="referrer", now=now, why=f"'send' by reply refused: {e}")
                return "refused: limit"
            return "approved"
        if owner.role == "referrer" and word == "cancel":
            cancel(conn, owner.intro_id, now=now)
            return "cancelled"
        if owner.role in ("contact", "pin") and word in DECISIONS:
            return decide(conn, owner.intro_id, owner.role, word, note=None, answers=None, now=now, ctx=ctx)
    except states.IllegalTransition:
        pass
    states.record(conn, owner.intro_id, actor=owner.role, now=now, why=f"reply '{word}' does not apply now")
    return "does not apply"


OUTCOMES = ("met", "not_yet", "no_luck")


def record_outcome(conn: Connection, intro_id: int, role: str, outcome: str, *, now: datetime, ctx: Context) -> str:
    """A party's answer to "did you connect?"; the first answer per party wins."""
    if outcome not in OUTCOMES or role not in ("contact", "pin"):
        raise ValueError("unknown outcome or role")
    done = conn.execute(update(intro_parties).where(intro_parties.c.intro_id == intro_id, intro_parties.c.role == role,
                                                    intro_parties.c.outcome.is_(None)).values(outcome=outcome)).rowcount
    if done != 1:
        return conn.execute(select(intro_parties.c.outcome).where(intro_parties.c.intro_id == intro_id,
                                                                  intro_parties.c.role == role)).scalar()
    states.record(conn, intro_id, actor=role, now=now, why=f"{role} says: {outcome}")
    intro = load(conn, intro_id)
    view = mail_view(intro)
    who = (view.contact if role == "contact" else view.pin).name or role

    def send(kind: str, to: Party, purpose: str, **extra: str) -> None:
        if to.email:
            mail = note(kind, view, to=to, key=intro["key"], token=secrets.token_hex(8), sender=ctx.sender, now=now,
                        **extra)
            ctx.mailer.queue(conn, scope=f"intro:{intro_id}", purpose=purpose, recipient=to.email, mail=mail, now=now,
                             intro_id=intro_id)

    send("summary", view.referrer, f"summary_{role}", outcome=outcome, who=who)
    if outcome == "met":
        send("thanks_contact", view.contact, "thanks_contact")
    answered = all(p["outcome"] for p in intro["parties"].values())
    if (outcome == "met" or answered) and intro["state"] in ("connected", "followed_up"):
        states.transition(conn, intro_id, "closed", actor=role, now=now)
        cancel_jobs(conn, intro_id)
    return outcome
