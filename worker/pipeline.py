"""What happens to one stored message: analysis, then (later) the draft, intro and outbox rows.

Everything a message causes is written in the transaction that marks it processed, so a
crash either leaves the message to be processed again or leaves all of its effects.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from inbound.analysis import analyze_bytes
from store import messages
from store.clock import clock
from store.messages import Claimed


@dataclass(frozen=True)
class Pipeline:
    engine: Engine
    assistant: str
    domains: list[str]

    def __call__(self, msg: Claimed) -> None:
        analysis = analyze_bytes(msg.raw or b"", assistant=self.assistant, domains=self.domains)
        with self.engine.begin() as conn:
            messages.finish(conn, msg.id, now=clock.now(), analysis=analysis)
