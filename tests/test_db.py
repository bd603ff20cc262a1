"""Transactions: on SQLite a read never queues behind the writer, and writers still serialise."""
from __future__ import annotations

import threading

from sqlalchemy import text

from store.db import make_engine, reading


def _counter_table(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE baton_test_counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"))
        conn.execute(text("INSERT INTO baton_test_counter (id, n) VALUES (1, 0)"))


def _drop(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE baton_test_counter"))


def test_a_read_does_not_wait_for_a_long_write(db_url):
    # A busy timeout far longer than the test's guard: a read that queued behind the write
    # lock would still be waiting when the writer gives up holding it.
    engine = make_engine(db_url, sqlite_busy_timeout_ms=60_000)
    _counter_table(engine)
    writing, read_done = threading.Event(), threading.Event()
    seen: list[int] = []
    errors: list[BaseException] = []

    def writer() -> None:
        with engine.begin() as conn:
            conn.execute(text("UPDATE baton_test_counter SET n = 99 WHERE id = 1"))
            writing.set()
            read_done.wait(30)  # holds the write lock until the reader is done (or the guard ends)

    def reader() -> None:
        try:
            with reading(engine) as conn:
                seen.append(conn.execute(text("SELECT n FROM baton_test_counter WHERE id = 1")).scalar_one())
        except BaseException as e:  # reported by the assertion below
            errors.append(e)
        finally:
            read_done.set()

    w = threading.Thread(target=writer)
    w.start()
    assert writing.wait(10)
    r = threading.Thread(target=reader)
    r.start()
    r.join(40)
    finished_while_writing = w.is_alive()
    w.join()
    try:
        assert not errors
        assert seen == [0]  # the committed value: the write in progress is not visible
        assert finished_while_writing, "the read waited for the writer to commit"
        with reading(engine) as conn:
            assert conn.execute(text("SELECT n FROM baton_test_counter")).scalar_one() == 99
    finally:
        _drop(engine)
        engine.dispose()


def test_read_then_write_transactions_serialise(db_url):
    """Each thread reads the counter and writes it back plus one: with a deferred BEGIN two such
    transactions would fail to upgrade ('database is locked'); the write lock taken up front
    makes them queue, and no increment is lost."""
    engine = make_engine(db_url, sqlite_busy_timeout_ms=30_000)
    _counter_table(engine)
    threads, rounds = 4, 25
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def bump() -> None:
        start.wait()
        for _ in range(rounds):
            try:
                with engine.begin() as conn:
                    n = conn.execute(text("SELECT n FROM baton_test_counter WHERE id = 1")).scalar_one()
                    if conn.dialect.name == "postgresql":  # PostgreSQL's readers do not lock: ask it to
                        n = conn.execute(text("SELECT n FROM baton_test_counter WHERE id = 1 FOR UPDATE")
                                         ).scalar_one()
                    conn.execute(text("UPDATE baton_test_counter SET n = :n WHERE id = 1"), {"n": n + 1})
            except BaseException as e:  # reported by the assertion below
                errors.append(e)

    pool = [threading.Thread(target=bump) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    try:
        assert not errors, errors[:1]
        with reading(engine) as conn:
            assert conn.execute(text("SELECT n FROM baton_test_counter")).scalar_one() == threads * rounds
    finally:
        _drop(engine)
        engine.dispose()


def test_the_first_in_line_writer_waits_for_the_lock_then_restores_the_busy_timeout(tmp_path, monkeypatch):
    """The listener's writer (store.db.first_in_line) asks for the lock again and again rather
    than through SQLite's ever slower busy handler: it gets it once the other writer is done, it
    gives up with "database is locked" after the busy timeout, and it leaves the connection's busy
    timeout as it found it."""
    import pytest
    from sqlalchemy.exc import OperationalError

    import store.db
    from store.db import first_in_line

    # Its own retries, half a millisecond apart, are what keeps it first in line: SQLite's busy
    # handler would wait inside one BEGIN and never come back here.
    tries: list[float] = []
    real_sleep = store.db.time.sleep
    monkeypatch.setattr(store.db.time, "sleep", lambda seconds: (tries.append(seconds), real_sleep(seconds)))
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}", sqlite_busy_timeout_ms=300)
    _counter_table(engine)
    holder = engine.connect()
    holder.begin()
    holder.execute(text("UPDATE baton_test_counter SET n = n + 1"))  # holds the write lock
    with pytest.raises(OperationalError, match="database is locked"):
        with first_in_line(engine.connect()) as conn, conn.begin():
            conn.execute(text("UPDATE baton_test_counter SET n = n + 10"))
    threading.Timer(0.15, holder.commit).start()  # released within the writer's busy timeout
    with first_in_line(engine.connect()) as conn:
        with conn.begin():
            conn.execute(text("UPDATE baton_test_counter SET n = n + 10"))
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 300
    with reading(engine) as conn:
        assert conn.execute(text("SELECT n FROM baton_test_counter")).scalar() == 11
    assert len(tries) > 10 and set(tries) == {store.db._RETRY_SECONDS}
    holder.close()
    engine.dispose()
