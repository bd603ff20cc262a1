"""What the hand-off leaves out, from the essay's checklist: each flag with the sentence behind it.

A "missing" flag is raised when none of its EVIDENCE rows finds a sentence in the hand-off's words;
its evidence is then the sentence that made the request. Each row's comment says what it recognises.
"""
from __future__ import annotations

import re

from inbound.analysis.handoff import Handoff
from inbound.analysis.parse import Attachment
from inbound.analysis.sentences import sentences
from model import Flag, FlagNote

_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"

EVIDENCE: dict[str, tuple[re.Pattern[str], ...]] = {
    # How the referrer knows the PIN
    "relationship": (
        re.compile(r"(?i)\bmy (?:former |old |ex-)?(?:intern|cousin|teammate|team-mate|colleague|co-?worker|friend|"
                   r"classmate|student|mentee|neighbou?r|brother|sister|son|daughter|nephew|niece|wife|husband|partner|"
                   r"client|report|manager|boss|roommate|former \w+|old \w+)\b"),  # "my old teammate", "my intern"
        re.compile(r"(?i)\b(?:at|from) my (?:last|previous|old|former|current) (?:company|job|firm|employer|team|school)"),
        re.compile(r"(?i)\b(?:we|I) (?:worked|work|studied|served|met|grew up|went to school) (?:together|with|at)\b"),
        re.compile(r"(?i)\b(?:I'?ve|I have) known (?:him|her|them|\w+) (?:for|since)\b"),
        re.compile(r"(?i)\b(?:and I are|are) (?:old )?friends\b|\bfriend of (?:mine|ours)\b|\b(?:family|personal) friend\b"),
        re.compile(r"(?i)\b(?:used to|previously) (?:work|report)(?:ed)? (?:for|with) me\b"),
    ),
    # A specific ask: roles, companies, or a concrete question
    "specific_ask": (
        re.compile(r"(?i)\b(?:\w+ ){0,3}(?:roles?|positions?|jobs?|openings?) (?:in|at|on|with|for) [A-Za-z]"),  # "product roles in Berlin"
        re.compile(r"(?i)\b(?:senior|junior|staff|principal|lead|head of|vp|vice president|director|manager|chief|"
                   r"cto|cfo|ceo|coo|analyst|associate) [\w&]+"),  # a named level or role
        re.compile(r"(?i)\b(?:your|his|her) (?:view|views|advice|perspective|thoughts|take|insight) on\b"),
        re.compile(r"(?i)\bwhether (?:it|they|the team|you)(?:'re| are| is)? (?:hiring|looking)"),
        re.compile(r"(?i)\b(?:move|moving|transition|switch|break) (?:in)?to [A-Z&]{2,}"),  # "move into FP&A"
        re.compile(r"(?i)\binterested in [\w\-]+ [\w\-]+"),  # "interested in battery start-ups"
    ),
    # The PIN's direction
    "goal": (
        re.compile(r"(?i)\b(?:looking for|seeking|searching for|hoping to|aiming|interested in|exploring|"
                   r"want(?:s)? to (?:move|work|join|get)|would like to (?:move|work|join)|moving (?:into|to)|"
                   r"transition(?:ing)? (?:into|to)|targeting|focused on)\b(?! (?:a |any )?(?:job|work|something|anything)\b)"),
        re.compile(r"(?i)\b(?:about|regarding) (?:\w+ ){0,2}(?:roles?|positions?|opportunities|careers?) (?:in|at)\b"),
    ),
    # How much time the PIN has
    "timeline": (
        re.compile(r"(?i)\b(?:in|by|before|after|until|from|starting|start(?:ing)? in|this|next|early|late|mid-?)\s+" + _MONTH + r"\b"),
        re.compile(r"(?i)\b(?:this|next|by the end of (?:the|this)?) ?(?:week|month|quarter|year|spring|summer|fall|autumn|winter)\b"),
        re.compile(r"(?i)\b(?:graduat\w+|asap|as soon as possible|immediately|within (?:a|\d+|two|three|few) (?:weeks?|months?)|"
                   r"in (?:a|\d+|two|three|few) (?:weeks?|months?)|q[1-4]|20\d\d)\b"),
    ),
    # Salary, location and other constraints
    "requirements": (
        re.compile(r"(?i)(?:\$\s?\d|€\s?\d|£\s?\d|\d+\s?k\b|salary|compensation|\bcomp\b|equity|pay range)"),
        re.compile(r"(?i)\b(?:remote|relocat\w+|hybrid|on-?site|based in|moving to|located in|commut\w+|visa)\b"),
        re.compile(r"\b(?:roles?|positions?|jobs?|work|opportunities) in (?:[A-Z][a-z]+|[A-Z]{2})\b"),  # "roles in Berlin"
        re.compile(r"\b(?:something|anything|a job|a role|a position) in (?:[A-Z][a-z]+|[A-Z]{2})\b"),  # "something in LA"
        re.compile(r"(?i)\b(?:part-?time|full-?time|contract role|freelance)\b"),
    ),
    # The contact agreed first (the opposite of no_opt_in)
    "opt_in": (
        re.compile(r"(?i)\b(?:said|agreed|is happy|is glad|would be happy|is open|offered) (?:it'?s fine|to (?:talk|help|meet|chat|connect)|that I could)"),
        re.compile(r"(?i)\b(?:I|we) (?:checked|asked) (?:with )?(?:him|her|them|\w+) (?:first|already|beforehand)"),
    ),
}
RESUME_FILE = re.compile(r"(?i)(?:r[ée]sum[ée]|\bcv\b|curriculum|lebenslauf|\bc\.v\.)")
RESUME_LINK = re.compile(r"(?i)https?://\S*(?:resume|r%C3%A9sum|\bcv\b|linkedin\.com/in/|docs\.google|drive\.google|dropbox)\S*")
RESUME_INLINE_FILE = re.compile(r"(?i)\S*(?:resume|r[ée]sum[ée]|\bcv)\S*\.(?:pdf|docx?|rtf|txt|pages)\b")


def _find(code: str, sents: list[str]) -> str | None:
    for s in sents:
        for rx in EVIDENCE[code]:
            if rx.search(s):
                return s
    return None


def resume_evidence(text: str, attachments: list[Attachment]) -> str | None:
    for a in attachments:
        if a.filename and RESUME_FILE.search(a.filename):
            return f"attachment: {a.filename}"
    m = RESUME_LINK.search(text) or RESUME_INLINE_FILE.search(text)
    return m.group(0) if m else None


def flags(h: Handoff, attachments: list[Attachment], *, contact_is_recipient: bool) -> list[FlagNote]:
    """The checklist flags for a hand-off; none for a message that is not one."""
    if h.kind == "none":
        return []
    ask = h.evidence or ""
    sents = sentences(h.text or ask)
    out: list[FlagNote] = []

    def add(code: str, evidence: str | None) -> None:
        out.append(FlagNote(Flag(code), (evidence or ask)[:300]))

    if contact_is_recipient and not _find("opt_in", sents):
        add("no_opt_in", ask)  # the contact is written to directly, not asked first
    if h.referrer_vague or (not h.writer_is_referrer and not h.referrer_name):
        add("unknown_referrer", ask)
    elif h.referrer is not None and not h.referrer.email:
        add("referrer_unreachable", f"{h.referrer.name} is named but no address of theirs is in the message")
    if not _find("relationship", sents):
        add("no_relationship", ask)
    if not _find("specific_ask", sents):
        add("no_specific_ask", ask)
    if not _find("goal", sents):
        add("no_goal", ask)
    if not _find("timeline", sents):
        add("no_timeline", ask)
    if not _find("requirements", sents):
        add("no_requirements", ask)
    if not resume_evidence(h.text, attachments):
        add("no_resume", ask)
    return out
