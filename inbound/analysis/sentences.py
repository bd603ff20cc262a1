"""Text helpers shared by the rules: paragraphs to sentences, and matching names to people."""
from __future__ import annotations

import re
import unicodedata

from inbound.analysis.addresses import Person
from inbound.analysis.mentions import TITLE

MAX_SENTENCES = 400


_PARAGRAPH = re.compile(r"\n\s*\n")
_WRAP = re.compile(r"(?<!\s)\s*\n\s*")  # from where the run starts: linear
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[¿¡]?[A-ZÀ-Þ0-9])")
# A title's dot ends no sentence: "Mr. Skilling", "el Ing. Roberto Garza", "Dott. Rossi".
# A dot after a title ("Dña. Carmen Ortega") or an initial ends no sentence: the titles a name may
# start with (mentions.TITLE), and a few more abbreviations.
_ABBREVIATION = re.compile(r"(?:^|\s)(?:" + TITLE + r"|St|Jr|[A-Z])\.$")


def sentences(text: str) -> list[str]:
    """Sentences of a body: hard-wrapped lines joined, paragraphs and sentence ends split."""
    out: list[str] = []
    for para in _PARAGRAPH.split(text):
        para = _WRAP.sub(" ", para).strip()
        if not para:
            continue
        for s in _SENTENCE_END.split(para):
            s = s.strip()
            if out and _ABBREVIATION.search(out[-1]):
                out[-1] = (out[-1] + " " + s)[:1000]  # "Mr. Skilling" is one sentence
            elif s:
                out.append(s[:1000])
            if len(out) >= MAX_SENTENCES:
                return out
    return out


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


# Titles in Baton's languages: "Frau Vogel" and "Katrin Vogel" are one person.
TITLES = frozenset("""mr mrs ms mx dr prof professor professora professeur jr sr sra srta dra herr herrn frau hr fr
m mme mlle senhor senhora signor signora signore meneer mevrouw
don dona dom eng ing lic dott sig avv arch mevr dhr drs ir mw madame monsieur senor senora
uncle aunt auntie grandma grandpa onkel tante oncle tio tia zio zia oom""".split())  # "Uncle Ray" is Ray


def tokens(name: str | None, *, hyphens: bool = False) -> list[str]:
    """The words of a name without titles; `hyphens` keeps "Soo-jin" one word."""
    if not name:
        return []
    split = r"[^\w'\-]+" if hyphens else r"[^\w']+"
    return [t.strip("-") for t in re.split(split, fold(name)) if t.strip("-") and t.strip("-") not in TITLES]


def name_matches(name: str | None, person: Person) -> bool:
    """True when `name` (as written in a sentence) plausibly names `person`: "Soo-jin" names
    Soo-jin Kim (one first name), and "Jean Luc" names jean-luc@ (two words)."""
    return any(_matches(tokens(name, hyphens=h), tokens(person.name, hyphens=h) or tokens(
        (person.email or "").split("@")[0].replace(".", " ").replace("_", " "), hyphens=h)) for h in (True, False))


def _matches(want: list[str], have: list[str]) -> bool:
    if not want or not have:
        return False
    if want == have or (len(want) >= 2 and want[0] == have[0] and want[-1] == have[-1]):
        return True
    if len(want) == 1:
        return want[0] in (have[0], have[-1]) and len(want[0]) > 1
    return want[-1] == have[-1] and want[0][:1] == have[0][:1]


def find_person(name: str | None, people: list[Person]) -> Person | None:
    """The best person for `name`: one with an address first."""
    hits = [p for p in people if name_matches(name, p)]
    for p in hits:
        if p.email:
            return p
    return hits[0] if hits else None
