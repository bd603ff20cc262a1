"""Alembic: upgrade head on an empty database and downgrade base, on each backend."""
from __future__ import annotations

from sqlalchemy import inspect

from store import migrate
from store.db import make_engine
from store.schema import metadata
from tests.conftest import _reset_postgres


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


def _round_trip(url: str) -> None:
    migrate.upgrade(url)
    assert {t.name for t in metadata.sorted_tables} | {"alembic_version"} <= _tables(url)
    migrate.downgrade(url, "base")
    assert _tables(url) <= {"alembic_version"}
    migrate.upgrade(url)  # and back up again
    assert "inbound_messages" in _tables(url)


def test_upgrade_and_downgrade_on_sqlite(tmp_path):
    _round_trip(f"sqlite:///{tmp_path / 'm.db'}")


def test_upgrade_and_downgrade_on_postgres(postgres_url):
    _reset_postgres(postgres_url)
    try:
        _round_trip(postgres_url)
    finally:  # leave the session schema migrated for the other tests
        migrate.upgrade(postgres_url)


def test_migrations_stay_on_one_head():
    """Several issues add migrations; two heads would make `migrate` refuse to choose."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate._config("sqlite://"))
    assert len(script.get_heads()) == 1, f"migration heads: {script.get_heads()} (rebase one onto the other)"
    revisions = list(script.walk_revisions())
    assert sum(1 for r in revisions if r.down_revision is None) == 1  # one root, one line


def test_the_schema_in_code_matches_the_migrations(tmp_path):
    """store/schema.py and the newest migration describe the same tables and columns."""
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    found = inspect(engine)
    for table in metadata.sorted_tables:
        assert {c["name"] for c in found.get_columns(table.name)} == {c.name for c in table.columns}, table.name
    engine.dispose()


def _0008_keeps_old_answers_and_links(url: str) -> None:
    """A "did you connect?" link mailed before the rename still opens, and an answer given before
    it is still the party's followup."""
    from datetime import datetime

    from sqlalchemy import text
    migrate.upgrade(url, "0007")
    engine = make_engine(url)
    now = {"n": datetime(2026, 12, 1), "f": False}
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO inbound_messages (id, dedup_key, mail_from, rcpt_tos, received_at, size, sha256,"
                          " status, attempts, available_at) VALUES (1, 'd', 'a@b.example', '[]', :n, 1, 's',"
                          " 'processed', 0, :n)"), now)
        conn.execute(text("INSERT INTO intros (id, key, message_id, kind, state, draft, created_at, updated_at,"
                          " hide_contact_until_yes) VALUES (1, 'k', 1, 'direct_intro', 'followed_up', '{}', :n, :n, :f)"),
                     now)
        conn.execute(text("INSERT INTO intro_parties (id, intro_id, role, email, reply_key, decision, outcome) VALUES"
                          " (1, 1, 'pin', 'p@b.example', 'rk', 'yes', 'met')"))
        conn.execute(text("INSERT INTO tokens (token_hash, intro_id, purpose, role, created_at, expires_at) VALUES"
                          " ('h', 1, 'outcome', 'pin', :n, :n)"), now)
    engine.dispose()
    migrate.upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT followup FROM intro_parties")).scalar_one() == "met"
        assert conn.execute(text("SELECT purpose FROM tokens")).scalar_one() == "followup"
    engine.dispose()


def test_0008_keeps_followup_answers_and_links_made_before_it_on_sqlite(tmp_path):
    _0008_keeps_old_answers_and_links(f"sqlite:///{tmp_path / 'm.db'}")


def test_0008_keeps_followup_answers_and_links_made_before_it_on_postgres(postgres_url):
    _reset_postgres(postgres_url)
    try:
        _0008_keeps_old_answers_and_links(postgres_url)
    finally:  # leave the session schema empty and migrated for the other tests
        _reset_postgres(postgres_url)
        migrate.upgrade(postgres_url)
