"""/metrics (Prometheus) counts what happened; the queue gauges come from the database."""
from __future__ import annotations

import re

from store import messages
from store.db import make_engine
from tests.service_helpers import HANDOFFS, wait_for
from tests.test_optin import mail_to


def value(text: str, name: str, labels: str = "") -> float:
    m = re.search(rf"^{re.escape(name)}{re.escape(labels)} ([0-9.e+-]+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


async def test_metrics_count_messages_outcomes_and_deliveries(running):
    baton, s, client = running
    before = (await client.get(f"{baton.base_url}/metrics")).text
    await baton.send(HANDOFFS / "direct-intro-meet.eml")
    await baton.send(HANDOFFS / "auto-reply-vacation.eml")
    engine = make_engine(s.database_url)
    await wait_for(lambda: mail_to(s, "paula@reyes.example")
                   and [r["status"] for r in messages.recent(engine)] == ["processed", "processed"])
    after = (await client.get(f"{baton.base_url}/metrics"))
    assert after.headers["content-type"].startswith("text/plain")
    text = after.text

    def delta(name: str, labels: str = "") -> float:
        return value(text, name, labels) - value(before, name, labels)

    assert delta("baton_messages_received_total") == 2
    assert delta("baton_messages_processed_total", '{outcome="handoff"}') == 1
    assert delta("baton_messages_processed_total", '{outcome="auto_generated"}') == 1
    assert delta("baton_outbox_total", '{result="sent"}') == 1
    assert delta("baton_smtp_accept_seconds_count") == 2 and delta("baton_analysis_seconds_count") == 2
    assert value(text, "baton_queue_depth") == 0 and value(text, "baton_outbox_pending") == 0
