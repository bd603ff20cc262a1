"""The rules of an intro's life, as functions of values: given the intro and what just happened,
a Plan says the move, the timeline note, the mail, the jobs to add and cancel. No database and
no clock here: intros/flow.py carries a Plan out in the caller's transaction, so every rule can be
tested on plain values (tests/test_lifecycle.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from model import (
    Actor,
    Command,
    Decision,
    FollowupAnswer,
    Intro,
    JobKind,
    Kind,
    LinkPurpose,
    MailPurpose,
    Role,
    State,
    actor_for,
    optin_for,
    reminder_for,
    summary_for,
)

MAX_REMINDERS = 2  # per person per intro


@dataclass(frozen=True)
class Delays:
    """When each job falls due (all configurable: BATON_*_DAYS)."""
    review_reminder: timedelta = timedelta(days=2)
    party_reminder: timedelta = timedelta(days=3)
    expire: timedelta = timedelta(days=7)
    nudge_pin: timedelta = timedelta(days=1)
    followup: timedelta = timedelta(days=7)

    def of(self, kind: JobKind) -> timedelta:
        delay: timedelta = getattr(self, kind.value)
        return delay


@dataclass(frozen=True)
class Mail:
    """One email to write: its purpose, who gets it, and a fresh link of theirs if it carries one."""
    purpose: MailPurpose
    to: tuple[Role, ...]
    link: LinkPurpose | None = None
    extra: tuple[tuple[str, str], ...] = ()  # words the note needs ("answer", "who", ...)


@dataclass(frozen=True)
class Timer:
    kind: JobKind
    step: str = "-"  # the party a reminder is for


ALL_JOBS: tuple[JobKind | None, str | None] = (None, None)


@dataclass(frozen=True)
class Plan:
    actor: Actor
    result: str  # what happened, for the log and the caller
    move: State | None = None
    note: str | None = None  # a timeline line (a move writes its own)
    mails: tuple[Mail, ...] = ()
    timers: tuple[Timer, ...] = ()
    cancel: tuple[tuple[JobKind | None, str | None], ...] = ()  # (kind, step); (None, None) is every job
    suppress: tuple[Role, ...] = ()  # parties whose address gets nothing more


def needs_review(kind: Kind, reader: Role) -> bool:
    """A review link (and its reminder) when the reader is the referrer and there is a request to
    send: a direct intro has already happened, and only the referrer may send in their name."""
    return reader is Role.REFERRER and kind is not Kind.DIRECT_INTRO


def on_start(kind: Kind, reader: Role) -> Plan:
    review = needs_review(kind, reader)
    return Plan(Actor.BATON, "started", note=f"hand-off recognised ({kind.value})",
                timers=(Timer(JobKind.REVIEW_REMINDER),) if review else ())


TOO_OFTEN = "asked too often"
SAME_PAIR = "already asked about this person"


def limit_problem(*, times_asked: int, pair_asked: int, limit: int) -> str | None:
    """Why asking this contact now would be one request too many (composer/refusals.py words it)."""
    if times_asked >= limit:
        return TOO_OFTEN
    if pair_asked:
        return SAME_PAIR
    return None


def on_approve() -> Plan:
    """draft -> requested: the contact gets the request, the PIN the questions. Nothing earlier."""
    return Plan(Actor.REFERRER, "approved", move=State.REQUESTED,
                cancel=((JobKind.REVIEW_REMINDER, None),),
                timers=(Timer(JobKind.PARTY_REMINDER, Role.CONTACT.value),
                        Timer(JobKind.PARTY_REMINDER, Role.PIN.value), Timer(JobKind.EXPIRE)),
                mails=tuple(Mail(optin_for(r), (r,), LinkPurpose.OPTIN) for r in (Role.CONTACT, Role.PIN)))


def on_cancel() -> Plan:
    return Plan(Actor.REFERRER, "cancelled", move=State.CANCELLED, cancel=(ALL_JOBS,))


def on_follow_up(intro: Intro) -> Plan:
    """A direct intro's referrer replied "follow up": check in with both later, and confirm now."""
    if intro.kind is not Kind.DIRECT_INTRO or intro.state is not State.DRAFT:
        return Plan(Actor.REFERRER, "does not apply")
    return Plan(Actor.REFERRER, "following up", move=State.CONNECTED, cancel=(ALL_JOBS,),
                timers=(Timer(JobKind.FOLLOWUP),), mails=(Mail(MailPurpose.CONFIRMED, (Role.REFERRER,)),))


def on_decision(intro: Intro, role: Role, decision: Decision, *, left_note: bool = False) -> Plan:
    """After `role`'s first decision was recorded (`intro` is read after it). A note left with a yes
    goes to the referrer at once; with a no it rides in the "declined" email."""
    actor, note = actor_for(role), f"{role.value} answered {decision.value}"
    notes = (Mail(MailPurpose.PARTY_NOTE, (Role.REFERRER,), extra=(("who", role.value),)),) \
        if left_note and decision is Decision.YES else ()
    suppress = (role,) if decision is Decision.NO else ()
    own_reminder = ((JobKind.PARTY_REMINDER, role.value),)  # an answer makes the reminder pointless
    if intro.state is State.REQUESTED and decision is not Decision.YES:
        return Plan(actor, decision.value, note=note, move=State.DECLINED, cancel=(ALL_JOBS,), suppress=suppress,
                    mails=(Mail(MailPurpose.DECLINED, (Role.REFERRER,),
                                extra=(("who", role.value), ("decision", decision.value))),))
    if intro.state is State.REQUESTED and all(p.decision is Decision.YES for p in intro.parties.values()):
        return Plan(actor, decision.value, note=note, move=State.CONNECTED, cancel=(ALL_JOBS,), suppress=suppress,
                    timers=(Timer(JobKind.NUDGE_PIN), Timer(JobKind.FOLLOWUP)),
                    mails=(*notes, Mail(MailPurpose.INTRODUCTION, (Role.CONTACT, Role.PIN, Role.REFERRER))))
    return Plan(actor, decision.value, note=note, cancel=own_reminder, suppress=suppress, mails=notes)


def on_followup_answer(intro: Intro, role: Role, answer: FollowupAnswer) -> Plan:
    """After `role`'s first answer to "did you connect?" was recorded."""
    mails = [Mail(summary_for(role), (Role.REFERRER,), extra=(("answer", answer.value), ("who", role.value)))]
    if answer is FollowupAnswer.MET:
        mails.append(Mail(MailPurpose.THANKS_CONTACT, (Role.CONTACT,)))
    answered = all(p.followup for p in intro.parties.values())
    close = (answer is FollowupAnswer.MET or answered) and intro.state in (State.CONNECTED, State.FOLLOWED_UP)
    return Plan(actor_for(role), answer.value, note=f"{role.value} says: {answer.value}", mails=tuple(mails),
                move=State.CLOSED if close else None, cancel=(ALL_JOBS,) if close else ())


def on_job(intro: Intro, kind: JobKind, step: str, *, reminders_sent: int) -> Plan:
    """What a due job does now; `reminders_sent` counts the reminders its recipient already had."""
    if kind is JobKind.REVIEW_REMINDER:
        if intro.state is not State.DRAFT:
            return Plan(Actor.BATON, "skipped: already reviewed")
        if reminders_sent >= MAX_REMINDERS:
            return Plan(Actor.BATON, "skipped: reminder cap")
        return Plan(Actor.BATON, "sent",
                    mails=(Mail(MailPurpose.REMINDER_REVIEW, (Role.REFERRER,), LinkPurpose.REVIEW),))
    if kind is JobKind.PARTY_REMINDER:
        role = Role(step) if step in (Role.CONTACT.value, Role.PIN.value) else None
        party = intro.party(role) if role else None
        answered = party is None or party.decision is not Decision.PENDING
        if intro.state is not State.REQUESTED or role is None or answered:
            return Plan(Actor.BATON, "skipped: answered")
        if reminders_sent >= MAX_REMINDERS:
            return Plan(Actor.BATON, "skipped: reminder cap")
        return Plan(Actor.BATON, "sent", mails=(Mail(reminder_for(role), (role,), LinkPurpose.OPTIN),))
    if kind is JobKind.EXPIRE:
        if intro.state is not State.REQUESTED:
            return Plan(Actor.BATON, "skipped: settled")
        return Plan(Actor.BATON, "expired", move=State.EXPIRED, cancel=(ALL_JOBS,),
                    mails=(Mail(MailPurpose.EXPIRED, (Role.REFERRER,)),))
    if kind is JobKind.NUDGE_PIN:
        if intro.state is not State.CONNECTED:
            return Plan(Actor.BATON, "skipped")
        return Plan(Actor.BATON, "sent", mails=(Mail(MailPurpose.NUDGE_PIN, (Role.PIN,)),))
    if kind is JobKind.FOLLOWUP:
        if intro.state is not State.CONNECTED:
            return Plan(Actor.BATON, "skipped")
        return Plan(Actor.BATON, "sent", move=State.FOLLOWED_UP,
                    mails=tuple(Mail(MailPurpose.FOLLOWUP, (r,), LinkPurpose.FOLLOWUP)
                                for r in (Role.CONTACT, Role.PIN)))
    raise ValueError(f"no rule for job {kind}")


def reply_problem(owner_email: str | None, sender: str | None) -> str | None:
    """Why a reply to someone's intro+KEY@ address cannot act: only the person it was given to may."""
    if not sender or not owner_email or sender.lower() != owner_email.lower():
        return "ignored: not the person the key was sent to"
    return None


def decision_for(command: Command) -> Decision | None:
    return {Command.YES: Decision.YES, Command.NOT_NOW: Decision.NOT_NOW, Command.NO: Decision.NO}.get(command)
