"""What Baton does with an analysed message: one named outcome, decided in one place."""
from __future__ import annotations

from enum import Enum

from model import Analysis


class Outcome(Enum):
    AUTO_GENERATED = "auto_generated"      # bounce, auto-reply, list, our own mail: never answered
    BOUNCE = "bounce"                      # a delivery report to intro+bounce-KEY@: intros/bounces.py; never answered
    NO_REPLY_ADDRESS = "no_reply_address"  # nobody to answer without guessing an address
    UNTRUSTED_SENDER = "untrusted_sender"  # fails the sender policy: stored, analysed, never answered
    RATE_LIMITED = "rate_limited"          # waited for a daily cap longer than allowed: stored, analysed, not answered
    REPEATED = "repeated"                  # repeats a message answered lately (an autoresponder): never answered twice
    REPLY = "reply"                        # an answer to one of Baton's own messages (intro+KEY@)
    IN_THREAD = "in_thread"                # in the thread of a known intro (a reply-all, a thank-you): never new
    HANDOFF = "handoff"                    # start an intro and send the draft to the referrer
    NOT_A_HANDOFF = "not_a_handoff"        # a short note on what Baton does, once per sender per day
    STRANGER = "stranger"                  # not a hand-off, from someone who only cc'd Baton: not answered


def decide(analysis: Analysis, mail_from: str, *, trusted: bool = True, answers_baton: bool = False,
           in_thread: bool = False) -> Outcome:
    # The null reverse-path <> is only in the envelope: bounces and DSNs (RFC 5321 4.5.5).
    if analysis.auto_generated or not mail_from:
        return Outcome.AUTO_GENERATED
    if not trusted:  # no backscatter to forged senders, and no one acts in another's name
        return Outcome.UNTRUSTED_SENDER
    if answers_baton:  # a reply quoting Baton's draft must never be read as a new hand-off
        return Outcome.REPLY
    if in_thread:  # a message in an existing intro's thread is part of that intro, never a new one
        return Outcome.IN_THREAD
    if not analysis.reply_to:
        return Outcome.NO_REPLY_ADDRESS
    if analysis.kind.is_handoff:
        return Outcome.HANDOFF
    return Outcome.NOT_A_HANDOFF
