"""One of every email Baton writes, rendered in a given language, for the i18n tests (and for
translators: `python -m tests.mail_samples LANG` prints them)."""
from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage

import settings as settings_mod
from composer import followup_mail, optin_mail, refusals
from composer.draft import AboutNote, Handoff, build_draft
from composer.optin_mail import Addressee, IntroMail, Sender
from composer.render import render_about, render_reply
from inbound.analysis.analyze import analyze_bytes
from model import Analysis, Command, Kind, MailPurpose, Role

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SENDER = Sender("intro@baton.example", "Baton")
DRAFT_FIXTURES = ("intro-request-complete.eml", "intro-request-unfocused.eml", "direct-intro-meet.eml",
                  "said-to-contact-gmail-fwd.eml", "said-to-contact-direct-cc.eml",
                  "said-to-contact-apple-fwd-referrer-cc.eml", "none-thanks.eml")


def _drafts(lang: str) -> list[tuple[str, EmailMessage]]:
    out = []
    handoffs = settings_mod.load().fixtures_dir / "handoffs"
    for name in DRAFT_FIXTURES:
        analysis: Analysis = replace(analyze_bytes((handoffs / name).read_bytes(), assistant=SENDER.assistant,
                                                   domains=["baton.example"]), language=lang)
        draft = build_draft(analysis)
        if isinstance(draft, Handoff):
            review = "https://baton.example/r/token" if draft.reader == "referrer" else None
            out.append((f"draft:{name}", render_reply(draft, analysis=analysis, references=[], key="k1",
                                                      assistant=SENDER.assistant, assistant_name="Baton",
                                                      review_url=review, now=NOW)))
        elif isinstance(draft, AboutNote):
            out.append((f"about:{name}", render_about(draft, analysis=analysis, references=[], key="k1",
                                                      assistant=SENDER.assistant, assistant_name="Baton", now=NOW)))
    return out


def intro_mail(lang: str, *, hidden: bool = True, kind: Kind = Kind.INTRO_REQUEST) -> IntroMail:
    return IntroMail(referrer=Addressee("Diane Wu", "diane@wu.example"), contact=Addressee("Carla Diaz", "carla@vertex.example"),
                     pin=Addressee("Felix Adams", "felix@mail.example"), kind=kind,
                     facts={"ask": "a 20-minute call", "relationship": "my old teammate", "goal": "a staff role"},
                     attachment="Felix Adams CV.pdf", prep=("timeline", "requirements"),
                     pin_answers={"timeline": "by January"}, pin_words="Thank you both.",
                     contact_reach="Mornings", contact_words="Happy to help.", hide_contact_until_yes=hidden,
                     language=lang)


def all_mail(lang: str) -> list[tuple[str, EmailMessage]]:
    """(what, email) for every kind of email, in `lang`."""
    kw = dict(key="k1", token="t1", sender=SENDER, now=NOW)
    m, shown, direct = intro_mail(lang), intro_mail(lang, hidden=False), intro_mail(lang, kind=Kind.DIRECT_INTRO)
    link, stop = "https://baton.example/o/token", "https://baton.example/s/token"
    out = _drafts(lang)
    out += [("optin_contact:hidden", optin_mail.optin_contact(m, link=link, stop_link=stop, **kw)),
            ("optin_contact:shown", optin_mail.optin_contact(shown, link=link, stop_link=stop, **kw)),
            ("optin_pin:hidden", optin_mail.optin_pin(m, link=link, stop_link=stop, **kw)),
            ("optin_pin:shown", optin_mail.optin_pin(shown, link=link, stop_link=stop, **kw)),
            ("introduction", optin_mail.introduction(m, **kw)),
            ("declined", optin_mail.declined(m, who="contact", decision="not_now", note="Busy until March.", **kw)),
            ("party_note", optin_mail.party_note(m, who="pin", note="Thanks!", **kw)),
            ("confirmed", optin_mail.confirmed(direct, when=NOW, **kw))]
    for kind in (MailPurpose.REMINDER_REVIEW, MailPurpose.REMINDER_CONTACT, MailPurpose.EXPIRED,
                 MailPurpose.NUDGE_PIN, MailPurpose.FOLLOWUP, MailPurpose.THANKS_CONTACT):
        out.append((f"note:{kind.value}", followup_mail.note(kind, m, to=m.pin, link=link, **kw)))
    out.append(("note:thanks_contact:direct", followup_mail.note(MailPurpose.THANKS_CONTACT, direct, to=m.contact,
                                                                 **kw)))
    out.append(("note:summary", followup_mail.note(MailPurpose.SUMMARY_PIN, m, to=m.referrer, answer="met",
                                                   who="Felix", **kw)))
    out.append(("note:bounced", followup_mail.note(MailPurpose.BOUNCED, m, to=m.referrer, who="Carla Diaz",
                                                   who_first="Carla",
                                                   address="carla@vertex.example", status="5.1.1", **kw)))
    for reason in (refusals.NO_COMMAND, refusals.NOT_YOURS, refusals.ALREADY, refusals.SEND_DIRECT, refusals.BLANKS,
                   refusals.NO_ADDRESS, refusals.UNCONFIRMED_ADDRESS, refusals.FOLLOW_UP_NOT_DIRECT,
                   refusals.FOLLOW_UP_NO_ADDRESS):
        for role in (Role.REFERRER, Role.CONTACT):
            out.append((f"refused:{reason}:{role.value}",
                        refusals.email(reason, command=Command.SEND, role=role, to=m.referrer,
                                       link="https://baton.example/r/token", link_kind="review",
                                       subject="Intro request", language=lang, **kw)))
    return out


if __name__ == "__main__":
    for what, msg in all_mail(sys.argv[1] if len(sys.argv) > 1 else "en"):
        body = msg.get_body(("plain",)).get_content()
        print(f"===== {what}  |  {msg['Subject']}\n{body}")
