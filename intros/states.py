"""The intro's state machine (DESIGN.md): legal moves in one table, every move an event row.

    draft -> requested -> connected -> followed_up -> closed
      |          |-> declined | expired
      '-> cancelled <-'
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from store.schema import intro_events, intros

# (from, to): what the move means. Anything else is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "requested"): "the referrer approved the draft; opt-in requests sent",
    ("draft", "cancelled"): "the referrer cancelled before anyone was asked",
    ("requested", "connected"): "both said yes; the introduction went out",
    ("requested", "declined"): "the contact or the PIN said no or not now",
    ("requested", "expired"): "no answer in time",
    ("requested", "cancelled"): "the referrer cancelled",
    ("connected", "followed_up"): "Baton asked both how it went",
    ("connected", "closed"): "the outcome is known",
    ("followed_up", "closed"): "the outcome is known",
}
FINAL = frozenset({"closed", "declined", "expired", "cancelled"})


class IllegalTransition(Exception):
    pass


def transition(conn: Connection, intro_id: int, to: str, *, actor: str, now: datetime, why: str | None = None) -> str:
    """Moves the intro to `to` and records it; refuses an illegal move without changing anything.

    The UPDATE compares and sets the state, so two requests racing for the same move
    cannot both win. Returns the state the intro came from.
    """
    current = conn.execute(select(intros.c.state).where(intros.c.id == intro_id)).scalar()
    if current is None or (current, to) not in TRANSITIONS:
        raise IllegalTransition(f"intro {intro_id}: {current} -> {to}")
    moved = conn.execute(update(intros).where(intros.c.id == intro_id, intros.c.state == current)
                         .values(state=to, updated_at=now)).rowcount
    if moved != 1:
        raise IllegalTransition(f"intro {intro_id}: state changed under us")
    record(conn, intro_id, actor=actor, now=now, why=why or TRANSITIONS[(current, to)], from_state=current,
           to_state=to)
    return current


def record(conn: Connection, intro_id: int, *, actor: str, now: datetime, why: str, from_state: str | None = None,
           to_state: str | None = None) -> None:
    conn.execute(insert(intro_events).values(intro_id=intro_id, at=now, actor=actor, from_state=from_state,
                                             to_state=to_state, why=why[:1000]))
