"""The words of Baton's mail and pages, in the reader's language.

Every sentence a person reads is written as t() of its English text with %(name)s placeholders, so a
catalogue can give it in another language (composer/locales/LANG.po; `make catalogue` lists the
sentences). The language is chosen per email with `use(lang)`, which the templates see too.
A sentence without a translation stays English: a half-translated catalogue is still correct.
"""
from __future__ import annotations

import contextlib
import contextvars
import gettext
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locales"
DEFAULT = "en"
_current: contextvars.ContextVar[str] = contextvars.ContextVar("baton_language", default=DEFAULT)


@lru_cache(maxsize=16)
def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue for `lang`, read from its .po file once per process."""
    po = LOCALES / f"{lang}.po"
    if lang == DEFAULT or not po.exists():
        return gettext.NullTranslations()
    import io

    from babel.messages.mofile import write_mo  # only when a translation is used
    from babel.messages.pofile import read_po
    with po.open("rb") as f:
        cat = read_po(f, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, cat, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def languages() -> list[str]:
    """English and every language with a catalogue."""
    return [DEFAULT, *sorted(p.stem for p in LOCALES.glob("*.po"))]


def supported(lang: str | None) -> str:
    """`lang` when Baton writes it, else English."""
    lang = (lang or "").lower().split("-")[0]
    return lang if lang in languages() else DEFAULT


def language() -> str:
    return _current.get()


@contextlib.contextmanager
def use(lang: str | None) -> Iterator[str]:
    """Everything rendered inside speaks `lang` (or English when there is no catalogue)."""
    token = _current.set(supported(lang))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def gettext_(message: str) -> str:
    """`message` in the current language, unformatted (the templates format it themselves)."""
    return catalogue(_current.get()).gettext(message)


def t(message: str, **values: object) -> str:
    """`message` in the current language with its %(name)s placeholders filled."""
    text = gettext_(message)
    return text % values if values else text


def labelled(label: str, value: str) -> str:
    """'Label: value' as the language sets it (French puts a space before the colon)."""
    return t("%(label)s: %(value)s", label=label, value=value)


def word(command) -> str:
    """The reply word offered for a command (model.Command), in the current language: the first
    the registry lists, so whatever a sentence tells people to reply, the parser reads."""
    from model import COMMAND_WORDS
    words = COMMAND_WORDS[command]
    return (words.get(language()) or words[DEFAULT])[0]


def answers() -> dict[str, str]:
    """The three answers a party may reply with, as placeholders for the sentences that name them."""
    from model import Command
    return {"yes": word(Command.YES), "not_now": word(Command.NOT_NOW), "no": word(Command.NO)}


def date(when) -> str:
    """A day as the reader writes it ("December 8, 2026", "8. Dezember 2026")."""
    from babel.dates import format_date
    return format_date(when, format="long", locale=language())


def install(env) -> None:
    """Gives a Jinja2 environment (with the i18n extension) `_()` in the current language."""
    env.install_gettext_callables(gettext=gettext_, ngettext=lambda s, p, n: gettext_(s if n == 1 else p),
                                  newstyle=True)
    env.globals["labelled"] = labelled
