"""The request the contact receives, rendered from the people and the facts.

Never stored as text: the draft shows it with [[blanks]] for what is missing, the review page
with a field for each, and the opt-in email renders it again from what the referrer approved, so
a corrected name or fact reaches every later email. A fact appears once: when two facts came
from the same words (one sentence can say the goal and the timeline), the second is not repeated.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from composer.cast import first, proper
from composer.cleaning import BLANK, clean
from composer.i18n import labelled, t
from model import FactField, Person

# The slots a request can have, in the order they are read; the first three are needed before
# it can go, the rest are said when known and left out when not.
NEEDED = (FactField.ASK, FactField.RELATIONSHIP, FactField.GOAL)
OPTIONAL = (FactField.TARGETS, FactField.REQUIREMENTS, FactField.TIMELINE, FactField.WHY_CONTACT, FactField.RESUME)
NAMES = ("pin_name", "contact_name", "referrer_name")
SLOTS = (*NAMES, *(f.value for f in NEEDED + OPTIONAL))
MAX_FACT = 300


def labels() -> dict[str, str]:
    """What each slot is called, on the review page and in the request's lines."""
    return {
        "pin_name": t("Their name"), "contact_name": t("The contact's name"), "referrer_name": t("Your name"),
        FactField.ASK.value: t("The ask"), FactField.RELATIONSHIP.value: t("How we know each other"),
        FactField.GOAL.value: t("Looking for"), FactField.TARGETS.value: t("Roles or companies"),
        FactField.REQUIREMENTS.value: t("Salary and place"), FactField.TIMELINE.value: t("By when"),
        FactField.WHY_CONTACT.value: t("Why you"), FactField.RESUME.value: t("Resume"),
    }


def hints() -> dict[str, str]:
    """The words inside a [[blank]]: what to type there."""
    return {
        "pin_name": t("their name"), "contact_name": t("their name"), "referrer_name": t("your name"),
        FactField.ASK.value: t("one concrete ask, e.g. a 20-minute call about your field"),
        FactField.RELATIONSHIP.value: t("how you know them"),
        FactField.GOAL.value: t("the roles or companies they are aiming at"),
    }


@dataclass(frozen=True)
class Request:
    subject: str
    body: str
    blanks: tuple[str, ...]  # the slot of each [[blank]] in subject + body, in order

    def template(self) -> str:
        """The request as the draft shows it, subject line first: what a reply quotes back."""
        return f"{t('Subject:')} {self.subject}\n\n{self.body}"

    def fill(self, values: list[str]) -> dict[str, str]:
        """The slots a reply filled, from the values typed over the blanks (in `template` order)."""
        out: dict[str, str] = {}
        for slot, value in zip(self.blanks, values, strict=False):
            value = clean(value, MAX_FACT) or ""
            if value and slot not in out:
                out[slot] = value
        return out


def render(*, referrer: Person, pin: Person, contact: Person, facts: Mapping[str, str | None],
           attachment: str | None = None) -> Request:
    """The request in the referrer's voice. A missing name or needed fact becomes a [[blank]]."""
    order: list[str] = []
    hint = hints()

    def blank(slot: str) -> str:
        order.append(slot)
        return f"[[{hint[slot]}]]"

    # The names are asked for once, in the body; the subject follows them when the request is
    # rendered again from what the referrer approved.
    if proper(pin) and proper(contact):
        subject = t("Intro? %(pin)s → %(contact)s", pin=proper(pin), contact=proper(contact))
    elif proper(contact):
        subject = t("Intro? Someone for %(contact)s", contact=proper(contact))
    else:
        subject = t("Would you be open to an intro?")
    hello = t("Hi %(name)s,", name=first(contact)) if first(contact) else t("Hi %(name)s,", name=blank("contact_name"))
    ask = t("Would you be open to helping %(pin)s?", pin=proper(pin) or blank("pin_name"))
    lines: list[str] = []
    seen: list[str] = []
    label = labels()
    for f in NEEDED + OPTIONAL:
        value = _value(facts.get(f.value))
        if f is FactField.RESUME and not value and attachment:
            value = t("attached (%(file)s)", file=attachment)
        if value and any(value in s for s in seen):
            continue  # said already, in the same words
        if value:
            seen.append(value)
            lines.append(labelled(label[f.value], sentence(value)))
        elif f in NEEDED:
            lines.append(labelled(label[f.value], blank(f.value)))
    sign = first(referrer) or blank("referrer_name")
    body = "\n\n".join([
        hello, ask, "\n".join(lines),
        t("If now isn't a good time, just say so; no reason needed. If yes, you'll both get an introduction "
          "by email."),
        t("Thanks,") + "\n" + sign,
    ])
    return Request(subject=subject, body=body, blanks=tuple(order))


def _value(raw: str | None) -> str | None:
    value = clean(raw, MAX_FACT)
    if not value or BLANK.search(value):
        return None
    return value


def sentence(value: str) -> str:
    """A fact as a line of its own: capital first, full stop last."""
    value = value.strip()
    value = value[:1].upper() + value[1:]
    return value if value[-1:] in ".?!…)" else value + "."
