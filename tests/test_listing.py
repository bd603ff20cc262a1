"""store/listing.py reads with the driver what store.messages.recent and store.intros.overview read
with SQLAlchemy (issue #16: the listings start without importing it); these hold the two together
on SQLite and PostgreSQL, and check the errors the command line turns into its one-line advice."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from model import Decision, JobKind, Kind
from store import intros, jobs, listing, messages
from store.messages import Received

NOW = datetime(2026, 11, 30, 9, 15, 42, 123456, tzinfo=UTC)


def _receive(engine, n: int) -> list[int]:
    raws = [f"Message-ID: <m{i}@mail.example>\r\nSubject: hello {i}\r\n\r\nbody\r\n".encode() for i in range(n)]
    with engine.begin() as conn:
        stored = messages.insert_many(conn, [Received(raw, "a@mail.example", ["intro@baton.example"], "127.0.0.1",
                                                      "mail.example", NOW + timedelta(seconds=i))
                                             for i, raw in enumerate(raws)])
    return [s.id for s in stored]


def test_messages_read_as_store_messages_recent_reads_them(engine, db_url):
    ids = _receive(engine, 3)
    with engine.begin() as conn:
        messages.finish(conn, ids[0], now=NOW, analysis={"outcome": "handoff", "kind": "direct_intro",
                                                         "subject": "Meet Ana — café"})
        messages.finish(conn, ids[1], now=NOW, analysis=None)
    cols = ("id", "received_at", "status", "size", "analysis")
    expected = [{k: row[k] for k in cols} for row in messages.recent(engine, 2)]
    assert listing.messages(db_url, 2) == expected
    assert [r["id"] for r in expected] == [ids[2], ids[1]] and expected[0]["received_at"].tzinfo is UTC


def test_intros_read_as_store_intros_overview_reads_them(engine, db_url):
    ids = _receive(engine, 2)
    with engine.begin() as conn:
        first = intros.create(conn, key="k1", message_id=ids[0], kind=Kind.DIRECT_INTRO, referrer_email="r@x.example",
                              pin_email="p@x.example", contact_email="c@x.example", draft={}, now=NOW)
        second = intros.create(conn, key="k2", message_id=ids[1], kind=Kind.SAID_TO_CONTACT, referrer_email=None,
                               pin_email="p2@x.example", contact_email=None, draft={}, now=NOW)
        assert first and second
        intros.save_approval(conn, first, draft={}, contact=("C", "c@x.example"), pin=("P", "p@x.example"),
                             hide_contact_until_yes=False, now=NOW)
        party = conn.execute(intros.intro_parties.select().where(intros.intro_parties.c.intro_id == first)).first()
        assert party is not None
        intros.decide(conn, party.id, Decision.YES, note=None, answers=None, now=NOW)
        jobs.add(conn, first, JobKind.EXPIRE, due=NOW + timedelta(days=7), now=NOW)
        jobs.add(conn, first, JobKind.PARTY_REMINDER, due=NOW + timedelta(days=3), now=NOW, step="pin")
    read = listing.intros(db_url, 10)
    overview = intros.overview(engine, 10)
    assert [r["id"] for r in read] == [r["id"] for r in overview] == [second, first]
    for mine, theirs in zip(read, overview, strict=True):
        assert {k: mine[k] for k in ("state", "kind", "referrer_email", "pin_email", "contact_email")} == \
               {k: theirs[k] for k in ("state", "kind", "referrer_email", "pin_email", "contact_email")}
        assert mine["parties"] == {role: {"email": p.email, "decision": p.decision}
                                   for role, p in theirs["parties"].items()}
        job = theirs["next_job"]
        assert mine["next_job"] == ({"kind": job.kind, "step": job.step, "available_at": job.available_at}
                                    if job else None)
    assert read[1]["next_job"]["kind"] == "party_reminder" and len(read[1]["parties"]) == 2


def test_a_database_never_migrated_has_no_tables(tmp_path):
    with pytest.raises(listing.NoTables):
        listing.intros(f"sqlite:///{tmp_path / 'new' / 'baton.db'}", 5)


def test_a_database_that_cannot_be_opened_is_unusable(tmp_path):
    (tmp_path / "a-folder.db").mkdir()
    with pytest.raises(listing.Unusable) as e:
        listing.messages(f"sqlite:///{tmp_path / 'a-folder.db'}", 5)
    assert "unable to open database file" in str(e.value.orig)
