"""The intro's state machine (README, "The double opt-in"): legal moves in one table, every move
an event row.

    draft -> requested -> connected -> followed_up -> closed
      |          |-> declined | expired
      '-> cancelled <-'
    draft -> connected: a direct intro, when its referrer replies "follow up"
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from model import Actor, State
from store import intros as store

# (from, to): what the move means. Anything else is refused.
TRANSITIONS: dict[tuple[State, State], str] = {
    (State.DRAFT, State.REQUESTED): "the referrer approved the draft; opt-in requests sent",
    (State.DRAFT, State.CANCELLED): "the referrer cancelled before anyone was asked",
    # A direct intro happened before Baton saw it; "follow up" only asks Baton to check in later.
    (State.DRAFT, State.CONNECTED): "the referrer of a direct intro asked Baton to follow up",
    (State.REQUESTED, State.CONNECTED): "both said yes; the introduction went out",
    (State.REQUESTED, State.DECLINED): "the contact or the PIN said no or not now",
    (State.REQUESTED, State.EXPIRED): "no answer in time",
    (State.REQUESTED, State.CANCELLED): "the referrer cancelled",
    (State.CONNECTED, State.FOLLOWED_UP): "Baton asked both how it went",
    (State.CONNECTED, State.CLOSED): "the outcome is known",
    (State.FOLLOWED_UP, State.CLOSED): "the outcome is known",
}


class IllegalTransition(Exception):
    pass


def can_move(frm: State | None, to: State) -> bool:
    return frm is not None and (frm, to) in TRANSITIONS


def transition(conn: Connection, intro_id: int, to: State, *, actor: Actor, now: datetime,
               why: str | None = None) -> State:
    """Moves the intro to `to` and records it; refuses an illegal move without changing anything.
    Returns the state the intro came from."""
    current = store.state_of(conn, intro_id)
    if current is None or not can_move(current, to):
        raise IllegalTransition(f"intro {intro_id}: {current} -> {to}")
    if not store.move(conn, intro_id, frm=current, to=to, now=now):
        raise IllegalTransition(f"intro {intro_id}: state changed under us")
    store.record(conn, intro_id, actor=actor, now=now, why=why or TRANSITIONS[(current, to)], from_state=current,
                 to_state=to)
    return current
