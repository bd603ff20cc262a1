"""Applies Alembic migrations from code (server.py migrate, tests)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

_HERE = Path(__file__).resolve().parent
# Installed from the wheel, alembic.ini sits beside this file; in the checkout, at the top.
_INI = next((p for p in (_HERE / "alembic.ini", _HERE.parent / "alembic.ini") if p.is_file()), None)


def _config(url: str) -> Config:
    cfg = Config(str(_INI) if _INI else None)
    cfg.set_main_option("script_location", str(_HERE / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(_config(url), revision)


def is_current(url: str) -> bool:
    """True when the database is at the newest migration (serve refuses to start otherwise)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from store.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()
    return current == set(ScriptDirectory.from_config(_config(url)).get_heads())
