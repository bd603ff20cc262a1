"""Logs protect people: a whole run's log output carries ids and outcomes, never addresses,
tokens or message bodies (as Zulip's redact_email_address does)."""
from __future__ import annotations

import logging
from email import policy
from email.message import EmailMessage

import aiosmtplib
import httpx

from logs import configure_logging
from tests.service_helpers import Running
from tests.test_optin import answer, approve, links, mail_to, party_link
from tests.test_outbound import Relay, start_relay

PEOPLE = ("diane@wu.example", "carla.diaz@vertex.example", "felix.adams@mail.example")


async def test_a_whole_intro_logs_no_address_token_or_body(make_settings, caplog):
    configure_logging("INFO")  # as server.py configures it
    caplog.set_level(logging.DEBUG, logger="baton")
    s = make_settings()
    async with Running(s, web=True) as baton:
        async with httpx.AsyncClient(timeout=10) as client:
            await approve(baton, s, client)
            await answer(client, party_link(s, "carla.diaz@vertex.example"), "yes")
            await answer(client, party_link(s, "felix.adams@mail.example"), "yes", answer_1="Staff security role")
    tokens = [u.rsplit("/", 1)[1] for m in mail_to(s, "diane@wu.example") + mail_to(s, "carla.diaz@vertex.example")
              for u in links(m)]
    # The test's own HTTP client (httpx) logs the URLs it fetches; Baton's side is what counts.
    text = "\n".join(r.getMessage() for r in caplog.records if r.name.split(".")[0] not in ("httpx", "httpcore"))
    assert "intro id=" in text and "message id=" in text  # the log does say what happened
    for secret in PEOPLE + tuple(tokens) + ("Umbrella Corp", "Staff security role", "Felix Adams"):
        assert secret not in text, f"{secret!r} reached the log"


async def test_a_relay_refusal_quoting_the_address_is_logged_redacted(make_settings, caplog):
    caplog.set_level(logging.INFO)
    server, port = await start_relay(Relay(["550 5.1.1 <paula@reyes.example>: no such user"]))
    s = make_settings(outbound=f"smtp://127.0.0.1:{port}?starttls=false")
    from store import outbox
    from store.db import make_engine
    from tests.service_helpers import HANDOFFS, wait_for
    async with Running(s) as baton:
        await baton.send(HANDOFFS / "direct-intro-meet.eml")
        assert await wait_for(lambda: [r["status"] for r in outbox.rows(make_engine(s.database_url))] == ["failed"])
    server.close()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "failed permanently" in text and "…@reyes.example" in text
    assert "paula@reyes.example" not in text


def _everything_stored(engine) -> str:
    """Every value in every table, as text (bytes decoded), for searching."""
    from sqlalchemy import select

    from store.schema import metadata
    found = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                found += [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row]
    return "\n".join(found)


def _intros_show(s, engine, monkeypatch):
    """`server.py intros show ID` for the one intro of `s`'s database, as the operator runs it."""
    from click.testing import CliRunner
    from sqlalchemy import select

    import server
    from store.schema import intros
    for name, value in (("DATABASE_URL", s.database_url), ("VAR_DIR", str(s.var_dir)), ("OUTBOUND", s.outbound)):
        monkeypatch.setenv(f"BATON_{name}", value)
    with engine.connect() as conn:
        intro_id = conn.execute(select(intros.c.id)).scalar_one()
    shown = CliRunner().invoke(server.cli, ["intros", "show", str(intro_id)])
    assert shown.exit_code == 0, shown.output
    return shown


async def test_finding_9_privacy_at_rest_no_live_token_stored_and_the_purge_forgets_people(make_settings, monkeypatch):
    """Issue 18, finding 9: once delivered, no outgoing mail (and so no live link token) is readable
    in the database; `intros show` says the text is gone but still shows who got what, when; after
    the retention window the purge removes names, facts and answers from the draft and the parties
    and deletes the outgoing mail, keeping state, decisions, events and the outbox's keys."""
    from datetime import timedelta

    from sqlalchemy import func, select

    from clock import clock
    from store import messages, outbox
    from store.db import make_engine
    from store.schema import intro_events, intro_parties, intros, outbox_keys
    from tests.service_helpers import wait_for
    from worker import retention

    s = make_settings()
    engine = make_engine(s.database_url)
    async with Running(s, web=True) as baton:
        async with httpx.AsyncClient(timeout=10) as client:
            await approve(baton, s, client)
            await answer(client, party_link(s, "carla.diaz@vertex.example"), "no", note="Not this quarter, sorry")
        # Felix answers by email, quoting the request with his live links: that reply is not kept either.
        (request,) = mail_to(s, "felix.adams@mail.example")
        reply = EmailMessage()
        reply["From"], reply["To"] = "Felix Adams <felix.adams@mail.example>", request["Reply-To"]
        reply["Subject"], reply["Message-ID"], reply["In-Reply-To"] = "Re: intro", "<felix-1@mail.example>", \
            request["Message-ID"]
        reply.set_content("yes\n\n" + "\n".join(f"> {line}" for line in
                                                request.get_body(("plain",)).get_content().splitlines()))
        await aiosmtplib.send(reply.as_bytes(policy=policy.SMTP), sender="felix.adams@mail.example",
                              recipients=[request["Reply-To"].addresses[0].addr_spec], hostname="127.0.0.1",
                              port=s.smtp_port)
        assert await wait_for(lambda: [r["status"] for r in messages.recent(engine)] == ["processed"] * 2)
        assert await wait_for(lambda: all(r["status"] == "sent" for r in outbox.rows(engine)) and
                              len(outbox.rows(engine)) >= 4)
    tokens = [u.rsplit("/", 1)[1] for who in ("diane@wu.example", "carla.diaz@vertex.example", "felix.adams@mail.example")
              for m in mail_to(s, who) for u in links(m)]
    assert len(tokens) >= 3
    stored = _everything_stored(engine)
    for token in tokens:
        assert token not in stored, "a live link token is readable in the database"
    assert all(r["raw"] is None for r in outbox.rows(engine))

    shown = _intros_show(s, engine, monkeypatch)
    assert "draft to diane@wu.example (sent)" in shown.output  # who was mailed what kind, and when
    assert "optin_contact to carla.diaz@vertex.example (sent)" in shown.output
    assert "text no longer stored" in shown.output and "Subject:" not in shown.output

    with engine.connect() as conn:
        assert conn.execute(select(intros.c.state)).scalar_one() == "declined"
    assert retention.purge(engine, retention_days=30, now=clock.now())["intros"] == 0  # too recent
    clock.advance(timedelta(days=31))
    counts = retention.purge(engine, retention_days=7, now=clock.now())  # never below the 30-day cap window
    assert counts["intros"] == 1 and counts["outbox"] >= 4, counts
    stored = _everything_stored(engine)
    for personal in ("Felix Adams", "Carla Diaz", "Diane Wu", "Not this quarter", "answer 0", "Umbrella Corp"):
        assert personal not in stored, f"{personal!r} survived the purge"
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(intro_events)).scalar_one() >= 3  # the timeline
        assert dict(conn.execute(select(intro_parties.c.role, intro_parties.c.decision)).all())["contact"] == "no"
        assert conn.execute(select(func.count()).select_from(outbox_keys)).scalar_one() >= 4  # nothing sent twice
    assert outbox.rows(engine) == []
    engine.dispose()


async def test_finding_9_files_and_folders_baton_creates_are_private(tmp_path):
    """The database, the Maildir, the var folder and the secret key: 0600 files in 0700 folders,
    whatever the umask of the shell that started Baton."""
    import os
    import stat
    import subprocess
    import sys
    from pathlib import Path

    import settings as settings_mod
    from tests.conftest import free_port
    from tests.service_helpers import HANDOFFS, maildir, wait_for

    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")}
    env.update(BATON_VAR_DIR=str(var), BATON_DATABASE_URL=f"sqlite:///{var / 'baton.db'}",
               BATON_OUTBOUND=f"maildir:{var / 'outbox'}")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "server.py", "migrate"], cwd=root, env=env, capture_output=True,
                          text=True, preexec_fn=lambda: os.umask(0o022))
    assert done.returncode == 0, done.stderr
    s = settings_mod.load(var_dir=var, database_url=env["BATON_DATABASE_URL"], outbound=env["BATON_OUTBOUND"],
                          smtp_port=free_port(), web_port=free_port(), sender_policy="open", worker_poll_seconds=0.1)
    async with Running(s, web=True) as baton:
        await baton.send(HANDOFFS / "direct-intro-meet.eml")
        assert await wait_for(lambda: maildir(s))
    modes = {str(p.relative_to(tmp_path)): stat.S_IMODE(p.stat().st_mode) for p in [var, *var.rglob("*")]}
    assert {"var/baton.db", "var/secret_key", "var/outbox/new"} <= modes.keys()
    assert [p for p in (var / "outbox" / "new").iterdir()]
    wrong = {p: oct(m) for p, m in modes.items() if m != (0o700 if (tmp_path / p).is_dir() else 0o600)}
    assert wrong == {}


async def test_intros_show_prints_the_text_of_an_email_not_yet_delivered(make_settings, monkeypatch):
    """Issue 13: `intros show ID` prints each email's text while Baton still holds it (here the relay
    answers 451, so the draft waits for a retry); once delivered the text is gone (finding 9 above)."""

    from store import outbox
    from store.db import make_engine
    from tests.service_helpers import HANDOFFS, wait_for
    relay, port = await start_relay(Relay(["451 4.3.0 try again later"] * 5))
    s = make_settings(outbound=f"smtp://127.0.0.1:{port}?starttls=false")
    engine = make_engine(s.database_url)
    async with Running(s) as baton:
        await baton.send(HANDOFFS / "direct-intro-meet.eml")
        assert await wait_for(lambda: [(r["status"], r["attempts"] > 0) for r in outbox.rows(engine)]
                              == [("pending", True)])
    relay.close()
    shown = _intros_show(s, engine, monkeypatch)
    assert "draft to paula@reyes.example (pending)" in shown.output
    assert "      Subject: Re: " in shown.output and "      | Hi Paula," in shown.output
    assert "text no longer stored" not in shown.output
