"""Hostile input to the web forms (hypothesis): never a 500, never unescaped markup, never a
state the state machine does not know. OWASP XSS / injection classes; RFC 8058-style POST-only."""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from starlette.testclient import TestClient

import settings as settings_mod
from clock import clock
from composer.draft import build_draft
from composer.optin_mail import Addressee, Sender
from inbound.analysis.analyze import analyze_bytes
from intros import flow
from intros.states import TRANSITIONS
from model import LinkPurpose, Role
from outbound.mailer import Mailer
from store import migrate, tokens
from store.db import make_engine
from store.schema import intros
from web.app import create_app

REVIEW_FIELDS = ["referrer_name", "contact_name", "contact_email", "pin_name", "pin_email", "fact_ask",
                 "fact_relationship", "fact_goal", "fact_timeline", "fact_resume", "hide_contact_until_yes", "action"]
NASTY = st.one_of(st.text(max_size=300), st.sampled_from([
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "a\r\nBcc: victim@example.net",
    "=?UTF-8?Q?=0A?=Bcc: x@example.net", "[[blank]]", "\x00\x01\x7f", "x" * 5000, "dana@mail.example",
    "' OR 1=1 --", "{{ 7*7 }}", "\u202e\u2066", "send", "cancel"]))
STATES = {s for pair in TRANSITIONS for s in pair}


def _app(tmp_path):
    url = f"sqlite:///{tmp_path / 'web.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    ctx = flow.Context(sender=Sender("intro@baton.example", "Baton"), mailer=Mailer(), public_url="http://testserver")
    raw = (settings_mod.load().fixtures_dir / "handoffs" / "intro-request-complete.eml").read_bytes()
    analysis = analyze_bytes(raw, assistant="intro@baton.example", domains=["baton.example"])
    with engine.begin() as conn:
        started = flow.start(conn, message_id=1, draft=build_draft(analysis), referrer_email="diane@wu.example",
                             addresses=[], now=clock.now(), ctx=ctx)
    return engine, ctx, TestClient(create_app(engine, secret="s3cret", ctx=ctx), raise_server_exceptions=True), \
        started.review_url.rsplit("/", 1)[1], started.intro_id


def _token(html: str) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]+)"', html).group(1)


def test_review_form_survives_hostile_fields(tmp_path):
    engine, ctx, client, token, intro_id = _app(tmp_path)
    form_token = _token(client.get(f"/r/{token}").text)
    seen: set[int] = set()

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(fields=st.dictionaries(st.sampled_from(REVIEW_FIELDS), NASTY, max_size=12))
    def post(fields):
        r = client.post(f"/r/{token}", data={"form_token": form_token, **fields})
        seen.add(r.status_code)
        assert r.status_code in (200, 400, 403, 409)
        assert "<script>alert" not in r.text and "<img src=x" not in r.text  # markup never unescaped
        with engine.connect() as conn:
            assert conn.execute(select(intros.c.state).where(intros.c.id == intro_id)).scalar() in STATES

    post()
    assert 400 in seen  # the fuzzer did reach validation


def test_optin_form_survives_hostile_fields(tmp_path):
    engine, ctx, client, token, intro_id = _app(tmp_path)
    approval = flow.Approval(referrer_name="<b>Diane</b>", contact=Addressee("<script>x</script>", "carla@vertex.example"),
                             pin=Addressee("Felix", "felix@mail.example"), facts={"ask": "<img src=x onerror=alert(1)>"},
                             hide_contact_until_yes=False)
    with engine.begin() as conn:
        flow.approve(conn, intro_id, approval, now=clock.now(), ctx=ctx)
        optin = tokens.issue(conn, intro_id, purpose=LinkPurpose.OPTIN, role=Role.PIN, now=clock.now(), ttl=ctx.token_ttl)
    page = client.get(f"/o/{optin}")
    assert page.status_code == 200 and "<script>x</script>" not in page.text and "&lt;script&gt;x" in page.text
    form_token = _token(page.text)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(decision=NASTY, note=NASTY, reach=NASTY, answers=st.lists(NASTY, max_size=8))
    def post(decision, note, reach, answers):
        fields = ("goal", "targets", "ask", "timeline", "requirements", "resume", "1", "x")
        data = {"form_token": form_token, "decision": decision, "note": note, "reach": reach,
                **{f"answer_{f}": a for f, a in zip(fields, answers, strict=False)}}
        r = client.post(f"/o/{optin}", data=data)
        assert r.status_code in (200, 400, 403)
        assert "<script>" not in r.text

    post()
