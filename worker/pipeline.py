"""What happens to one stored message: analysis, an outcome, and the mail it causes.

Everything a message causes (intro row, outbox rows) is written in the transaction that marks
it processed, so a crash either leaves the message to be processed again or leaves all of its
effects, and the unique keys on intros and outbox make a second run harmless.
"""
from __future__ import annotations

import dataclasses
import logging
import secrets
from dataclasses import dataclass
from email import policy
from typing import Callable

from sqlalchemy import Connection, Engine

from composer.draft import AboutNote, IntroDraft, build_draft
from composer.render import render_about, render_reply
from inbound.analysis import analyze_bytes
from inbound.thread_ids import references_of
from outbound.dkim_sign import Signer
from store import intros, messages, outbox
from store.clock import clock
from store.messages import Claimed
from worker.outcomes import Outcome, decide

log = logging.getLogger("baton.pipeline")


@dataclass(frozen=True)
class Pipeline:
    engine: Engine
    assistant: str
    assistant_name: str
    domains: list[str]
    on_queued: Callable[[], None] = lambda: None
    sign: Callable[[bytes], bytes] | None = None  # DKIM, when configured

    @classmethod
    def from_settings(cls, engine: Engine, settings, on_queued: Callable[[], None] = lambda: None) -> "Pipeline":
        signer = None
        if settings.dkim_selector:
            signer = Signer.from_files(settings.dkim_selector, settings.assistant_domain, settings.dkim_key_file).sign
        return cls(engine, settings.assistant_address, settings.assistant_name, settings.domain_list, on_queued,
                   signer)

    def __call__(self, msg: Claimed) -> None:
        raw = msg.raw or b""
        analysis = analyze_bytes(raw, assistant=self.assistant, domains=self.domains)
        outcome = decide(analysis)
        queued = False
        with self.engine.begin() as conn:
            action = _ACTIONS.get(outcome)
            if action is not None:
                queued = action(self, conn, msg, analysis, references_of(raw))
            messages.finish(conn, msg.id, now=clock.now(), analysis={**analysis, "outcome": outcome.value})
        log.info("message id=%s outcome=%s kind=%s", msg.id, outcome.value, analysis.get("kind"))
        if queued:
            self.on_queued()

    def _start_intro(self, conn: Connection, msg: Claimed, analysis: dict, refs: list[str]) -> bool:
        draft = build_draft(analysis)
        if not isinstance(draft, IntroDraft):
            return False
        key = secrets.token_hex(10)
        intro_id = intros.create(
            conn, key=key, message_id=msg.id, kind=draft.kind, referrer_email=_email(analysis, "referrer"),
            pin_email=_email(analysis, "pin"), contact_email=_email(analysis, "contact"),
            draft=dataclasses.asdict(draft), now=clock.now())
        if intro_id is None:  # this message already started its intro
            return False
        reply = render_reply(draft, analysis=analysis, references=refs, key=key, assistant=self.assistant,
                             assistant_name=self.assistant_name, review_url=None)
        return self._queue(conn, f"intro:{intro_id}", "draft", analysis["reply_to"], reply, intro_id)

    def _send_about(self, conn: Connection, msg: Claimed, analysis: dict, refs: list[str]) -> bool:
        note = build_draft(analysis)
        if not isinstance(note, AboutNote):
            return False
        mail = render_about(note, analysis=analysis, references=refs, key=f"m{msg.id}x{secrets.token_hex(4)}",
                            assistant=self.assistant, assistant_name=self.assistant_name)
        # One "what Baton does" note per sender per day, however many messages they send.
        return self._queue(conn, f"about:{clock.now():%Y-%m-%d}", "about", analysis["reply_to"], mail, None)

    def _queue(self, conn: Connection, scope: str, purpose: str, recipient: str, mail, intro_id: int | None) -> bool:
        raw = mail.as_bytes(policy=policy.SMTP)
        if self.sign is not None:  # the outbox keeps, and the transport sends, exactly the signed bytes
            raw = self.sign(raw)
        return outbox.enqueue(conn, scope=scope, purpose=purpose, recipient=recipient, raw=raw,
                              now=clock.now(), intro_id=intro_id) is not None


def _email(analysis: dict, role: str) -> str | None:
    return (analysis.get(role) or {}).get("email")


_ACTIONS = {
    Outcome.HANDOFF: Pipeline._start_intro,
    Outcome.NOT_A_HANDOFF: Pipeline._send_about,
}
