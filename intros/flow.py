"""Carries out each step of an intro: start, approve (send the opt-in requests), decide, cancel,
reply, due jobs. The rules are intros/lifecycle.py; the statements are store/.

Each function runs inside the caller's transaction and queues its mail there too (a
transactional outbox), so a decision and the mail it causes are committed together or not at all.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import Connection

import mailboxes
from composer import i18n, optin_mail, refusals
from composer.draft import Handoff
from composer.followup_mail import note
from composer.optin_mail import Addressee, IntroMail, Sender
from composer.render import Attachment
from composer.request import NAMES, render
from inbound.analysis.parse import attachment_named
from intros import lifecycle, states
from intros.lifecycle import Delays, Mail, Plan
from model import (
    COMMANDS_FOR,
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
    Person,
    Role,
    State,
    actor_for,
    link_url,
    optin_for,
)
from outbound.mailer import Mailer
from store import intros as store
from store import jobs, messages, outbox, tokens


def stored_attachment(conn: Connection, message_id: int, filename: str) -> Attachment | None:
    """The file attached to the hand-off, read again from the stored message."""
    found = attachment_named(messages.raw_of(conn, message_id), filename)
    return Attachment(filename, found[0], found[1]) if found else None


@dataclass(frozen=True)
class Context:
    sender: Sender
    mailer: Mailer
    public_url: str
    token_ttl: timedelta = timedelta(days=14)
    stop_ttl: timedelta = timedelta(days=365)  # "don't ask me again" must keep working long after
    delays: Delays = Delays()
    contact_requests_per_30_days: int = 3  # across all referrers: contacts are not a mailing list
    # The resume attached to a hand-off, read again from the stored message when the request goes
    # out: (inbound message id, file name) -> the file, or None when it is gone.
    attachment_of: Callable[[Connection, int, str], Attachment | None] = stored_attachment


class LimitReached(Exception):
    """The approval would over-ask a contact; the message says why, for the referrer."""


@dataclass(frozen=True)
class Started:
    intro_id: int
    key: str
    review_url: str | None


@dataclass(frozen=True)
class Approval:
    """The referrer's final word (the review page, or a "send" by reply): the people and the facts
    the request is rendered from, now and in every later email."""
    referrer_name: str
    contact: Addressee
    pin: Addressee
    facts: Mapping[str, str] = field(default_factory=dict)
    hide_contact_until_yes: bool = True


def issue_link(conn: Connection, intro_id: int, purpose: LinkPurpose, role: Role, *, now: datetime,
               ctx: Context) -> str:
    """A fresh link for `role`, as its full URL."""
    ttl = ctx.stop_ttl if purpose is LinkPurpose.STOP else ctx.token_ttl
    token = tokens.issue(conn, intro_id, purpose=purpose, role=role, now=now, ttl=ttl)
    return link_url(ctx.public_url, purpose, token)


def start(conn: Connection, *, message_id: int, draft: Handoff, referrer_email: str | None,
          addresses: list[str], now: datetime, ctx: Context,
          header_addresses: tuple[str, ...] | list[str] = ()) -> Started | None:
    """A new intro in `draft`; a review link when the reader is the referrer who can send it."""
    key = secrets.token_hex(10)
    kind, reader = draft.kind, draft.reader
    stored = {**draft.to_json(), "addresses": addresses, "header_addresses": list(header_addresses)}
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


def handoff(intro: Intro) -> Handoff:
    """The stored draft (an intro approved before drafts kept their facts reads as one with none)."""
    return Handoff.from_json({"kind": intro.kind.value, **intro.draft})


def mail_view(intro: Intro) -> IntroMail:
    """The intro as its mail sees it: the approved people and facts (the draft's before approval),
    and what the parties answered."""
    d, h = intro.draft, handoff(intro)
    approved = d.get("approved") or {}

    def person(role: Role, drafted: Person) -> Addressee:
        party = intro.party(role)
        return Addressee(party.name, party.email) if party is not None else Addressee(drafted.name, drafted.email or "")

    pin, contact = intro.party(Role.PIN), intro.party(Role.CONTACT)
    pin_answers = dict(pin.answers) if pin else {}
    contact_answers = dict(contact.answers) if contact else {}
    facts = dict(approved.get("facts", h.facts))
    legacy = (approved["blurb_subject"], approved["blurb_body"]) if "blurb_body" in approved else None
    prep = tuple(f.value for f in lifecycle_prep(h, facts))
    return IntroMail(
        referrer=Addressee(approved.get("referrer_name") or h.referrer.name, intro.referrer_email or ""),
        contact=person(Role.CONTACT, h.contact), pin=person(Role.PIN, h.pin), kind=intro.kind, facts=facts,
        attachment=h.attachment, prep=prep,
        pin_answers={k: v for k, v in pin_answers.items() if k in prep and v},
        pin_words=pin_answers.get(BY_EMAIL) or None, contact_reach=contact_answers.get(REACH) or None,
        contact_words=contact_answers.get(BY_EMAIL) or None,
        hide_contact_until_yes=intro.hide_contact_until_yes,
        contact_said_yes=bool(contact and contact.decision is Decision.YES), language=h.language, legacy=legacy)


BY_EMAIL = "by_email"  # what a party wrote under their "yes" when answering by email
REACH = "reach"  # how and when the contact would like to be reached


def lifecycle_prep(h: Handoff, facts: Mapping[str, str]) -> tuple:
    """What the PIN is asked: what neither the message nor the referrer said."""
    return tuple(f for f in h.prep if not facts.get(f.value))


def check_limits(conn: Connection, intro_id: int, a: Approval, *, now: datetime, ctx: Context) -> None:
    """Raises LimitReached when asking this contact now would be one request too many."""
    since = now - timedelta(days=30)
    times = store.times_asked(conn, a.contact.email, since=since, other_than=intro_id)
    problem = lifecycle.limit_problem(
        times_asked=times, pair_asked=store.pair_asked(conn, a.contact.email, a.pin.email, since=since,
                                                       other_than=intro_id),
        limit=ctx.contact_requests_per_30_days)
    if problem:
        with i18n.use(handoff(store.load(conn, intro_id)).language):
            raise LimitReached(refusals.limit(problem, contact=a.contact.name or a.contact.email,
                                              pin=a.pin.name or a.pin.email, times=times))
    for who, party in ((a.contact.name or a.contact.email, a.contact), (a.pin.name or a.pin.email, a.pin)):
        if outbox.suppressed(conn, party.email):
            with i18n.use(handoff(store.load(conn, intro_id)).language):
                raise LimitReached(refusals.opted_out(who))


def approve(conn: Connection, intro_id: int, a: Approval, *, now: datetime, ctx: Context) -> None:
    """draft -> requested: the contact gets the request, the PIN the questions. Nothing earlier."""
    check_limits(conn, intro_id, a, now=now, ctx=ctx)
    plan = lifecycle.on_approve()
    _move(conn, intro_id, plan, now=now)
    intro = store.load(conn, intro_id)
    draft = {**intro.draft, "approved": {"referrer_name": a.referrer_name, "facts": dict(a.facts)}}
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
    carry_out(conn, intro_id, lifecycle.on_decision(intro, role, decision, left_note=bool(note)), now=now, ctx=ctx,
              extra={"note": note or ""})
    return decision


def follow_up(conn: Connection, intro_id: int, *, now: datetime, ctx: Context) -> str | None:
    """A direct intro's referrer replied "follow up": the two become parties, the did-you-connect job is
    set, and the referrer is told when. Returns why not, when it cannot be done."""
    intro = store.load(conn, intro_id)
    h = handoff(intro)
    if intro.kind is not Kind.DIRECT_INTRO:
        return refusals.FOLLOW_UP_NOT_DIRECT
    if intro.state is not State.DRAFT:
        return refusals.ALREADY
    if not (h.addressable(h.pin) and h.addressable(h.contact)):
        return refusals.FOLLOW_UP_NO_ADDRESS
    store.save_approval(conn, intro_id, draft=dict(intro.draft), contact=(h.contact.name, h.contact.email or ""),
                        pin=(h.pin.name, h.pin.email or ""), hide_contact_until_yes=False, now=now)
    carry_out(conn, intro_id, lifecycle.on_follow_up(intro), now=now, ctx=ctx)
    return None


def stop(conn: Connection, intro_id: int, role: Role, *, now: datetime, ctx: Context) -> str:
    """"Don't ask me again": nothing more goes to this person's address, from any referrer, and a
    request still open is answered "no" (the referrer hears it kindly, as from any no)."""
    intro = store.load(conn, intro_id)
    party = intro.party(role)
    if party is None:
        return "no such party"
    outbox.suppress(conn, party.email, reason="asked not to be asked again", now=now)
    store.record(conn, intro_id, actor=actor_for(role), now=now,
                 why=f"the {role.value} asked Baton never to send them an intro request again")
    if party.decision is Decision.PENDING and intro.state is State.REQUESTED:
        decide(conn, intro_id, role, Decision.NO, note=None, answers=None, now=now, ctx=ctx)
    return "stopped"


def record_followup(conn: Connection, intro_id: int, role: Role, answer: FollowupAnswer, *, now: datetime,
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
    """The draft with the blanks the referrer typed over in a reply; or why it cannot go yet (one of
    composer.refusals' reasons)."""
    h = handoff(intro)
    request = render(referrer=h.referrer, pin=h.pin, contact=h.contact, facts=h.facts, attachment=h.attachment)
    if request.blanks and not filled:
        return refusals.BLANKS
    slots = request.fill(filled or [])
    if request.blanks and not set(request.blanks) <= set(slots):
        return refusals.BLANKS
    contact, pin = h.contact, h.pin
    if not contact.email or not pin.email:
        return refusals.NO_ADDRESS
    if not (h.addressable(contact) and h.addressable(pin)):
        # Seen only in the body (or suggested by the LLM): the review page must confirm it.
        return refusals.UNCONFIRMED_ADDRESS
    facts = {**h.facts, **{k: v for k, v in slots.items() if k not in NAMES}}
    return Approval(referrer_name=slots.get("referrer_name") or h.referrer.name or "",
                    contact=Addressee(slots.get("contact_name") or contact.name, contact.email),
                    pin=Addressee(slots.get("pin_name") or pin.name, pin.email), facts=facts,
                    hide_contact_until_yes=staged_by_default(h))


def staged_by_default(h: Handoff) -> bool:
    """Staged disclosure wherever the PIN does not already know the contact: a request or an offer.
    After "X said I should write to you" or a direct intro, the PIN knows; nothing is hidden."""
    return h.kind is Kind.INTRO_REQUEST


def apply_reply(conn: Connection, owner: KeyOwner, sender: str | None, command: Command | None, *, now: datetime,
                ctx: Context, fill: Callable[[str], list[str] | None] = lambda template: None,
                words: str = "", message_id: int = 0) -> str:
    """Acts on a reply from the person the key was sent to; returns what happened. Whatever cannot
    be carried out is answered by email: why, and what to do instead."""
    problem = lifecycle.reply_problem(owner.email, sender)
    if problem:
        store.record(conn, owner.intro_id, actor=Actor.BATON, now=now,
                     why=f"ignored a reply to the {owner.role.value}'s address from someone else")
        return problem  # a stranger gets nothing: the key's owner may not even know of this reply
    actor = Actor(owner.role.value)
    intro = store.load(conn, owner.intro_id)

    def refuse(reason: str) -> str:
        store.record(conn, owner.intro_id, actor=actor, now=now,
                     why=f"reply '{command.value if command else '-'}' refused: {reason}")
        _queue_refusal(conn, intro, owner, command, reason, now=now, ctx=ctx, message_id=message_id)
        return f"refused: {reason}"

    if command is None:
        return refuse(refusals.NO_COMMAND)
    if command not in COMMANDS_FOR.get(owner.role, frozenset()):
        return refuse(refusals.NOT_YOURS)
    try:
        if command is Command.SEND:
            if intro.state is not State.DRAFT:
                return refuse(refusals.ALREADY)
            if intro.kind is Kind.DIRECT_INTRO:
                return refuse(refusals.SEND_DIRECT)
            template = render(referrer=handoff(intro).referrer, pin=handoff(intro).pin, contact=handoff(intro).contact,
                              facts=handoff(intro).facts, attachment=handoff(intro).attachment).template()
            approval = approval_from_draft(intro, fill(template))
            if isinstance(approval, str):
                return refuse(approval)
            try:
                approve(conn, owner.intro_id, approval, now=now, ctx=ctx)
            except LimitReached as e:
                return refuse(str(e))
            return "approved"
        if command is Command.CANCEL:
            if intro.state not in (State.DRAFT, State.REQUESTED):
                return refuse(refusals.ALREADY)
            cancel(conn, owner.intro_id, now=now, ctx=ctx)
            return "cancelled"
        if command is Command.FOLLOW_UP:
            why = follow_up(conn, owner.intro_id, now=now, ctx=ctx)
            return refuse(why) if why else "following up"
        decision = lifecycle.decision_for(command)
        if decision is not None:
            party = intro.party(owner.role)
            if party is None or party.decision is not Decision.PENDING or intro.state is not State.REQUESTED:
                return refuse(refusals.ALREADY)
            text = words.strip()
            answers = {BY_EMAIL: text} if text and decision is Decision.YES else None
            note = text if text and decision is not Decision.YES else None
            return decide(conn, owner.intro_id, owner.role, decision, note=note, answers=answers, now=now,
                          ctx=ctx).value
    except states.IllegalTransition:
        pass
    return refuse(refusals.ALREADY)


def _queue_refusal(conn: Connection, intro: Intro, owner: KeyOwner, command: Command | None, reason: str, *,
                   now: datetime, ctx: Context, message_id: int) -> None:
    """The short email that answers a reply Baton could not carry out, with the page to use instead."""
    if not owner.email or outbox.suppressed(conn, owner.email):
        return
    h, link, label = handoff(intro), None, ""
    if owner.role is Role.REFERRER and intro.state is State.DRAFT and intro.kind is not Kind.DIRECT_INTRO:
        link, label = issue_link(conn, intro.id, LinkPurpose.REVIEW, Role.REFERRER, now=now, ctx=ctx), "review"
    elif owner.role in (Role.CONTACT, Role.PIN) and intro.state is State.REQUESTED:
        party = intro.party(owner.role)
        if party is not None and party.decision is Decision.PENDING:
            link, label = issue_link(conn, intro.id, LinkPurpose.OPTIN, owner.role, now=now, ctx=ctx), "answer"
    party = intro.party(owner.role)
    key = party.reply_key if party is not None and owner.role is not Role.REFERRER else intro.key
    name = h.referrer.name if owner.role is Role.REFERRER else (party.name if party else None)
    message = refusals.email(reason, command=command, role=owner.role, to=Addressee(name, owner.email), link=link,
                             link_kind=label, key=key, token=secrets.token_hex(8), sender=ctx.sender,
                             subject=h.subject, language=h.language, now=now)
    ctx.mailer.queue(conn, scope=f"intro:{intro.id}:reply:{message_id}", purpose=MailPurpose.REFUSED.value,
                     recipient=owner.email, mail=message, now=now, intro_id=intro.id,
                     sender_domain=mailboxes.domain(intro.referrer_email))


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
        message = optin_mail.introduction(view, key=intro.key, token=secrets.token_hex(8), sender=ctx.sender, now=now)
        for role in mail.to:
            if _address(intro, view, role):
                ctx.mailer.queue(conn, scope=f"intro:{intro.id}", purpose=mail.purpose.value,
                                 recipient=_address(intro, view, role), mail=message, now=now, intro_id=intro.id,
                                 sender_domain=mailboxes.domain(intro.referrer_email))
        return
    for role in mail.to:
        to = _address(intro, view, role)
        if not to:
            continue
        link = issue_link(conn, intro.id, mail.link, role, now=now, ctx=ctx) if mail.link else None
        message = _render(conn, intro, view, mail.purpose, role, link=link, words=words, now=now, ctx=ctx)
        ctx.mailer.queue(conn, scope=f"intro:{intro.id}", purpose=mail.purpose.value, recipient=to, mail=message,
                         now=now, intro_id=intro.id, sender_domain=mailboxes.domain(intro.referrer_email))


def _render(conn: Connection, intro: Intro, view: IntroMail, purpose: MailPurpose, role: Role, *, link: str | None,
            words: dict[str, str], now: datetime, ctx: Context) -> EmailMessage:
    token = secrets.token_hex(8)
    party = intro.party(role)
    if purpose in (optin_for(Role.CONTACT), optin_for(Role.PIN)) or (
            purpose.is_reminder and role in (Role.CONTACT, Role.PIN)):
        stop_link = issue_link(conn, intro.id, LinkPurpose.STOP, role, now=now, ctx=ctx)
        key = party.reply_key if party else intro.key
        if purpose is optin_for(Role.CONTACT):
            files = _attachments(conn, intro, view, ctx)
            return optin_mail.optin_contact(view, link=link or "", stop_link=stop_link, key=key, token=token,
                                            sender=ctx.sender, now=now, attachments=files)
        if purpose is optin_for(Role.PIN):
            return optin_mail.optin_pin(view, link=link or "", stop_link=stop_link, key=key, token=token,
                                        sender=ctx.sender, now=now)
        to = view.contact if role is Role.CONTACT else view.pin
        return note(purpose, view, to=to, key=key, token=token, sender=ctx.sender, link=link, now=now,
                    stop_link=stop_link)
    if purpose is MailPurpose.DECLINED:
        return optin_mail.declined(view, who=words["who"], decision=words["decision"], note=words.get("note") or None,
                                   key=intro.key, token=token, sender=ctx.sender, now=now)
    if purpose is MailPurpose.PARTY_NOTE:
        return optin_mail.party_note(view, who=words["who"], note=words.get("note") or "", key=intro.key,
                                     token=token, sender=ctx.sender, now=now)
    if purpose is MailPurpose.CONFIRMED:
        return optin_mail.confirmed(view, when=now + ctx.delays.followup, key=intro.key, token=token,
                                    sender=ctx.sender, now=now)
    to = {Role.REFERRER: view.referrer, Role.CONTACT: view.contact, Role.PIN: view.pin}[role]
    extra = {k: v for k, v in words.items() if k in ("answer",)}
    if "who" in words and purpose in (MailPurpose.SUMMARY_CONTACT, MailPurpose.SUMMARY_PIN):
        who = view.contact if words["who"] == Role.CONTACT.value else view.pin
        extra["who"] = who.name or words["who"]
    return note(purpose, view, to=to, key=intro.key, token=token, sender=ctx.sender, link=link, now=now,
                **extra)


def _attachments(conn: Connection, intro: Intro, view: IntroMail, ctx: Context) -> tuple[Attachment, ...]:
    """The resume that came with the hand-off, for the contact's request (the referrer approved it)."""
    if not view.attachment:
        return ()
    found = ctx.attachment_of(conn, intro.message_id, view.attachment)
    return (found,) if found else ()
