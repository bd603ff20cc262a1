"""Logs protect people: a whole run's log output carries ids and outcomes, never addresses,
tokens or message bodies (as Zulip's redact_email_address does)."""
from __future__ import annotations

import logging

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
