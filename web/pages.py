"""The review page (for the referrer), the opt-in page (for the contact and the PIN), the
"did you connect?" page, and "don't ask me again".

GET and HEAD only show; a decision is a POST from the page's own form carrying its form
token. Mail scanners fetch every link in a message, and must never say yes for anyone. The one
other POST taken is RFC 8058's one-click unsubscribe, which a mail client sends from its own
button with the body `List-Unsubscribe=One-Click`.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from clock import clock
from composer import i18n, mirror, optin_mail, wording
from composer.cast import proper
from composer.cleaning import BLANK, clean, clean_email
from composer.draft import Handoff
from composer.i18n import t
from composer.optin_mail import Addressee
from composer.request import NEEDED, OPTIONAL, labels, render
from intros import flow
from intros.states import IllegalTransition
from model import Decision, FollowupAnswer, Intro, Kind, LinkPurpose, Person, Role, State
from store import tokens

log = logging.getLogger("baton.web")
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent.parent / "templates" / "web"),
                          autoescape=jinja2.select_autoescape(["html"]), undefined=jinja2.StrictUndefined,
                          extensions=["jinja2.ext.i18n"])
i18n.install(_env)
MAX_FIELD = 300
MAX_NOTE = 2000
ONE_CLICK = "List-Unsubscribe=One-Click"


def decision_words() -> dict[Decision, str]:
    return {Decision.YES: t("Yes"), Decision.NOT_NOW: t("Not now"), Decision.NO: t("No")}


def followup_words() -> dict[FollowupAnswer, str]:
    return {FollowupAnswer.MET: t("We met"), FollowupAnswer.NOT_YET: t("Not yet"),
            FollowupAnswer.NO_LUCK: t("It didn't work out")}


@dataclass(frozen=True)
class Pages:
    engine: Engine
    secret: str
    ctx: flow.Context
    on_queued: Callable[[], None] = lambda: None

    async def home(self, request: Request) -> HTMLResponse:
        """The root page, in the visitor's language (Accept-Language) where Baton has it."""
        with i18n.use(_preferred_language(request.headers.get("accept-language", ""))):
            return _message(t("Baton is running"), [t("Copy the assistant address on an email to turn a hand-off "
                                                      "into a double-opt-in intro.")])

    def routes(self) -> list[Route]:
        pages = {LinkPurpose.REVIEW: self.review, LinkPurpose.OPTIN: self.optin, LinkPurpose.FOLLOWUP: self.followup,
                 LinkPurpose.STOP: self.stop}
        return [Route(purpose.prefix + "{token}", page, methods=["GET", "HEAD", "POST"])
                for purpose, page in pages.items()]

    async def _tx(self, fn, *args):
        """Runs fn(conn, *args) in one transaction, off the event loop."""
        def run():
            with self.engine.begin() as conn:
                return fn(conn, *args)
        return await asyncio.to_thread(run)

    async def _open(self, token: str, purpose: LinkPurpose) -> tuple[tokens.Link, Intro] | HTMLResponse:
        """The link's intro, or the page that says why the link doesn't work."""
        link = await self._tx(lambda c: tokens.resolve(c, token, purpose=purpose, now=clock.now()))
        if isinstance(link, str):
            return _gone(link)
        return link, await self._tx(flow.load, link.intro_id)

    async def _form(self, request: Request, token: str):
        """The POSTed form, or None when it didn't come from our own page (no valid form token)."""
        form = await request.form()
        return form if tokens.form_token_ok(self.secret, token, str(form.get("form_token") or "")) else None

    # --- review ---------------------------------------------------------------------------

    async def review(self, request: Request) -> HTMLResponse:
        token = request.path_params["token"]
        opened = await self._open(token, LinkPurpose.REVIEW)
        if isinstance(opened, HTMLResponse):
            return opened
        link, intro = opened
        with i18n.use(flow.handoff(intro).language):
            if intro.state is not State.DRAFT:
                return _message(t("Already done"), [_state_words(intro.state)])
            if request.method != "POST":
                return self._review_page(intro, token, _values_from_draft(intro), {})
            form = await self._form(request, token)
            if form is None:
                return _not_our_form()
            if form.get("action") == "cancel":
                try:
                    await self._tx(lambda c: flow.cancel(c, link.intro_id, now=clock.now(), ctx=self.ctx))
                except IllegalTransition:
                    pass  # a second click: the intro is already cancelled or sent
                return _message(t("Intro cancelled"), [t("Nobody was asked and nobody will be. Thanks for checking "
                                                         "first.")])
            values, errors = _read_review(form, intro)
            if form.get("action") != "send":
                errors["form"] = t("Press Send or Cancel.")
            if errors:
                return self._review_page(intro, token, values, errors, status=400)
            approval = flow.Approval(
                referrer_name=values["referrer_name"],
                contact=Addressee(values["contact_name"], values["contact_email"]),
                pin=Addressee(values["pin_name"], values["pin_email"]), facts=values["facts"],
                hide_contact_until_yes=values["hide_contact_until_yes"])
            try:
                await self._tx(lambda c: flow.approve(c, link.intro_id, approval, now=clock.now(), ctx=self.ctx))
            except IllegalTransition:  # sent from another tab a moment ago
                return _message(t("Already done"), [_state_words(State.REQUESTED)])
            except flow.LimitReached as e:
                return self._review_page(intro, token, values, {"form": str(e)}, status=409)
            self.on_queued()
            log.info("intro id=%s approved", link.intro_id)
            who = {"contact": values["contact_name"] or t("The contact"),
                   "pin": values["pin_name"] or t("the person you are helping")}
            return _message(t("Requests sent"), [
                t("%(contact)s and %(pin)s each have a link to say yes, not now or no.", **who),
                t("When both say yes, Baton sends the introduction with you in copy. If either says no, you'll hear it "
                  "from Baton, kindly, and nobody else will.")])

    def _review_page(self, intro: Intro, token: str, values: dict, errors: Mapping[str, str],
                     status: int = 200) -> HTMLResponse:
        h = flow.handoff(intro)
        c = wording.context(h, review_url=None, assistant=self.ctx.sender.assistant)
        label = labels()
        facts = values["facts"]
        preview = render(referrer=Person(values["referrer_name"] or None),
                         pin=Person(values["pin_name"] or None, values["pin_email"] or None),
                         contact=Person(values["contact_name"] or None, values["contact_email"] or None),
                         facts=facts, attachment=h.attachment)
        slots = [{"name": f.value, "label": label[f.value], "value": facts.get(f.value, ""),
                  "needed": f in NEEDED, "error": errors.get(f.value, ""),
                  "rows": max(2, min(12, len(facts.get(f.value, "")) // 60 + 1))}
                 for f in NEEDED + OPTIONAL]
        missing = [{"title": mirror.title(code), "line": mirror.line(code, c.kind, Role.REFERRER, c.v)}
                   for code in h.flags]
        prep = [optin_mail.prep_question(f.value, values["contact_name"] or t("them"))
                for f in flow.lifecycle_prep(h, facts)]
        return _page("review.html", status, title=t("Review & send"), summary=" ".join(wording.top(c)[:1]),
                     check=wording.assumption_lines(c), values=values, errors=errors, slots=slots,
                     attachment=h.attachment, addresses=intro.draft.get("addresses", []), prep=prep,
                     missing=missing, preview=preview, can_hide=h.kind is not Kind.SAID_TO_CONTACT,
                     form_token=tokens.form_token(self.secret, token))

    # --- opt-in ---------------------------------------------------------------------------

    async def optin(self, request: Request) -> HTMLResponse:
        token = request.path_params["token"]
        opened = await self._open(token, LinkPurpose.OPTIN)
        if isinstance(opened, HTMLResponse):
            return opened
        link, intro = opened
        with i18n.use(flow.handoff(intro).language):
            party = intro.parties[link.role]
            if party.decision is not Decision.PENDING:
                return _message(t("Thanks, you already answered"),
                                [t("Your answer: %(answer)s.", answer=decision_words()[party.decision])])
            if intro.state in (State.CANCELLED, State.EXPIRED, State.DECLINED):
                return _message(t("This intro is closed"), [t("Nothing more is needed from you. Thank you.")])
            if request.method != "POST":
                return self._optin_page(intro, link.role, token, {})
            form = await self._form(request, token)
            if form is None:
                return _not_our_form()
            decision = _enum(Decision, form.get("decision"))
            note = str(form.get("note") or "").strip()
            errors: dict[str, str] = {}
            if decision not in decision_words():
                errors["decision"] = t("Choose Yes, Not now or No.")
            if len(note) > MAX_NOTE:
                errors["note"] = t("The note is too long (at most %(n)d characters).", n=MAX_NOTE)
            view = flow.mail_view(intro)
            answers: dict[str, str] = {}
            if link.role is Role.PIN:
                answers = {f: str(form.get(f"answer_{f}") or "").strip()[:1000] for f in view.prep}
            else:
                answers = {flow.REACH: str(form.get("reach") or "").strip()[:500]}
            answers = {k: v for k, v in answers.items() if v}
            if errors or decision is None:
                return self._optin_page(intro, link.role, token, errors, status=400)
            final = await self._tx(lambda c: flow.decide(c, link.intro_id, link.role, decision, note=note or None,
                                                         answers=answers or None, now=clock.now(), ctx=self.ctx))
            self.on_queued()
            log.info("intro id=%s %s answered %s", link.intro_id, link.role.value, final.value)
            return _message(t("Thank you"), [t("Your answer: %(answer)s.", answer=decision_words()[final]),
                                             t("You'll hear from Baton only if there is something more to do.")])

    def _optin_page(self, intro: Intro, role: Role, token: str, errors: Mapping[str, str],
                    status: int = 200) -> HTMLResponse:
        view = flow.mail_view(intro)
        n = optin_mail.names(view)
        request = view.request()
        contact = optin_mail.pin_contact_word(view)
        prep = [{"name": f, "question": optin_mail.prep_question(f, contact)} for f in view.prep]
        if role is Role.CONTACT:
            intro_line = ""
            privacy = (t("If you say no or not now, %(pin_first)s won't learn that you were asked.", **n)
                       if view.hide_contact_until_yes else
                       t("If you say no or not now, Baton tells only %(referrer_first)s, kindly.", **n))
        else:
            # Said as it stands when the page opens: the contact may have said yes since the email.
            if view.contact_said_yes:
                intro_line = t("%(referrer_name)s would like to introduce you to %(contact_name)s, who has said "
                               "yes.", **n)
            elif view.contact_known_to_pin:
                intro_line = t("%(referrer_name)s would like to introduce you to %(contact_name)s, and is asking "
                               "%(contact_first)s first.", **n)
            else:
                intro_line = t("%(referrer_name)s would like to introduce you to someone who may be able to help, "
                               "and is asking them first. You'll learn who it is as soon as they say yes.", **n)
            if prep:
                intro_line += " " + t("Your answers go into the introduction.")
            privacy = t("Nothing is sent until you press a button.")
        return _page("optin.html", status, title=t("Would you like this introduction?"), role=role.value,
                     errors=errors, request_subject=request.subject, request_body=request.body, intro_line=intro_line,
                     prep=prep, privacy=privacy, referrer_first=n["referrer_first"],
                     form_token=tokens.form_token(self.secret, token))

    # --- did you connect? ----------------------------------------------------------------

    async def followup(self, request: Request) -> HTMLResponse:
        """'Did you connect?': one click, scanner-safe like every other link."""
        token = request.path_params["token"]
        opened = await self._open(token, LinkPurpose.FOLLOWUP)
        if isinstance(opened, HTMLResponse):
            return opened
        link, intro = opened
        with i18n.use(flow.handoff(intro).language):
            given = intro.parties[link.role].followup
            if given:
                return _message(t("Thanks, you already answered"),
                                [t("Your answer: %(answer)s.", answer=followup_words()[given])])
            if request.method == "POST":
                form = await self._form(request, token)
                if form is None:
                    return _not_our_form()
                # "outcome": the field's name on pages opened before migration 0008 renamed it
                answer = _enum(FollowupAnswer, form.get("answer") or form.get("outcome"))
                if answer is not None:
                    final = await self._tx(lambda c: flow.record_followup(c, link.intro_id, link.role, answer,
                                                                         now=clock.now(), ctx=self.ctx))
                    self.on_queued()
                    return _message(t("Thank you"), [t("Your answer: %(answer)s.", answer=followup_words()[final])])
            n = optin_mail.names(flow.mail_view(intro))
            tell = (t("Your answer goes to %(referrer_first)s; \"We met\" also sends %(contact_first)s a thank-you.",
                      **n) if link.role is Role.PIN else t("Your answer goes to %(referrer_first)s.", **n))
            return _page("followup.html", title=t("Did you connect?"),
                         lead=t("%(referrer_name)s introduced %(pin_name)s and %(contact_name)s. How did it go?", **n),
                         tell=tell, words=followup_words(), form_token=tokens.form_token(self.secret, token))

    # --- don't ask me again ------------------------------------------------------------------

    async def stop(self, request: Request) -> HTMLResponse:
        token = request.path_params["token"]
        opened = await self._open(token, LinkPurpose.STOP)
        if isinstance(opened, HTMLResponse):
            return opened
        link, intro = opened
        party = intro.parties.get(link.role)
        if party is None:
            return _gone("unknown")
        with i18n.use(flow.handoff(intro).language):
            if request.method == "POST":
                form = await request.form()
                one_click = request.headers.get("content-type", "").startswith(
                    ("application/x-www-form-urlencoded", "multipart/form-data")) and \
                    form.get("List-Unsubscribe") == "One-Click"
                if not one_click and not tokens.form_token_ok(self.secret, token, str(form.get("form_token") or "")):
                    return _not_our_form()
                await self._tx(lambda c: flow.stop(c, link.intro_id, link.role, now=clock.now(), ctx=self.ctx))
                self.on_queued()
                log.info("intro id=%s %s asked never to be asked again", link.intro_id, link.role.value)
                return _message(t("Done"), [t("Baton won't send an intro request to %(address)s again, from anyone.",
                                              address=party.email)])
            pending = party.decision is Decision.PENDING and intro.state is State.REQUESTED
            n = optin_mail.names(flow.mail_view(intro))
            paragraphs = [t("Baton will never send an intro request to %(address)s again, from anyone.",
                            address=party.email)]
            if pending:
                paragraphs.append(t("Your answer to the request from %(referrer_first)s will be \"%(no)s\"; "
                                    "%(referrer_first)s hears it kindly, as from any no.", **n, **i18n.answers()))
            return _page("stop.html", title=t("Stop intro requests?"), paragraphs=paragraphs,
                         form_token=tokens.form_token(self.secret, token))


def _enum(kind, value):
    """The enum member a form value names, or None."""
    try:
        return kind(value)
    except ValueError:
        return None


def _values_from_draft(intro: Intro) -> dict:
    h: Handoff = flow.handoff(intro)
    return {"referrer_name": h.referrer.name or "", "contact_name": proper(h.contact) or "",
            "contact_email": h.contact.email or "", "pin_name": proper(h.pin) or "", "pin_email": h.pin.email or "",
            "facts": {k: v for k, v in h.facts.items() if k in {f.value for f in NEEDED + OPTIONAL}},
            "hide_contact_until_yes": flow.staged_by_default(h)}


def _read_review(form, intro: Intro) -> tuple[dict, dict[str, str]]:
    """The form's values and the problems with them, each under the field it belongs to."""
    errors: dict[str, str] = {}

    def text(name: str, label: str, limit: int = 80, required: bool = False) -> str:
        raw = str(form.get(name) or "").strip()
        value = clean(raw, limit) or ""
        if required and not value:
            errors[name] = t("%(label)s is needed.", label=label)
        elif len(raw) > limit:
            errors[name] = t("%(label)s is too long (at most %(n)d characters).", label=label, n=limit)
        elif BLANK.search(value):
            errors[name] = t("%(label)s still has a [[blank]].", label=label)
        return value

    def address(name: str, label: str) -> str:
        raw = str(form.get(name) or "").strip()
        value = clean_email(raw)
        if not value:
            errors[name] = (t("%(label)s is not a valid email address.", label=label) if raw
                            else t("%(label)s is needed.", label=label))
        return value or raw

    label = labels()
    values = {"referrer_name": text("referrer_name", t("Your name"), required=True),
              "contact_name": text("contact_name", t("The contact's name"), required=True),
              "contact_email": address("contact_email", t("The contact's email")),
              "pin_name": text("pin_name", t("The name of the person you are helping"), required=True),
              "pin_email": address("pin_email", t("The email of the person you are helping")),
              "hide_contact_until_yes": form.get("hide_contact_until_yes") == "1"}
    if values["contact_email"] and values["contact_email"].lower() == values["pin_email"].lower():
        errors["pin_email"] = t("The contact and the person you are helping need different email addresses.")
    facts = {}
    for f in NEEDED + OPTIONAL:
        value = text(f"fact_{f.value}", label[f.value], MAX_FIELD, required=f in NEEDED)
        if f"fact_{f.value}" in errors:
            errors[f.value] = errors.pop(f"fact_{f.value}")
        if value:
            facts[f.value] = value
    if flow.handoff(intro).kind is Kind.SAID_TO_CONTACT:
        values["hide_contact_until_yes"] = False  # the PIN wrote to the contact: there is nothing to hide
    values["facts"] = facts
    return values, errors


def _state_words(state: State) -> str:
    return {State.REQUESTED: t("The opt-in requests have gone out; Baton will tell you the answers."),
            State.CANCELLED: t("This intro was cancelled; nobody was asked."),
            State.CONNECTED: t("Both said yes and the introduction has gone out."),
            State.FOLLOWED_UP: t("The introduction went out, and Baton has asked both how it went."),
            State.CLOSED: t("This intro is done: the introduction went out and the outcome is known."),
            State.DECLINED: t("This intro was declined; nobody was introduced."),
            State.EXPIRED: t("This intro expired without an answer.")}.get(
                state, t("This intro is done."))


def _preferred_language(accept: str) -> str:
    """The first language of an Accept-Language header (RFC 9110 12.5.4), by weight, that Baton
    writes; English otherwise."""
    ranked = []
    for i, item in enumerate(accept.split(",")[:20]):
        tag, *params = item.split(";")
        q = 1.0
        for param in params:
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if tag.strip() and q > 0:
            ranked.append((-q, i, tag.strip().lower().split("-")[0]))
    known = i18n.languages()
    return next((lang for _, _, lang in sorted(ranked) if lang in known), i18n.DEFAULT)


def _page(template: str, status: int = 200, **ctx) -> HTMLResponse:
    return HTMLResponse(_env.get_template(template).render(lang=i18n.language(), **ctx), status_code=status,
                        headers={"Cache-Control": "no-store"})


def _message(title: str, paragraphs: list[str], status: int = 200) -> HTMLResponse:
    return _page("message.html", status, title=title, paragraphs=paragraphs)


def _not_our_form() -> HTMLResponse:
    return _message(t("Please use the form"), [t("This request didn't come from Baton's page. Open the link from "
                                                 "your email and press a button there.")], status=403)


def _gone(reason: str) -> HTMLResponse:
    if reason == "expired":
        return _message(t("This link has expired"), [
            t("Links in Baton's mail last a limited time, and this one has run out."),
            t("If you still want to answer, ask the person who introduced you for a new link: copying Baton on a "
              "reply to them is enough.")], status=410)
    return _message(t("This link doesn't work"), [
        t("The link is not one Baton knows. It may have been copied only in part."),
        t("If you were expecting a page here, ask the person who introduced you to send a new request.")],
        status=404)

