"""Which of Baton's languages a text is written in, from its function words.

Baton reads seven languages (model.LANGUAGES). Within that closed set the short, frequent words
(articles, pronouns, auxiliaries) tell them apart reliably and at no cost: this needs no model
file and runs in microseconds. A general identifier (py3langid) was measured here at 1.8 s to
load its model, more than the whole start-up budget of `server.py analyze` (issue 16), for
accuracy we do not need on seven languages. A word shared by several languages counts for each
a fraction.
"""
from __future__ import annotations

import re

# Frequent function words per language (lower case, accents as written).
WORDS: dict[str, str] = {
    "en": "the and you your is are was were to of for with have has had would could should will "
          "this that it i me my we our be been being not but if so thanks thank please hi hello dear "
          "would love like about from what when who which there their they them he she his her",
    "de": "der die das und ist ich du sie wir ihr mit für nicht ein eine einen einem auf auch "
          "bei dass zu von den dem des hat haben wäre würde könnte sehr gerne danke viele grüße "
          "liebe lieber hallo mich dich ihnen euch uns mein meine dein deine ihre sich noch schon",
    "fr": "le la les et est je tu vous nous il elle un une des du pour avec pas que qui sur dans "
          "mais ce cette mon ma mes ton ta votre vos bonjour merci cher chère bien cordialement "
          "suis êtes avons serait pourriez aussi très au aux ne",
    "es": "el la los las y es yo tú usted nosotros un una unos para con por que qué del al pero "
          "como muy gracias hola estimado estimada saludos mi mis tu tus su sus está estoy "
          "podrías sería también le les nos me te se en alguien algo hay tiene pueda puede abrazo "
          "ayudar busca conoces sobre desde hasta",
    "pt": "o a os as e é eu você vocês nós um uma uns umas para com por que do da dos das no na "
          "nos nas mas como muito obrigado obrigada olá oi meu minha seu sua está estou "
          "poderia seria também lhe me te se não em alguém há tem possa pode abraço ajudar procura "
          "conhece ao à são sobre até",
    "nl": "de het een en is ik je jij u wij we zij hij met voor niet dat die van op ook bij "
          "naar te zijn heb hebt heeft zou kunnen graag groet groeten hoi hallo beste dank "
          "mijn jouw uw ons onze jullie maar wel",
    "it": "il lo la gli le e è io tu lei noi un una uno per con non che di del della dei delle "
          "al alla ma come molto grazie ciao caro cara gentile saluti mio mia tuo tua suo sua "
          "sono sei siamo potresti sarebbe anche mi ti si",
}
LANGUAGES = tuple(WORDS)
_WEIGHT: dict[str, dict[str, float]] = {}
for _lang, _words in WORDS.items():
    for _w in set(_words.split()):
        _WEIGHT.setdefault(_w, {})[_lang] = 1.0
for _w, _langs in _WEIGHT.items():
    for _lang in _langs:
        _langs[_lang] = 1.0 / len(_langs)

_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
MAX_CHARS = 4_000  # plenty of function words to tell seven languages apart


def scores(text: str) -> list[tuple[str, float]]:
    """Weighted function-word counts per language, highest first."""
    found: dict[str, float] = {}
    for token in _TOKEN.findall(text[:MAX_CHARS].lower()):
        weights = _WEIGHT.get(token)
        if weights:
            for lang, w in weights.items():
                found[lang] = found.get(lang, 0.0) + w
    return sorted(found.items(), key=lambda kv: -kv[1])


def identify(text: str, default: str = "en") -> str:
    """The language with the most function words; `default` when nothing is recognised."""
    found = scores(text)
    if not found:
        return default
    best, score = found[0]
    return best if score >= 1.0 else default


def ranked(text: str, *, share: float = 0.25) -> list[str]:
    """Languages worth reading `text` in: the first, and any other with at least `share` of its
    weight (a German intro with an English "Sarah, meet Lukas" reads as both)."""
    found = scores(text)
    if not found:
        return ["en"]
    top = found[0][1]
    return [lang for lang, s in found if s >= max(1.0, share * top)]
