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
