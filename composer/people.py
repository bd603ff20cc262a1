"""Who is who in a hand-off, and how Baton's prose refers to each of them.

The reply speaks to one reader (whoever `reply_to` is): that role becomes "you", the others
their first name, or a plain description when the message never named them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from composer.cleaning import clean, clean_email, first_name, is_description
from model import Analysis, Flag
from model import Role as ModelRole

Role = Literal["referrer", "pin", "contact", "other"]
ROLES: tuple[Role, ...] = ("referrer", "pin", "contact")
NAME_LIMIT = 80


@dataclass(frozen=True)
class Person:
    name: str | None = None
    email: str | None = None

    @property
    def first(self) -> str | None:
        return first_name(self.name)

    @property
    def proper(self) -> str | None:
        """The name itself; None when the message only described the person."""
        return None if is_description(self.name) else self.name

    @property
    def known(self) -> bool:
        return bool(self.name or self.email)


@dataclass(frozen=True)
class Cast:
    referrer: Person
    pin: Person
    contact: Person
    reader: Role
    reply_to: str

    @property
    def reader_person(self) -> Person:
        if self.reader == "other":
            return Person(email=self.reply_to)
        return getattr(self, self.reader)

    def voice(self, kind: str) -> dict[str, str]:
        """Placeholders for the prose: {referrer}, {pin}, {contact} and their possessives."""
        v: dict[str, str] = {}
        for role in ROLES:
            person: Person = getattr(self, role)
            if role == self.reader:
                v[role], v[role + "_s"] = "you", "your"
            elif person.first:
                v[role], v[role + "_s"] = person.first, person.first + "'s"
            elif person.name:  # described, not named: "Greg Hall's cousin"
                v[role], v[role + "_s"] = person.name, "their"
            else:
                desc = _describe(role, kind, self.reader)
                v[role], v[role + "_s"] = desc, desc + "'s"
        return v


def _describe(role: str, kind: str, reader: str) -> str:
    if role == "referrer":
        return "whoever suggested it" if kind == "said_to_contact" else "the referrer"
    if role == "pin":
        return "the person you're helping" if reader == "referrer" else "the person asking for help"
    return "the person you're asking" if reader == "referrer" else "the contact"


def cast_from(analysis: Analysis) -> Cast:
    people = {role: _person(analysis, role) for role in ROLES}
    if analysis.has(Flag.UNKNOWN_REFERRER):
        # "So and so" is not a name: keep the address if any, never greet a placeholder.
        people["referrer"] = Person(email=people["referrer"].email)
    reply_to = clean_email(analysis.reply_to) or ""
    reader: Role = "other"
    for role in ("referrer", "contact", "pin"):
        email = people[role].email
        if email and email.lower() == reply_to.lower():
            reader = role
            break
    return Cast(reply_to=reply_to, reader=reader, **people)


def _person(analysis: Analysis, role: str) -> Person:
    raw = analysis.person(ModelRole(role))
    name = clean(raw.name, NAME_LIMIT) if raw else None
    email = clean_email(raw.email) if raw else None
    if not name:  # the contract's participants may carry the display name the role lacks
        for p in analysis.participants:
            if p.role.value != role:
                continue
            if email is None or (p.email or "").lower() == email.lower():
                name = clean(p.name, NAME_LIMIT)
                if name:
                    break
    if name and "@" in name:
        name = None  # a bare address as display name is not a name to greet
    return Person(name=name, email=email)
