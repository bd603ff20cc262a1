"""The short notes that keep an intro moving: reminders, expiry, the nudge, the follow-up, thanks.

Each note is a row: subject and paragraphs, with {placeholders} filled from the intro. One
template (note.txt / note.html) renders them all.
"""
from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage

from composer.optin_mail import IntroMail, Party, Sender, _base, _render

NOTES: dict[str, dict] = {
    # to the referrer, 2 days after the draft, when it is still not reviewed
    "review_reminder": {"subject": "You offered an intro: {pin_name} and {contact_name}",
                        "paragraphs": ["A couple of days ago you started an intro of {pin_name} to {contact_name}. "
                                       "Nobody has been asked yet.",
                                       "If you'd still like to make it, the request is ready: fill in the blanks "
                                       "and send it. If not, cancel it and nobody will hear a thing."],
                        "link_label": "Review & send"},
    # to a party who has not answered, 3 days after the request
    "party_reminder": {"subject": "A gentle reminder from {referrer_first}",
                       "paragraphs": ["{referrer_name} asked a few days ago whether you would like an "
                                      "introduction. A one-click answer is all it takes; \"no\" and \"not now\" "
                                      "are perfectly good answers."],
                       "link_label": "Answer"},
    # to the referrer when nobody answered in time
    "expired": {"subject": "Your intro of {pin_name} to {contact_name} expired",
                "paragraphs": ["Not everyone answered within a week, so Baton has closed the intro of "
                               "{pin_name} to {contact_name}. Nobody was introduced, and nobody was told who "
                               "didn't answer.",
                               "If the timing was just bad, copy Baton again later."]},
    # to the PIN a day after the introduction
    "nudge_pin": {"subject": "Your next step with {contact_first}",
                  "paragraphs": ["Yesterday {referrer_first} introduced you to {contact_name}. The next step "
                                 "is yours: write to {contact_first} with two or three times that suit you, and "
                                 "keep it short.",
                                 "And a one-line thank-you to {referrer_first} goes a long way."]},
    # to both, a week after the introduction
    "followup": {"subject": "Did you connect?",
                 "paragraphs": ["A week ago {referrer_first} introduced {pin_name} and {contact_name}. How did it "
                                "go? One click tells {referrer_first}, and nobody else."],
                 "link_label": "We met / not yet / it didn't work out"},
    # to the contact after "we met", on the referrer's behalf
    "thanks_contact": {"subject": "Thank you for meeting {pin_first}",
                       "paragraphs": ["{pin_name} tells me you met. Thank you for making the time: "
                                      "that is exactly what {referrer_first} hoped for when asking you.",
                                      "If you'd like to pass the favour on, copy Baton on your next intro."]},
    # to the referrer when mail to the contact or the PIN came back undelivered (intros/bounces.py)
    "bounced": {"subject": "{who} couldn't be reached",
                "paragraphs": ["The email Baton sent {who} ({address}) for your intro of {pin_name} to "
                               "{contact_name} came back undelivered; their mail server answered {status}.",
                               "Nobody else has been told. If you have another address for {who_first}, "
                               "copy Baton again with it."]},
    # to the referrer after an outcome
    "summary": {"subject": "How your intro of {pin_name} to {contact_name} went",
                "paragraphs": ["{outcome_line}", "Thank you for asking first: it made this an easy yes."]},
}
OUTCOME_LINES = {"met": "{who} says they met. Baton has thanked {contact_first} on your behalf.",
                 "not_yet": "{who} says they haven't met yet. Baton won't chase them further.",
                 "no_luck": "{who} says it didn't work out this time. Nobody else has been told."}


def note(kind: str, m: IntroMail, *, to: Party, key: str, token: str, sender: Sender, link: str | None = None,
         now: datetime | None = None, **extra: str) -> EmailMessage:
    row = NOTES[kind]
    values = {**_base(m), **extra}
    values["outcome_line"] = OUTCOME_LINES.get(extra.get("outcome", ""), "").format(**values)
    ctx = {**_base(m), "greeting": (to.name or "there").split()[0], "link": link,
           "link_label": row.get("link_label", ""), "paragraphs": [p.format(**values) for p in row["paragraphs"]]}
    return _render("note", ctx, sender=sender, to=[to], subject=row["subject"].format(**values), key=key, token=token,
                   now=now)
