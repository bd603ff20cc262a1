"""Queries on intros (the double-opt-in process started by one hand-off message)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from store.schema import intros as t


def create(conn: Connection, *, key: str, message_id: int, kind: str, referrer_email: str | None,
           pin_email: str | None, contact_email: str | None, draft: dict, now: datetime) -> int | None:
    """A new intro in state `draft`; None when this message already started one."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(t).values(
        key=key, message_id=message_id, kind=kind, state="draft", referrer_email=referrer_email,
        pin_email=pin_email, contact_email=contact_email, draft=draft, created_at=now, updated_at=now,
    ).on_conflict_do_nothing(index_elements=["message_id"])
    return conn.execute(stmt.returning(t.c.id)).scalar()


def all_(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(t).order_by(t.c.id)).mappings()]


def overview(engine: Engine, limit: int = 50) -> list[dict]:
    """Intros, newest first, with their parties and the next pending job."""
    from store.schema import intro_parties, jobs

    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(t).order_by(t.c.id.desc()).limit(limit)).mappings()]
        for row in rows:
            row["parties"] = {p.role: p for p in conn.execute(select(intro_parties).where(intro_parties.c.intro_id == row["id"]))}
            row["next_job"] = conn.execute(select(jobs.c.kind, jobs.c.step, jobs.c.available_at).where(
                jobs.c.intro_id == row["id"], jobs.c.status == "pending").order_by(jobs.c.available_at)).first()
    return rows


def timeline(engine: Engine, intro_id: int) -> list[tuple]:
    """(time, what, detail) for every event and every email of one intro, in order."""
    from store.schema import intro_events, outbox

    with engine.connect() as conn:
        events = [(e.at, "event", f"{e.actor}: {e.why}" + (f" [{e.from_state or '-'} -> {e.to_state}]" if e.to_state else ""))
                  for e in conn.execute(select(intro_events).where(intro_events.c.intro_id == intro_id))]
        mails = [(m.created_at, "email", f"{m.purpose} to {m.recipient} ({m.status})")
                 for m in conn.execute(select(outbox).where(outbox.c.intro_id == intro_id))]
    return sorted(events + mails, key=lambda x: x[0])
