"""Text as the rules read it: one spelling for what mail clients write many ways.

Apple Mail and Outlook type curly apostrophes and quotes (I’d), non-breaking and zero-width
spaces, soft hyphens and line separators; hard-wrapped lines end mid-sentence. The cue tables are
written once, in plain ASCII punctuation, and match all of these after `text`.
"""
from __future__ import annotations

import re
import unicodedata

# Characters replaced one for one (str.translate: one linear pass).
_TABLE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'", "`": "'",
    "\u00b4": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2039": '"', "\u203a": '"',
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ", "\u2003": " ",
    "\u3000": " ", "\t": " ",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2028": "\n", "\u2029": "\n", "\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n",
    # Invisible: soft hyphen, zero-width space/joiners, word joiner, byte-order mark, bidi marks.
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
    "\u200e": None, "\u200f": None, "\u202a": None, "\u202b": None, "\u202c": None, "\u202d": None,
    "\u202e": None, "\u2066": None, "\u2067": None, "\u2068": None, "\u2069": None,
})
_SPACES = re.compile(r"[ ]{2,}")
_TRAILING = re.compile(r"(?<! )[ ]+\n")  # from where the run starts: linear


def text(s: str) -> str:
    """Composed Unicode (NFC), plain quotes and dashes, ordinary spaces, no invisible characters."""
    if not s:
        return ""
    s = unicodedata.normalize("NFC", s).translate(_TABLE)
    s = _TRAILING.sub("\n", s)
    return _SPACES.sub(" ", s)


def line(s: str) -> str:
    """One line: `text` with every line break a space (headers, subjects, names)."""
    return " ".join(text(s).split())


def unwrap(paragraph: str) -> str:
    """A hard-wrapped paragraph as one line; a word split by a wrap hyphen ("exam-\\nple")
    is not rejoined, since real hyphenated words wrap the same way."""
    return " ".join(paragraph.split())


# Phone-typed English as the cue tables read it: "can u put me in touch w ur dentist?" "u" only
# after a verb that takes "you" (Dutch "u" is the polite you and stays); "w" only before a pronoun
# or "ur". Names are capitalised and never touched.
_TEXTING = (
    (re.compile(r"\b(can|could|would|will|do|did|if|thank|see|let|tell|ask|help|introduce|connect|put|know|"
                r"are|r|for|to|with|w|meet|call|email|text|ping) u\b"), r"\1 you"),
    (re.compile(r"\bur\b"), "your"),
    (re.compile(r"\bw/ ?"), "with "),
    (re.compile(r"\bw (?=(?:ur|your|him|her|them|my|me|us)\b)"), "with "),
    (re.compile(r"\b(?:pls|plz)\b"), "please"),
    (re.compile(r"\bintro me\b"), "introduce me"),
)


def texting(sentence: str) -> str:
    """`sentence` with the common phone spellings of English written out (see _TEXTING)."""
    if not any(w in sentence for w in (" u", "ur ", "w/", " w ", "pls", "plz", "intro me")):
        return sentence
    for pattern, spelled in _TEXTING:
        sentence = pattern.sub(spelled, sentence)
    return sentence
