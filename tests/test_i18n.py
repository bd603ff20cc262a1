"""Baton answers in the language of the message (issue 15): one catalogue per language, every
email kind rendered in every language, the reply words offered in that language and understood.
"""
from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from composer import i18n
from inbound.analysis.language import LANGUAGES as ANALYSED
from inbound.analysis.replies import COMMANDS
from model import Command, FollowupAnswer
from tests.mail_samples import all_mail
from tests.service_helpers import Running, maildir, wait_for

LOCALES = Path(i18n.__file__).parent / "locales"
# Every language the analysis tells apart; the mail must be written in each (English aside).
LANGUAGES = [lang for lang in ANALYSED if lang != "en"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


def _catalogue(lang: str):
    with (LOCALES / f"{lang}.po").open("rb") as f:
        return read_po(f, locale=lang)


def _template():
    with (LOCALES / "baton.pot").open("rb") as f:
        return read_po(f)


def test_every_language_the_analysis_reads_has_a_catalogue():
    assert i18n.languages() == ["en", *sorted(LANGUAGES)]
    assert i18n.supported("de-CH") == "de" and i18n.supported("ja") == "en" and i18n.supported(None) == "en"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_sentence_is_translated_with_its_placeholders_and_marks(lang):
    cat, problems = _catalogue(lang), []
    for m in _template():
        if not m.id:
            continue
        t = cat.get(m.id)
        if t is None or not t.string or "fuzzy" in t.flags:
            problems.append(f"untranslated: {m.id[:60]}")
            continue
        if sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(t.string)):
            problems.append(f"placeholders differ: {m.id[:60]}")
        for mark in ("[[", "]]", "\n"):
            if m.id.count(mark) != t.string.count(mark):
                problems.append(f"{mark!r} differs: {m.id[:60]}")
    assert not problems, problems[:20]


def test_the_template_catalogue_holds_every_sentence_in_the_code():
    """`make catalogue` was run after the last sentence changed: each t("...") literal is in it."""
    ids = {m.id for m in _template() if m.id}
    root = Path(i18n.__file__).resolve().parent.parent
    found = set()
    for path in [*root.glob("composer/*.py"), *root.glob("web/*.py"), *root.glob("intros/*.py")]:
        for m in re.finditer(r'\bt\(((?:"(?:[^"\\]|\\.)*"\s*)+)', path.read_text()):
            found.add("".join(eval(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', m.group(1))))
    missing = sorted(found - ids)
    assert not missing, missing[:10]


def _text(msg) -> str:
    return " ".join(msg.get_body(("plain",)).get_content().split())


ENGLISH = {what: _text(msg) for what, msg in all_mail("en")}


def _source_runs() -> set[str]:
    """What the people wrote (the fixtures' words, quoted as facts): English in every language."""
    import settings as settings_mod
    from inbound.analysis.parse import parse_bytes
    from tests.mail_samples import DRAFT_FIXTURES
    handoffs = settings_mod.load().fixtures_dir / "handoffs"
    runs: set[str] = set()
    for name in DRAFT_FIXTURES:
        parsed = parse_bytes((handoffs / name).read_bytes())
        runs |= _english_runs(" ".join(f"{parsed.subject} {parsed.text}".split()))
    return runs


def _english_runs(text: str) -> set[str]:
    """Runs of six words or more from Baton's English sentences (names and links aside)."""
    runs = set()
    for piece in re.split(r"[\"“”.;:!?()]", re.sub(r"https?://\S+|\S+@\S+", " ", text).lower()):
        words = re.findall(r"[\w'’-]+", piece)
        runs |= {" ".join(words[i:i + 6]) for i in range(len(words) - 5)}
    return runs


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_email_kind_renders_in_the_language_with_no_english_left(lang):
    english_runs = set().union(*(_english_runs(t) for t in ENGLISH.values())) - _source_runs()
    offered = 0
    for what, msg in all_mail(lang):
        text = _text(msg)
        assert text != ENGLISH[what], what
        # Names, facts and the quoted words of the people come through as written; Baton's own
        # sentences must not.
        left = {run for run in _english_runs(text) & english_runs
                if not re.search(r"felix|carla|diane|adams|diaz|wu|staff|teammate|busy|thank|happy|mornings", run)}
        assert not left, (what, sorted(left)[:3])
        assert f'lang="{lang}"' in msg.get_body(("html",)).get_content()
        for word in re.findall(r'"([^"]{1,30})"', text):
            command = next((c for pattern, c in COMMANDS if pattern.match(word)), None)
            if command is not None:
                offered += 1
                assert word == i18n_word(command, lang), (what, word)
    assert offered > 5


def i18n_word(command: Command, lang: str) -> str:
    with i18n.use(lang):
        return i18n.word(command)


def test_reply_words_offered_in_each_language_are_read_back():
    for lang in ["en", *LANGUAGES]:
        for command in Command:
            word = i18n_word(command, lang)
            assert next(c for pattern, c in COMMANDS if pattern.match(word)) is command, (lang, word)


async def test_a_german_hand_off_gets_a_german_draft_and_german_pages(make_settings):
    import httpx

    import settings as settings_mod
    from tests.test_optin import mail_to
    s = make_settings()
    # Julia asks, informally, to be put in touch (the shared multilingual set, read in place).
    handoff = settings_mod.load().fixtures_dir / "varied" / "multilingual" / "b05-de-request-informal-bekannt-machen.eml"
    async with Running(s, web=True) as baton:
        await baton.send(handoff)
        (draft,) = await wait_for(lambda: mail_to(s, "julia.hartmann@hartmann-recht.example"))
        text = _text(draft)
        with i18n.use("de"):
            assert text.startswith(i18n.t("Hi %(name)s,", name="Julia"))
            assert f"{i18n.t('Review & send')}: http" in text and "Review & send" not in text
        url = re.search(r"https?://\S+/r/[A-Za-z0-9_-]+", text).group(0)
        async with httpx.AsyncClient() as client:
            page = await client.get(url)
        assert '<html lang="de">' in page.text
        with i18n.use("de"):
            assert i18n.t("Send opt-in requests") in page.text and "Send opt-in requests" not in page.text
    assert maildir(s)


# --- every page template, in every language -------------------------------------------------------

_PAGE_CONTEXT = {
    "message.html": {"paragraphs": ["x"]},
    "stop.html": {"form_token": "f", "paragraphs": ["x"]},
    "followup.html": {"form_token": "f", "lead": "x", "tell": "x", "words": {FollowupAnswer.MET: "x"}},
    "optin.html": {"errors": {"decision": "x"}, "form_token": "f", "intro_line": "x", "prep": [{"name": "goal",
                   "question": "x"}], "privacy": "x", "referrer_first": "Diane", "request_body": "x",
                   "request_subject": "x", "role": "contact"},
    "review.html": {"addresses": ["a@b.example"], "attachment": "cv.pdf", "can_hide": True, "check": ["x"],
                    "errors": {"ask": "x", "form": "x"}, "form_token": "f", "missing": [{"title": "x", "line": "x"}],
                    "prep": ["x"], "preview": {"subject": "x", "body": "x"},
                    "slots": [{"name": "resume", "label": "x", "value": "", "needed": False, "error": "",
                               "rows": 2}],
                    "summary": "x", "values": {"referrer_name": "Diane", "contact_name": "Carla", "contact_email": "",
                                              "pin_name": "Felix", "pin_email": "", "hide_contact_until_yes": True}},
}
_LITERAL = re.compile(r'(?<!or )_\("((?:[^"\\]|\\.)*)"')  # not a fallback name ("or _('they')")


def test_every_page_template_is_in_the_context_above():
    from web.pages import _env
    assert set(_env.list_templates()) == {"base.html", *_PAGE_CONTEXT}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("template", sorted(_PAGE_CONTEXT))
def test_every_page_renders_in_the_language_with_its_own_words_translated(lang, template):
    """Each page template, every branch on, in each language: the page says which language it is
    in, and each sentence the template itself holds appears translated, never in English."""
    from web.pages import _env
    source = _env.loader.get_source(_env, template)[0]
    with i18n.use(lang):
        page = unescape(_env.get_template(template).render(lang=i18n.language(), title="x",
                                                           **_PAGE_CONTEXT[template]))
        assert f'<html lang="{lang}">' in page
        html = re.sub(r"<[^>]*>", " ", page.partition("<body")[2])  # what a reader sees
        for literal in _LITERAL.findall(source):
            english = literal.replace('\\"', '"')
            if "%(" in english:
                translated = i18n.gettext_(english)
                english = re.split(r"%\(\w+\)s", english)[0].strip()
                if len(english) < 8 or english in translated:  # French "Questions …" is French too
                    continue
            else:
                assert i18n.t(english) in html, (template, english)
                if len(english) < 8 or i18n.t(english) == english:
                    continue  # "No" is Spanish and Italian too, and inside "Non"
            assert english not in html, (template, english)


async def test_the_home_page_follows_the_visitors_language(make_settings):
    import httpx
    s = make_settings()
    async with Running(s, web=True):
        async with httpx.AsyncClient() as client:
            base = f"http://127.0.0.1:{s.web_port}/"
            french = await client.get(base, headers={"Accept-Language": "xx, de;q=0.5, fr-CA;q=0.8"})
            english = await client.get(base, headers={"Accept-Language": "ja"})
            weighted = await client.get(base, headers={"Accept-Language": "fr;Q=0.1, de;level=1;q=0.5"})
            plain = await client.get(base)
    assert french.status_code == 200 and '<html lang="fr">' in french.text
    with i18n.use("fr"):
        assert i18n.t("Baton is running") in french.text
    assert '<html lang="en">' in english.text and "Baton is running" in english.text
    assert '<html lang="en">' in plain.text
    assert '<html lang="de">' in weighted.text  # q is read wherever it stands, in either case
