"""Carries out each step of an intro: start, approve (send the opt-in requests), decide, cancel,
reply, due jobs. The rules are intros/lifecycle.py; the statements are store/.

Each function runs inside the caller's transaction and queues its mail there too (a
transactional outbox), so a decision and the mail it causes are committed together or not at all.
"""
from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import Connection

from composer import optin_mail
from composer.cleaning import BLANK
from composer.draft import IntroDraft
from composer.followup_mail import note
from composer.optin_mail import IntroMail, Party, PrepAnswer, Sender
from intros import lifecycle, states
from intros.lifecycle import Delays, Mail, Plan
from model import (
    Actor,
    Command,
    Decision,
    DueJob,
    FollowupAnswer,
    Intro,
    JobKind,
    KeyOwner,
    Kind,
    LinkPurpose,
    MailPurpose,
    Role,
    State,
    link_url,
    optin_for,
)
from outbound.mailer import Mailer
from store import intros as store
from store import jobs, outbox, tokens


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


def issue_link(conn: Connection, intro_id: int, purpose: LinkPurpose, role: Role, *, now: datetime,
               ctx: Context) -> str:
    """A fresh link for `role`, as its full URL."""
    token = tokens.issue(conn, intro_id, purpose=purpose, role=role, now=now, ttl=ctx.token_ttl)
    return link_url(ctx.public_url, purpose, token)


def start(conn: Connection, *, message_id: int, draft: IntroDraft, referrer_email: str | None,
          addresses: list[str], now: datetime, ctx: Context,
          header_addresses: tuple[str, ...] | list[str] = ()) -> Started | None:
    """A new intro in `draft`; a review link when the reader is the referrer who can send it."""
    key = secrets.token_hex(10)
    kind, reader = Kind(draft.kind), Role(draft.reader)
    stored = {**dataclasses.asdict(draft), "addresses": addresses, "header_addresses": list(header_addresses)}
    intro_id = store.create(conn, key=key, message_id=message_id, kind=kind, referrer_email=referrer_email,
                            pin_email=draft.pin.email, contact_email=draft.contact.email, draft=stored, now=now)
    if intro_id is None:
        return None
    plan = lifecycle.on_start(kind, reader)
    store.record(conn, intro_id, actor=plan.actor, now=now, why=plan.note or "", to_state=State.DRAFT)
    _schedule(conn, intro_id, plan, now=now, ctx=ctx)
    review_url = None
    if lifecycle.needs_review(kind, reader):
        review_url = issue_link(conn, intro_id, LinkPurpose.REVIEW, Role.REFERRER, now=now, ctx=ctx)
    return Started(intro_id, key, review_url)


def load(conn: Connection, intro_id: int) -> Intro:
    return store.load(conn, intro_id)


def mail_view(intro: Intro) -> IntroMail:
    """The intro as its mail sees it: the approved people and words, or the draft's before approval."""
    d = intro.draft

    def person(role: Role) -> Party:
        party = intro.party(role)
        if party is not None:
            return Party(party.name, party.email)
        p = d.get(role.value) or {}
        return Party(p.get("name"), p.get("email") or "")

    approved = d.get("approved") or {}
    pin = intro.party(Role.PIN)
    pin_answers = pin.answers if pin else {}
    prep = tuple(PrepAnswer(p["label"], p["question"], pin_answers.get(p["label"], "")) for p in d.get("prep", []))
    return IntroMail(
        referrer=Party(approved.get("referrer_name") or d["referrer"].get("name"), intro.referrer_email or ""),
        contact=person(Role.CONTACT), pin=person(Role.PIN),
        blurb_subject=approved.get("blurb_subject", ""), blurb_body=approved.get("blurb_body", ""),
        prep=prep, hide_contact_until_yes=intro.hide_contact_until_yes)


def check_limits(conn: Connection, intro_id: int, a: Approval, *, now: datetime, ctx: Context) -> None:
    """Raises LimitReached when asking this contact now would be one request too many."""
    since = now - timedelta(days=30)
    problem = lifecycle.limit_problem(
        contact=a.contact.name or a.contact.email, pin=a.pin.name or a.pin.email,
        times_asked=store.times_asked(conn, a.contact.email, since=since, other_than=intro_id),
        pair_asked=store.pair_asked(conn, a.contact.email, a.pin.email, since=since, other_than=intro_id),
        limit=ctx.contact_requests_per_30_days)
    if problem:
        raise LimitReached(problem)


def approve(conn: Connection, intro_id: int, a: Approval, *, now: datetime, ctx: Context) -> None:
    """draft -> requested: the contact gets the request, the PIN the questions. Nothing earlier."""
    check_limits(conn, intro_id, a, now=now, ctx=ctx)
    plan = lifecycle.on_approve()
    _move(conn, intro_id, plan, now=now)
    intro = store.load(conn, intro_id)
    draft = {**intro.draft, "approved": {"referrer_name": a.referrer_name, "blurb_subject": a.blurb_subject,
                                         "blurb_body": a.blurb_body}}
    store.save_approval(conn, intro_id, draft=draft, contact=(a.contact.name, a.contact.email),
                        pin=(a.pin.name, a.pin.email), hide_contact_until_yes=a.hide_contact_until_yes, now=now)
    _rest(conn, intro_id, plan, now=now, ctx=ctx)


def cancel(conn: Connection, intro_id: int, *, now: datetime, ctx: Context | None = None) -> None:
    carry_out(conn, intro_id, lifecycle.on_cancel(), now=now, ctx=ctx)


def decide(conn: Connection, intro_id: int, role: Role, decision: Decision, *, note: str | None,
           answers: dict | None, now: datetime, ctx: Context) -> Decision:
    """Records a party's decision; the first final decision wins. Returns the decision in force."""
    if decision is Decision.PENDING or role not in (Role.CONTACT, Role.PIN):
        raise ValueError("unknown decision or role")
    party = store.load(conn, intro_id).party(role)
    if party is None:
        raise ValueError("no such party")
    if party.decision is not Decision.PENDING:
        return party.decision
    if not store.decide(conn, party.id, decision, note=note, answers=answers, now=now):
        return store.decision_of(conn, party.id)  # a concurrent request decided first
    intro = store.load(conn, intro_id)
    carry_out(conn, intro_id, lifecycle.on_decision(intro, role, decision), now=now, ctx=ctx,
              extra={"note": note or ""})
    return decision


def record_outcome(conn: Connection, intro_id: int, role: Role, answer: FollowupAnswer, *, now: datetime,
                   ctx: Context) -> FollowupAnswer:
    """A party's answer to "did you connect?"; the first answer per party wins."""
    if role not in (Role.CONTACT, Role.PIN):
        raise ValueError("unknown role")
    if not store.answer_followup(conn, intro_id, role, answer):
        return store.followup_of(conn, intro_id, role) or answer
    intro = store.load(conn, intro_id)
    carry_out(conn, intro_id, lifecycle.on_followup_answer(intro, role, answer), now=now, ctx=ctx)
    return answer


def run_job(conn: Connection, job: DueJob, *, now: datetime, ctx: Context) -> str:
    """Runs one due job; returns what it did (for the log and the tests)."""
    intro = store.load(conn, job.intro_id)
    sent = 0
    recipient = _reminded(intro, job)
    if recipient:
        sent = outbox.sent_for(conn, intro.id, recipient, tuple(p.value for p in MailPurpose if p.is_reminder))
    return carry_out(conn, intro.id, lifecycle.on_job(intro, job.kind, job.step, reminders_sent=sent), now=now, ctx=ctx)


def _reminded(intro: Intro, job: DueJob) -> str | None:
    """The address a reminder job would write to (its cap counts what they already had)."""
    if job.kind is JobKind.REVIEW_REMINDER:
        return intro.referrer_email
    if job.kind is JobKind.PARTY_REMINDER:
        party = next((p for p in intro.parties.values() if p.role.value == job.step), None)
        return party.email if party else None
    return None


def note_in_thread(conn: Connection, intro_id: int, sender: str | None, *, now: datetime) -> None:
    """A message in the intro's thread (a reply-all, a thank-you, a scheduling note) is part of
    the intro: it goes on the timeline and starts nothing."""
    domain = (sender or "").rpartition("@")[2] or "unknown"
    store.record(conn, intro_id, actor=Actor.BATON, now=now, why=f"a message in the intro's thread from …@{domain}")


def key_owner(conn: Connection, key: str) -> KeyOwner | None:
    return store.key_owner(conn, key)


def approval_from_draft(intro: Intro, filled: list[str] | None) -> Approval | str:
    """The draft with the blanks the referrer filled by reply; or why it cannot go yet."""
    d = intro.draft
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


def apply_reply(conn: Connection, owner: KeyOwner, sender: str | None, command: Command | None, *, now: datetime,
                ctx: Context, fill: Callable[[str], list[str] | None] = lambda template: None) -> str:
    """Acts on a one-word reply from the person the key was sent to; returns what happened."""
    problem = lifecycle.reply_problem(owner.email, sender)
    if problem:
        store.record(conn, owner.intro_id, actor=Actor.BATON, now=now,
                     why=f"ignored a reply to the {owner.role.value}'s address from someone else")
        return problem
    actor = Actor(owner.role.value)
    if command is None:
        store.record(conn, owner.intro_id, actor=actor, now=now, why="replied without a command")
        return "no command"
    intro = store.load(conn, owner.intro_id)
    try:
        if owner.role is Role.REFERRER and command is Command.SEND and intro.state is State.DRAFT:
            approval = approval_from_draft(intro, fill((intro.draft.get("blurb") or {}).get("body", "")))
            if isinstance(approval, str):
                store.record(conn, owner.intro_id, actor=actor, now=now, why=f"'send' by reply refused: {approval}")
                return f"refused: {approval}"
            try:
                approve(conn, owner.intro_id, approval, now=now, ctx=ctx)
            except LimitReached as e:
                store.record(conn, owner.intro_id, actor=actor, now=now, why=f"'send' by reply refused: {e}")
                return "refused: limit"
            return "approved"
        if owner.role is Role.REFERRER and command is Command.CANCEL:
            cancel(conn, owner.intro_id, now=now, ctx=ctx)
            return "cancelled"
        decision = lifecycle.decision_for(command)
        if owner.role in (Role.CONTACT, Role.PIN) and decision is not None:
            return decide(conn, owner.intro_id, owner.role, decision, note=None, answers=None, now=now, ctx=ctx).value
    except states.IllegalTransition:
        pass
    store.record(conn, owner.intro_id, actor=actor, now=now, why=f"reply '{command.value}' does not apply now")
    return "does not apply"


# --- carrying out a plan ------------------------------------------------------------------------

def carry_out(conn: Connection, intro_id: int, plan: Plan, *, now: datetime, ctx: Context | None,
              extra: dict[str, str] | None = None) -> str:
    """Writes the plan in the caller's transaction: timeline note, move, jobs, suppressions, mail."""
    if plan.note:
        store.record(conn, intro_id, actor=plan.actor, now=now, why=plan.note)
    _move(conn, intro_id, plan, now=now)
    _rest(conn, intro_id, plan, now=now, ctx=ctx, extra=extra)
    return plan.result


def _move(conn: Connection, intro_id: int, plan: Plan, *, now: datetime) -> None:
    if plan.move is not None:
        states.transition(conn, intro_id, plan.move, actor=plan.actor, now=now)


def _schedule(conn: Connection, intro_id: int, plan: Plan, *, now: datetime, ctx: Context) -> None:
    for kind, step in plan.cancel:
        jobs.cancel(conn, intro_id, *(() if kind is None else (kind,)), step=step)
    for timer in plan.timers:
        jobs.add(conn, intro_id, timer.kind, due=now + ctx.delays.of(timer.kind), now=now, step=timer.step)


def _rest(conn: Connection, intro_id: int, plan: Plan, *, now: datetime, ctx: Context | None,
          extra: dict[str, str] | None = None) -> None:
    if ctx is None:
        for kind, step in plan.cancel:
            jobs.cancel(conn, intro_id, *(() if kind is None else (kind,)), step=step)
        return
    _schedule(conn, intro_id, plan, now=now, ctx=ctx)
    intro = store.load(conn, intro_id)
    for role in plan.suppress:
        party = intro.party(role)
        if party is not None:
            outbox.suppress(conn, party.email, reason="declined", now=now)
    for mail in plan.mails:
        _queue(conn, intro, mail, now=now, ctx=ctx, extra=extra or {})


def _address(intro: Intro, view: IntroMail, role: Role) -> str:
    return {Role.REFERRER: view.referrer.email, Role.CONTACT: view.contact.email, Role.PIN: view.pin.email}[role]


def _queue(conn: Connection, intro: Intro, mail: Mail, *, now: datetime, ctx: Context, extra: dict[str, str]) -> None:
    view = mail_view(intro)
    words = {**dict(mail.extra), **extra}
    if mail.purpose is MailPurpose.INTRODUCTION:  # one email to all three, cc the referrer
        message = optin_mail.introduction(view, why=_why(view), key=intro.key, token=secrets.token_hex(8),
                                          sender=ctx.sender, now=now)
        for role in mail.to:
            if _address(intro, view, role):
                ctx.mailer.queue(conn, scope=f"intro:{intro.id}", purpose=mail.purpose.value,
                                 recipient=_address(intro, view, role), mail=message, now=now, intro_id=intro.id)
        return
    for role in mail.to:
        to = _address(intro, view, role)
        if not to:
            continue
        link = issue_link(conn, intro.id, mail.link, role, now=now, ctx=ctx) if mail.link else None
        message = _render(intro, view, mail.purpose, role, link=link, words=words, now=now, ctx=ctx)
        ctx.mailer.queue(conn, scope=f"intro:{intro.id}", purpose=mail.purpose.value, recipient=to, mail=message,
                         now=now, intro_id=intro.id)


# Follow-up notes by purpose (composer/followup_mail.py has their words).
_NOTES = {MailPurpose.REMINDER_REVIEW: "review_reminder", MailPurpose.REMINDER_CONTACT: "party_reminder",
          MailPurpose.REMINDER_PIN: "party_reminder", MailPurpose.EXPIRED: "expired",
          MailPurpose.NUDGE_PIN: "nudge_pin", MailPurpose.FOLLOWUP: "followup",
          MailPurpose.THANKS_CONTACT: "thanks_contact", MailPurpose.SUMMARY_CONTACT: "summary",
          MailPurpose.SUMMARY_PIN: "summary"}


def _render(intro: Intro, view: IntroMail, purpose: MailPurpose, role: Role, *, link: str | None,
            words: dict[str, str], now: datetime, ctx: Context) -> EmailMessage:
    token = secrets.token_hex(8)
    if purpose in (optin_for(Role.CONTACT), optin_for(Role.PIN)):
        party = intro.party(role)
        render = optin_mail.optin_contact if role is Role.CONTACT else optin_mail.optin_pin
        return render(view, link=link or "", key=party.reply_key if party else intro.key, token=token,
                      sender=ctx.sender, now=now)
    if purpose is MailPurpose.DECLINED:
        return optin_mail.declined(view, who=words["who"], decision=words["decision"], note=words.get("note") or None,
                                   key=intro.key, token=token, sender=ctx.sender, now=now)
    to = {Role.REFERRER: view.referrer, Role.CONTACT: view.contact, Role.PIN: view.pin}[role]
    extra = {k: v for k, v in words.items() if k in ("outcome",)}
    if "who" in words and purpose in (MailPurpose.SUMMARY_CONTACT, MailPurpose.SUMMARY_PIN):
        who = view.contact if words["who"] == Role.CONTACT.value else view.pin
        extra["who"] = who.name or words["who"]
    return note(_NOTES[purpose], view, to=to, key=intro.key, token=token, sender=ctx.sender, link=link, now=now,
                **extra)


def _why(view: IntroMail) -> str:
    """The approved request without its greeting and sign-off: why these two should talk."""
    paras = [p.strip() for p in view.blurb_body.split("\n\n") if p.strip()]
    # greeting / ask / details / the easy no / sign-off: keep the details. The ask was a
    # question to the contact ("Would you be open to...?"), answered by now.
    middle = paras[1:-2] if len(paras) >= 4 else paras
    return "\n\n".join(p for p in middle if not p.endswith("?")) or "\n\n".join(middle)
