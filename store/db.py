"""Engine set-up for SQLite (the default) and PostgreSQL, and the two ways to open a transaction:
`engine.begin()` for anything that writes, `reading(engine)` for a transaction that only reads."""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, Table, create_engine, event, exc
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

# The execution options `reading` and `first_in_line` set; only the SQLite begin hook reads them.
_READ_ONLY = "baton_read_only"
_FIRST_IN_LINE = "baton_first_in_line"
_RETRY_SECONDS = 0.0005


def make_engine(url: str, *, sqlite_busy_timeout_ms: int = 10_000) -> Engine:
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    if u.database and u.database != ":memory:":
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins:
        # the legacy module mode issues no BEGIN before a SELECT.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")  # a 250 promises the message survives power loss
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(sqlite_busy_timeout_ms)}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        options = conn.get_execution_options()
        if options.get(_READ_ONLY):
            # A deferred transaction reads a WAL snapshot and never waits for the writer.
            conn.exec_driver_sql("BEGIN")
            return
        if options.get(_FIRST_IN_LINE):
            _begin_first_in_line(conn.connection.driver_connection, sqlite_busy_timeout_ms / 1000)
            return
        # IMMEDIATE takes the write lock up front, so a read-then-write transaction never
        # fails to upgrade (SQLite reports that as "database is locked" without waiting).
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _begin_first_in_line(raw, timeout: float) -> None:
    """BEGIN IMMEDIATE, asked again every half millisecond while another connection writes.
    SQLite's own busy handler sleeps ever longer between tries (1, 2, 5 ... 100 ms): behind a
    worker's run of short transactions the listener's commit lost race after race, and an SMTP
    250 waited over a second (issue 17: `serve` p99 0.5-1.2 s on SQLite)."""
    deadline = time.monotonic() + timeout
    raw.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() > deadline:
                    raise exc.OperationalError("BEGIN IMMEDIATE", None, e) from None  # as SQLAlchemy raises it
            time.sleep(_RETRY_SECONDS)
    finally:
        raw.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")


def first_in_line(conn: Connection) -> Connection:
    """`conn` for a writer that must not wait behind others longer than their transactions take
    (the SMTP listener's group commit, which an SMTP 250 waits for). SQLite only; elsewhere the
    database queues writers itself."""
    return conn.execution_options(**{_FIRST_IN_LINE: True})


def reading(engine: Engine) -> Connection:
    """A connection whose transactions only read: on SQLite they begin deferred, so a read never
    queues behind the writer (with BEGIN IMMEDIATE every read took the write lock and waited).
    Use it as `with reading(engine) as conn:`; a write through it is not guarded against
    SQLite's failed lock upgrade, so anything that writes uses `engine.begin()`."""
    return engine.connect().execution_options(**{_READ_ONLY: True})


def upsert(table: Table, dialect: str) -> postgresql.Insert | sqlite.Insert:
    """An INSERT in the dialect's own construct (`conn.dialect.name`), which alone has
    `on_conflict_do_nothing` (ON CONFLICT).

    Imported here, for the dialect in use only: creating the engine has already loaded it, and
    importing the PostgreSQL dialect too at module level cost every SQLite command line ~50 ms."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert
        return postgresql_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert
    return sqlite_insert(table)
