"""The words of the draft: summary, next steps, ready-to-send notes, the blurb, the prep list.

Each function takes one `Context` and returns text; which texts appear depends on the kind
of hand-off and on who reads the reply (the referrer, the contact who forwarded it, or the
PIN who copied Baton). Missing information becomes a [[blank]] the reader fills in.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from composer.cleaning import blanks, words
from composer.people import Cast

if TYPE_CHECKING:
    from composer.draft import Facts

BLURB_MAX_WORDS = 120
PREP_FLAGS = ("no_goal", "no_specific_ask", "no_timeline", "no_requirements", "no_resume")
_SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|tr|sv|vs)\s*(?:\[\d+\])?\s*:\s*)+", re.I)


@dataclass(frozen=True)
class Blurb:
    """The forwardable opt-in request for the contact."""
    subject: str
    body: str

    @property
    def words(self) -> int:
        return words(self.body)

    @property
    def blanks(self) -> list[str]:
        return blanks(f"{self.subject}\n{self.body}")


@dataclass(frozen=True)
class PrepItem:
    label: str
    question: str
    answer: str | None

    @property
    def answer_text(self) -> str:
        return self.answer or "[[answer]]"


@dataclass(frozen=True)
class Context:
    kind: str
    cast: Cast
    voice: dict[str, str]
    facts: Facts
    flags: frozenset[str]

    @property
    def pin_first(self) -> str:
        return self.cast.pin.first or "them"

    @property
    def contact_first(self) -> str:
        return self.cast.contact.first or "them"

    @property
    def needs_prep(self) -> bool:
        return any(f in self.flags for f in PREP_FLAGS)

    def sign(self, role: str) -> str:
        return getattr(self.cast, role).first or "[[your name]]"


def thread_subject(subject: str) -> str:
    """The conversation's own subject, without Re:/Fwd: prefixes."""
    return _SUBJECT_PREFIX.sub("", subject).strip() or "our conversation"


def _bare(text: str) -> str:
    return text.strip().rstrip(".?!;,").strip()


# --- what happened --------------------------------------------------------------------

def summary(c: Context) -> str:
    v, r = c.voice, c.cast.reader
    if c.kind == "intro_request":
        who = f"{v['referrer']} would like" if r != "referrer" else "You'd like"
        pin = v["pin"] if c.cast.pin.name or r != "referrer" else "someone you know"
        lacks = ", what it still lacks," if c.flags else ""
        return (f"{who} {v['contact']} to help {pin}. Good hand-offs start with a question, "
                f"not an intro: below is a short request {v['contact']} can say yes or no "
                f"to{lacks} and a prep list for {c.pin_first}.")
    if c.kind == "direct_intro":
        who = "You" if r == "referrer" else v["referrer"][:1].upper() + v["referrer"][1:]
        s = f"{who} introduced {v['pin']} to {v['contact']}: generous, and quick."
        if "no_opt_in" not in c.flags:
            return s + " Baton can follow up with both once they have talked."
        if r == "contact":
            return s + (" Nobody asked you first, so you don't owe anyone a yes; "
                        "a short \"not right now\" is a fine answer.")
        return s + (f" One thing is missing: {v['contact']} wasn't asked first, so saying no "
                    f"is now awkward. The note below gives {v['contact']} an easy way out, and "
                    "Baton can follow up with both.")
    # said_to_contact
    if r == "contact":
        if "unknown_referrer" in c.flags:
            trust = f"Nobody you know has vouched for {c.pin_first} yet"
        elif "referrer_unreachable" in c.flags:
            trust = f"{v['referrer'][:1].upper() + v['referrer'][1:]} isn't on the thread to vouch for {c.pin_first}"
        else:
            trust = f"You have only {v['pin_s']} word for it"
        named = "someone" if "unknown_referrer" in c.flags else v["referrer"]
        return (f"{v['pin'][:1].upper() + v['pin'][1:]} wrote to you saying {named} suggested it. "
                f"{trust}, and you weren't asked first, so you don't owe anyone a reply. If you'd "
                "like to help, below are two notes ready to send and what a proper request "
                "would look like.")
    if r == "pin":
        return (f"You wrote to {v['contact']} saying {v['referrer']} suggested it. A line from "
                f"{v['referrer']} would carry far more weight: {v['contact']} wasn't asked first "
                "and has only your word for it. Below is a note asking for a proper intro, the "
                "request itself, and a prep list to fill in first.")
    who = "you" if r == "referrer" else v["referrer"]
    return (f"{v['pin'][:1].upper() + v['pin'][1:]} wrote to {v['contact']} saying {who} "
            f"suggested it. A kind start, but {v['contact']} wasn't asked first and has only "
            f"{v['pin_s']} word for it. Below is a short request for {v['contact']}, what it "
            f"still lacks, and a prep list for {c.pin_first}.")


# --- what to do next --------------------------------------------------------------------

def advice(c: Context) -> tuple[str, ...]:
    v, r = c.voice, c.cast.reader
    if c.kind == "direct_intro":
        steps = []
        if "no_opt_in" in c.flags and r != "contact":
            steps.append(f"Send {v['contact']} the note below: ten seconds, and it makes a no easy.")
        if c.needs_prep and r != "pin":
            steps.append(f"Before the two of them talk, ask {v['pin']} for the prep list below.")
        steps.append(f"Baton can check in with both in a week (\"did you connect?\") and thank "
                     f"{v['contact']} afterwards.")
        steps.append("Next time, copy Baton before the intro: it asks first and connects people "
                     "only on a double yes.")
        return tuple(steps)
    if c.kind == "said_to_contact" and r == "contact":
        if "unknown_referrer" in c.flags:
            ref = ("Once you know who suggested it, send them the second note, with the "
                   "request below under it.")
        elif c.cast.referrer.email:
            ref = (f"Send {v['referrer']} the second note, with the request below under it, "
                   "asking for a proper intro.")
        else:
            ref = (f"Send {v['referrer']} the second note (ask {v['pin']} for "
                   f"{v['referrer_s']} address).")
        return (
            f"Send {v['pin']} the first note, asking for context.",
            ref,
            "When the proper request arrives, copy Baton on your answer: it handles the yes and "
            "no, and the follow-ups.",
            "Or let it rest: a hand-off nobody vouched for doesn't need an answer.",
        )
    if c.kind == "said_to_contact" and r == "pin":
        return (
            "Fill in your prep list below first.",
            f"Then send {v['referrer']} the note below, with the request under it.",
            f"Ask {v['referrer']} to copy Baton: it asks {v['contact']} properly and tells you "
            "both the answer.",
        )
    steps = []
    if c.needs_prep and r != "pin":
        steps.append(f"Send {v['pin']} the note below (the prep list), unless you know the "
                     "answers yourself.")
    if "[[" in blurb(c).body:
        steps.append("Fill in the [[blanks]] in the request.")
    if not c.cast.pin.email and r == "referrer":
        steps.append(f"Add the email address of {v['pin']} when you reply, so Baton can ask "
                     "for their yes too.")
    steps.append(f"Send it: Baton asks {v['contact']} first, with a yes and a no button, and "
                 f"introduces the two only when both say yes.")
    steps.append(f"A week after they connect, Baton checks in with both and thanks {v['contact']}.")
    return tuple(steps)


def commands(c: Context) -> tuple[tuple[str, str], ...]:
    v, r = c.voice, c.cast.reader
    if r != "referrer":
        return ()
    if c.kind == "direct_intro":
        return (("follow up", f"Baton checks in with both in a week and thanks {v['contact']} "
                              "afterwards."),)
    return (("send", f"Baton sends the request to {v['contact']} with a yes and a no button, "
                     "and tells you the answer."),)


# --- notes ready to send ----------------------------------------------------------------

def _questions(c: Context) -> Iterator[str]:
    if c.flags & {"unknown_referrer", "referrer_unreachable", "no_relationship"}:
        if "unknown_referrer" in c.flags or not c.cast.referrer.first:
            yield "Who suggested you contact me, and how do you know them?"
        else:
            yield (f"How do you know {c.cast.referrer.first}, and could "
                   f"{c.cast.referrer.first} introduce us?")
    if c.flags & {"no_goal", "no_specific_ask"}:
        yield "What are you looking for: which roles or companies?"
    if "no_specific_ask" in c.flags:
        yield "What would you like from me, in one sentence?"
    if "no_timeline" in c.flags:
        yield "When do you need to land something?"
    if "no_requirements" in c.flags:
        yield "What salary range and location are you after?"
    if "no_resume" in c.flags:
        yield "A link to your resume."


def _prep_questions(c: Context) -> Iterator[str]:
    # The referrer asks on the contact's behalf: same questions, pointed at the contact.
    contact = c.cast.contact.first or "them"
    for q in _questions(c):
        if q.startswith(("Who suggested", "How do you know")):
            continue
        yield q.replace("from me", f"from {contact}")


def notes(c: Context, subject: str) -> list[dict]:
    v, r, cast = c.voice, c.cast.reader, c.cast
    re_subject = "Re: " + thread_subject(subject)
    out: list[dict] = []

    def note(role: str, subj: str, lines: list[str], sign_as: str) -> None:
        person = getattr(cast, role)
        hello = f"Hi {person.first}," if person.first else "Hi [[their name]],"
        body = "\n\n".join([hello, *lines, f"Thanks,\n{c.sign(sign_as)}"])
        out.append({"to": v[role], "to_email": person.email, "subject": subj, "body": body})

    def bullets(qs: list[str]) -> str:
        return "\n".join(f"- {q}" for q in qs)

    if c.kind == "said_to_contact" and r == "contact":
        qs = list(_questions(c)) or ["What are you looking for, and how could I help?"]
        note("pin", re_subject, ["Thanks for getting in touch. Before we talk, could you tell me "
                                 "a little more?", bullets(qs), "Then I'll see how I can help."],
             "contact")
        pin = cast.pin.proper or "Someone"
        note("referrer", f"Could you introduce {cast.pin.proper or 'us'} properly?",
             [f"{pin} wrote to me saying you suggested we talk. I'm glad to consider it, but "
              f"I'd like to hear it from you first: how you know {c.pin_first}, what "
              f"{'they are' if not cast.pin.first else cast.pin.first + ' is'} looking for, and "
              "what you think I could help with. A few lines are plenty; a template is below if it "
              "helps."], "contact")
    elif c.kind == "said_to_contact" and r == "pin":
        contact = cast.contact.proper or "them"
        note("referrer", f"Would you introduce me to {contact}?",
             [f"I wrote to {contact}, as you suggested. Would you introduce us yourself? A line "
              f"from you on how we know each other, and what I'm after, will mean much more "
              f"to {c.contact_first} than my word. I've drafted a short request below; change "
              "anything you like."], "pin")
    elif c.kind == "direct_intro" and r == "referrer" and "no_opt_in" in c.flags:
        note("contact", re_subject,
             [f"I should have asked before introducing you to {c.pin_first}; sorry for springing "
              f"it on you. No obligation at all: if now isn't a good time, just say so and "
              f"I'll let {c.pin_first} know kindly."], "referrer")
    elif r == "referrer" and c.needs_prep and c.kind != "direct_intro":
        qs = list(_prep_questions(c))
        note("pin", f"Before I ask {cast.contact.first or 'them'}: a few questions",
             [f"I'd like to ask {cast.contact.proper or 'someone I know'} to help you. So the "
              "request lands well, could you send me:", bullets(qs)], "referrer")
    return out


# --- the forwardable request -----------------------------------------------------------

def blurb(c: Context) -> Blurb:
    f, cast = c.facts, c.cast
    pin_full = cast.pin.proper or "[[their name]]"
    contact_full = cast.contact.proper or "[[their name]]"
    pin = cast.pin.first or "them"
    subj_pin = cast.pin.first or "they"
    is_ = "is" if cast.pin.first else "are"
    hello = f"Hi {cast.contact.first}," if cast.contact.first else "Hi,"
    ask = _bare(f.ask) if f.ask else "[[one concrete ask, e.g. a 20-minute call about your field]]"
    relationship = _bare(f.relationship) if f.relationship else f"[[how you know {pin}]]"
    goal = _bare(f.goal) if f.goal else f"[[the roles or companies {subj_pin} {is_} aiming at]]"
    if f.targets:
        goal += f" ({_bare(f.targets)})"
    looking = [goal]
    if f.requirements:
        looking.append(_bare(f.requirements))
    looking.append(_bare(f.timeline) if f.timeline else "[[by when]]")
    why = _bare(f.why_contact) if f.why_contact else f"[[why {cast.contact.first or 'this person'}, in one line]]"
    resume = f.resume_url or "[[resume link]]"
    body = "\n\n".join([
        hello,
        f"Would you be open to helping {pin_full} with one thing: {ask}?",
        "\n".join([
            f"How I know {pin}: {relationship}.",
            f"What {subj_pin} {is_} looking for: {', '.join(looking)}.",
            f"Why you: {why}.",
            f"Resume: {resume}",
        ]),
        f"If now isn't a good time, just say so; no reason needed, and I'll let {pin} know "
        "kindly. If yes, I'll introduce you both by email.",
        f"Thanks,\n{c.sign('referrer')}",
    ])
    return Blurb(subject=f"Intro? {pin_full} → {contact_full}", body=body)


# --- the worksheet ----------------------------------------------------------------------

def prep_heading(c: Context) -> str:
    if c.cast.reader == "pin":
        return "Your prep list"
    return f"Prep list for {c.cast.pin.first or c.cast.pin.name or 'the person you are helping'}"


def prep(c: Context) -> tuple[PrepItem, ...]:
    f = c.facts
    contact = c.cast.contact.first or "them"
    return (
        PrepItem("Goal", "What are you looking for next (role, level, field)?", f.goal),
        PrepItem("Targets", "Which two or three roles or companies are you aiming at?", f.targets),
        PrepItem("The ask", f"What is the one thing you'd like from {contact}?", f.ask),
        PrepItem("Timeline", "When do you need to land something?", f.timeline),
        PrepItem("Salary and location", "What salary range, where, and is remote fine?",
                 f.requirements),
        PrepItem("Resume", "A link to your resume.", f.resume_url),
    )
