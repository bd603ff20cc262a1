"""Baton's vocabulary: the words every part passes to the others, as types.

Kinds, roles, flags, states, decisions, reply commands, job kinds, link purposes and mail
purposes are enums, so a misspelt word is an import or type error, not a silent mismatch. The
analysis and the intro are frozen dataclasses, turned into JSON and back at one boundary each
(`Analysis.to_json`/`from_json`, `Draft.to_json`/`from_json`). This module imports nothing from
the project: every package may import it.

To add a flag, a reply command, a job kind or a language, add it here and to the table that
gives it meaning (README, "Adding to Baton").
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What a message is: the `kind` of the analysis JSON (README, "The analysis")."""
    SAID_TO_CONTACT = "said_to_contact"  # the PIN writes to a contact citing a third person
    DIRECT_INTRO = "direct_intro"  # the writer introduces two people now
    INTRO_REQUEST = "intro_request"  # an intro asked for or offered, not made yet
    NONE = "none"

    @property
    def is_handoff(self) -> bool:
        return self is not Kind.NONE


HANDOFF_KINDS = (Kind.SAID_TO_CONTACT, Kind.DIRECT_INTRO, Kind.INTRO_REQUEST)


class Role(StrEnum):
    REFERRER = "referrer"
    PIN = "pin"
    CONTACT = "contact"
    ASSISTANT = "assistant"  # Baton's own addresses
    OTHER = "other"


# The three people of a hand-off, and the two asked to opt in.
PEOPLE_ROLES = (Role.REFERRER, Role.PIN, Role.CONTACT)
PARTY_ROLES = (Role.CONTACT, Role.PIN)


class Source(StrEnum):
    """Where a participant was found."""
    FROM = "from"
    TO = "to"
    CC = "cc"
    REPLY_TO = "reply_to"
    FORWARDED_FROM = "forwarded_from"
    FORWARDED_TO = "forwarded_to"
    FORWARDED_CC = "forwarded_cc"
    BODY = "body"


# The message's own header fields: an address there was in the conversation.
HEADER_SOURCES = frozenset({Source.FROM, Source.TO, Source.CC, Source.REPLY_TO})


class Flag(StrEnum):
    """What a hand-off leaves out (the essay's checklist), in the order a reader should fix it."""
    UNKNOWN_REFERRER = "unknown_referrer"
    REFERRER_UNREACHABLE = "referrer_unreachable"
    NO_OPT_IN = "no_opt_in"
    NO_RELATIONSHIP = "no_relationship"
    NO_SPECIFIC_ASK = "no_specific_ask"
    NO_GOAL = "no_goal"
    NO_TIMELINE = "no_timeline"
    NO_REQUIREMENTS = "no_requirements"
    NO_RESUME = "no_resume"


class FactField(StrEnum):
    """Facts a hand-off may state about the PIN; each one stated clears its flag."""
    RELATIONSHIP = "relationship"  # how the referrer knows the PIN
    GOAL = "goal"  # the PIN's direction
    TARGETS = "targets"  # roles or companies named
    ASK = "ask"  # the one concrete request
    WHY_CONTACT = "why_contact"  # why this contact
    TIMELINE = "timeline"
    REQUIREMENTS = "requirements"  # salary, location, other constraints
    RESUME = "resume"  # a link, or the attachment's file name


# A stated fact never raises these flags.
FACT_CLEARS: Mapping[FactField, Flag] = {
    FactField.RELATIONSHIP: Flag.NO_RELATIONSHIP,
    FactField.GOAL: Flag.NO_GOAL,
    FactField.ASK: Flag.NO_SPECIFIC_ASK,
    FactField.TIMELINE: Flag.NO_TIMELINE,
    FactField.REQUIREMENTS: Flag.NO_REQUIREMENTS,
    FactField.RESUME: Flag.NO_RESUME,
}


class State(StrEnum):
    """The intro's state machine (intros/states.py has the legal moves)."""
    DRAFT = "draft"
    REQUESTED = "requested"
    CONNECTED = "connected"
    FOLLOWED_UP = "followed_up"
    CLOSED = "closed"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


FINAL_STATES = frozenset({State.CLOSED, State.DECLINED, State.EXPIRED, State.CANCELLED})


class Decision(StrEnum):
    """A party's answer to the opt-in request."""
    PENDING = "pending"
    YES = "yes"
    NOT_NOW = "not_now"
    NO = "no"


ANSWERS = (Decision.YES, Decision.NOT_NOW, Decision.NO)


class FollowupAnswer(StrEnum):
    """A party's answer to "did you connect?"."""
    MET = "met"
    NOT_YET = "not_yet"
    NO_LUCK = "no_luck"


class Command(StrEnum):
    """A word a person may reply with (inbound/analysis/replies.py reads them, in every language
    Baton speaks; a draft may offer only these)."""
    SEND = "send"  # referrer: send the request as drafted
    CANCEL = "cancel"  # referrer: drop the intro
    FOLLOW_UP = "follow_up"  # referrer of a direct intro: check in with both in a week
    YES = "yes"  # contact or PIN
    NOT_NOW = "not_now"
    NO = "no"


# Who may use which command.
# The words a reply may start with, per command and language: one registry for the parser
# (inbound/analysis/replies.py) and for the drafts, which offer a command's first word in the
# reader's language. Only the very start of the new text counts, so "no" inside a sentence or in
# the quoted draft never decides anything; longer phrases are tried first ("not now" before "no").
COMMAND_WORDS: Mapping[Command, Mapping[str, tuple[str, ...]]] = {
    Command.SEND: {"en": ("send", "send it", "ok send", "ok, send", "go ahead"),
                   "de": ("senden", "abschicken", "absenden"), "fr": ("envoyer", "envoie", "envoie-le", "vas-y"),
                   "es": ("enviar", "envía", "envia", "envíalo", "adelante"), "pt": ("enviar", "pode enviar", "manda"),
                   "nl": ("versturen", "verstuur", "stuur maar"), "it": ("invia", "inviare", "manda pure")},
    Command.CANCEL: {"en": ("cancel",), "de": ("abbrechen", "stornieren"), "fr": ("annuler",), "es": ("cancelar",),
                     "pt": ("cancelar",), "nl": ("annuleren",), "it": ("annulla", "annullare")},
    Command.FOLLOW_UP: {"en": ("follow up", "follow-up", "followup"), "de": ("nachfassen",), "fr": ("relancer",),
                        "es": ("seguimiento",), "pt": ("acompanhar",), "nl": ("opvolgen",), "it": ("seguito",)},
    Command.NOT_NOW: {"en": ("not now", "not right now", "maybe later"), "de": ("nicht jetzt", "später"),
                      "fr": ("pas maintenant", "plus tard"), "es": ("ahora no", "más tarde"),
                      "pt": ("agora não", "mais tarde"), "nl": ("nu niet",),
                      "it": ("non ora", "non adesso", "più tardi")},
    Command.YES: {"en": ("yes", "yes please", "sure", "happy to"), "de": ("ja", "gerne", "gern"),
                  "fr": ("oui", "avec plaisir"), "es": ("sí", "claro", "con gusto"), "pt": ("sim", "com prazer"),
                  "nl": ("ja", "graag"), "it": ("sì", "volentieri", "certo")},
    Command.NO: {"en": ("no", "no thanks", "no thank you"), "de": ("nein",), "fr": ("non",), "es": ("no",),
                 "pt": ("não", "nao"), "nl": ("nee",), "it": ("no", "no grazie")},
}


COMMANDS_FOR: Mapping[Role, frozenset[Command]] = {
    Role.REFERRER: frozenset({Command.SEND, Command.CANCEL, Command.FOLLOW_UP}),
    Role.CONTACT: frozenset({Command.YES, Command.NOT_NOW, Command.NO}),
    Role.PIN: frozenset({Command.YES, Command.NOT_NOW, Command.NO}),
}


class JobKind(StrEnum):
    REVIEW_REMINDER = "review_reminder"  # the referrer has not reviewed the draft
    PARTY_REMINDER = "party_reminder"  # a party has not answered the request
    EXPIRE = "expire"  # nobody answered in time
    NUDGE_PIN = "nudge_pin"  # the day after the introduction
    FOLLOWUP = "followup"  # "did you connect?"


class LinkPurpose(StrEnum):
    """What a link in Baton's mail opens; the value is stored with the token's hash."""
    REVIEW = "review"
    OPTIN = "optin"
    FOLLOWUP = "followup"  # "did you connect?"
    STOP = "stop"  # "don't ask me again"

    @property
    def prefix(self) -> str:
        """The URL path the web app serves this purpose under (one place: web/pages.py routes it)."""
        return _LINK_PREFIX[self]


_LINK_PREFIX = {LinkPurpose.REVIEW: "/r/", LinkPurpose.OPTIN: "/o/", LinkPurpose.FOLLOWUP: "/f/",
                LinkPurpose.STOP: "/s/"}


def link_url(public_url: str, purpose: LinkPurpose, token: str) -> str:
    """The one place a link's URL is built."""
    return f"{public_url.rstrip('/')}{purpose.prefix}{token}"


class MailPurpose(StrEnum):
    """Why an email was queued (outbox.purpose): caps, reminders and the timeline read it."""
    DRAFT = "draft"  # the hand-off draft to the referrer (or whoever brought it)
    ABOUT = "about"  # "what Baton does", for mail that is not a hand-off
    OPTIN_CONTACT = "optin_contact"
    OPTIN_PIN = "optin_pin"
    DECLINED = "declined"
    INTRODUCTION = "introduction"
    REMINDER_REVIEW = "reminder_review"
    REMINDER_CONTACT = "reminder_contact"
    REMINDER_PIN = "reminder_pin"
    EXPIRED = "expired"
    NUDGE_PIN = "nudge_pin"
    FOLLOWUP = "followup"
    SUMMARY_CONTACT = "summary_contact"
    SUMMARY_PIN = "summary_pin"
    THANKS_CONTACT = "thanks_contact"
    REFUSED = "refused"  # a reply command that could not be carried out, and why
    CONFIRMED = "confirmed"  # a reply command carried out ("follow up")
    PARTY_NOTE = "party_note"  # a note the contact or the PIN left for the referrer with their yes
    BOUNCED = "bounced"  # the referrer told that someone could not be reached

    @property
    def is_reminder(self) -> bool:
        return self.value.startswith("reminder_")


# Mail that answers an inbound message; the per-sender daily cap counts these.
ANSWER_PURPOSES = (MailPurpose.DRAFT, MailPurpose.ABOUT)


def reminder_for(role: Role) -> MailPurpose:
    return {Role.REFERRER: MailPurpose.REMINDER_REVIEW, Role.CONTACT: MailPurpose.REMINDER_CONTACT,
            Role.PIN: MailPurpose.REMINDER_PIN}[role]


def optin_for(role: Role) -> MailPurpose:
    return {Role.CONTACT: MailPurpose.OPTIN_CONTACT, Role.PIN: MailPurpose.OPTIN_PIN}[role]


def summary_for(role: Role) -> MailPurpose:
    return {Role.CONTACT: MailPurpose.SUMMARY_CONTACT, Role.PIN: MailPurpose.SUMMARY_PIN}[role]


class Actor(StrEnum):
    """Who caused an event in an intro's timeline."""
    BATON = "baton"
    REFERRER = "referrer"
    CONTACT = "contact"
    PIN = "pin"


def actor_for(role: Role) -> Actor:
    return Actor(role.value)


# --- the analysis ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Person:
    name: str | None = None
    email: str | None = None

    @property
    def known(self) -> bool:
        return bool(self.name or self.email)

    def to_json(self) -> dict[str, str | None]:
        return {"name": self.name, "email": self.email}

    @classmethod
    def from_json(cls, d: Any) -> Person | None:
        if not isinstance(d, Mapping):
            return None
        return cls(_str(d.get("name")), _str(d.get("email")))


@dataclass(frozen=True)
class Participant:
    name: str | None
    email: str | None
    role: Role
    source: Source

    @property
    def person(self) -> Person:
        return Person(self.name, self.email)

    def to_json(self) -> dict[str, str | None]:
        return {"name": self.name, "email": self.email, "role": self.role.value, "source": self.source.value}


@dataclass(frozen=True)
class FlagNote:
    """A raised flag and the sentence or header that shows it."""
    code: Flag
    evidence: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code.value, "evidence": self.evidence}


@dataclass(frozen=True)
class Fact:
    """Something the message states, in its own words, with the sentence it came from."""
    value: str
    evidence: str


@dataclass(frozen=True)
class Facts:
    relationship: Fact | None = None
    goal: Fact | None = None
    targets: Fact | None = None
    ask: Fact | None = None
    why_contact: Fact | None = None
    timeline: Fact | None = None
    requirements: Fact | None = None
    resume: Fact | None = None

    def get(self, f: FactField) -> Fact | None:
        value: Fact | None = getattr(self, f.value)
        return value

    def value(self, f: FactField) -> str | None:
        fact = self.get(f)
        return fact.value if fact else None

    def stated(self) -> list[FactField]:
        return [f for f in FactField if self.get(f) is not None]

    def with_(self, f: FactField, fact: Fact | None) -> Facts:
        return replace(self, **{f.value: fact})

    def to_json(self) -> dict[str, dict[str, str]]:
        return {f.value: {"value": fact.value, "evidence": fact.evidence}
                for f in FactField if (fact := self.get(f)) is not None}

    @classmethod
    def from_json(cls, d: Any) -> Facts:
        if not isinstance(d, Mapping):
            return cls()
        kept: dict[str, Fact] = {}
        for f in FactField:
            v = d.get(f.value)
            if isinstance(v, Mapping) and isinstance(v.get("value"), str):
                kept[f.value] = Fact(v["value"], str(v.get("evidence") or ""))
        return cls(**kept)


@dataclass(frozen=True)
class ThreadKeys:
    """What ties a message to earlier mail: a reply belongs to that thread's intro, never a new one."""
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    intro_keys: tuple[str, ...] = ()  # KEYs of intro+KEY@ recipients
    quotes_baton: bool = False  # Baton's own mail is quoted below the new text

    @property
    def is_reply(self) -> bool:
        return bool(self.in_reply_to or self.references)

    def to_json(self) -> dict[str, Any]:
        return {"in_reply_to": self.in_reply_to, "references": list(self.references),
                "intro_keys": list(self.intro_keys), "quotes_baton": self.quotes_baton}

    @classmethod
    def from_json(cls, d: Any) -> ThreadKeys:
        if not isinstance(d, Mapping):
            return cls()
        return cls(_str(d.get("in_reply_to")), _strs(d.get("references")), _strs(d.get("intro_keys")),
                   bool(d.get("quotes_baton")))


@dataclass(frozen=True)
class Analysis:
    """What one message means: the JSON that `server.py analyze` prints (README, "The analysis")."""
    message_id: str | None = None
    subject: str = ""
    kind: Kind = Kind.NONE
    forwarded: bool = False
    auto_generated: bool = False
    participants: tuple[Participant, ...] = ()
    referrer: Person | None = None
    pin: Person | None = None
    contact: Person | None = None
    flags: tuple[FlagNote, ...] = ()
    reply_to: str | None = None
    auto_generated_reason: str | None = None
    evidence: str | None = None  # the sentence that made it a hand-off
    defects: tuple[str, ...] = ()
    language: str | None = None  # ISO 639-1 code of the language the analysis read
    confidence: float | None = None  # of the roles, 0..1; low means "ask the referrer to confirm"
    assumptions: tuple[str, ...] = ()  # what the analysis guessed (shown to the referrer)
    facts: Facts = field(default_factory=Facts)
    thread: ThreadKeys = field(default_factory=ThreadKeys)

    def person(self, role: Role) -> Person | None:
        return {Role.REFERRER: self.referrer, Role.PIN: self.pin, Role.CONTACT: self.contact}.get(role)

    @property
    def flag_codes(self) -> frozenset[Flag]:
        return frozenset(f.code for f in self.flags)

    def has(self, code: Flag) -> bool:
        return any(f.code is code for f in self.flags)

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "subject": self.subject,
            "kind": self.kind.value,
            "forwarded": self.forwarded,
            "auto_generated": self.auto_generated,
            "participants": [p.to_json() for p in self.participants],
            "referrer": self.referrer.to_json() if self.referrer else None,
            "pin": self.pin.to_json() if self.pin else None,
            "contact": self.contact.to_json() if self.contact else None,
            "flags": [f.to_json() for f in self.flags],
            "reply_to": self.reply_to,
            "auto_generated_reason": self.auto_generated_reason,
            "evidence": self.evidence,
            "defects": list(self.defects),
            "language": self.language,
            "confidence": self.confidence,
            "assumptions": list(self.assumptions),
            "facts": self.facts.to_json(),
            "thread": self.thread.to_json(),
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Analysis:
        """Reads a stored or outside Analysis, dropping what is not a known word."""
        participants = []
        for p in d.get("participants") or []:
            if isinstance(p, Mapping) and p.get("role") in _ROLE_VALUES and p.get("source") in _SOURCE_VALUES:
                participants.append(Participant(_str(p.get("name")), _str(p.get("email")), Role(p["role"]),
                                                Source(p["source"])))
        flags = [FlagNote(Flag(f["code"]), str(f.get("evidence") or "")) for f in d.get("flags") or []
                 if isinstance(f, Mapping) and f.get("code") in _FLAG_VALUES]
        confidence = d.get("confidence")
        return cls(
            message_id=_str(d.get("message_id")),
            subject=_str(d.get("subject")) or "",
            kind=Kind(d["kind"]) if d.get("kind") in _KIND_VALUES else Kind.NONE,
            forwarded=bool(d.get("forwarded")),
            auto_generated=bool(d.get("auto_generated")),
            participants=tuple(participants),
            referrer=Person.from_json(d.get("referrer")),
            pin=Person.from_json(d.get("pin")),
            contact=Person.from_json(d.get("contact")),
            flags=tuple(flags),
            reply_to=_str(d.get("reply_to")),
            auto_generated_reason=_str(d.get("auto_generated_reason")),
            evidence=_str(d.get("evidence")),
            defects=_strs(d.get("defects")),
            language=_str(d.get("language")),
            confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
            assumptions=_strs(d.get("assumptions")),
            facts=Facts.from_json(d.get("facts")),
            thread=ThreadKeys.from_json(d.get("thread")),
        )


# --- the intro ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Party:
    """A person asked to opt in (the contact or the PIN), with their answers."""
    id: int
    role: Role
    name: str | None
    email: str
    reply_key: str  # intro+KEY@ for this person's replies
    decision: Decision = Decision.PENDING
    note: str | None = None
    answers: Mapping[str, str] = field(default_factory=dict)  # the PIN's prep answers, by label
    decided_at: datetime | None = None
    followup: FollowupAnswer | None = None

    @property
    def person(self) -> Person:
        return Person(self.name, self.email)


@dataclass(frozen=True)
class Intro:
    """One hand-off's double opt-in, as stored. `draft` is the stored draft's JSON (the composer
    reads it into its own type)."""
    id: int
    key: str  # intro+KEY@ for the referrer's replies
    message_id: int
    kind: Kind
    state: State
    referrer_email: str | None
    pin_email: str | None
    contact_email: str | None
    draft: Mapping[str, Any]
    created_at: datetime
    updated_at: datetime
    hide_contact_until_yes: bool
    parties: Mapping[Role, Party] = field(default_factory=dict)

    def party(self, role: Role) -> Party | None:
        return self.parties.get(role)


@dataclass(frozen=True)
class KeyOwner:
    """Whom an intro+KEY@ address was given to."""
    intro_id: int
    role: Role  # referrer | contact | pin
    email: str | None


@dataclass(frozen=True)
class DueJob:
    id: int
    intro_id: int
    kind: JobKind
    step: str  # the party a reminder is for, or "-"
    attempts: int


_ROLE_VALUES = frozenset(r.value for r in Role)
_SOURCE_VALUES = frozenset(s.value for s in Source)
_FLAG_VALUES = frozenset(f.value for f in Flag)
_KIND_VALUES = frozenset(k.value for k in Kind)


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def _strs(v: Any) -> tuple[str, ...]:
    return tuple(x for x in v if isinstance(x, str)) if isinstance(v, (list, tuple)) else ()


def field_names(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]


def unique(items: Iterable[str]) -> list[str]:
    """Items in order, each once."""
    return list(dict.fromkeys(items))
