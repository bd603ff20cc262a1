"""A message in an intro's thread is part of that intro, never a new hand-off (issue 12)."""
from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from store.db import make_engine
from store.schema import intro_events, intros
from tests.service_helpers import Running, maildir, wait_for


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode())
    return path


INTRO = """From: Hannah Price <hannah@pricelabs.example>
To: Ben Adler <ben@northgatevc.example>, Claire Dubois <claire@fernwood.example>
Cc: intro@baton.example
Subject: Intro: Ben <> Claire
Message-ID: <intro-1@pricelabs.example>

Ben, meet Claire. Claire, meet Ben.

Claire is raising a seed round and looking for a lead. Ben is a partner at Northgate.

Hannah
"""

# Ben answers all; intro@ is still in Cc. Its words even read like a new intro ("meet Sam").
REPLY_ALL = """From: Ben Adler <ben@northgatevc.example>
To: Hannah Price <hannah@pricelabs.example>, Claire Dubois <claire@fernwood.example>
Cc: intro@baton.example
Subject: Re: Intro: Ben <> Claire
Message-ID: <reply-1@northgatevc.example>
In-Reply-To: <intro-1@pricelabs.example>
References: <intro-1@pricelabs.example>

Thanks Hannah! Claire, please meet Sam Ortiz (sam@northgatevc.example), who runs our diligence; he will
set up a call. Moving Hannah to bcc.

Ben
"""


async def test_a_reply_all_in_an_intro_thread_starts_nothing_and_is_recorded(make_settings, tmp_path):
    s = make_settings()
    engine = make_engine(s.database_url)
    async with Running(s) as baton:
        await baton.send(_write(tmp_path, "intro.eml", INTRO))
        await wait_for(lambda: maildir(s))
        drafts = len(maildir(s))
        await baton.send(_write(tmp_path, "reply.eml", REPLY_ALL))

        def noted():
            with engine.connect() as conn:
                return conn.execute(select(func.count()).select_from(intro_events)
                                    .where(intro_events.c.why.like("a message in the intro's thread%"))).scalar()
        assert await wait_for(noted)
        await asyncio.sleep(0.3)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(intros)).scalar() == 1
    assert len(maildir(s)) == drafts  # nobody was written to about the reply
