"""The review page (for the referrer) and the opt-in page (for the contact and the PIN).

GET and HEAD only show; a decision is a POST from the page's own form carrying its form
token. Mail scanners fetch every link in a message, and must never say yes for anyone.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from clock import clock
from composer.cleaning import BLANK, clean, clean_email, first_name
from composer.optin_mail import Party
from intros import flow
from intros.states import IllegalTransition
from model import Decision, FollowupAnswer, Intro, LinkPurpose, Role, State
from store import tokens

log = logging.getLogger("baton.web")
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent.parent / "templates" / "web"),
                          autoescape=jinja2.select_autoescape(["html"]), undefined=jinja2.StrictUndefined)
MAX_FIELD = 300
MAX_NOTE = 2000
DECISION_WORDS = {Decision.YES: "Yes", Decision.NOT_NOW: "Not now", Decision.NO: "No"}
GONE = {
    "unknown": ("This link doesn't work", ["The link is not one Baton knows. It may have been copied only in part.",
                                           "If you were expecting a page here, ask the person who introduced you to "
                                           "send a new request."]),
    "expired": ("This link has expired", ["Links in Baton's mail last a limited time, and this one has run out.",
                                          "If you still want to answer, ask the person who introduced you for a new "
                                          "link: copying Baton on a reply to them is enough."]),
}


@dataclass(frozen=True)
class Pages:
    engine: Engine
    secret: str
    ctx: flow.Context
    on_queued: Callable[[], None] = lambda: None

    def routes(self) -> list[Route]:
        pages = {LinkPurpose.REVIEW: self.review, LinkPurpose.OPTIN: self.optin, LinkPurpose.FOLLOWUP: self.outcome}
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
        if intro.state is not State.DRAFT:
            return _message("Already done", [_state_words(intro.state)])
        if request.method != "POST":
            return self._review_page(intro, token, _values_from_draft(intro), [])
        form = await self._form(request, token)
        if form is None:
            return _not_our_form()
        if form.get("action") == "cancel":
            try:
                await self._tx(lambda c: flow.cancel(c, link.intro_id, now=clock.now(), ctx=self.ctx))
            except IllegalTransition:
                pass  # a second click: the intro is already cancelled or sent
            return _message("Intro cancelled", ["Nobody was asked and nobody will be. Thanks for checking first."])
        values, blanks, errors = _read_review(form, intro)
        if form.get("action") != "send":
            errors.append("Press Send or Cancel.")
        if errors:
            return self._review_page(intro, token, {**values, "blanks": blanks}, errors, status=400)
        approval = flow.Approval(
            referrer_name=values["referrer_name"], contact=Party(values["contact_name"], values["contact_email"]),
            pin=Party(values["pin_name"], values["pin_email"]), blurb_subject=values["blurb_subject"],
            blurb_body=_fill(intro.draft["blurb"]["body"], blanks),
            hide_contact_until_yes=values["hide_contact_until_yes"])
        try:
            await self._tx(lambda c: flow.approve(c, link.intro_id, approval, now=clock.now(), ctx=self.ctx))
        except IllegalTransition:  # sent from another tab a moment ago
            return _message("Already done", [_state_words(State.REQUESTED)])
        except flow.LimitReached as e:
            return self._review_page(intro, token, {**values, "blanks": blanks}, [str(e)], status=409)
        self.on_queued()
        log.info("intro id=%s approved", link.intro_id)
        return _message("Requests sent", [
            f"{values['contact_name'] or 'The contact'} and {values['pin_name'] or 'the person you are helping'} "
            "each have a link to say yes, not now or no.",
            "When both say yes, Baton sends the introduction with you in copy. If either says no, you'll hear "
            "it from Baton, kindly, and nobody else will."])

    def _review_page(self, intro: Intro, token: str, values: dict, errors: list[str],
                     status: int = 200) -> HTMLResponse:
        d = intro.draft
        return _page("review.html", status, title="Review & send", summary=d.get("summary", ""),
                     values=values, errors=errors, addresses=d.get("addresses", []), prep=d.get("prep", []),
                     blurb_parts=_blurb_parts(d["blurb"]["body"], values.get("blanks") or []),
                     form_token=tokens.form_token(self.secret, token))

    # --- opt-in ---------------------------------------------------------------------------

    async def optin(self, request: Request) -> HTMLResponse:
        token = request.path_params["token"]
        opened = await self._open(token, LinkPurpose.OPTIN)
        if isinstance(opened, HTMLResponse):
            return opened
        link, intro = opened
        party = intro.parties[link.role]
        if party.decision is not Decision.PENDING:
            return _message("Thanks, you already answered", [f"Your answer: {DECISION_WORDS[party.decision]}."])
        if intro.state in (State.CANCELLED, State.EXPIRED, State.DECLINED):
            return _message("This intro is closed", ["Nothing more is needed from you. Thank you."])
        if request.method != "POST":
            return self._optin_page(intro, link.role, token, [])
        form = await self._form(request, token)
        if form is None:
            return _not_our_form()
        decision = _enum(Decision, form.get("decision"))
        note = str(form.get("note") or "").strip()
        errors = []
        if decision not in DECISION_WORDS:
            errors.append("Choose Yes, Not now or No.")
        if len(note) > MAX_NOTE:
            errors.append(f"The note is too long (at most {MAX_NOTE} characters).")
        answers = None
        if link.role is Role.PIN:
            prep = intro.draft.get("prep", [])
            answers = {p["label"]: str(form.get(f"answer_{i}") or "").strip()[:1000] for i, p in enumerate(prep, 1)}
        if errors or decision is None:
            return self._optin_page(intro, link.role, token, errors, status=400)
        final = await self._tx(lambda c: flow.decide(c, link.intro_id, link.role, decision, note=note or None,
                                                     answers=answers, now=clock.now(), ctx=self.ctx))
        self.on_queued()
        log.info("intro id=%s %s answered %s", link.intro_id, link.role.value, final.value)
        return _message("Thank you", [f"Your answer: {DECISION_WORDS[final]}.",
                                      "You'll hear from Baton only if there is something more to do."])

    def _optin_page(self, intro: Intro, role: Role, token: str, errors: list[str], status: int = 200) -> HTMLResponse:
        view = flow.mail_view(intro)
        contact_known = not view.hide_contact_until_yes or intro.parties[Role.CONTACT].decision is Decision.YES
        referrer_first = first_name(view.referrer.name) or "the person who introduced you"
        return _page("optin.html", status, title="Would you like this introduction?", role=role.value, errors=errors,
                     blurb_subject=view.blurb_subject, blurb_body=view.blurb_body,
                     referrer_name=view.referrer.name or "A friend", referrer_first=referrer_first,
                     pin_first=first_name(view.pin.name) or "they",
                     contact_label=(view.contact.name or "a contact") if contact_known
                     else f"someone in {referrer_first}'s network",
                     prep=[{"label": p.label, "question": p.question, "answer": p.answer} for p in view.prep],
                     form_token=tokens.form_token(self.secret, token))

    # --- outcome ---------------------------------------------------------------------------

    async def outcome(self, request: Request) -> HTMLResponse:
        """'Did you connect?': one click, scanner-safe like every other link."""
        token = request.path_params["token"]
        opened = await self._open(token, LinkPurpose.FOLLOWUP)
        if isinstance(opened, HTMLResponse):
            return opened
        link, intro = opened
        given = intro.parties[link.role].followup
        if given:
            return _message("Thanks, you already answered", [f"Your answer: {OUTCOME_WORDS[given]}."])
        if request.method == "POST":
            form = await self._form(request, token)
            if form is None:
                return _not_our_form()
            outcome = _enum(FollowupAnswer, form.get("outcome"))
            if outcome is not None:
                final = await self._tx(lambda c: flow.record_outcome(c, link.intro_id, link.role, outcome,
                                                                     now=clock.now(), ctx=self.ctx))
                self.on_queued()
                return _message("Thank you", [f"Your answer: {OUTCOME_WORDS[final]}."])
        view = flow.mail_view(intro)
        return _page("outcome.html", title="Did you connect?", referrer_name=view.referrer.name or "A friend",
                     referrer_first=first_name(view.referrer.name) or "them",
                     pin_name=view.pin.name or "the two of you",
                     contact_name=view.contact.name or "", form_token=tokens.form_token(self.secret, token))


OUTCOME_WORDS = {FollowupAnswer.MET: "We met", FollowupAnswer.NOT_YET: "Not yet",
                 FollowupAnswer.NO_LUCK: "It didn't work out"}


def _enum(kind, value):
    """The enum member a form value names, or None."""
    try:
        return kind(value)
    except ValueError:
        return None


def _values_from_draft(intro: Intro) -> dict:
    d = intro.draft
    return {"referrer_name": d["referrer"].get("name") or "", "contact_name": d["contact"].get("name") or "",
            "contact_email": d["contact"].get("email") or "", "pin_name": d["pin"].get("name") or "",
            "pin_email": d["pin"].get("email") or "", "blurb_subject": d["blurb"]["subject"],
            "hide_contact_until_yes": False, "blanks": []}


def _read_review(form, intro: Intro) -> tuple[dict, list[str], list[str]]:
    errors: list[str] = []

    def text(name: str, label: str, limit: int = 80, required: bool = False) -> str:
        raw = str(form.get(name) or "").strip()
        value = clean(raw, limit) or ""
        if required and not value:
            errors.append(f"{label} is needed.")
        if len(raw) > limit:
            errors.append(f"{label} is too long (at most {limit} characters).")
        return value

    def address(name: str, label: str) -> str:
        raw = str(form.get(name) or "").strip()
        value = clean_email(raw)
        if not value:
            errors.append(f"{label} is not a valid email address." if raw else f"{label} is needed.")
        return value or raw

    values = {"referrer_name": text("referrer_name", "Your name", required=True),
              "contact_name": text("contact_name", "The contact's name", required=True),
              "contact_email": address("contact_email", "The contact's email"),
              "pin_name": text("pin_name", "The name of the person you are helping", required=True),
              "pin_email": address("pin_email", "The email of the person you are helping"),
              "blurb_subject": text("blurb_subject", "The subject", 200, required=True),
              "hide_contact_until_yes": form.get("hide_contact_until_yes") == "1"}
    if values["contact_email"] and values["contact_email"].lower() == values["pin_email"].lower():
        errors.append("The contact and the person you are helping need different email addresses.")
    if BLANK.search(values["blurb_subject"]):
        errors.append("The subject still has a [[blank]].")
    expected = len(BLANK.findall(intro.draft["blurb"]["body"]))
    blanks = [str(v).strip() for v in form.getlist("blank")][:expected]
    blanks += [""] * (expected - len(blanks))
    for i, value in enumerate(blanks):
        if not value:
            errors.append(f"Blank {i + 1} of {expected} in the request is empty.")
        elif len(value) > MAX_FIELD or "\n" in value or BLANK.search(value):
            errors.append(f"Blank {i + 1} is too long or not plain text.")
    return values, [clean(b, MAX_FIELD) or "" for b in blanks], errors


def _blurb_parts(body: str, values: list[str]) -> list[dict]:
    parts, pos = [], 0
    for i, m in enumerate(BLANK.finditer(body)):
        parts.append({"blank": False, "text": body[pos:m.start()]})
        parts.append({"blank": True, "label": m.group(0)[2:-2], "value": values[i] if i < len(values) else ""})
        pos = m.end()
    parts.append({"blank": False, "text": body[pos:]})
    return parts


def _fill(body: str, values: list[str]) -> str:
    it = iter(values)
    return BLANK.sub(lambda m: next(it, m.group(0)), body)


def _state_words(state: State) -> str:
    return {State.REQUESTED: "The opt-in requests have gone out; Baton will tell you the answers.",
            State.CANCELLED: "This intro was cancelled; nobody was asked.",
            State.CONNECTED: "Both said yes and the introduction has gone out.",
            State.DECLINED: "This intro was declined; nobody was introduced.",
            State.EXPIRED: "This intro expired without an answer."}.get(state, f"This intro is {state.value}.")


def _page(template: str, status: int = 200, **ctx) -> HTMLResponse:
    return HTMLResponse(_env.get_template(template).render(**ctx), status_code=status,
                        headers={"Cache-Control": "no-store"})


def _message(title: str, paragraphs: list[str], status: int = 200) -> HTMLResponse:
    return _page("message.html", status, title=title, paragraphs=paragraphs)


def _not_our_form() -> HTMLResponse:
    return _message("Please use the form", ["This request didn't come from Baton's page. Open the link from your "
                                            "email and press a button there."], status=403)


def _gone(reason: str) -> HTMLResponse:
    title, paragraphs = GONE[reason]
    return _message(title, paragraphs, status=404 if reason == "unknown" else 410)
