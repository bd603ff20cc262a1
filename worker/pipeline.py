"""What happens to one stored message: analysis, an outcome, and the mail it causes.

Everything a message causes (intro row, outbox rows) is written in the transaction that marks
it processed, so a crash either leaves the message to be processed again or leaves all of its
effects, and the unique keys on intros and outbox make a second run harmless.
"""
from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine

import mailboxes
import metrics
from clock import clock
from composer.draft import AboutNote, Handoff
from composer.llm import LLMConfig, config_from, improve
from composer.render import render_about, render_reply
from inbound.analysis import dsn, replies
from inbound.analysis.analyze import handoff_text, parse_and_analyze
from inbound.analysis.people import baton_matcher
from inbound.analysis.thread import references_of
from intros import bounces, flow
from model import HEADER_SOURCES, Analysis, KeyOwner, MailPurpose, Role
from store import intros as intro_store
from store import messages
from store.db import reading
from store.messages import Claimed
from worker import caps as caps_mod
from worker import deadline
from worker.caps import Caps
from worker.outcomes import Outcome, decide
from worker.repeats import fingerprint
from worker.senders import SenderCheck

log = logging.getLogger("baton.pipeline")
_ANSWERING = threading.Lock()


# Reply-To is not among them for a draft: a sender may put anyone there.
_ANSWERABLE = ("from_", "to", "cc")


def draft_recipient(analysis: Analysis, parsed, sender: str | None) -> str | None:
    """Whom a draft (or a "what Baton does" note) goes to: the analysis's reply_to when it is
    the sender or stands in the message's own From/To/Cc fields, otherwise the sender. A
    forwarded block is body text, so a referrer found only there is reached through the sender,
    who gets the draft with a note to pass on (issue 18, finding 2)."""
    wanted = (analysis.reply_to or "").lower()
    if not wanted:
        return None
    in_headers = {p.email.lower() for name in _ANSWERABLE for p in getattr(parsed, name) if p.email}
    if wanted in in_headers:
        return analysis.reply_to
    return sender.lower() if sender else None


@dataclass(frozen=True)
class Pipeline:
    engine: Engine
    assistant: str
    assistant_name: str
    domains: list[str]
    ctx: flow.Context
    on_queued: Callable[[], None] = lambda: None
    llm: LLMConfig | None = None  # None: the rules alone, and no content leaves the machine
    senders: SenderCheck = SenderCheck("open")
    caps: Caps = Caps()
    repeat_window: timedelta = timedelta(days=7)
    _total: caps_mod.RecentTotal = field(default_factory=caps_mod.RecentTotal, init=False, repr=False, compare=False)

    @classmethod
    def from_settings(cls, engine: Engine, settings, ctx: flow.Context,
                      on_queued: Callable[[], None] = lambda: None) -> Pipeline:
        llm = config_from(settings.llm_api_key, settings.llm_base_url, settings.llm_model,
                          settings.llm_timeout_seconds)
        caps = Caps(per_sender=settings.daily_cap_per_sender, total=settings.daily_cap_total,
                    domain_percent=settings.daily_cap_domain_percent,
                    exempt_domains=frozenset([*settings.domain_list, settings.assistant_domain]),
                    max_wait=timedelta(days=settings.cap_max_wait_days))
        return cls(engine, settings.assistant_address, settings.assistant_name, settings.domain_list, ctx,
                   on_queued, llm, SenderCheck.from_settings(settings), caps,
                   timedelta(days=settings.repeat_window_days))

    def __call__(self, msg: Claimed) -> None:
        if msg.deferred and self._still_waiting(msg, msg.deferred):
            return  # still over its cap: one indexed count, and the message is not parsed again
        raw = msg.raw or b""
        with metrics.ANALYSIS.time():
            parsed, analysis = parse_and_analyze(raw, assistant=self.assistant, domains=self.domains)
        deadline.check("sender authentication")
        sender = next((p.email for p in parsed.from_ if p.email), None)
        trusted, why, auth = (True, "", None) if analysis.auto_generated else self.senders(raw, msg, sender)
        deadline.check("deciding")
        owner = self._key_owner(parsed, msg.rcpt_tos)
        thread_intro = None if owner else self._thread_intro(analysis)
        # Whom a draft or note may go to: the analysis names whom it would answer (the referrer
        # when known), but Baton writes only to the sender or an address in the message's own
        # header fields, never to one seen only in its body or a forwarded block.
        answer = replace(analysis, reply_to=draft_recipient(analysis, parsed, sender))
        outcome = decide(answer, msg.mail_from, trusted=trusted, answers_baton=owner is not None,
                         in_thread=thread_intro is not None)
        if dsn.bounce_key(msg.rcpt_tos, assistant=self.assistant, domains=self.domains):
            outcome = Outcome.BOUNCE  # mail to the envelope sender of Baton's own mail: a report, never answered
        if outcome is Outcome.NOT_A_HANDOFF and not self._knows_baton(parsed, analysis, sender):
            outcome = Outcome.STRANGER  # only cc'd intro@ and never used Baton: a note would be unsolicited mail
        answers = outcome in (Outcome.HANDOFF, Outcome.NOT_A_HANDOFF)
        # What an autoresponder's answer would cause again and again: a draft, or (to intro+KEY@,
        # with no command) a refusal. A "what Baton does" note goes once a day whatever it answers.
        print_ = fingerprint(sender or msg.mail_from, parsed.text or "") if outcome is Outcome.HANDOFF or (
            outcome is Outcome.REPLY and replies.command(parsed) is None) else None
        if print_ is not None and self._repeats(print_, msg.id):
            outcome, answers = Outcome.REPEATED, False
        if answers:
            capped = self._cap_reached(msg, recipient=answer.reply_to or "", sender_domain=mailboxes.domain(sender))
            if capped == "wait":
                return
            if capped is not None:
                outcome = Outcome.RATE_LIMITED
        draft = None
        if outcome in (Outcome.HANDOFF, Outcome.NOT_A_HANDOFF):
            # The LLM call (if any) happens here, before the transaction: no row is locked while it runs.
            use_llm = self.llm is not None and outcome is Outcome.HANDOFF
            text = handoff_text(parsed) if use_llm else ""
            draft, _ = improve(answer, text, self.llm)
        deadline.check("writing its results")  # past it the runner has marked it failed: write nothing
        queued = False
        with self._answering(outcome):
            if outcome in (Outcome.HANDOFF, Outcome.NOT_A_HANDOFF):
                capped = self._cap_reached(msg, recipient=answer.reply_to or "",
                                           sender_domain=mailboxes.domain(sender))
                if capped == "wait":
                    return
                if capped is not None:
                    outcome = Outcome.RATE_LIMITED
            with self.engine.begin() as conn:
                if outcome is Outcome.REPLY and owner is not None:
                    result = flow.apply_reply(conn, owner, sender, replies.command(parsed), now=clock.now(),
                                              ctx=self.ctx,
                                              fill=lambda template: replies.filled_blanks(template, parsed.text),
                                              words=replies.own_words(parsed), message_id=msg.id)
                    log.info("message id=%s reply to intro id=%s as %s: %s", msg.id, owner.intro_id, owner.role.value,
                             result)
                    queued = True
                if outcome is Outcome.IN_THREAD and thread_intro is not None:
                    flow.note_in_thread(conn, thread_intro, sender, now=clock.now())
                action = _ACTIONS.get(outcome)
                if action is not None:
                    queued = action(self, conn, msg, answer, draft, references_of(raw), mailboxes.domain(sender))
                record = {**analysis.to_json(), "outcome": outcome.value, "sender_check": why or None, "auth": auth,
                          "intro_id": owner.intro_id if owner else thread_intro,
                          "answered": answer.reply_to if queued and action is not None else None}
                # An answer to Baton's own mail (a reply, a message in an intro's thread, a bounce) may
                # quote it, live links and all: its bytes are not kept once it has been acted on.
                messages.finish(conn, msg.id, now=clock.now(), analysis=record,
                                drop_raw=owner is not None or thread_intro is not None or outcome is Outcome.BOUNCE,
                                fingerprint=print_ if queued and outcome is not Outcome.REPEATED else None,
                                claim=msg.attempts)
        metrics.PROCESSED.labels(outcome.value).inc()
        log.info("message id=%s outcome=%s kind=%s", msg.id, outcome.value, analysis.kind.value)
        if queued:
            self.on_queued()

    @contextmanager
    def _answering(self, outcome: Outcome) -> Iterator[None]:
        """Answers are checked against the caps and committed one at a time in this process: with
        concurrent workers (BATON_WORKER_CONCURRENCY) two threads could each see room for one more.
        The first check, before any LLM call, spares the work; the one under this lock keeps the count."""
        if outcome not in (Outcome.HANDOFF, Outcome.NOT_A_HANDOFF):
            yield
            return
        with _ANSWERING:
            yield

    def _repeats(self, print_: str, message_id: int) -> bool:
        if not self.repeat_window:  # BATON_REPEAT_WINDOW_DAYS=0: every message is answered
            return False
        with reading(self.engine) as conn:
            return messages.answered_recently(conn, print_, since=clock.now() - self.repeat_window,
                                              other_than=message_id)

    def _cap_reached(self, msg: Claimed, *, recipient: str, sender_domain: str | None) -> str | None:
        """None when answering fits the daily caps (worker/caps.py); "wait" when the message was put
        back until the window has room; the cap's name when it has waited too long already."""
        now = clock.now()
        with reading(self.engine) as conn:
            over = caps_mod.over(conn, self.caps, recipient=recipient, sender_domain=sender_domain, now=now,
                                 total=self._total)
        if over is None:
            return None
        since = (msg.deferred or {}).get("since") or now.isoformat()
        if over.until - datetime.fromisoformat(since) > self.caps.max_wait:
            return over.cap
        messages.defer(self.engine, msg.id, until=over.until, why={
            "cap": over.cap, "since": since, "recipient": recipient, "sender_domain": sender_domain},
            claim=msg.attempts)
        metrics.PROCESSED.labels("deferred").inc()
        log.info("message id=%s deferred by the %s cap until %s", msg.id, over.cap, f"{over.until:%Y-%m-%d %H:%M:%S}")
        return "wait"

    def _still_waiting(self, msg: Claimed, deferred: dict) -> bool:
        """A message a cap put back: if the same cap is still full, put it back again without parsing it."""
        return self._cap_reached(msg, recipient=deferred.get("recipient") or "",
                                 sender_domain=deferred.get("sender_domain")) == "wait"

    def _knows_baton(self, parsed, analysis: Analysis, sender: str | None) -> bool:
        """Whether a "not a hand-off" note would be welcome: the sender wrote to Baton itself (To, not
        only Cc), replied to Baton's mail, has used Baton before, or is on the operator's own domains."""
        if not sender:
            return False
        is_baton = baton_matcher(self.assistant, self.domains)
        if any(p.email and is_baton(p.email) for p in parsed.to):
            return True
        ours = {d.lower() for d in self.domains} | {self.assistant.rpartition("@")[2].lower()}
        cited = [analysis.thread.in_reply_to or "", *analysis.thread.references]
        if any(ref.strip("<>").rpartition("@")[2].lower() in ours for ref in cited if ref):
            return True
        if sender.rpartition("@")[2].lower() in ours:
            return True
        with reading(self.engine) as conn:
            return intro_store.has_used(conn, sender)

    def _thread_intro(self, analysis: Analysis) -> int | None:
        """The intro whose thread this message continues (its In-Reply-To or References cite the
        message that started it), found with the database the analysis does not have."""
        ids = list(dict.fromkeys(([analysis.thread.in_reply_to] if analysis.thread.in_reply_to else [])
                                 + list(reversed(analysis.thread.references))))
        if not ids:
            return None
        with reading(self.engine) as conn:
            return intro_store.started_by(conn, ids)

    def _key_owner(self, parsed, rcpt_tos: list[str]) -> KeyOwner | None:
        found = replies.keys(parsed, rcpt_tos, assistant=self.assistant, domains=self.domains)
        if not found:
            return None
        with reading(self.engine) as conn:
            return next((o for o in (flow.key_owner(conn, k) for k in found) if o), None)

    def _start_intro(self, conn: Connection, msg: Claimed, analysis: Analysis, draft, refs: list[str],
                     charge: str | None) -> bool:
        if not isinstance(draft, Handoff):
            return False
        people = [p for p in analysis.participants if p.email and p.role is not Role.ASSISTANT]
        addresses = sorted({p.email for p in people if p.email})
        # Only these may be written to without the referrer confirming them on the review page:
        # never an address seen only in a body mention, quoted history or the LLM's output.
        in_headers = sorted({p.email.lower() for p in people if p.email and p.source in HEADER_SOURCES})
        # The referrer's address counts only when it is the one answered or stands in the headers:
        # a "send" by reply must come from someone who was in the conversation.
        named = (draft.referrer.email or "").lower()
        referrer_email = analysis.reply_to if draft.reader is Role.REFERRER else (
            draft.referrer.email if named and named in in_headers else None)
        started = flow.start(conn, message_id=msg.id, draft=draft, referrer_email=referrer_email,
                             addresses=addresses, header_addresses=in_headers, now=clock.now(), ctx=self.ctx)
        if started is None:  # this message already started its intro
            return False
        reply = render_reply(draft, analysis=analysis, references=refs, key=started.key, assistant=self.assistant,
                             assistant_name=self.assistant_name, review_url=started.review_url)
        return self.ctx.mailer.queue(conn, scope=f"intro:{started.intro_id}", purpose=MailPurpose.DRAFT.value,
                                     recipient=analysis.reply_to or "", mail=reply, now=clock.now(),
                                     intro_id=started.intro_id, sender_domain=charge)

    def _send_about(self, conn: Connection, msg: Claimed, analysis: Analysis, note, refs: list[str],
                    charge: str | None) -> bool:
        if not isinstance(note, AboutNote):
            return False
        mail = render_about(note, analysis=analysis, references=refs, key=f"m{msg.id}x{secrets.token_hex(4)}",
                            assistant=self.assistant, assistant_name=self.assistant_name)
        # One "what Baton does" note per sender per day, however many messages they send.
        return self.ctx.mailer.queue(conn, scope=f"about:{clock.now():%Y-%m-%d}", purpose=MailPurpose.ABOUT.value,
                                     recipient=analysis.reply_to or "", mail=mail, now=clock.now(),
                                     sender_domain=charge)

    def _bounce(self, conn: Connection, msg: Claimed, analysis: Analysis, draft, refs: list[str],
                charge: str | None) -> bool:
        key = dsn.bounce_key(msg.rcpt_tos, assistant=self.assistant, domains=self.domains) or ""
        result, queued = bounces.handle(conn, key, dsn.read(msg.raw or b""), now=clock.now(), ctx=self.ctx)
        log.info("message id=%s delivery report: %s", msg.id, result)
        return queued


_ACTIONS = {
    Outcome.BOUNCE: Pipeline._bounce,
    Outcome.HANDOFF: Pipeline._start_intro,
    Outcome.NOT_A_HANDOFF: Pipeline._send_about,
}
