"""The short notes that keep an intro moving: reminders, expiry, the nudge, the follow-up, thanks,
the summary, and the bounce note. Each is a subject, a few sentences and maybe a link.

A note says only what is true of the intro it is about: a direct intro was never asked first,
so nobody is thanked for asking; the PIN's "did you connect?" says that "we met" also thanks the
contact, since that is an email the contact will receive.
"""
from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage

from composer import i18n
from composer.blocks import Block, Body, Link, Para
from composer.i18n import answers, t
from composer.optin_mail import (
    Addressee,
    IntroMail,
    Sender,
    cap,
    greeting,
    names,
    send,
    stop_lines,
    unsubscribe_headers,
)
from model import FollowupAnswer, Kind, MailPurpose


def _answer_line(answer: str, v: dict[str, str]) -> str:
    if answer == FollowupAnswer.MET:
        return t("%(who)s says they met. Baton has thanked %(contact_first)s on your behalf.", **v)
    if answer == FollowupAnswer.NOT_YET:
        return t("%(who)s says they haven't met yet. Baton won't chase them further.", **v)
    return t("%(who)s says it didn't work out this time. Nobody else has been told.", **v)


def _row(kind: MailPurpose, m: IntroMail, v: dict[str, str], to: Addressee) -> tuple[str, list[str], str | None]:
    """(subject, paragraphs, link label) of one note."""
    direct = m.kind is Kind.DIRECT_INTRO
    if kind is MailPurpose.REMINDER_REVIEW:
        return (t("You offered an intro: %(pin_name)s and %(contact_name)s", **v),
                [t("A couple of days ago you started an intro of %(pin_name)s to %(contact_name)s. Nobody has been "
                   "asked yet.", **v),
                 t("If you'd still like to make it, the request is waiting on the review page: check it and press "
                   "Send. If not, cancel it and nobody will hear a thing.")],
                t("Review & send"))
    if kind in (MailPurpose.REMINDER_CONTACT, MailPurpose.REMINDER_PIN):
        return (t("A gentle reminder from %(referrer_first)s", **v),
                [cap(t("%(referrer_name)s asked a few days ago whether you would like an introduction. A "
                       "one-click answer is all it takes; \"%(no)s\" and \"%(not_now)s\" are perfectly good answers.",
                       **v, **answers()))],
                t("Answer"))
    if kind is MailPurpose.EXPIRED:
        return (t("Your intro of %(pin_name)s to %(contact_name)s expired", **v),
                [t("Not everyone answered within a week, so Baton has closed the intro of %(pin_name)s to "
                   "%(contact_name)s. Nobody was introduced, and nobody was told who didn't answer.", **v),
                 t("If the timing was just bad, copy Baton again later.")], None)
    if kind is MailPurpose.NUDGE_PIN:
        return (t("Your next step with %(contact_first)s", **v),
                [t("Yesterday %(referrer_first)s introduced you to %(contact_name)s. The next step is yours: write "
                   "to %(contact_first)s with two or three times that suit you, and keep it short.", **v),
                 t("And a one-line thank-you to %(referrer_first)s goes a long way.", **v)], None)
    if kind is MailPurpose.FOLLOWUP:
        first = (t("A week ago %(referrer_first)s introduced %(pin_name)s and %(contact_name)s. How did it go?", **v))
        if to.email == m.pin.email:
            tell = t("One click tells %(referrer_first)s; \"we met\" also sends %(contact_first)s a thank-you.", **v)
        else:
            tell = t("One click tells %(referrer_first)s.", **v)
        return (t("Did you connect?"), [first, tell], t("We met / not yet / it didn't work out"))
    if kind is MailPurpose.THANKS_CONTACT:
        hoped = (t("Thank you for making the time: that is exactly what %(referrer_first)s hoped for.", **v) if direct
                 else t("Thank you for making the time: that is exactly what %(referrer_first)s hoped for when "
                        "asking you.", **v))
        return (t("Thank you for meeting %(pin_first)s", **v),
                [hoped, t("If you'd like to pass the favour on, copy Baton on your next intro.")], None)
    if kind is MailPurpose.BOUNCED:
        return (cap(t("%(who)s couldn't be reached", **v)),
                [t("The email Baton sent %(who)s (%(address)s) for your intro of %(pin_name)s to %(contact_name)s "
                   "came back undelivered; their mail server answered %(status)s.", **v),
                 t("Nobody else has been told. If you have another address for %(who_first)s, copy Baton again "
                   "with it.", **v)], None)
    if kind in (MailPurpose.SUMMARY_CONTACT, MailPurpose.SUMMARY_PIN):
        closing = (t("Thank you for making the intro.") if direct
                   else t("Thank you for asking first: it made this an easy yes."))
        return (t("How your intro of %(pin_name)s to %(contact_name)s went", **v),
                [_answer_line(v.get("answer", ""), v), closing], None)
    raise KeyError(kind)


def note(kind: MailPurpose, m: IntroMail, *, to: Addressee, key: str, token: str, sender: Sender,
         link: str | None = None, now: datetime | None = None, stop_link: str | None = None,
         **extra: str) -> EmailMessage:
    with i18n.use(m.language):
        v = {**names(m), **extra}
        subject, paragraphs, label = _row(kind, m, v, to)
        blocks: list[Block] = [Para(p) for p in paragraphs]
        if link and label:
            blocks.append(Link(label, link, t("The link opens a page with buttons; nothing happens until you press "
                                              "one.")))
        body = Body(greeting=greeting(to), blocks=tuple(blocks),
                    signature=(t("%(assistant)s <%(assistant_address)s>, for %(referrer_name)s.",
                                 assistant=sender.assistant_name, assistant_address=sender.assistant,
                                 referrer_name=v["referrer_name"]), *stop_lines(stop_link)))
        return send(body, m=m, sender=sender, to=[to], subject=subject, key=key, token=token, now=now,
                    headers=unsubscribe_headers(stop_link))
