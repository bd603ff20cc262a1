"""The intro's rules on plain values: one test per transition and per job kind, no database, no server."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from intros import lifecycle
from intros.lifecycle import ALL_JOBS, MAX_REMINDERS, Mail, Timer
from intros.states import TRANSITIONS, can_move
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
    Party,
    Role,
    State,
)

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def intro(state: State = State.REQUESTED, contact: Decision = Decision.PENDING, pin: Decision = Decision.PENDING,
          contact_followup: FollowupAnswer | None = None, pin_followup: FollowupAnswer | None = None,
          parties: bool = True) -> Intro:
    people = {}
    if parties:
        people = {Role.CONTACT: Party(1, Role.CONTACT, "Carla Diaz", "carla@vertex.example", "k1", contact,
                                      followup=contact_followup),
                  Role.PIN: Party(2, Role.PIN, "Felix Adams", "felix@mail.example", "k2", pin, followup=pin_followup)}
    return Intro(id=7, key="key", message_id=1, kind=Kind.INTRO_REQUEST, state=state, referrer_email="diane@wu.example",
                 pin_email="felix@mail.example", contact_email="carla@vertex.example", draft={}, created_at=NOW,
                 updated_at=NOW, hide_contact_until_yes=True, parties=people)


def test_every_move_a_rule_makes_is_a_legal_transition():
    """Each plan's move is in the table; the table covers the state machine of the README."""
    assert can_move(State.DRAFT, State.REQUESTED) and not can_move(State.DRAFT, State.FOLLOWED_UP)
    assert not can_move(State.CLOSED, State.REQUESTED) and not can_move(None, State.DRAFT)
    moves = {(State.DRAFT, lifecycle.on_approve().move), (State.DRAFT, lifecycle.on_cancel().move),
             (State.REQUESTED, lifecycle.on_cancel().move),
             (State.DRAFT, lifecycle.on_follow_up(replace(intro(State.DRAFT), kind=Kind.DIRECT_INTRO)).move)}
    assert moves <= set(TRANSITIONS)


# --- start ----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,reader,review", [
    (Kind.INTRO_REQUEST, Role.REFERRER, True), (Kind.SAID_TO_CONTACT, Role.REFERRER, True),
    (Kind.DIRECT_INTRO, Role.REFERRER, False), (Kind.SAID_TO_CONTACT, Role.CONTACT, False),
    (Kind.SAID_TO_CONTACT, Role.PIN, False)])
def test_start_offers_a_review_only_to_a_referrer_with_a_request_to_send(kind, reader, review):
    plan = lifecycle.on_start(kind, reader)
    assert lifecycle.needs_review(kind, reader) is review
    assert plan.timers == ((Timer(JobKind.REVIEW_REMINDER),) if review else ())
    assert plan.move is None and plan.mails == ()


# --- draft -> requested, draft -> cancelled, requested -> cancelled ---------------------------

def test_draft_to_requested_asks_both_parties_with_their_own_links_and_sets_the_calendar():
    plan = lifecycle.on_approve()
    assert plan.move is State.REQUESTED and plan.actor is Actor.REFERRER
    assert plan.mails == (Mail(MailPurpose.OPTIN_CONTACT, (Role.CONTACT,), LinkPurpose.OPTIN),
                          Mail(MailPurpose.OPTIN_PIN, (Role.PIN,), LinkPurpose.OPTIN))
    assert set(plan.timers) == {Timer(JobKind.PARTY_REMINDER, "contact"), Timer(JobKind.PARTY_REMINDER, "pin"),
                                Timer(JobKind.EXPIRE)}
    assert (JobKind.REVIEW_REMINDER, None) in plan.cancel


def test_limits_refuse_a_contact_asked_too_often_or_about_the_same_pin():
    from composer import refusals
    assert lifecycle.limit_problem(times_asked=2, pair_asked=0, limit=3) is None
    assert lifecycle.limit_problem(times_asked=3, pair_asked=0, limit=3) == lifecycle.TOO_OFTEN
    assert lifecycle.limit_problem(times_asked=0, pair_asked=1, limit=3) == lifecycle.SAME_PAIR
    words = dict(contact="Carla", pin="Felix", times=3)
    assert "asked 3 times" in refusals.limit(lifecycle.TOO_OFTEN, **words)
    assert "already asked about Felix" in refusals.limit(lifecycle.SAME_PAIR, **words)


@pytest.mark.parametrize("state", [State.DRAFT, State.REQUESTED])
def test_cancel_moves_to_cancelled_and_drops_every_job(state):
    plan = lifecycle.on_cancel()
    assert can_move(state, plan.move) and plan.move is State.CANCELLED
    assert plan.cancel == (ALL_JOBS,) and plan.mails == ()


# --- requested -> declined, requested -> connected --------------------------------------------

@pytest.mark.parametrize("decision", [Decision.NO, Decision.NOT_NOW])
@pytest.mark.parametrize("role", [Role.CONTACT, Role.PIN])
def test_requested_to_declined_tells_only_the_referrer(role, decision):
    recorded = intro(**{role.value: decision})
    plan = lifecycle.on_decision(recorded, role, decision)
    assert plan.move is State.DECLINED and plan.actor.value == role.value
    (mail,) = plan.mails
    assert mail.purpose is MailPurpose.DECLINED and mail.to == (Role.REFERRER,)
    assert plan.cancel == (ALL_JOBS,)
    assert plan.suppress == ((role,) if decision is Decision.NO else ())


def test_first_yes_waits_for_the_other_party():
    plan = lifecycle.on_decision(intro(contact=Decision.YES), Role.CONTACT, Decision.YES)
    assert plan.move is None and plan.mails == ()
    assert plan.cancel == ((JobKind.PARTY_REMINDER, "contact"),)


def test_requested_to_connected_on_the_second_yes_introduces_all_three():
    plan = lifecycle.on_decision(intro(contact=Decision.YES, pin=Decision.YES), Role.PIN, Decision.YES)
    assert plan.move is State.CONNECTED
    assert plan.mails == (Mail(MailPurpose.INTRODUCTION, (Role.CONTACT, Role.PIN, Role.REFERRER)),)
    assert set(plan.timers) == {Timer(JobKind.NUDGE_PIN), Timer(JobKind.FOLLOWUP)}


def test_a_decision_after_the_intro_settled_changes_nothing_but_the_timeline():
    plan = lifecycle.on_decision(intro(State.EXPIRED, contact=Decision.YES), Role.CONTACT, Decision.YES)
    assert plan.move is None and plan.mails == () and plan.note == "contact answered yes"


# --- connected -> followed_up -> closed, connected -> closed ---------------------------------

def test_connected_to_closed_when_someone_says_they_met():
    recorded = intro(State.CONNECTED, Decision.YES, Decision.YES, contact_followup=FollowupAnswer.MET)
    plan = lifecycle.on_followup_answer(recorded, Role.CONTACT, FollowupAnswer.MET)
    assert plan.move is State.CLOSED and can_move(State.CONNECTED, plan.move)
    assert [m.purpose for m in plan.mails] == [MailPurpose.SUMMARY_CONTACT, MailPurpose.THANKS_CONTACT]


def test_followed_up_stays_open_until_both_answer_when_nobody_met():
    one = intro(State.FOLLOWED_UP, Decision.YES, Decision.YES, pin_followup=FollowupAnswer.NOT_YET)
    assert lifecycle.on_followup_answer(one, Role.PIN, FollowupAnswer.NOT_YET).move is None
    both = intro(State.FOLLOWED_UP, Decision.YES, Decision.YES, FollowupAnswer.NO_LUCK, FollowupAnswer.NOT_YET)
    plan = lifecycle.on_followup_answer(both, Role.PIN, FollowupAnswer.NOT_YET)
    assert plan.move is State.CLOSED and can_move(State.FOLLOWED_UP, plan.move)
    assert [m.purpose for m in plan.mails] == [MailPurpose.SUMMARY_PIN]


# --- jobs ---------------------------------------------------------------------------------------

def test_job_review_reminder_only_while_in_draft_and_under_the_cap():
    draft = intro(State.DRAFT, parties=False)
    plan = lifecycle.on_job(draft, JobKind.REVIEW_REMINDER, "-", reminders_sent=0)
    assert plan.mails == (Mail(MailPurpose.REMINDER_REVIEW, (Role.REFERRER,), LinkPurpose.REVIEW),)
    assert lifecycle.on_job(draft, JobKind.REVIEW_REMINDER, "-", reminders_sent=MAX_REMINDERS).mails == ()
    assert lifecycle.on_job(intro(), JobKind.REVIEW_REMINDER, "-", reminders_sent=0).mails == ()


def test_job_party_reminder_goes_only_to_a_party_who_has_not_answered():
    plan = lifecycle.on_job(intro(), JobKind.PARTY_REMINDER, "contact", reminders_sent=0)
    assert plan.mails == (Mail(MailPurpose.REMINDER_CONTACT, (Role.CONTACT,), LinkPurpose.OPTIN),)
    assert lifecycle.on_job(intro(pin=Decision.YES), JobKind.PARTY_REMINDER, "pin", reminders_sent=0).mails == ()
    assert lifecycle.on_job(intro(), JobKind.PARTY_REMINDER, "referrer", reminders_sent=0).mails == ()
    assert lifecycle.on_job(intro(), JobKind.PARTY_REMINDER, "pin", reminders_sent=MAX_REMINDERS).mails == ()


def test_job_expire_moves_requested_to_expired_and_tells_the_referrer():
    plan = lifecycle.on_job(intro(), JobKind.EXPIRE, "-", reminders_sent=0)
    assert plan.move is State.EXPIRED and can_move(State.REQUESTED, plan.move)
    assert plan.mails == (Mail(MailPurpose.EXPIRED, (Role.REFERRER,)),) and plan.cancel == (ALL_JOBS,)
    assert lifecycle.on_job(intro(State.CONNECTED), JobKind.EXPIRE, "-", reminders_sent=0).move is None


def test_job_nudge_pin_only_once_connected():
    connected = intro(State.CONNECTED, Decision.YES, Decision.YES)
    assert lifecycle.on_job(connected, JobKind.NUDGE_PIN, "-", reminders_sent=0).mails == (
        Mail(MailPurpose.NUDGE_PIN, (Role.PIN,)),)
    assert lifecycle.on_job(intro(State.CLOSED), JobKind.NUDGE_PIN, "-", reminders_sent=0).mails == ()


def test_job_followup_moves_connected_to_followed_up_and_asks_both():
    plan = lifecycle.on_job(intro(State.CONNECTED, Decision.YES, Decision.YES), JobKind.FOLLOWUP, "-", reminders_sent=0)
    assert plan.move is State.FOLLOWED_UP and can_move(State.CONNECTED, plan.move)
    assert [m.to for m in plan.mails] == [(Role.CONTACT,), (Role.PIN,)]
    assert all(m.link is LinkPurpose.FOLLOWUP for m in plan.mails)
    assert lifecycle.on_job(intro(State.DECLINED), JobKind.FOLLOWUP, "-", reminders_sent=0).move is None


def test_every_job_kind_has_a_rule():
    for kind in JobKind:
        assert lifecycle.on_job(intro(State.CLOSED), kind, "-", reminders_sent=0).actor is Actor.BATON


# --- replies --------------------------------------------------------------------------------------

def test_only_the_person_a_key_was_given_to_can_act_by_reply():
    assert lifecycle.reply_problem("carla@vertex.example", "CARLA@vertex.example") is None
    assert lifecycle.reply_problem("carla@vertex.example", "mallory@evil.example")
    assert lifecycle.reply_problem(None, "carla@vertex.example")


def test_reply_words_map_to_decisions():
    assert lifecycle.decision_for(Command.YES) is Decision.YES
    assert lifecycle.decision_for(Command.NOT_NOW) is Decision.NOT_NOW
    assert lifecycle.decision_for(Command.SEND) is None


# --- "follow up" on a direct intro, and notes for the referrer ------------------------------------

def test_follow_up_on_a_direct_intro_sets_the_check_in_and_confirms_to_the_referrer():
    plan = lifecycle.on_follow_up(replace(intro(State.DRAFT, parties=False), kind=Kind.DIRECT_INTRO))
    assert plan.move is State.CONNECTED and plan.actor is Actor.REFERRER
    assert plan.timers == (Timer(JobKind.FOLLOWUP),)
    assert plan.mails == (Mail(MailPurpose.CONFIRMED, (Role.REFERRER,)),)


@pytest.mark.parametrize("kind,state", [(Kind.INTRO_REQUEST, State.DRAFT), (Kind.DIRECT_INTRO, State.CONNECTED),
                                        (Kind.SAID_TO_CONTACT, State.DRAFT)])
def test_follow_up_does_nothing_but_for_a_direct_intro_still_in_draft(kind, state):
    plan = lifecycle.on_follow_up(replace(intro(state), kind=kind))
    assert plan.move is None and not plan.mails and not plan.timers and plan.result == "does not apply"


def test_a_note_left_with_a_yes_goes_to_the_referrer_at_once():
    plan = lifecycle.on_decision(intro(contact=Decision.YES), Role.CONTACT, Decision.YES, left_note=True)
    assert Mail(MailPurpose.PARTY_NOTE, (Role.REFERRER,), extra=(("who", "contact"),)) in plan.mails
    both = lifecycle.on_decision(intro(contact=Decision.YES, pin=Decision.YES), Role.PIN, Decision.YES,
                                 left_note=True)
    assert [m.purpose for m in both.mails] == [MailPurpose.PARTY_NOTE, MailPurpose.INTRODUCTION]
    silent = lifecycle.on_decision(intro(contact=Decision.YES), Role.CONTACT, Decision.YES)
    assert not silent.mails


def test_a_note_left_with_a_no_rides_in_the_declined_email_only():
    plan = lifecycle.on_decision(intro(contact=Decision.NO), Role.CONTACT, Decision.NO, left_note=True)
    assert [m.purpose for m in plan.mails] == [MailPurpose.DECLINED]
