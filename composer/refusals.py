"""Why a reply command could not be carried out, said to the person who sent it.

Every refusal is answered: a referrer whose "send" did not go must not believe it went. The
reasons are codes (the timeline records them); `email` says each in the reader's language, with
the page to use instead.
"""
from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage

from composer import i18n
from composer.i18n import answers, t, word
from composer.optin_mail import Addressee, Sender, refused
from model import Command, Role

NO_COMMAND = "no command"
NOT_YOURS = "not a command for this reader"
ALREADY = "the intro has moved on"
SEND_DIRECT = "a direct intro has nothing to send"
BLANKS = "blanks left"
NO_ADDRESS = "an address is missing"
UNCONFIRMED_ADDRESS = "an address is not in the message's headers"
FOLLOW_UP_NOT_DIRECT = "follow up is for direct intros"
FOLLOW_UP_NO_ADDRESS = "follow up needs both addresses in the headers"


def limit(problem: str, *, contact: str, pin: str, times: int) -> str:
    """intros.lifecycle.limit_problem's reason, for the referrer."""
    if problem == "asked too often":
        return t("%(contact)s has been asked %(times)d times in the last 30 days; Baton won't ask again yet. Try "
                 "again in a few weeks.", contact=contact, times=times)
    return t("%(contact)s was already asked about %(pin)s this month, by someone else. Baton won't ask twice; you "
             "could ask %(contact)s directly how it went.", contact=contact, pin=pin)


def opted_out(who: str) -> str:
    return t("%(who)s asked Baton never to send them an intro request, so Baton won't ask them.", who=who)


def _why(reason: str, role: Role) -> str:
    party = role in (Role.CONTACT, Role.PIN)
    if reason == NO_COMMAND and party:
        return t("Baton reads only \"%(yes)s\", \"%(not_now)s\" or \"%(no)s\" on the first line of a reply, and "
                 "found none of them, so nothing changed. Reply again with one of them on the first line, or answer "
                 "on the page.", **answers())
    if reason == NO_COMMAND:
        return t("Baton found no command on the first line of your reply, so nothing changed. Reply with "
                 "\"%(send)s\" or \"%(cancel)s\" on the first line, or decide on the review page.",
                 send=word(Command.SEND), cancel=word(Command.CANCEL))
    if reason == NOT_YOURS and party:
        return t("Baton can only take \"%(yes)s\", \"%(not_now)s\" or \"%(no)s\" from you, so nothing changed.",
                 **answers())
    if reason == NOT_YOURS:
        return t("That word is for the people being introduced; from you Baton takes \"%(send)s\" or "
                 "\"%(cancel)s\". Nothing changed.", send=word(Command.SEND), cancel=word(Command.CANCEL))
    if reason == ALREADY:
        return t("Your reply came after the intro had moved on, so nothing changed.")
    if reason == SEND_DIRECT:
        return t("This introduction has already been made, so there is nothing to send. Reply \"%(follow_up)s\" "
                 "and Baton checks in with both in a week.", follow_up=word(Command.FOLLOW_UP))
    if reason == BLANKS:
        return t("Nothing was sent: the request still has [[blanks]], and Baton couldn't find them typed over in "
                 "your reply. Fill them in on the review page, or reply again with the request quoted, each blank "
                 "typed over, and \"%(send)s\" on the first line.", send=word(Command.SEND))
    if reason == NO_ADDRESS:
        return t("Nothing was sent: Baton doesn't have an email address for everyone yet. Add it on the review page, "
                 "then press Send.")
    if reason == UNCONFIRMED_ADDRESS:
        return t("Nothing was sent: an address came from the body of the message, not from its To or Cc, so Baton "
                 "needs you to confirm it on the review page first.")
    if reason == FOLLOW_UP_NOT_DIRECT:
        return t("\"%(follow_up)s\" is for an introduction you already made. For this one Baton follows up by "
                 "itself, once both have said yes.", follow_up=word(Command.FOLLOW_UP))
    if reason == FOLLOW_UP_NO_ADDRESS:
        return t("Baton can follow up only with people whose addresses were in the message's To or Cc, so nothing "
                 "changed. Copy Baton on a message to both of them.")
    return t("Nothing was sent: %(why)s", why=reason)


def email(reason: str, *, command: Command | None, role: Role, to: Addressee, link: str | None, link_kind: str,
          key: str, token: str, sender: Sender, subject: str, language: str,
          now: datetime | None = None) -> EmailMessage:
    with i18n.use(language):
        label = t("Review & send") if link_kind == "review" else t("Answer")
        return refused(to=to, why=_why(reason, role), link=link, link_label=label, key=key, token=token,
                       sender=sender, subject=t("About your reply: %(subject)s", subject=subject or t("your intro")),
                       language=language, now=now)
