"""The rows `server.py messages` and `server.py intros` print, read with the database's own driver.

Not SQLAlchemy: importing it costs a command line ~0.3 s before it has read a row, half of the
0.6 s a person at a terminal should wait (issue #16, bench/cli_bench.py), and these are three
plain SELECTs on tables store/schema.py defines. They read what store.messages.recent and
store.intros.overview read, and tests/test_listing.py holds them to it.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class NoTables(Exception):
    """The database has none of Baton's tables: `server.py migrate` was never run on it."""


class Unusable(Exception):
    """The database cannot be opened or reached; `orig` is the driver's error (or the OSError of
    making the SQLite file's folder), as SQLAlchemy's errors carry it."""

    def __init__(self, orig: Exception) -> None:
        super().__init__(str(orig))
        self.orig = orig


def messages(url: str, limit: int) -> list[dict[str, Any]]:
    """The newest messages first: id, received_at, status, size and analysis."""
    with _reading(url) as read:
        return [{"id": id_, "received_at": _utc(received_at), "status": status, "size": size,
                 "analysis": _json(analysis)}
                for id_, received_at, status, size, analysis in read(
                    "SELECT id, received_at, status, size, analysis FROM inbound_messages ORDER BY id DESC LIMIT ?",
                    limit)]


def intros(url: str, limit: int) -> list[dict[str, Any]]:
    """The newest intros first, each with its parties by role and its next pending job (or None)."""
    with _reading(url) as read:
        rows = [{"id": id_, "state": state, "kind": kind, "referrer_email": referrer, "pin_email": pin,
                 "contact_email": contact}
                for id_, state, kind, referrer, pin, contact in read(
                    "SELECT id, state, kind, referrer_email, pin_email, contact_email FROM intros "
                    "ORDER BY id DESC LIMIT ?", limit)]
        for row in rows:
            row["parties"] = {role: {"email": email, "decision": decision} for role, email, decision in read(
                "SELECT role, email, decision FROM intro_parties WHERE intro_id = ?", row["id"])}
            job = read("SELECT kind, step, available_at FROM jobs WHERE intro_id = ? AND status = 'pending' "
                       "ORDER BY available_at LIMIT 1", row["id"])
            row["next_job"] = {"kind": job[0][0], "step": job[0][1], "available_at": _utc(job[0][2])} if job else None
    return rows


@contextmanager
def _reading(url: str) -> Iterator[Any]:
    """`read(sql, *params)` -> rows, in one read transaction; driver errors become NoTables or
    Unusable, as the SQLAlchemy path reports them."""
    if url.startswith("sqlite:"):
        import sqlite3 as driver

        # As store.db.make_engine: the folder is made, a missing file is created (and then has no tables).
        path = url[len("sqlite:///"):].split("?")[0] or ":memory:"
        placeholder = "?"
        try:
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            # timeout: as make_engine's busy_timeout; BEGIN (deferred) reads a WAL snapshot without the write lock.
            conn: Any = driver.connect(path, timeout=10, isolation_level=None)
            conn.execute("BEGIN")
        except (OSError, driver.OperationalError) as e:
            raise Unusable(e) from None
    else:
        import psycopg as driver  # type: ignore[no-redef]

        placeholder = "%s"
        try:
            conn = driver.connect(url.replace("postgresql+psycopg://", "postgresql://", 1))
        except driver.OperationalError as e:
            raise Unusable(e) from None

    def read(sql: str, *params: Any) -> list[tuple]:
        return conn.execute(sql.replace("?", placeholder), params).fetchall()

    try:
        yield read
    except driver.Error as e:
        # SQLite says so in words; PostgreSQL by its error's class (SQLSTATE 42P01).
        if "no such table" in str(e) or type(e).__name__ == "UndefinedTable":
            raise NoTables() from None
        if isinstance(e, driver.OperationalError):
            raise Unusable(e) from None
        raise
    finally:
        conn.close()


def _utc(value: datetime | str) -> datetime:
    """Naive UTC in the database (store.schema.UTCDateTime): SQLite keeps text, PostgreSQL a timestamp."""
    return (datetime.fromisoformat(value) if isinstance(value, str) else value).replace(tzinfo=UTC)


def _json(value: Any) -> Any:
    """A JSON column: text on SQLite, already decoded by psycopg."""
    return json.loads(value) if isinstance(value, str) else value
