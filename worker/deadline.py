"""One message's time budget: the runner starts it, the pipeline checks it between stages.

A thread cannot be stopped from outside, so the pipeline looks at the clock at each stage
boundary (after parsing, after authentication, before writing) and gives up with OverBudget;
the runner marks the message failed with that reason (issue 18, finding 8). A context variable
carries the deadline, since the runner hands each message to a worker thread in a copied context.
"""
from __future__ import annotations

import time
from contextvars import ContextVar

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("baton_message_deadline", default=None)


class OverBudget(Exception):
    """The message took longer than BATON_WORKER_MESSAGE_SECONDS: failed, not retried."""


def start(seconds: float) -> None:
    _deadline.set((time.monotonic() + seconds, seconds))


def check(stage: str) -> None:
    found = _deadline.get()
    if found is not None and time.monotonic() > found[0]:
        raise OverBudget(f"took longer than {found[1]:g} s (BATON_WORKER_MESSAGE_SECONDS), before {stage}")
