"""Reads and writes of intros, their parties and their timeline. Every intro statement lives here;
intros/ holds the rules and calls these in the caller's transaction."""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

import mailboxes
from model import Actor, Decision, FollowupAnswer, Intro, KeyOwner, Kind, Party, Role, State
from store.db import reading, upsert
from store.schema import inbound_messages, intro_events, intro_parties, jobs, outbox
from store.schema import intros as t


def create(conn: Connection, *, key: str, message_id: int, kind: Kind, referrer_email: str | None,
           pin_email: str | None, contact_email: str | None, draft: Mapping[str, Any], now: datetime) -> int | None:
    """A new intro in state `draft`; None when this message already started one."""
    stmt = upsert(t, conn.dialect.name).values(
        key=key, message_id=message_id, kind=kind.value, state=State.DRAFT.value, referrer_email=referrer_email,
        referrer_key=mailboxes.key(referrer_email) if referrer_email else None,
        pin_email=pin_email, contact_email=contact_email, draft=dict(draft), created_at=now, updated_at=now,
    ).on_conflict_do_nothing(index_elements=["message_id"])
    return conn.execute(stmt.returning(t.c.id)).scalar()


def _party(row: Any) -> Party:
    return Party(id=row.id, role=Role(row.role), name=row.name, email=row.email, reply_key=row.reply_key,
                 decision=Decision(row.decision), note=row.note, answers=dict(row.answers or {}),
                 decided_at=row.decided_at, followup=FollowupAnswer(row.followup) if row.followup else None)


def _intro(row: Any, parties: dict[Role, Party]) -> Intro:
    return Intro(id=row.id, key=row.key, message_id=row.message_id, kind=Kind(row.kind), state=State(row.state),
                 referrer_email=row.referrer_email, pin_email=row.pin_email, contact_email=row.contact_email,
                 draft=dict(row.draft or {}), created_at=row.created_at, updated_at=row.updated_at,
                 hide_contact_until_yes=bool(row.hide_contact_until_yes), parties=parties)


def load(conn: Connection, intro_id: int) -> Intro:
    row = conn.execute(select(t).where(t.c.id == intro_id)).one()
    parties = {p.role: p for p in map(_party, conn.execute(
        select(intro_parties).where(intro_parties.c.intro_id == intro_id)))}
    return _intro(row, parties)


def move(conn: Connection, intro_id: int, *, frm: State, to: State, now: datetime) -> bool:
    """Compare-and-set of the state: two requests racing for the same move cannot both win."""
    return conn.execute(update(t).where(t.c.id == intro_id, t.c.state == frm.value)
                        .values(state=to.value, updated_at=now)).rowcount == 1


def state_of(conn: Connection, intro_id: int) -> State | None:
    value = conn.execute(select(t.c.state).where(t.c.id == intro_id)).scalar()
    return State(value) if value else None


def record(conn: Connection, intro_id: int, *, actor: Actor, now: datetime, why: str,
           from_state: State | None = None, to_state: State | None = None) -> None:
    """One line of the intro's timeline."""
    conn.execute(insert(intro_events).values(intro_id=intro_id, at=now, actor=actor.value,
                                             from_state=from_state.value if from_state else None,
                                             to_state=to_state.value if to_state else None, why=why[:1000]))


def save_approval(conn: Connection, intro_id: int, *, draft: Mapping[str, Any], contact: tuple[str | None, str],
                  pin: tuple[str | None, str], hide_contact_until_yes: bool, now: datetime) -> None:
    """The approved draft and the two parties, each with its own reply key."""
    conn.execute(update(t).where(t.c.id == intro_id).values(
        draft=dict(draft), contact_email=contact[1], pin_email=pin[1],
        hide_contact_until_yes=hide_contact_until_yes, updated_at=now))
    for role, (name, email) in ((Role.CONTACT, contact), (Role.PIN, pin)):
        conn.execute(intro_parties.insert().values(intro_id=intro_id, role=role.value, name=name, email=email,
                                                   email_key=mailboxes.key(email),
                                                   reply_key=secrets.token_hex(10), decision=Decision.PENDING.value))


def decide(conn: Connection, party_id: int, decision: Decision, *, note: str | None,
           answers: Mapping[str, str] | None, now: datetime) -> bool:
    """Records a decision if the party has none yet; False when someone decided first."""
    return conn.execute(update(intro_parties).where(intro_parties.c.id == party_id,
                                                    intro_parties.c.decision == Decision.PENDING.value)
                        .values(decision=decision.value, note=note, answers=dict(answers) if answers else None,
                                decided_at=now)).rowcount == 1


def decision_of(conn: Connection, party_id: int) -> Decision:
    return Decision(conn.execute(select(intro_parties.c.decision).where(intro_parties.c.id == party_id)).scalar_one())


def answer_followup(conn: Connection, intro_id: int, role: Role, answer: FollowupAnswer) -> bool:
    """Records a party's "did you connect?" answer; False when they had answered already."""
    return conn.execute(update(intro_parties).where(
        intro_parties.c.intro_id == intro_id, intro_parties.c.role == role.value,
        intro_parties.c.followup.is_(None)).values(followup=answer.value)).rowcount == 1


def followup_of(conn: Connection, intro_id: int, role: Role) -> FollowupAnswer | None:
    value = conn.execute(select(intro_parties.c.followup).where(
        intro_parties.c.intro_id == intro_id, intro_parties.c.role == role.value)).scalar()
    return FollowupAnswer(value) if value else None


def key_owner(conn: Connection, key: str) -> KeyOwner | None:
    """Whom intro+KEY@ was given to: the referrer (the intro's key) or a party (its reply key)."""
    row = conn.execute(select(t.c.id, t.c.referrer_email).where(t.c.key == key)).first()
    if row:
        return KeyOwner(row.id, Role.REFERRER, row.referrer_email)
    party = conn.execute(select(intro_parties.c.intro_id, intro_parties.c.role, intro_parties.c.email)
                         .where(intro_parties.c.reply_key == key)).first()
    return KeyOwner(party.intro_id, Role(party.role), party.email) if party else None


def started_by(conn: Connection, message_ids: list[str]) -> int | None:
    """The newest intro started by one of these messages (their Message-ID fields): a reply in
    that thread belongs to it."""
    if not message_ids:
        return None
    return conn.execute(select(t.c.id).join(inbound_messages, inbound_messages.c.id == t.c.message_id)
                        .where(inbound_messages.c.message_id.in_(message_ids[:40]))
                        .order_by(t.c.id.desc()).limit(1)).scalar()


def times_asked_stmt(contact_email: str, *, since: datetime, other_than: int):
    """How many other intros asked this contact since `since` (contacts are not a mailing list).
    Compared by mailbox, through ix_intro_parties_email_key: carla+1@ is Carla (issue 18, finding 6)."""
    return select(func.count()).select_from(intro_parties).join(t).where(
        intro_parties.c.role == Role.CONTACT.value, intro_parties.c.email_key == mailboxes.key(contact_email),
        t.c.updated_at >= since, t.c.id != other_than)


def times_asked(conn: Connection, contact_email: str, *, since: datetime, other_than: int) -> int:
    return conn.execute(times_asked_stmt(contact_email, since=since, other_than=other_than)).scalar_one()


def pair_asked(conn: Connection, contact_email: str, pin_email: str, *, since: datetime, other_than: int) -> int:
    """How many other intros asked this contact about this PIN since `since`."""
    contact_intros = select(intro_parties.c.intro_id).where(
        intro_parties.c.role == Role.CONTACT.value, intro_parties.c.email_key == mailboxes.key(contact_email))
    return conn.execute(select(func.count()).select_from(intro_parties).join(t).where(
        intro_parties.c.role == Role.PIN.value, intro_parties.c.email_key == mailboxes.key(pin_email),
        intro_parties.c.intro_id.in_(contact_intros), t.c.updated_at >= since,
        t.c.id != other_than)).scalar_one()


def all_(engine: Engine) -> list[dict]:
    with reading(engine) as conn:
        return [dict(r) for r in conn.execute(select(t).order_by(t.c.id)).mappings()]


def overview(engine: Engine, limit: int = 50) -> list[dict]:
    """Intros, newest first, with their parties and the next pending job."""
    with reading(engine) as conn:
        rows = [dict(r) for r in conn.execute(select(t).order_by(t.c.id.desc()).limit(limit)).mappings()]
        for row in rows:
            parties = conn.execute(select(intro_parties).where(intro_parties.c.intro_id == row["id"]))
            row["parties"] = {p.role: p for p in parties}
            row["next_job"] = conn.execute(select(jobs.c.kind, jobs.c.step, jobs.c.available_at).where(
                jobs.c.intro_id == row["id"], jobs.c.status == "pending").order_by(jobs.c.available_at)).first()
    return rows


def timeline(engine: Engine, intro_id: int) -> list[tuple]:
    """(time, what, detail, raw) for every event and every email of one intro, in order; raw is
    the email's bytes while the outbox keeps them, else None."""
    with reading(engine) as conn:
        events = [(e.at, "event", f"{e.actor}: {e.why}" + (f" [{e.from_state or '-'} -> {e.to_state}]"
                                                           if e.to_state else ""), None)
                  for e in conn.execute(select(intro_events).where(intro_events.c.intro_id == intro_id))]
        mails = [(m.created_at, "email", f"{m.purpose} to {m.recipient} ({m.status})", m.raw)
                 for m in conn.execute(select(outbox).where(outbox.c.intro_id == intro_id))]
    return sorted(events + mails, key=lambda x: x[0])


# What a settled intro's draft keeps after the purge: enough to render a late answer (a refusal
# in the right language) and to say what kind of intro it was; no names, facts or sentences.
_KEPT_IN_DRAFT = ("reader", "language")


def forget(engine: Engine, *, settled: tuple[str, ...], before: datetime, now: datetime, batch: int = 500) -> int:
    """Removes the personal data of intros settled (in a final state) before `before`: the draft's
    names, facts and quoted words, and the parties' names, notes and answers. Kept: state,
    addresses (who was asked, which caps and "asked once" read), decisions, follow-up answers and
    events."""
    purged = 0
    while True:
        with engine.begin() as conn:
            rows = conn.execute(select(t.c.id, t.c.draft).where(
                t.c.state.in_(settled), t.c.updated_at < before, t.c.purged_at.is_(None)).limit(batch)).all()
            for row in rows:
                kept = {k: v for k, v in (row.draft or {}).items() if k in _KEPT_IN_DRAFT}
                conn.execute(update(t).where(t.c.id == row.id).values(draft={**kept, "purged": True}, purged_at=now))
                conn.execute(update(intro_parties).where(intro_parties.c.intro_id == row.id)
                             .values(name=None, note=None, answers=None))
        purged += len(rows)
        if len(rows) < batch:
            return purged


def has_used_stmts(address: str) -> tuple:
    """As a referrer (ix_intros_referrer_key), as a contact or a PIN (ix_intro_parties_email_key)."""
    key = mailboxes.key(address)
    return (select(t.c.id).where(t.c.referrer_key == key).limit(1),
            select(intro_parties.c.id).where(intro_parties.c.email_key == key).limit(1))


def has_used(conn: Connection, address: str) -> bool:
    """Whether `address` has been part of an intro before: as its referrer, its contact or its PIN."""
    return any(conn.execute(stmt).first() for stmt in has_used_stmts(address))
