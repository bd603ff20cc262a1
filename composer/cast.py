"""Who is who in a hand-off, and how Baton's prose refers to each of them.

The reply speaks to one reader (whoever `reply_to` is): that role becomes "you", the others
their first name, or a plain description when the message never named them.
"""
from __future__ import annotations

from dataclasses import dataclass

from composer.cleaning import clean, clean_email, first_name, is_description
from composer.i18n import t
from model import Analysis, Flag, Kind, Person, Role

ROLES: tuple[Role, ...] = (Role.REFERRER, Role.PIN, Role.CONTACT)
NAME_LIMIT = 80


def first(person: Person) -> str | None:
    """The first name to greet or sign with; None when the message only described the person."""
    return first_name(person.name)


def proper(person: Person) -> str | None:
    """The name itself; None when the message only described the person ("my cousin")."""
    return None if is_description(person.name) else person.name


@dataclass(frozen=True)
class Cast:
    referrer: Person
    pin: Person
    contact: Person
    reader: Role
    reply_to: str
    reader_name: str | None = None  # the display name of a reader who plays no role

    @property
    def reader_person(self) -> Person:
        if self.reader not in ROLES:
            return Person(name=self.reader_name, email=self.reply_to)
        return self.person(self.reader)

    def person(self, role: Role) -> Person:
        return {Role.REFERRER: self.referrer, Role.PIN: self.pin, Role.CONTACT: self.contact}[role]

    def voice(self, kind: Kind) -> dict[str, str]:
        """How the prose calls each role (the sentences' placeholders, by the role's word): "you" for
        the reader, else a first name, else the message's description as the reader would say it
        ("your cousin"), else a plain phrase."""
        return {role.value: self.called(role, kind) for role in ROLES}

    def called(self, role: Role, kind: Kind) -> str:
        person = self.person(role)
        if role == self.reader:
            return t("you")
        if name := first(person):
            return name
        if person.name:  # described, not named: "Greg Hall's cousin", "my cousin"
            return _as_reader_says(person.name, self.reader_person.name if self.reader is Role.REFERRER else None)
        return _describe(role, kind, self.reader)


# "my cousin" to whoever wrote it is "your cousin" when Baton writes back, in the writer's language
# (the draft speaks it): the possessive is swapped word for word, so the noun keeps its gender.
_YOUR = {"my": "your", "mein": "Ihr", "meine": "Ihre", "meinen": "Ihren", "meinem": "Ihrem", "meiner": "Ihrer",
         "mon": "votre", "ma": "votre", "mes": "vos", "mi": "su", "mis": "sus", "meu": "seu", "minha": "sua",
         "meus": "seus", "minhas": "suas", "mijn": "je", "mio": "suo", "mia": "sua", "miei": "suoi", "mie": "sue"}


def _as_reader_says(description: str, reader_name: str | None) -> str:
    """"Greg Hall's cousin" and "my cousin" are "your cousin" to Greg, who wrote them."""
    low = description.lower()
    if reader_name:
        for form in (reader_name, first_name(reader_name) or reader_name):
            if low.startswith(form.lower() + "'s ") or low.startswith(form.lower() + "’s "):
                return t("your %(who)s", who=description[len(form) + 3:])
            for of in (" de ", " van ", " di "):  # "sobrino de Lucía Gómez"
                if low.endswith(of + form.lower()):
                    return t("your %(who)s", who=description[:-len(of + form)])
        first, _, rest = description.partition(" ")
        article = ""
        if first.lower() in ("il", "la", "i", "le") and rest:  # Italian: "la mia cugina"
            article, (first, _, rest) = first + " ", rest.partition(" ")
        if first.lower() in _YOUR and rest:
            return f"{article}{_YOUR[first.lower()]} {rest}"
    return description


def _describe(role: Role, kind: Kind, reader: Role) -> str:
    if role is Role.REFERRER:
        return t("the person who suggested it") if kind is Kind.SAID_TO_CONTACT else t("the referrer")
    if role is Role.PIN:
        return t("someone you know") if reader is Role.REFERRER else t("the person asking for help")
    return t("the person you're asking") if reader is Role.REFERRER else t("the contact")


def cast_from(analysis: Analysis) -> Cast:
    people = {role: _person(analysis, role) for role in ROLES}
    if analysis.has(Flag.UNKNOWN_REFERRER):
        # "So and so" is not a name: keep the address if any, never greet a placeholder.
        people[Role.REFERRER] = Person(email=people[Role.REFERRER].email)
    reply_to = clean_email(analysis.reply_to) or ""
    reader = Role.OTHER
    for role in (Role.REFERRER, Role.CONTACT, Role.PIN):
        email = people[role].email
        if email and email.lower() == reply_to.lower():
            reader = role
            break
    reader_name = None
    if reader is Role.OTHER:  # greet by name whenever the message gives one
        reader_name = next((n for p in analysis.participants
                            if (p.email or "").lower() == reply_to.lower() and (n := clean(p.name, NAME_LIMIT))
                            and "@" not in n), None)
    return Cast(people[Role.REFERRER], people[Role.PIN], people[Role.CONTACT], reader=reader, reply_to=reply_to,
                reader_name=reader_name)


def _person(analysis: Analysis, role: Role) -> Person:
    raw = analysis.person(role)
    name = clean(raw.name, NAME_LIMIT) if raw else None
    email = clean_email(raw.email) if raw else None
    if not name:  # the contract's participants may carry the display name the role lacks
        for p in analysis.participants:
            if p.role is not role:
                continue
            if email is None or (p.email or "").lower() == email.lower():
                name = clean(p.name, NAME_LIMIT)
                if name:
                    break
    if name and "@" in name:
        name = None  # a bare address as display name is not a name to greet
    return Person(name=name, email=email)
