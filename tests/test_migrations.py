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
