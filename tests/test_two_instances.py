"""Two Baton instances that mail each other stop after one hop (RFC 3834: never answer a robot)."""
from __future__ import annotations

import asyncio

from sqlalchemy import select

import settings as settings_mod
from store import migrate, outbox
from store.db import make_engine
from store.schema import inbound_messages
from tests.conftest import free_port
from tests.service_helpers import Running, wait_for

HANDOFF = """From: Team A <intro@a.example>
To: intro@b.example
Cc: Jane Roe <jane@roe.example>, Bob Li <bob@li.example>
Subject: Jane, meet Bob
Message-ID: <loop-1@a.example>

Jane, meet Bob Li. Bob is looking for a product role in Berlin; Jane ran product at Vertex.
"""


def instance(tmp_path, name: str, smtp_port: int, relay_port: int) -> settings_mod.Settings:
    url = f"sqlite:///{tmp_path / name / 'baton.db'}"
    (tmp_path / name).mkdir()
    migrate.upgrade(url)
    return settings_mod.load(assistant_address=f"intro@{name}.example", database_url=url, smtp_port=smtp_port,
                             web_port=free_port(), var_dir=tmp_path / name / "var", sender_policy="open",
                             outbound=f"smtp://127.0.0.1:{relay_port}?starttls=false", worker_poll_seconds=0.1)


async def test_two_instances_mailing_each_other_stop_after_one_hop(tmp_path):
    a_port, b_port = free_port(), free_port()
    a, b = instance(tmp_path, "a", a_port, b_port), instance(tmp_path, "b", b_port, a_port)
    path = tmp_path / "handoff.eml"
    path.write_text(HANDOFF)
    ea, eb = make_engine(a.database_url), make_engine(b.database_url)
    async with Running(a), Running(b) as baton_b:
        await baton_b.send(path)  # B drafts a reply to "Team A", which is A's own assistant address
        assert await wait_for(lambda: [r["status"] for r in outbox.rows(eb)] == ["sent"])
        assert await wait_for(lambda: [r["status"] for r in _messages(ea)] == ["processed"])
        await asyncio.sleep(1.0)  # time for a second hop, if there were one
    assert outbox.rows(ea) == []  # A did not answer B's draft
    assert len(outbox.rows(eb)) == 1 and len(_messages(eb)) == 1  # and nothing came back to B
    assert _messages(ea)[0]["analysis"]["outcome"] == "auto_generated"


def _messages(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(inbound_messages)).mappings()]
