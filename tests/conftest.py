"""Shared fixtures: a migrated database on SQLite and (when BATON_TEST_POSTGRES_URL is set) PostgreSQL."""
from __future__ import annotations

import os
import socket
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

import settings as settings_mod
from clock import clock
from store import migrate
from store.db import make_engine
from store.schema import metadata

POSTGRES_URL = os.environ.get("BATON_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A port nothing listens on, never one this session handed out before: the kernel may
    offer a just-closed port again, and a test that asks for two would get one port twice."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


# Each test session gets its own schema, so two runs on one machine (a developer's and CI's)
# never drop or truncate each other's tables.
SCHEMA = f"baton_test_{os.getpid()}"


def _scoped(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{SCHEMA}"


def _reset_postgres(url: str) -> None:
    """An empty schema for this session (`url` may be scoped or not)."""
    engine = make_engine(url.split("?")[0])
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()


@pytest.fixture(autouse=True)
def _reset_clock():
    """Tests may move Baton's clock; every test starts at the real time."""
    yield
    clock.offset = timedelta()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A PostgreSQL database migrated once for the session; tests truncate what they used."""
    if not POSTGRES_URL:
        pytest.skip("BATON_TEST_POSTGRES_URL is not set (.ci/run sets it; CI never skips this)")
    url = _scoped(POSTGRES_URL)
    _reset_postgres(url)
    migrate.upgrade(url)
    yield url
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    """A migrated, empty database: a fresh SQLite file, or the session's PostgreSQL truncated."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'baton.db'}"
        migrate.upgrade(url)
        return url
    url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    with engine.begin() as conn:
        names = ", ".join(t.name for t in metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url) -> Engine:
    e = make_engine(db_url, sqlite_busy_timeout_ms=2000)
    yield e
    e.dispose()


@pytest.fixture
def make_settings(db_url, tmp_path):
    def make(**kw) -> settings_mod.Settings:
        return settings_mod.load(**{
            "assistant_address": "intro@baton.example", "database_url": db_url, "smtp_port": free_port(),
            "web_port": free_port(), "var_dir": tmp_path / "var", "outbound": f"maildir:{tmp_path / 'outbox'}",
            "worker_poll_seconds": 0.1, "sender_policy": "open", **kw})
    return make


@pytest.fixture
async def running(make_settings):
    """The whole service (SMTP, worker, web) and an HTTP client: (baton, settings, client)."""
    import httpx

    from tests.service_helpers import Running
    s = make_settings()
    async with Running(s, web=True) as baton:
        async with httpx.AsyncClient(timeout=10) as client:
            yield baton, s, client


@pytest.fixture
async def listener(engine):
    """Baton's SMTP listener alone, on a free port, storing into `engine` (200 KB limit)."""
    import asyncio

    from inbound.smtp import listener as smtp
    from store.intake import IntakeWriter
    writer = IntakeWriter(engine).start()
    policy = smtp.Policy("intro", frozenset({"baton.example"}), max_recipients=5)
    handler = smtp.IntakeHandler(policy, writer.store, store_timeout=10)
    server = await smtp.start(handler, host="127.0.0.1", port=0, hostname="baton.example",
                              max_bytes=200_000, timeout=30)
    yield "127.0.0.1", server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    await asyncio.to_thread(writer.stop)


def pytest_asyncio_loop_factories(config, item):
    """Every async test runs on the event loop Baton runs on (service.new_event_loop: uvloop)."""
    import service

    return {"loop": service.new_event_loop}
