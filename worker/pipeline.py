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

from composer.draft import AboutNote, IntroDraft
from composer.llm import LLMConfig, config_from, improve
from composer.render import render_about, render_reply
from inbound.analysis import analyze_bytes, handoff_text
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
    llm: LLMConfig | None = None  # None: the rules alone, and no content leaves the machine

    @classmethod
    def from_settings(cls, engine: Engine, settings, on_queued: Callable[[], None] = lambda: None) -> "Pipeline":
        signer = None
        if settings.dkim_selector:
            signer = Signer.from_files(settings.dkim_selector, settings.assistant_domain, settings.dkim_key_file).sign
        llm = config_from(settings.llm_api_key, settings.llm_base_url, settings.llm_model,
                          settings.llm_timeout_seconds)
        return cls(engine, settings.assistant_address, settings.assistant_name, settings.domain_list, on_queued,
                   signer, llm)

    def __call__(self, msg: Claimed) -> None:
        raw = msg.raw or b""
        analysis = analyze_bytes(raw, assistant=self.assistant, domains=self.domains)
        outcome = decide(analysis, msg.mail_from)
        draft = None
        if outcome is not Outcome.AUTO_GENERATED:
            # The LLM call (if any) happens here, before the transaction: no row is locked while it runs.
            use_llm = self.llm is not None and outcome is Outcome.HANDOFF
            text = handoff_text(raw, assistant=self.assistant, domains=self.domains) if use_llm else ""
            draft, _ = improve(analysis, text, self.llm)
        queued = False
        with self.engine.begin() as conn:
            action = _ACTIONS.get(outcome)
            if action is not None:
                queued = action(self, conn, msg, analysis, draft, references_of(raw))
            messages.finish(conn, msg.id, now=clock.now(), analysis={**analysis, "outcome": outcome.value})
        log.info("message id=%s outcome=%s kind=%s", msg.id, outcome.value, analysis.get("kind"))
        if queued:
            self.on_queued()

    def _start_intro(self, conn: Connection, msg: Claimed, analysis: dict, draft, refs: list[str]) -> bool:
        if not isinstance(draft, IntroDraft):
            return False
        key = secrets.token_hex(10)
        intro_id = intros.create(
            conn, key=key, message_id=msg.id, kind=draft.kind, referrer_email=draft.referrer.email,
            pin_email=draft.pin.email, contact_email=draft.contact.email,
            draft=dataclasses.asdict(draft), now=clock.now())
        if intro_id is None:  # this message already started its intro
            return False
        reply = render_reply(draft, analysis=analysis, references=refs, key=key, assistant=self.assistant,
                             assistant_name=self.assistant_name, review_url=None)
        return self._queue(conn, f"intro:{intro_id}", "draft", analysis["reply_to"], reply, intro_id)

    def _send_about(self, conn: Connection, msg: Claimed, analysis: dict, note, refs: list[str]) -> bool:
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


_ACTIONS = {
    Outcome.HANDOFF: Pipeline._start_intro,
    Outcome.NOT_A_HANDOFF: Pipeline._send_about,
}
