"""The draft Baton sends back for a hand-off, as blocks a busy person reads top down.

First, in a few lines, what Baton found and the one thing to do; then the note or request to
forward; then the three most important missing things (the rest wait on the review page); then
the reply commands, each one that `model.COMMAND_WORDS` knows and that works for this reader.
Tone, after the essay: kind about the intent, clear about the risk, no praise for a bad hand-off.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from composer import mirror
from composer.blocks import Block, Body, Box, Heading, Items, Link, Para
from composer.cast import first, proper
from composer.draft import AboutNote, Handoff
from composer.i18n import labelled, t, word
from composer.request import Request, render
from model import Command, Flag, Kind, Role

SHOWN_MISSING = 3


@dataclass(frozen=True)
class Note:
    """A message for the reader to send from their own mailbox."""
    to: str
    to_email: str | None
    subject: str
    body: str


@dataclass(frozen=True)
class Offer:
    """A reply command the draft offers: the word to reply with, and what Baton then does."""
    command: Command
    effect: str

    @property
    def word(self) -> str:
        return command_word(self.command)


def command_word(command: Command) -> str:
    """The word a draft offers for `command`: the registry's first, in the current language."""
    return word(command)


@dataclass(frozen=True)
class Context:
    h: Handoff
    v: dict[str, str]
    review_url: str | None
    assistant: str
    request: Request

    @property
    def reader(self) -> Role:
        return self.h.reader

    @property
    def kind(self) -> Kind:
        return self.h.kind

    def has(self, code: Flag) -> bool:
        return code in self.h.flags


def context(h: Handoff, *, review_url: str | None, assistant: str) -> Context:
    return Context(h, h.cast.voice(h.kind), review_url, assistant,
                   render(referrer=h.referrer, pin=h.pin, contact=h.contact, facts=h.facts, attachment=h.attachment))


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


# --- the draft -------------------------------------------------------------------------------

def offers(h: Handoff) -> tuple[Offer, ...]:
    """The reply commands that work for this draft's reader; none offered that would be refused."""
    if h.reader is not Role.REFERRER:
        return ()
    v = h.cast.voice(h.kind)
    if h.kind is Kind.DIRECT_INTRO:
        if h.addressable(h.pin) and h.addressable(h.contact):
            return (Offer(Command.FOLLOW_UP, t("Baton checks in with both in a week (\"did you connect?\") and "
                                               "thanks %(contact)s for you.", **v)),)
        return ()
    out = []
    if h.addressable(h.pin) and h.addressable(h.contact):
        out.append(Offer(Command.SEND, t("Baton asks %(contact)s first, and introduces them only if both say "
                                         "yes.", **v)))
    out.append(Offer(Command.CANCEL, t("Baton drops the intro, and nobody hears a thing.")))
    return tuple(out)


def reply_body(h: Handoff, *, review_url: str | None, reply_address: str, assistant: str, assistant_name: str,
               subject: str) -> Body:
    c = context(h, review_url=review_url, assistant=assistant)
    blocks: list[Block] = [Para(p) for p in top(c)]
    if review_url:
        blocks.append(Link(t("Review & send"), review_url, t("Opening the page changes nothing; you decide there.")))
    for i, n in enumerate(notes(c)):
        blocks.append(_note_box(n, first=i == 0))
    if show_request(c):
        blocks.append(request_box(c))
    blocks += missing_blocks(c)
    check = assumption_lines(c)
    if check:
        blocks.append(Para(t("Please check: %(what)s", what=" ".join(check)), quiet=True))
    blocks += command_blocks(c, reply_address)
    return Body(greeting=_greeting(h.greeting_name), blocks=tuple(blocks), signature=(
        t("%(name)s <%(address)s>, an assistant for networking hand-offs.", name=assistant_name, address=assistant),
        t("You got this because %(address)s was copied on \"%(subject)s\". Baton writes to nobody on your "
          "behalf until you say so.", address=assistant, subject=subject)))


def _greeting(name: str | None) -> str:
    return t("Hi %(name)s,", name=name) if name else t("Hello,")


def top(c: Context) -> list[str]:
    """What Baton found and the one thing to do, in at most 80 words."""
    v, r, kind = c.v, c.reader, c.kind
    if kind is Kind.DIRECT_INTRO:
        return _top_direct(c)
    if kind is Kind.SAID_TO_CONTACT and r in (Role.CONTACT, Role.PIN, Role.OTHER):
        return _top_said(c)
    # A request to send: the referrer reads it (or someone who can pass it to the referrer).
    if kind is Kind.SAID_TO_CONTACT:
        found = t("%(pin)s wrote to %(contact)s saying you suggested it. %(contact)s wasn't asked first, and has "
                  "only the word of %(pin)s for it.", **{**v, "pin": _cap(v["pin"])})
    elif r is Role.REFERRER:
        found = t("You'd like %(contact)s to help %(pin)s.", **v)
    elif r is Role.PIN:
        found = t("You'd like %(referrer)s to introduce you to %(contact)s.", **v)
    elif r is Role.CONTACT:
        found = t("%(referrer)s would like you to help %(pin)s. A yes is yours to give or not.",
                  **{**v, "referrer": _cap(v["referrer"])})
    else:
        found = t("%(referrer)s would like %(contact)s to help %(pin)s.", **{**v, "referrer": _cap(v["referrer"])})
    if r is not Role.REFERRER:
        return [found, t("Baton can make it a proper double opt-in: when %(referrer)s copies %(assistant)s, Baton "
                         "asks %(contact)s first and introduces them only if both say yes. Baton writes to nobody "
                         "on your behalf.", **{**v, "assistant": c.assistant})]
    todo = []
    n = len(c.request.blanks)
    if c.review_url:
        if n:
            todo.append(t("To do: fill in the blanks in the request below (%(n)d) and press Send on the review "
                          "page.", n=n))
        else:
            todo.append(t("To do: check the request below and press Send on the review page."))
        if not c.h.pin.email:
            todo.append(t("Add the email address of %(pin)s there too.", **v))
        elif not c.h.contact.email:
            todo.append(t("Add the email address of %(contact)s there too.", **v))
    if todo:
        todo.append(t("Baton then asks %(contact)s first, and introduces them only if both say yes. Nothing goes out "
                      "before.", **v))
    else:
        todo.append(t("Baton asks %(contact)s first, and introduces them only if both say yes. Nothing goes out "
                      "before you say so.", **v))
    return [found, " ".join(todo)]


def _top_direct(c: Context) -> list[str]:
    v, r = c.v, c.reader
    blind = c.has(Flag.NO_OPT_IN)
    if r is Role.REFERRER:
        if blind:
            first = t("You introduced %(pin)s to %(contact)s, with the best of intentions. %(contact)s wasn't asked "
                      "first, though, so a no is awkward now: the note below makes it easy.",
                      **{**v, "contact": v["contact"]})
        else:
            first = t("You introduced %(pin)s to %(contact)s, after asking first.", **v)
        follow = next((o for o in offers(c.h) if o.command is Command.FOLLOW_UP), None)
        if follow:
            second = t("Reply \"%(word)s\" to this email: %(effect)s", word=follow.word, effect=follow.effect)
        else:
            second = t("Next time, copy %(assistant)s before the intro: Baton asks first and connects people only "
                       "if both say yes.", assistant=c.assistant)
        return [first, second]
    if r is Role.CONTACT:
        first = (t("%(referrer)s introduced you to %(pin)s without asking first. You owe nobody a yes: a short "
                   "\"not right now\" is a fine answer.", **{**v, "referrer": _cap(v["referrer"])}) if blind else
                 t("%(referrer)s introduced you to %(pin)s.", **{**v, "referrer": _cap(v["referrer"])}))
        return [first, t("Baton writes to nobody on your behalf.")]
    if r is Role.PIN:
        return [t("%(referrer)s introduced you to %(contact)s. The next step is yours: write to %(contact)s with "
                  "one concrete ask and two or three times that suit you.", **{**v, "referrer": _cap(v["referrer"])})]
    return [t("%(referrer)s introduced %(pin)s to %(contact)s.", **{**v, "referrer": _cap(v["referrer"])}),
            t("Baton writes to nobody on your behalf.")]


def _top_said(c: Context) -> list[str]:
    v, r = c.v, c.reader
    if r is Role.CONTACT:
        if c.has(Flag.UNKNOWN_REFERRER):
            trust = t("Nobody you know has vouched for %(pin)s yet", **v)
            first = t("%(pin)s wrote to you saying someone suggested it.", **{**v, "pin": _cap(v["pin"])})
        else:
            first = t("%(pin)s wrote to you saying %(referrer)s suggested it.", **{**v, "pin": _cap(v["pin"])})
            trust = (t("%(referrer)s isn't on the thread to vouch for it", **{**v, "referrer": _cap(v["referrer"])})
                     if c.has(Flag.REFERRER_UNREACHABLE) else t("You have only the word of %(pin)s for it", **v))
        owe = t("%(trust)s, and nobody asked you first, so you owe no reply.", trust=trust)
        two = _referrer_note_possible(c)
        act = (t("If you'd like to help, the two notes below ask %(pin)s for the details and %(referrer)s for a "
                 "proper intro. Baton writes to nobody on your behalf.", **v) if two else
               t("If you'd like to help, the note below asks %(pin)s for the details. Baton writes to nobody on "
                 "your behalf.", **v))
        return [f"{first} {owe}", act]
    if r is Role.PIN and c.has(Flag.UNKNOWN_REFERRER):
        return [t("You wrote to %(contact)s saying someone suggested it. A line from that person carries far more "
                  "weight: %(contact)s wasn't asked first.", **v),
                t("Send them the note below. When they copy %(assistant)s, Baton asks %(contact)s first and "
                  "introduces you only if both say yes. Baton writes to nobody on your behalf.",
                  **{**v, "assistant": c.assistant})]
    if r is Role.PIN and not c.has(Flag.NO_OPT_IN):
        # Advice passed on before the PIN wrote to anyone ("Hamish told me to contact Noor; his note
        # is below"): nobody has written to the contact yet.
        return [t("%(referrer)s suggested you get in touch with %(contact)s. A line from %(referrer)s carries far "
                  "more weight than a message out of the blue, and %(contact)s hasn't been asked yet.",
                  **{**v, "referrer": _cap(v["referrer"])}),
                t("Send %(referrer)s the note below. When %(referrer)s copies %(assistant)s, Baton asks %(contact)s "
                  "first and introduces you only if both say yes. Baton writes to nobody on your behalf.",
                  **{**v, "assistant": c.assistant})]
    if r is Role.PIN:
        return [t("You wrote to %(contact)s saying %(referrer)s suggested it. A line from %(referrer)s carries far "
                  "more weight: %(contact)s wasn't asked first.", **v),
                t("Send %(referrer)s the note below. When %(referrer)s copies %(assistant)s, Baton asks %(contact)s "
                  "first and introduces you only if both say yes. Baton writes to nobody on your behalf.",
                  **{**v, "assistant": c.assistant})]
    return [t("%(pin)s wrote to %(contact)s saying %(referrer)s suggested it. %(contact)s wasn't asked first.",
              **{**v, "pin": _cap(v["pin"])}),
            t("Baton writes to nobody on your behalf.")]


def _referrer_note_possible(c: Context) -> bool:
    return not c.has(Flag.UNKNOWN_REFERRER) and bool(c.h.referrer.name or c.h.referrer.email)


# --- notes to send ---------------------------------------------------------------------------------

def _questions(c: Context) -> Iterator[str]:
    if c.has(Flag.UNKNOWN_REFERRER):
        yield t("Who suggested you contact me, and how do you know them?")
    elif c.has(Flag.REFERRER_UNREACHABLE) or c.has(Flag.NO_RELATIONSHIP):
        yield t("How do you know %(referrer)s, and could %(referrer)s introduce us?", **c.v)
    if c.has(Flag.NO_GOAL) or c.has(Flag.NO_SPECIFIC_ASK):
        yield t("What are you looking for, and what would you like from me, in one sentence?")
    if c.has(Flag.NO_TIMELINE) or c.has(Flag.NO_REQUIREMENTS):
        yield t("By when, and what salary range and location?")
    if c.has(Flag.NO_RESUME):
        yield t("A link to your resume.")


def notes(c: Context) -> list[Note]:
    h, v, r, kind = c.h, c.v, c.reader, c.kind
    out: list[Note] = []
    re_subject = "Re: " + thread_subject(h.subject)

    def note(to_role: Role, subject: str, paragraphs: list[str], sign_as: Role) -> None:
        person = h.cast.person(to_role)
        hello = t("Hi %(name)s,", name=first(person)) if first(person) else t("Hi,")
        signer = first(h.cast.person(sign_as)) or "[[" + t("your name") + "]]"
        body = "\n\n".join([hello, *paragraphs, t("Thanks,") + "\n" + signer])
        out.append(Note(to=v[to_role.value] if to_role is not r else t("you"), to_email=person.email,
                        subject=subject, body=body))

    if kind is Kind.SAID_TO_CONTACT and r is Role.CONTACT:
        qs = list(_questions(c)) or [t("What are you looking for, and how could I help?")]
        note(Role.PIN, re_subject, [t("Thanks for getting in touch. Before we talk, could you tell me a little more?"),
                                 "\n".join(f"- {q}" for q in qs)], Role.CONTACT)
        if _referrer_note_possible(c):
            note(Role.REFERRER, t("Could you introduce %(pin)s properly?", pin=proper(h.pin) or t("them")),
                 [t("%(pin)s wrote to me saying you suggested we talk. I'm glad to consider it, but I'd like to hear "
                    "it from you first: how you know each other, and what you think I could help with.",
                    pin=proper(h.pin) or t("Someone"))], Role.CONTACT)
    elif kind is Kind.SAID_TO_CONTACT and r is Role.PIN:
        contact = proper(h.contact) or t("them")
        said = (t("I wrote to %(contact)s, as you suggested. Would you introduce us yourself? A line from you "
                  "means much more than my word. A short request is below; change anything you like.",
                  contact=contact) if c.has(Flag.NO_OPT_IN) else
                t("You suggested I get in touch with %(contact)s. Would you introduce us yourself? A line from you "
                  "means much more than my word. A short request is below; change anything you like.",
                  contact=contact))
        note(Role.REFERRER, t("Would you introduce me to %(contact)s?", contact=contact), [said], Role.PIN)
    elif kind is Kind.DIRECT_INTRO and r is Role.REFERRER and c.has(Flag.NO_OPT_IN):
        pin = first(h.pin) or t("them")
        note(Role.CONTACT, re_subject,
             [t("I should have asked before introducing you to %(pin)s; sorry for springing it on you. No "
                "obligation at all: if now isn't a good time, just say so and I'll pass it on kindly.", pin=pin)],
             Role.REFERRER)
    return out


def _note_box(n: Note, first: bool) -> Box:
    ready = "[[" not in n.body
    title = (t("Note to %(who)s, ready to send", who=n.to) if ready
             else t("Note to %(who)s, a template: fill in the [[blanks]]", who=n.to))
    return Box(title=title, body=n.body, subject=n.subject,
               hint=t("To: %(address)s", address=n.to_email) if n.to_email else None)


# --- the request ---------------------------------------------------------------------------------

def show_request(c: Context) -> bool:
    """The request goes in the draft when the reader can send it or pass it to the referrer."""
    if c.kind is Kind.DIRECT_INTRO:
        return False
    return c.reader in (Role.REFERRER, Role.PIN, Role.OTHER) or (c.reader is Role.CONTACT
                                                                  and c.kind is Kind.INTRO_REQUEST)


def request_box(c: Context) -> Box:
    req, v = c.request, c.v
    who = first(c.h.contact) or t("the contact")
    if c.reader is Role.REFERRER:
        title = (t("The request for %(who)s, a template", who=who) if req.blanks
                 else t("The request for %(who)s, ready to send", who=who))
    else:
        title = t("A request %(referrer)s could send, a template", **v) if req.blanks else \
            t("A request %(referrer)s could send, ready as it stands", **v)
    hint = t("Type over each [[blank]] (%(n)d).", n=len(req.blanks)) if req.blanks else None
    return Box(title=title, subject=req.subject, body=req.body, hint=hint)


# --- what is missing -------------------------------------------------------------------------------

def missing_blocks(c: Context) -> list[Block]:
    codes = [code for code in c.h.flags if not _said_above(c, code)]
    if not codes:
        return []
    if c.reader is Role.CONTACT and c.kind is Kind.SAID_TO_CONTACT:
        # The note to the PIN asks for each of them already: name them, don't explain them twice.
        listed = ", ".join(mirror.noun(code) for code in codes)
        return [Para(t("What's missing: %(what)s. The note to %(pin)s asks for all of it.", what=listed, **c.v))]
    shown = codes[:SHOWN_MISSING]
    items = tuple(labelled(mirror.title(code), _cap(mirror.line(code, c.kind, c.reader, c.v))) for code in shown)
    out: list[Block] = [Heading(t("What's missing")), Items(items)]
    rest = codes[SHOWN_MISSING:]
    if rest:
        listed = ", ".join(mirror.noun(code) for code in rest)
        out.append(Para(t("Also missing: %(what)s%(where)s.", what=listed,
                          where=t(" (more on the review page)") if c.review_url else ""), quiet=True))
    return out


def _said_above(c: Context, code: Flag) -> bool:
    """The top of the draft already says it: an intro made, or a PIN who wrote, without asking
    first; to a contact written to cold, that nobody asked them and who vouches (or doesn't)."""
    if code is Flag.NO_OPT_IN and (c.kind is Kind.DIRECT_INTRO or c.reader is Role.CONTACT):
        return True
    if code is Flag.NO_OPT_IN and c.kind is Kind.SAID_TO_CONTACT:
        return True  # every said_to_contact top ends "%(contact)s wasn't asked first"
    return c.reader is Role.CONTACT and c.kind is Kind.SAID_TO_CONTACT and code in (Flag.UNKNOWN_REFERRER,
                                                                            Flag.REFERRER_UNREACHABLE)


def assumption_lines(c: Context) -> list[str]:
    """What the analysis guessed, for the reader to check: one sentence each."""
    out = []
    for a in c.h.assumptions:
        if a == "pin_or_contact":
            out.append(t("Baton took %(pin)s to be the one who needs help, and %(contact)s the one who can give "
                         "it.", **c.v))
        elif a.endswith("_from_thread"):
            role = a.removesuffix("_from_thread")
            if role in c.v:
                out.append(t("The message doesn't name %(who)s outright; Baton took the name from the thread.",
                             who=c.v[role]))
        elif a == "pronoun":
            out.append(t("Baton matched a \"he\" or \"she\" to a name."))
    return out[:2]


# --- commands ------------------------------------------------------------------------------------

def command_blocks(c: Context, reply_address: str) -> list[Block]:
    said = {Command.FOLLOW_UP} if c.kind is Kind.DIRECT_INTRO else set()  # the top already offers it
    lines = []
    for o in offers(c.h):
        if o.command in said:
            continue
        if o.command is Command.SEND and c.request.blanks:
            lines.append(t("Reply \"%(word)s\", with the [[blanks]] in the quoted request typed over: %(effect)s",
                           word=o.word, effect=o.effect))
        else:
            lines.append(t("Reply \"%(word)s\": %(effect)s", word=o.word, effect=o.effect))
    if not lines:
        return []
    return [Para(" ".join(lines)), Para(t("Replies go to %(address)s.", address=reply_address), quiet=True)]


# --- not a hand-off -------------------------------------------------------------------------------

def about_body(note: AboutNote, *, assistant: str, assistant_name: str) -> Body:
    return Body(greeting=_greeting(note.greeting), blocks=(
        Para(t("Thanks for copying %(name)s. \"%(subject)s\" doesn't look like a hand-off, so there is nothing for "
               "me to do with it.", name=assistant_name, subject=note.subject or t("Your message"))),
        Para(t("What %(name)s does: when you introduce two people, or someone writes \"X said I should talk to "
               "you\", copy %(address)s. It replies to whoever made the hand-off with a short request the other "
               "person can say yes or no to, points out what is missing, and follows up once they have talked. "
               "Nobody is introduced until both say yes.", name=assistant_name, address=assistant)),
        Para(t("If this was meant as a hand-off, reply with a line on who should meet whom, and why.")),
    ), signature=(t("%(name)s <%(address)s>, an assistant for networking hand-offs.", name=assistant_name,
                    address=assistant),))


def thread_subject(subject: str) -> str:
    """The conversation's own subject, without Re:/Fwd: prefixes."""
    return _PREFIX.sub("", subject).strip() or t("our conversation")


_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|tr|sv|vs|rv|enc|doorst)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
