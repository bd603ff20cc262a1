"""The Analysis of one message (README, "The analysis"), in stages that each generalise:

1. parse        bytes -> headers, people, text (parse.py; never raises)
2. normalise    one spelling for quotes, spaces and dashes (normalize.py)
3. segments     the writer's new words, forwarded messages (hand-off text) and quoted history
                (context only: a reply quoting a hand-off is not a new one) (forwards.py)
4. machine      bounces, auto-replies, lists, robots, Baton's own mail (autoreply.py)
5. thread       In-Reply-To, References, intro+KEY@, Baton quoted below (thread.py)
6. people       everyone in headers, forwarded blocks and words, merged (people.py)
7. language     which cue tables to read with (language.py)
8. cues         the sentence that makes it a hand-off, and counter-cues (cues/)
9. roles        who is who, by constraints (roles.py)
10. facts       what the message states, with evidence (facts.py), and the flags

Pure: bytes in, a model.Analysis out; never raises.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

from inbound.analysis import autoreply, cues, forwards, language, mentions, normalize, participants, roles
from inbound.analysis import facts as facts_mod
from inbound.analysis.addresses import EMAIL_RE, usable_email
from inbound.analysis.forwards import Segment
from inbound.analysis.parse import ParsedMail, parse_bytes
from inbound.analysis.people import People, Scene, Someone, baton_matcher, scene
from inbound.analysis.sentences import fold, sentences
from inbound.analysis.thread import keys_of
from model import Analysis, Fact, FactField, Facts, Flag, FlagNote, Kind, Participant, Person, Role, Source, ThreadKeys

log = logging.getLogger("baton.inbound.analysis")

_FWD_SUBJECT = re.compile(r"(?i)^\s*(?:(?:re|aw|sv|antw)\s*:\s*)*(?:fwd?|fw|wg|tr|rv|vs|doorst|enc|i|rif|reenv)\s*:")
_REPLY_SUBJECT = re.compile(r"(?i)^\s*(?:re|aw|sv|antw|r|rif|rv)\s*:")
# Markers that only a forward writes (a quoted reply never does).
_FORWARD_MARKERS = frozenset({"gmail", "thunderbird", "apple", "lotus_notes", "message/rfc822"})
MAX_SENTENCES = 120  # of hand-off text read for cues; a hand-off says what it is early
EVIDENCE_LIMIT = 300
# Free mail providers: two people on gmail are not colleagues (the same-organisation rule).
FREEMAIL = frozenset("""gmail googlemail outlook hotmail live msn yahoo ymail icloud me mac aol proton protonmail pm
fastmail zoho gmx web posteo mail yandex orange laposte free sfr wanadoo libero virgilio tiscali terra uol bol ig
hetnet ziggo kpnmail telenet t-online freenet mailbox tutanota hey qq 163 126 naver""".split())


@dataclass
class Reading:
    """The message's hand-off as the stages found it."""
    kind: Kind
    found: roles.Reading | None
    counter: str | None = None  # the counter-cue that made it ordinary mail


def _segments(m: ParsedMail) -> list[Segment]:
    top = Segment(text=normalize.text(m.text), author=m.from_ or m.sender, to=m.to, cc=m.cc, subject=m.subject)
    segs = forwards.split(top.text, top=top)
    for inner in m.embedded:  # forward as attachment (message/rfc822)
        head = Segment(text="", source="attached", marker="message/rfc822", author=inner.from_, to=inner.to,
                       cc=inner.cc, subject=inner.subject, depth=1)
        segs.extend(forwards.split(normalize.text(inner.text), depth=1, top=head))
        for deeper in inner.embedded:
            head = Segment(text="", source="attached", marker="message/rfc822", author=deeper.from_, to=deeper.to,
                           cc=deeper.cc, subject=deeper.subject, depth=2)
            segs.extend(forwards.split(normalize.text(deeper.text), depth=2, top=head))
    return segs[: forwards.MAX_SEGMENTS]


def _is_forward(seg: Segment, m: ParsedMail, own_words: int) -> bool:
    """A forwarded message is hand-off text; quoted history below a reply is context only."""
    if seg.source == "attached" or seg.marker in _FORWARD_MARKERS:
        return True
    if seg.source != "forwarded":
        return False
    # Outlook writes the same block for a forward and a reply: the subject, or a near-empty
    # note above it, tells them apart.
    return bool(_FWD_SUBJECT.match(m.subject or "")) or (own_words < 8 and not _REPLY_SUBJECT.match(m.subject or ""))


def _forwarded(m: ParsedMail, segs: list[Segment]) -> bool:
    if m.content_type == "multipart/report":
        return False  # a delivery or feedback report carries the original, it does not forward it
    return bool(m.embedded) or forwards.is_forward_marker_html(m.html) or any(
        s.source == "forwarded" and (s.marker != "original_message" or _FWD_SUBJECT.match(m.subject or ""))
        for s in segs)


def _org(email: str | None) -> str | None:
    """The organisation an address speaks for: its domain, unless that is a free mail provider."""
    if not email or "@" not in email:
        return None
    domain = email.rpartition("@")[2].lower()
    labels = domain.split(".")
    base = labels[-2] if len(labels) >= 2 else labels[0]
    return None if base in FREEMAIL else ".".join(labels[-2:])


_ON_BEHALF = re.compile(
    r"(?:\b(?i:on behalf of|namens|im (?:auftrag|namen) von|de la part de|au nom de|en nombre de|de parte de|"
    r"em nome de|da parte de|a nome di|per conto di)\s+(?P<name>" + mentions.NAME + r")|"
    r"(?P<asker>" + mentions.NAME + r") (?i:has asked|had asked|asked) me to (?i:introduce|connect|put you in touch))")


def _read(scenes: list[Scene], said: list[list[str]], m: ParsedMail, people: People, langs: list[str]) -> Reading:
    """The first hand-off in reading order that survives the counter-cues and the role rules.
    `said`: each scene's sentences."""
    rows = cues.rows_for(tuple(langs))
    readings: list[roles.Reading] = []
    for i, sc in enumerate(scenes):
        # A reply's subject repeats the hand-off it answers ("Re: Sheila suggested I reach out"); a
        # forward's subject is the forwarded message's, read with it.
        subject = (m.subject or "") if i == 0 else (sc.segment.subject or "")
        if _REPLY_SUBJECT.match(subject) or (i == 0 and _FWD_SUBJECT.match(subject) and len(scenes) > 1):
            subject = ""
        lines = [normalize.texting(x) for x in ([normalize.line(subject)] if subject else []) + said[i][:MAX_SENTENCES]]
        scene_rows = rows.within("\n".join(lines))
        before = ""
        for n, sentence in enumerate(lines):
            found = list(cues.hits(sentence, scene_rows))
            counters = [h for h in found if h.cue.kind is None]
            for h in counters:
                if h.cue.scope == "message":
                    return Reading(Kind.NONE, None, counter=h.cue.name)
            if not counters:
                for h in found:
                    got = roles.read(h, sc, before, people)
                    if got is not None and not _internal(got):
                        got.from_subject = bool(subject) and n == 0
                        readings.append(got)
                        break
            before += "\n" + sentence  # a line break: a name never runs on into the next sentence
    if not readings:
        return Reading(Kind.NONE, None)
    first = readings[0]
    # A subject is a headline ("Want an intro to Fjord?"); the body says the same in full.
    fuller = next((r for r in readings[1:] if not r.from_subject and r.kind is first.kind), None)
    if first.from_subject and fuller is not None:
        first = fuller
    # "Do you know anyone at Spotify? My brother Marco is trying to get in": a request the writer
    # seems to make for themselves is for the relative a later sentence says is looking.
    writer = first.scene.writer
    if first.kind is Kind.INTRO_REQUEST and writer is not None and first.pin is writer:
        later = next((r for r in readings[1:] if r.scene is first.scene and r.kind is first.kind
                      and r.referrer is writer and r.relationship and r.pin not in (None, writer, first.referrer)
                      and r.pin is not first.contact), None)
        if later is not None:
            first.pin, first.relationship = later.pin, later.relationship
            first.assumptions.append("pin_from_later_sentence")
    # A note that told its reader whom to contact ("you should talk to Rachel", "neem contact op met
    # Evelien"), forwarded by that reader: the referral itself, with the note's writer as referrer.
    # An offer to introduce ("I'm happy to introduce you to Dr. Okonkwo") forwarded the same way stays a
    # request: nobody has been told to get in touch yet.
    offer = "offered_not_made" in first.assumptions
    if (first.kind is Kind.INTRO_REQUEST and not offer and first.scene is not scenes[0]
            and first.pin is not None and first.pin is first.scene.addressee and first.pin is scenes[0].writer
            and first.referrer is first.scene.writer and first.contact is not None):
        first.kind = Kind.SAID_TO_CONTACT
        first.assumptions.append("forwarded_advice")
    if first.kind is Kind.DIRECT_INTRO and first.referrer is not None and first.referrer is first.scene.writer:
        # An assistant introducing two people for someone ("Prof. Strand has asked me to introduce
        # you", "namens Jeroen Hendriks stel ik je voor"): that someone is the referrer.
        for_whom = _ON_BEHALF.search(first.scene.text[:4000])
        principal = people.find(for_whom.group("name") or for_whom.group("asker")) if for_whom else None
        if principal is not None and principal not in (first.pin, first.contact, first.referrer):
            first.referrer = principal
            first.assumptions.append("referrer_on_whose_behalf")
    top = scenes[0].addressee
    if (first.kind is Kind.INTRO_REQUEST and first.contact is None and first.scene is not scenes[0]
            and first.referrer is scenes[0].writer and top is not None and not scenes[0].addressee_is_baton
            and top not in (first.pin, first.referrer)):
        # A request forwarded to someone is put to them: "see below - can you help Tom?"
        first.contact = top
        first.assumptions.append("contact_is_forward_recipient")
    return Reading(first.kind, first)


def _internal(r: roles.Reading) -> bool:
    """A colleague brought in to serve someone ("looping in Jen, who handles invoices", "meet Sarah,
    our new office manager") is business as usual: the helper works where the writer works."""
    if r.kind is not Kind.DIRECT_INTRO or r.contact is None or r.scene.writer is None:
        return False
    org = _org(r.scene.writer.email)
    return org is not None and org == _org(r.contact.email) and _org(r.pin.email if r.pin else None) != org


def _flags(kind: Kind, r: roles.Reading | None, stated: Facts, all_sentences: list[str]) -> list[FlagNote]:
    if kind is Kind.NONE or r is None:
        return []
    ask = r.sentence[:EVIDENCE_LIMIT]
    out: list[FlagNote] = []
    opted_in = facts_mod.first(facts_mod.OPT_IN, all_sentences)
    not_asked = facts_mod.first(facts_mod.NOT_ASKED, all_sentences)
    contact_written_to = r.contact is not None and r.contact is r.scene.addressee
    if kind is Kind.DIRECT_INTRO and not opted_in:
        out.append(FlagNote(Flag.NO_OPT_IN, not_asked or ask))
    elif kind is Kind.SAID_TO_CONTACT and contact_written_to and not opted_in:
        out.append(FlagNote(Flag.NO_OPT_IN, ask))
    elif kind is Kind.INTRO_REQUEST and not_asked and not r.cue.asks_first and not opted_in:
        out.append(FlagNote(Flag.NO_OPT_IN, not_asked))
    unnamed = r.referrer_vague or (kind is Kind.SAID_TO_CONTACT and r.referrer is None)
    if unnamed:
        out.append(FlagNote(Flag.UNKNOWN_REFERRER, ask))
    if (unnamed and kind is Kind.SAID_TO_CONTACT) or (r.referrer is not None and not r.referrer.email):
        # Nobody with an address vouches: an unnamed referrer can be reached even less.
        out.append(FlagNote(Flag.REFERRER_UNREACHABLE, ask))  # the sentence that names them
    missing = ((FactField.RELATIONSHIP, Flag.NO_RELATIONSHIP), (FactField.ASK, Flag.NO_SPECIFIC_ASK),
               (FactField.GOAL, Flag.NO_GOAL), (FactField.TIMELINE, Flag.NO_TIMELINE),
               (FactField.REQUIREMENTS, Flag.NO_REQUIREMENTS), (FactField.RESUME, Flag.NO_RESUME))
    for field, flag in missing:
        if stated.get(field) is None and not (field is FactField.RELATIONSHIP and r.relationship):
            out.append(FlagNote(flag, ask))
    return out


_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _name_parts(name: str) -> set[str]:
    """A name's words of three letters or more, as an address would spell them (Schäfer: schafer, schaefer)."""
    words = [w for w in re.findall(r"[^\W\d_]{3,}", name.lower()) if w not in mentions.NOT_A_NAME]
    return {fold(w) for w in words} | {fold(w.translate(_GERMAN)) for w in words}


def _addresses_from_body(r: roles.Reading, text: str, people: People, is_baton) -> None:
    """The contact or the PIN, named without an address, gets the one the body writes for them
    ("Escríbele a rsalazar@...", "Evelien de Boer, evelien@..."): the one address nobody else has
    whose local part holds one of their names. Not the referrer: reply_to is who Baton answers, and
    Baton answers only addresses in the headers. The review page shows the address to the referrer."""
    def holds(s: Someone, addr: str) -> bool:
        return any(p in fold(addr.rpartition("@")[0]) for p in _name_parts(s.name or ""))

    # An address a body mention gave to words that are not in it ("Institut für Energiesysteme
    # Rheinland (m.schaefer@...)") is still free for the person whose name it holds.
    owner = {s.email.lower(): s for s in people.everyone if s.email}
    free = [a for a in dict.fromkeys(m.group(0) for m in EMAIL_RE.finditer(text[:100_000]))
            if not is_baton(a) and usable_email(a) and (a.lower() not in owner or (
                set(owner[a.lower()].tags) <= {"body"} and not holds(owner[a.lower()], a)))]
    for someone in (r.pin, r.contact):
        if someone is None or someone is r.referrer or someone.email or not someone.name or not free:
            continue
        matching = [a for a in free if holds(someone, a)]
        if len(matching) == 1:
            previous = owner.get(matching[0].lower())
            if previous is not None:
                previous.email = None
            someone.email = matching[0]
            free.remove(matching[0])


def _person(s: Someone | None) -> Person | None:
    return None if s is None else Person(s.name, s.email)


def analyze_parsed(m: ParsedMail, *, assistant: str, domains: list[str], raw: bytes) -> Analysis:
    is_baton = baton_matcher(assistant, domains)
    segs = _segments(m)
    own_words = len(segs[0].text.split()) if segs else 0
    machine = autoreply.auto_generated(m, is_baton)
    people = People(is_baton, text="\n".join([m.subject or ""] + [s.text for s in segs]))
    scenes: list[Scene] = []
    quoted: list[Scene] = []
    quoted_text: list[str] = []
    for i, seg in enumerate(segs):
        handoff = i == 0 or _is_forward(seg, m, own_words)
        if not handoff and not seg.author and i > 0 and segs[i - 1].author and not segs[i - 1].text.strip():
            seg = replace(seg, author=segs[i - 1].author)  # "On ..., Felix <f@x> wrote:" heads the quote below it
        sc = scene(seg, people, tag_prefix="" if i == 0 else "forwarded")
        if handoff:
            scenes.append(sc)
        else:
            quoted_text.append(seg.text)
            if seg.text.strip():
                quoted.append(sc)
    for p in m.reply_to:
        people.add(p, "reply_to")
    for p, tag in participants.body_mentions("\n".join(s.text for s in segs)):
        people.add(p, tag)
    handoff_text = "\n".join([m.subject or ""] + [s.text for s in scenes])
    langs = language.ranked(handoff_text)
    thread = keys_of(m, "\n".join(quoted_text), assistant=assistant, domains=domains)
    said = [sentences(sc.text) for sc in scenes]
    reading = Reading(Kind.NONE, None) if machine is not None else _read(scenes, said, m, people, langs)
    if machine is None and reading.kind is Kind.NONE and reading.counter is None and quoted and segs \
            and _accepts(segs[0].text, people):
        reading = _accepted(quoted[0], scenes[0].writer, m, people, langs) or reading
    r = reading.found
    if r is not None:
        _addresses_from_body(r, "\n".join(s.text for s in segs), people, is_baton)
    all_sentences = [s for each in said for s in each] + [s for t in quoted_text for s in sentences(t)]
    stated = facts_mod.extract(all_sentences, m.attachments) if r is not None else Facts()
    if r is not None and _names_the_contact(stated.relationship, r.contact):
        stated = replace(stated, relationship=None)
    sender = next((p.email for p in m.from_ + m.sender if p.email and not is_baton(p.email)), None)
    reply_to = None
    if machine is None:
        reply_to = (r.referrer.email if r and r.referrer and r.referrer.email else None) or sender
    roles_by_id: dict[int, Role] = {}
    if r is not None:
        for role, s in ((Role.REFERRER, r.referrer), (Role.PIN, r.pin), (Role.CONTACT, r.contact)):
            if s is not None:
                roles_by_id.setdefault(id(s), role)
    return _only_real_addresses(m, raw, Analysis(
        message_id=m.message_id,
        subject=m.subject,
        kind=reading.kind,
        forwarded=_forwarded(m, segs),
        auto_generated=machine is not None,
        participants=tuple(_participants(people, roles_by_id, m, is_baton)),
        referrer=_person(r.referrer) if r else None,
        pin=_person(r.pin) if r else None,
        contact=_person(r.contact) if r else None,
        flags=tuple(_flags(reading.kind, r, stated, all_sentences)),
        reply_to=reply_to,
        auto_generated_reason=machine,
        evidence=r.sentence[:EVIDENCE_LIMIT] if r else None,
        defects=tuple(m.defects[:30]),
        language=langs[0] if langs else None,
        confidence=round(max(0.0, r.confidence), 2) if r else None,
        assumptions=tuple(r.assumptions) if r else (),
        facts=stated,
        thread=thread,
    ))


# A reply that takes up an offer or a request quoted below it: "Yes please!! cc'ing Baton to set
# it up" above "Want me to connect you two?"; "Happy to. I'm looping in Baton" above "Would you be
# willing to introduce me to her?". Words that accept, in the seven languages; words that decline.
_ACCEPT = re.compile(r"(?i)\b(?:yes|yes please|sure|of course|absolutely|definitely|happy to|glad to|gladly|"
                     r"would love (?:that|to)|that would be (?:great|amazing|wonderful|lovely|brilliant|fantastic|"
                     r"helpful|perfect)|sounds (?:great|good|perfect|lovely)|please do|go ahead|ja|gerne|sehr gerne|"
                     r"selbstverständlich|avec plaisir|volontiers|oui|bien sûr|con gusto|claro|por supuesto|"
                     r"encantad[oa]|com (?:todo o )?prazer|sim|graag|natuurlijk|zeker|volentieri|certo|"
                     r"con piacere|sì|si certo)\b")
_DECLINE = re.compile(r"(?i)\b(?:no,? thanks?|no thank you|not (?:right )?now|not interested|i'?ll pass|rather not|"
                      r"nein,? danke|non,? merci|no,? gracias|não,? obrigad[oa]|nee,? bedankt|no,? grazie)\b")


def _accepts(top: str, people: People) -> bool:
    """The new text of a reply takes something up: words of assent, or it hands the matter to
    Baton by name ("cc'ing Baton"), and it declines nothing."""
    if _DECLINE.search(top):
        return False
    words = {w.lower() for w in re.findall(r"\w+", top)}
    return bool(_ACCEPT.search(top)) or people.names_baton(words)


def _accepted(sc: Scene, replier: Someone | None, m: ParsedMail, people: People, langs: list[str]) -> Reading | None:
    """The quoted message as the hand-off, when it is one that has not happened yet (an offer or
    a request: an intro already made is answered in its thread, not started again). Whoever
    replies is whom the quoted message was written to, unless its greeting names someone else."""
    if replier is not None and replier is not sc.writer:
        sc = replace(sc, addressee=sc.addressee or replier,
                     recipients=sc.recipients if replier in sc.recipients else [replier, *sc.recipients])
    got = _read([sc], [sentences(sc.text)], m, people, langs)
    if got.kind is not Kind.INTRO_REQUEST or got.found is None:
        return None
    got.found.assumptions.append("accepted_in_reply")
    return got


def _names_the_contact(fact: Fact | None, contact: Someone | None) -> bool:
    """"My friend Abdullah Rahimi runs a studio": how the writer knows the contact, which the
    request does not ask; how the referrer knows the one in need is still missing."""
    if fact is None or contact is None or not contact.name:
        return False
    first = contact.name.split()[0]
    return bool(re.search(r"(?i)\b(?:my|our|mein\w*|mon|ma|mes|mi|mis|meu|minha|mijn|onze|mio|mia)\s+(?:\w+\s+){0,2}"
                          + re.escape(first) + r"\b", fact.value))


def _participants(people: People, roles_by_id: dict[int, Role], m: ParsedMail, is_baton) -> list[Participant]:
    out: list[Participant] = []
    for p in m.from_ + m.sender + m.to + m.cc:  # Baton's own addresses, as the contract lists them
        if p.email and is_baton(p.email) and not any(q.email == p.email for q in out):
            source = Source.FROM if p in m.from_ + m.sender else Source.TO if p in m.to else Source.CC
            out.append(Participant(p.name, p.email, Role.ASSISTANT, source))
    for s in people.everyone[:200]:
        out.append(Participant(s.name, s.email, roles_by_id.get(id(s), Role.OTHER), Source(s.source)))
    return out


def _haystack(m: ParsedMail) -> str:
    # Decoded bodies (base64, quoted-printable) but not decoded headers: an address is never an
    # encoded word, and a decoder that drops a NUL is how fragments got glued into one.
    parts = [m.text, m.html] + [_haystack(inner) for inner in m.embedded]
    return "\n".join(p for p in parts if p).lower()


def _only_real_addresses(m: ParsedMail, raw: bytes, a: Analysis) -> Analysis:
    """An address is never invented: one that the message does not literally carry (a parser
    gluing fragments together around a NUL, say) is dropped, and never written to."""
    seen = raw.decode("utf-8", "replace").lower() + "\n" + _haystack(m)

    def real(addr: str | None) -> bool:
        return addr is None or addr.lower() in seen

    changes: dict = {}
    defects = list(a.defects)
    for role in ("referrer", "pin", "contact"):
        person = getattr(a, role)
        if person and not real(person.email):
            changes[role] = replace(person, email=None)
            defects.append(f"dropped an address for {role} not found in the message")
    changes["participants"] = tuple(p for p in a.participants if real(p.email))
    if not real(a.reply_to):
        changes["reply_to"] = None
    return replace(a, defects=tuple(defects), **changes)


def analyze_bytes(raw: bytes, *, assistant: str, domains: list[str]) -> Analysis:
    """The Analysis of a raw message. Never raises: a failure becomes a `defects` entry."""
    return parse_and_analyze(raw, assistant=assistant, domains=domains)[1]


def parse_and_analyze(raw: bytes, *, assistant: str, domains: list[str]) -> tuple[ParsedMail, Analysis]:
    """The parsed message and its Analysis, parsing once (the worker needs both). Never raises."""
    m = parse_bytes(raw)  # never raises: what it cannot read is a defect
    try:
        return m, analyze_parsed(m, assistant=assistant, domains=domains, raw=raw)
    except Exception as e:  # a rule bug must not lose a message; log the type, never the content
        log.exception("analysis failed: %s", type(e).__name__)
        return m, Analysis(defects=(f"analysis failed: {type(e).__name__}",), thread=ThreadKeys())


def analyze_file(path: str | Path, *, assistant: str, domains: list[str]) -> dict:
    """analyze_bytes on a file, plus `file`; an unreadable file gives {"file", "error"}."""
    try:
        raw = Path(path).read_bytes()
    except Exception as e:
        return {"file": str(path), "error": f"{type(e).__name__}: {e.strerror if isinstance(e, OSError) else e}"}
    return {"file": str(path), **analyze_bytes(raw, assistant=assistant, domains=domains).to_json()}


HANDOFF_TEXT_LIMIT = 6000


def handoff_text(m: ParsedMail) -> str:
    """The words the optional LLM may see: the hand-off's own text (the writer's words and any
    forwarded message), never quoted history or attachments."""
    try:
        segs = _segments(m)
        own_words = len(segs[0].text.split()) if segs else 0
        text = "\n\n".join(s.text for i, s in enumerate(segs) if i == 0 or _is_forward(s, m, own_words))
    except Exception as e:
        log.warning("handoff_text failed: %s", type(e).__name__)
        return ""
    return text.strip()[:HANDOFF_TEXT_LIMIT]
