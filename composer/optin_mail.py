"""The mail of the double opt-in: the request to the contact, the questions to the PIN, the
introduction once both said yes, the kind note to the referrer when someone declined, a party's
note for the referrer, and the answers to reply commands.

Everything is rendered from `IntroMail`: the people and facts as the referrer approved them,
the parties' own answers, and whether the PIN may know the contact yet (staged disclosure).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage

from composer import i18n
from composer.blocks import Block, Body, Link, Para, Plain, Quote
from composer.cleaning import clean, first_name
from composer.i18n import answers, labelled, t
from composer.render import Attachment, build_message, render_body
from composer.request import Request, labels, render, sentence
from model import FactField, Kind, Person


@dataclass(frozen=True)
class Addressee:
    """Someone Baton writes to: a name (if known) and an address."""
    name: str | None
    email: str


@dataclass(frozen=True)
class IntroMail:
    """What the intro's mail says: the approved people and facts, and what the parties answered."""
    referrer: Addressee
    contact: Addressee
    pin: Addressee
    kind: Kind = Kind.INTRO_REQUEST
    facts: Mapping[str, str] = field(default_factory=dict)
    attachment: str | None = None  # the resume's file name, attached to the contact's request
    prep: tuple[str, ...] = ()  # what the PIN is asked (FactField values)
    pin_answers: Mapping[str, str] = field(default_factory=dict)
    pin_words: str | None = None  # what the PIN wrote when answering by email
    contact_reach: str | None = None  # how and when the contact would like to be reached
    contact_words: str | None = None  # what the contact wrote when answering yes by email
    hide_contact_until_yes: bool = False
    contact_said_yes: bool = False
    language: str = "en"
    legacy: tuple[str, str] | None = None  # (subject, body) approved before requests were rendered

    @property
    def contact_known_to_pin(self) -> bool:
        return not self.hide_contact_until_yes or self.contact_said_yes

    def request(self) -> Request:
        if self.legacy:
            return Request(subject=self.legacy[0], body=self.legacy[1], blanks=())
        return render(referrer=Person(self.referrer.name), pin=Person(self.pin.name, self.pin.email),
                      contact=Person(self.contact.name, self.contact.email), facts=self.facts,
                      attachment=self.attachment)


@dataclass(frozen=True)
class Sender:
    assistant: str
    assistant_name: str


def first(p: Addressee, fallback: str) -> str:
    return first_name(clean(p.name, 80)) or fallback


def name(p: Addressee, fallback: str) -> str:
    return clean(p.name, 80) or fallback


def names(m: IntroMail) -> dict[str, str]:
    """The people's names for the sentences (a first name where one is mentioned again)."""
    return {"referrer_name": name(m.referrer, t("someone you know")),
            "referrer_first": first(m.referrer, t("the person who wrote to Baton")),
            "pin_name": name(m.pin, t("the person you are helping")), "pin_first": first(m.pin, t("that person")),
            "contact_name": name(m.contact, t("your contact")), "contact_first": first(m.contact, t("your contact"))}


def greeting(p: Addressee) -> str:
    """"Hi Felix," or, with no name to greet by, "Hello,"."""
    who = first(p, "")
    return t("Hi %(name)s,", name=who) if who else t("Hello,")


def cap(text: str) -> str:
    """A sentence that opens with a placeholder opens with a capital."""
    return text[:1].upper() + text[1:]


def role_word(role: str) -> str:
    return t("the contact") if role == "contact" else t("the person you are helping")


def send(body: Body, *, m: IntroMail, sender: Sender, to: list[Addressee], subject: str, key: str, token: str,
         now: datetime | None, cc: tuple[Addressee, ...] | list[Addressee] = (),
         headers: Mapping[str, str] | None = None,
         attachments: tuple[Attachment, ...] = ()) -> EmailMessage:
    """The EmailMessage for `body` (rendered in the intro's language by the caller)."""
    text, html = render_body(body, subject)
    return build_message(text=text, html=html, to=[(p.name, p.email) for p in to], cc=[(p.name, p.email) for p in cc],
                         subject=subject, key=key, token=token, assistant=sender.assistant,
                         assistant_name=sender.assistant_name, now=now, headers=headers, attachments=attachments)


def stop_lines(stop_link: str | None) -> tuple[str, ...]:
    if not stop_link:
        return ()
    return (t("Never want an intro request through Baton again? One click: %(url)s", url=stop_link),)


def unsubscribe_headers(stop_link: str | None) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: a mail client's button POSTs to the link; a GET only shows."""
    if not stop_link:
        return {}
    return {"List-Unsubscribe": f"<{stop_link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def optin_contact(m: IntroMail, *, link: str, stop_link: str | None, key: str, token: str, sender: Sender,
                  now: datetime | None = None, attachments: tuple[Attachment, ...] = ()) -> EmailMessage:
    """The request, sent only after the referrer approved it; the resume goes with it."""
    with i18n.use(m.language):
        n, req = names(m), m.request()
        blocks: list[Block] = [
            Plain(req.body),
            Link(t("Yes, not now, or no"), link, t("One click opens a page with three buttons; nothing happens until "
                                                 "you press one.")),
            Para(t("You can also reply to this email with \"%(yes)s\", \"%(not_now)s\" or \"%(no)s\" on the first "
                   "line. With a yes, what you write below it (how and when to reach you, say) goes into the "
                   "introduction; with a no or not now, only to %(referrer_first)s.", **n, **answers())),
        ]
        if m.hide_contact_until_yes:
            blocks.append(Para(t("If you say no or not now, %(pin_first)s won't learn that you were asked.", **n)))
        else:
            blocks.append(Para(t("If you say no or not now, Baton tells only %(referrer_first)s, kindly.", **n)))
        body = Body(greeting=None, blocks=tuple(blocks), signature=(
            t("%(assistant)s sends this for %(referrer_name)s, who asked you first, before introducing anyone.",
              assistant=sender.assistant_name, **n), *stop_lines(stop_link)))
        return send(body, m=m, sender=sender, to=[m.contact], subject=req.subject, key=key, token=token, now=now,
                    headers=unsubscribe_headers(stop_link), attachments=attachments)


def prep_question(f: str, contact: str) -> str:
    return {
        FactField.GOAL.value: t("What are you looking for next (role, level, field)?"),
        FactField.TARGETS.value: t("Which two or three roles or companies are you aiming at?"),
        FactField.ASK.value: t("What is the one thing you'd like from %(contact)s?", contact=contact),
        FactField.TIMELINE.value: t("By when do you need to land something?"),
        FactField.REQUIREMENTS.value: t("What salary range and location, and is remote fine?"),
        FactField.RESUME.value: t("A link to your resume."),
    }[f]


def pin_contact_word(m: IntroMail) -> str:
    """How the PIN's mail and page call the contact: by name only once the PIN may know."""
    return name(m.contact, t("them")) if m.contact_known_to_pin else t("them")


def optin_pin(m: IntroMail, *, link: str, stop_link: str | None, key: str, token: str, sender: Sender,
              now: datetime | None = None) -> EmailMessage:
    with i18n.use(m.language):
        n = names(m)
        if m.contact_known_to_pin:
            who = cap(t("%(referrer_name)s would like to introduce you to %(contact_name)s, and is asking "
                        "%(contact_first)s first.", **n))
        else:
            who = cap(t("%(referrer_name)s would like to introduce you to someone who may be able to help, and is "
                        "asking them first. You'll learn who it is as soon as they say yes.", **n))
        blocks: list[Block] = [Para(who)]
        if m.prep:
            contact = pin_contact_word(m)
            blocks.append(Para(t("A few questions first; your answers go into the introduction:")))
            blocks.append(Plain("\n".join(f"- {prep_question(f, contact)}" for f in m.prep)))
        blocks += [
            Link(t("Answer, and say yes or no"), link, t("The page has the questions and three buttons; nothing "
                                                       "happens until you press one.")),
            Para(t("Or reply to this email: \"%(yes)s\", \"%(not_now)s\" or \"%(no)s\" on the first line, and your "
                   "answers below it. They go into the introduction as you write them.", **answers())),
        ]
        body = Body(greeting=greeting(m.pin), blocks=tuple(blocks), signature=(
            t("%(assistant)s sends this for %(referrer_name)s.", assistant=sender.assistant_name, **n),
            *stop_lines(stop_link)))
        subject = cap(t("Before %(referrer_first)s introduces you: a few questions", **n) if m.prep else
                      t("%(referrer_first)s would like to introduce you", **n))
        return send(body, m=m, sender=sender, to=[m.pin], subject=subject, key=key, token=token, now=now,
                    headers=unsubscribe_headers(stop_link))


def introduction_lines(m: IntroMail) -> list[str]:
    """Why these two should talk: each fact once, the PIN's own answer before the referrer's words."""
    label = labels()
    out: list[str] = []
    seen: list[str] = []
    for f in (FactField.ASK, FactField.RELATIONSHIP, FactField.GOAL, FactField.TARGETS, FactField.REQUIREMENTS,
              FactField.TIMELINE, FactField.WHY_CONTACT, FactField.RESUME):
        value = clean(m.pin_answers.get(f.value), 1000) or clean(m.facts.get(f.value), 300)
        if f is FactField.RESUME and not value and m.attachment:
            value = t("sent to %(contact_first)s with the request (%(file)s)", file=m.attachment, **names(m))
        if not value or any(value in s for s in seen):
            continue
        seen.append(value)
        out.append(labelled(label[f.value], sentence(value)))
    return out


def introduction(m: IntroMail, *, key: str, token: str, sender: Sender, now: datetime | None = None) -> EmailMessage:
    """One email to both, cc the referrer, in a new thread; replies go to the three people."""
    with i18n.use(m.language):
        n = names(m)
        blocks: list[Block] = [
            Para(t("%(contact_first)s, meet %(pin_name)s. %(pin_first)s, meet %(contact_name)s.", **n)),
            Para(t("You both said yes, so here is the introduction %(referrer_name)s promised.", **n)),
        ]
        lines = introduction_lines(m)
        if lines:
            blocks.append(Plain("\n".join(lines)))
        if m.pin_words:
            blocks.append(Quote(t("%(pin_first)s wrote", **n), m.pin_words))
        if m.contact_words:
            blocks.append(Quote(t("%(contact_first)s wrote", **n), m.contact_words))
        if m.contact_reach:
            blocks.append(Para(t("How and when to reach %(contact_first)s: %(how)s", how=m.contact_reach, **n)))
        blocks.append(Para(t("%(pin_first)s, the next step is yours: write to %(contact_first)s with two or three "
                             "times that suit you. Reply all keeps %(referrer_first)s in the loop; replies go to the "
                             "three of you, not to %(assistant)s.", assistant=sender.assistant_name, **n)))
        body = Body(greeting=None, blocks=tuple(blocks),
                    signature=(cap(t("%(referrer_name)s (sent by %(assistant)s)", assistant=sender.assistant_name,
                                     **n)),))
        msg = send(body, m=m, sender=sender, to=[m.contact, m.pin], cc=[m.referrer], key=key, token=token, now=now,
                   subject=t("Introduction: %(pin_name)s and %(contact_name)s", **n))
    # Reply and reply-all reach the people, not Baton.
    del msg["Reply-To"]
    msg["Reply-To"] = msg["To"].addresses + msg["Cc"].addresses
    return msg


def declined(m: IntroMail, *, who: str, decision: str, note: str | None, key: str, token: str, sender: Sender,
             now: datetime | None = None) -> EmailMessage:
    """To the referrer: kindly, with the decliner's note; the other party is not told."""
    with i18n.use(m.language):
        n = names(m)
        party = m.contact if who == "contact" else m.pin
        words = t("not now") if decision == "not_now" else t("no")
        blocks: list[Block] = [Para(cap(t("%(who)s answered \"%(words)s\" to your intro of %(pin_name)s to "
                                          "%(contact_name)s, so nobody has been introduced, and nobody else has been "
                                          "told.", who=name(party, role_word(who)), words=words, **n)))]
        if note:
            blocks.append(Quote(cap(t("%(who)s added", who=first(party, role_word(who)))), clean_note(note)))
        blocks.append(Para(t("That is a fine outcome: asking first is what spared everyone an awkward thread. If "
                             "someone else might help %(pin_first)s, copy %(address)s again.",
                             address=sender.assistant, **n)))
        body = Body(greeting=greeting(m.referrer), blocks=tuple(blocks))
        return send(body, m=m, sender=sender, to=[m.referrer], key=key, token=token, now=now,
                    subject=t("Your intro of %(pin_name)s to %(contact_name)s", **n))


def party_note(m: IntroMail, *, who: str, note: str, key: str, token: str, sender: Sender,
               now: datetime | None = None) -> EmailMessage:
    """To the referrer: the note a party left for them with their yes."""
    with i18n.use(m.language):
        party = m.contact if who == "contact" else m.pin
        body = Body(greeting=greeting(m.referrer), blocks=(
            Para(cap(t("%(who)s said yes to the introduction, and left you a note:", who=name(party, role_word(who))))),
            Quote(cap(first(party, role_word(who))), clean_note(note)),
            Para(t("Only you get this note."), quiet=True),
        ))
        return send(body, m=m, sender=sender, to=[m.referrer], key=key, token=token, now=now,
                    subject=t("A note from %(who)s about your intro", who=name(party, role_word(who))))


def clean_note(text: str) -> str:
    """A person's own words, kept with their line breaks, without control characters."""
    lines = [clean(line, 2000) or "" for line in str(text).replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip()[:4000]


def refused(*, to: Addressee, why: str, link: str | None, link_label: str, key: str, token: str, sender: Sender,
            subject: str, language: str, now: datetime | None = None) -> EmailMessage:
    """The answer to a reply command Baton could not carry out: why, and what to do instead."""
    with i18n.use(language):
        blocks: list[Block] = [Para(why)]
        if link:
            blocks.append(Link(link_label, link, t("Opening the page changes nothing; you decide there.")))
        body = Body(greeting=greeting(to), blocks=tuple(blocks))
        return send(body, m=IntroMail(to, to, to), sender=sender, to=[to], key=key, token=token, now=now,
                    subject=subject)


def confirmed(m: IntroMail, *, when: datetime, key: str, token: str, sender: Sender,
              now: datetime | None = None) -> EmailMessage:
    """To the referrer of a direct intro who replied "follow up": what Baton will do, and when."""
    with i18n.use(m.language):
        n = names(m)
        body = Body(greeting=greeting(m.referrer), blocks=(
            Para(t("Done. On %(date)s Baton asks %(pin_first)s and %(contact_first)s whether they connected (one click "
                   "each), tells you what they say, and, if they met, thanks %(contact_first)s for you. Nothing else "
                   "goes to them.", date=i18n.date(when), **n)),
        ))
        return send(body, m=m, sender=sender, to=[m.referrer], key=key, token=token, now=now,
                    subject=t("Baton will follow up on %(pin_first)s and %(contact_first)s", **n))
