"""The mail of the double opt-in: the request to the contact, the questions to the PIN, the
introduction once both said yes, and the kind note to the referrer when someone declined."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from composer.cleaning import clean, first_name
from composer.render import build_message, environment

DECISION_WORDS = {"no": "no", "not_now": "not now"}


@dataclass(frozen=True)
class Party:
    name: str | None
    email: str


@dataclass(frozen=True)
class PrepAnswer:
    label: str
    question: str
    answer: str


@dataclass(frozen=True)
class IntroMail:
    """What the opt-in mail says, as the referrer approved it on the review page."""
    referrer: Party
    contact: Party
    pin: Party
    blurb_subject: str
    blurb_body: str
    prep: tuple[PrepAnswer, ...]  # questions for the PIN; answers once given
    hide_contact_until_yes: bool = False


@dataclass(frozen=True)
class Sender:
    assistant: str
    assistant_name: str


def _first(p: Party, fallback: str) -> str:
    return first_name(clean(p.name, 80)) or fallback


def _name(p: Party, fallback: str) -> str:
    return clean(p.name, 80) or fallback


def _render(name: str, ctx: dict, *, sender: Sender, to: list[Party], subject: str, key: str, token: str,
            now: datetime | None, cc: tuple[Party, ...] | list[Party] = (),
            reply_key: str | None = None) -> EmailMessage:
    env = environment()
    ctx = {**ctx, "assistant": sender.assistant, "assistant_name": sender.assistant_name, "subject": subject}
    return build_message(text=env.get_template(f"{name}.txt").render(ctx),
                         html=env.get_template(f"{name}.html").render(ctx),
                         to=[(p.name, p.email) for p in to], cc=[(p.name, p.email) for p in cc], subject=subject,
                         key=reply_key or key, token=token, assistant=sender.assistant,
                         assistant_name=sender.assistant_name, now=now)


def _base(m: IntroMail) -> dict:
    return {"referrer_name": _name(m.referrer, "A friend"), "referrer_first": _first(m.referrer, "there"),
            "pin_name": _name(m.pin, "the person you are helping"), "pin_first": _first(m.pin, "they"),
            "contact_name": _name(m.contact, "your contact"), "contact_first": _first(m.contact, "there")}


def optin_contact(m: IntroMail, *, link: str, key: str, token: str, sender: Sender,
                  now: datetime | None = None) -> EmailMessage:
    """The forwardable request, sent only after the referrer approved it."""
    return _render("optin_contact", {**_base(m), "blurb_body": m.blurb_body, "link": link}, sender=sender,
                   to=[m.contact], subject=m.blurb_subject, key=key, token=token, now=now)


def optin_pin(m: IntroMail, *, link: str, key: str, token: str, sender: Sender,
              now: datetime | None = None) -> EmailMessage:
    base = _base(m)
    hidden = m.hide_contact_until_yes
    label = f"someone in {base['referrer_first']}'s network" if hidden else base["contact_name"]
    ctx = {**base, "contact_label": label, "contact_label_short": "they" if hidden else base["contact_first"],
           "prep": m.prep, "link": link}
    subject = f"Before {base['referrer_first']} introduces you: a few questions"
    return _render("optin_pin", ctx, sender=sender, to=[m.pin], subject=subject, key=key, token=token, now=now)


def introduction(m: IntroMail, *, why: str, key: str, token: str, sender: Sender,
                 now: datetime | None = None) -> EmailMessage:
    """One email to both, cc the referrer, in a new thread; replies go to the three people."""
    base = _base(m)
    answers = tuple(a for a in m.prep if a.answer)
    msg = _render("introduction", {**base, "why": why, "answers": answers}, sender=sender,
                  to=[m.contact, m.pin], cc=[m.referrer], key=key, token=token, now=now,
                  subject=f"Introduction: {base['pin_name']} and {base['contact_name']}")
    # Reply and reply-all reach the people, not Baton.
    del msg["Reply-To"]
    msg["Reply-To"] = msg["To"].addresses + msg["Cc"].addresses
    return msg


def declined(m: IntroMail, *, who: str, decision: str, note: str | None, key: str, token: str, sender: Sender,
             now: datetime | None = None) -> EmailMessage:
    """To the referrer: kindly, with the decliner's note; the other party is not told."""
    base = _base(m)
    party = m.contact if who == "contact" else m.pin
    ctx = {**base, "who": _name(party, who), "who_first": _first(party, who),
           "decision_words": DECISION_WORDS.get(decision, decision), "note": clean(note, 1000) if note else None}
    subject = f"Your intro of {base['pin_name']} to {base['contact_name']}"
    return _render("declined", ctx, sender=sender, to=[m.referrer], subject=subject, key=key, token=token, now=now)
