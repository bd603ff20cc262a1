"""Who is who, by constraints over the people of the message, not by which row matched.

A cue says where each role stands (the writer, the addressee, the mention left or right of its
anchor, a window, or "whoever is left"). Here each place becomes a person from the inventory:
a pronoun becomes its antecedent, "my wife's sister" a described person, a first name the full
name the headers give. Then the hard rules hold or the reading is dropped: the PIN is not the
contact, Baton plays no role, a referrer is someone other than the writer and the reader, and
every address stays one the message carries. When two people could be either the PIN or the
contact, what the message says of each decides (who is looking, who runs or hires), and the
reading's confidence says how much was guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from inbound.analysis import mentions
from inbound.analysis.cues import Cue, Hit
from inbound.analysis.people import People, Scene, Someone
from inbound.analysis.sentences import fold, name_matches, sentences, tokens
from model import Kind

# Asides between a referrer and the verb: "Sheila, who I met at the meetup, suggested ...",
# "Patricia Lang, my manager for four years, recommended ...", "Marcus (my TA) told me ...".
_ASIDE = re.compile(r"\([^()]{0,80}\)|,\s*(?:who|whom|whose|which|that|my|our|his|her|their|a|an|the|now|then|"
                    r"currently|also|formerly|previously|once|both|wer|die|der|qui|que|quien|quem|che|wie|with|con|"
                    r"avec|mit|met|com|mi|mis|mon|ma|mein|meine|mijn|mio|mia|meu|minha|"
                    r"of|from|at|de|del|da|do|di|van|von|bei|chez)\b[^,]{0,120},",
                    re.IGNORECASE)
# The writer just before the verb is its subject ("I gave your name"); after a preposition it is an
# object inside a clause about someone else ("Mrs Okafor who lives next door to us said").
_FIRST_PERSON = re.compile(r"(?<!\bto )(?<!\bwith )(?<!\bfor )(?<!\bof )(?<!\bfrom )(?<!\bnear )(?<!\bbehind )"
                           r"\b(?:I|I've|I'd|I'll|me|we|us|ich|je|j'|moi|yo|eu|ik|io)\s*$", re.IGNORECASE)

# Looking for people is hiring, not a need: "siempre anda buscando gente junior", "looking for engineers".
_SOUGHT = r"(?:gente|personas|perfiles|candidat\w*|talento|people|candidates|talent|new hires|engineers|developers)\b"
# What the message says of someone who needs help, and of someone who helps (all languages).
NEED = re.compile(fold(
    r"\b(?:looking (?:for(?! " + _SOUGHT + r")|to)|starting to look|seeking|searching|hoping|exploring|"
    r"interested in(?! an? (?:intro|e-?intro|introduction|connection))|wants? to|would (?:like|love) to|"
    r"'d (?:like|love) to|keen to|job search|moving (?:into|to|from)|transition\w*|graduat\w*|finishing|"
    # "would you be open to an intro?" is the offer, not a need of the reader's
    r"open to(?! an? (?:intro|e-?intro|introduction|connection))|"
    r"student|phd (?:student|candidate)|candidate|raising|fundrais\w*|laid off|between jobs|new to|early[- ]career|"
    r"junior|intern\b|internship|career change|considering|thinking about|applying|trying to|starting to look|"
    r"would love (?:your|to hear|to learn|advice)|could use|needs?|struggl\w*|"
    r"sucht|suchen|möchte|würde gerne|interessiert|bewirbt|studiert|absolvent\w*|"
    r"cherche|recherche|souhaite|aimerait|voudrait|étudiant\w*|candidat\w*|"
    r"busca(?:ndo)?(?! " + _SOUGHT + r")|quiere|quisiera|le gustaría|estudiante|"
    # "quer que eu te apresente ...?" asks what the reader wants: an offer, no one's need
    r"procura|procurando|gostaria|quer\b(?! que eu)|estudante|pensando em|pensando en|thinking of|planning to|"
    r"zoekt|wil graag|zou graag|student\w*|"
    r"cerca|sta cercando|vorrebbe|studente|studentessa|precisa|necesita|brauch\w*|benötig\w*|a besoin|heeft nodig|"
    r"ha bisogno|levantando|captando|lève|raccogli\w*|launching|is launching|lança|lanza|lance|lancia|"
    r"mudança para|mudar(?:-se)? para|preparing (?:a|the|to) move)\b"),
    re.IGNORECASE)
HELP = re.compile(fold(
    r"\b(?:runs?|ran|leads?|led|heads?|manages?|founded|co-?founded|partner (?:at|of)|is a partner|invests?|investor|"
    r"has backed|backs|is hiring|hires|hiring|looking for " + _SOUGHT + r"|busca(?:ndo)? " + _SOUGHT + r"|"
    r"lleva (?:el|la|los|las) (?:equipo|área|departamento|empresa)|"
    r"knows (?:everything|a lot|more|the space|this space|the market|"
    r"that world|the industry)|expert|built|building out|smartest|best person|go-to|the person to (?:ask|talk to)|"
    r"vp|vice president|director|head of|chief|cto|ceo|cfo|professor|advisor|mentor\b|has been generous|chairs?|"
    r"recruit\w*|works? at|is at|principal|senior (?:partner|director)|"
    r"leitet|führt|gründer\w*|investiert|stellt ein|dirige|fondateur|fondatrice|investit|recrute|"
    r"dirige|fundador\w*|invierte|contrata|lidera|fundou|investe|contrata|"
    r"leidt|oprichter|investeert|dirige|fondatore|fondatrice|investe|assume|advocaat|avocat|abogad\w*|advogad\w*|"
    r"avvocat\w*|anwalt|anwältin|designer|consultant|berater\w*|conseill\w*|consultor\w*|"
    r"cto|partner|importer|investidor\w*|inversor\w*|investisseur\w*|investor\w*|business angel|mentor\w*)\b"),
    re.IGNORECASE)


@dataclass
class Reading:
    kind: Kind
    cue: Cue
    sentence: str
    scene: Scene
    referrer: Someone | None = None
    pin: Someone | None = None
    contact: Someone | None = None
    referrer_vague: bool = False
    pin_described: bool = False
    relationship: str | None = None  # a relation word the sentence gave ("my colleague")
    confidence: float = 1.0
    assumptions: list[str] = field(default_factory=list)
    from_subject: bool = False  # read from the subject line, a headline


@dataclass
class Found:
    someone: Someone | None
    vague: bool = False
    described: bool = False
    pronoun: bool = False
    relation: str | None = None


# ", and" starts a statement about someone else when a name or "you" follows it; ", and he ran ..."
# goes on about the same person.
_CLAUSES = re.compile(r";|,\s+(?i:and|but|und|aber|et|mais|y|pero|e|mas|en|maar|ma)\s+"
                      r"(?=[A-ZÀ-Þ]|(?i:you|du|vous|tu|usted|você|voce|jij|lei)\b)")
_PLACE_BEFORE = re.compile(
    r"(?i)\b(?:the|at|in|from|near|for|chez|bei|beim|bij|presso|na|no|nas|nos|em|dans|au|aux|nel|nella|im|op|en la|"
    r"en el|von der|vom|del|della|dalla|du)\s+$|"
    # "la librairie Les Mots Passants", "the bakery Brot & Co": a firm's or a place's name
    r"\b(?:company|firm|shop|store|bookshop|bookstore|restaurant|café|cafe|hotel|gallery|agency|startup|bank|"
    r"school|university|hospital|clinic|gym|librairie|société|entreprise|boutique|galerie|agence|banque|école|"
    r"université|hôpital|clinique|empresa|tienda|librería|clínica|escuela|firma|laden|buchhandlung|kanzlei|praxis|"
    r"klinik|bedrijf|winkel|boekhandel|azienda|negozio|libreria|società|loja|livraria)\s+(?:(?:les|la|le|el|los|las|"
    r"il|lo|de|het|die|der|das|the|o|a|os|as)\s+)?$")


_OFFER_TO_READER = re.compile(r"(?i)\b(?:would you like|do you want|would you want|want|shall I|should I|can I|may I)"
                              r"(?: me)? (?:to )?(?:introduce|connect|intro) you\b")


def _not_a_place(window: str, m: mentions.Mention) -> bool:
    """For mentions.nearest: a name after "in", "at", "von der", "la librairie" is a place or a firm."""
    return m.kind == "name" and bool(_PLACE_BEFORE.search(window[max(0, m.start - 30):m.start]))
_RELATION_BEFORE = re.compile(r"(?<![\w'])(" + mentions.RELATION + r")[ ,]{0,2}$")
_ANY_RELATION_BEFORE = re.compile(r"(?<![\w'])(" + mentions.ANY_RELATION + r")[ ,]{0,2}$")
_POSSESSIVE = re.compile(r"(?i)^(my|our|mein\w*|unser\w*|mon|ma|notre|mi|nuestr\w|meu|minha|nosso|nossa|o meu|a minha|"
                         r"mijn|onze|mio|mia|il mio|la mia|nostr\w)\s+")
# German keeps "Heike Braun's Nichte": its nouns are capitalised, and "Nichte von Heike Braun" would
# read like a name ("Ursula von der Leyen"); the others' lower-case nouns cannot.
_OF = {"de": ("mon", "ma", "notre", "mi", "nuestro", "nuestra", "meu", "minha", "nosso", "nossa", "o meu", "a minha"),
       "van": ("mijn", "onze"), "di": ("mio", "mia", "il mio", "la mia", "nostro", "nostra")}


def _resolve(m: mentions.Mention | None, *, text: str, before: str, people: People, scene: Scene,
             other_than: Someone | None = None) -> Found:
    """The person a mention means: a name from the inventory, a pronoun's antecedent, a vague
    stand-in, or a relative described through the writer ("Greg Hall's cousin")."""
    if m is None:
        return Found(None)
    if m.kind == "vague":
        # "a friend of my family - Hannah Kowalski -", "une amie commune (Élodie Rousseau)": the
        # vague words stand before the person's name, set off by a dash or a bracket.
        named = re.match(r"(?: of (?:my|our|his|her|the) \w+(?: \w+)?)?[ ]?(?:,|-{1,2}|–|—|\()[ ]?(" + mentions.NAME + r")",
                         text[m.end:m.end + 100])
        cleaned = mentions.clean_name(named.group(1)) if named else None
        if cleaned:
            return Found(people.named(cleaned))
        return Found(None, vague=True)
    if m.kind == "name":
        # "my former colleague Tobias Brandt": the relation written just before the name is kept.
        at = text.find(m.text)
        rel = _RELATION_BEFORE.search(text[max(0, at - 60):at]) if at > 0 else None
        return Found(people.named(m.text), relation=rel.group(1) if rel else None)
    if m.kind == "pronoun":
        exclude = [s for s in (scene.writer, scene.addressee, other_than) if s]
        window = before[-800:]
        # "the Home Depot", "at Fjord Capital", "in Tacoma": places and firms, not whom "him" means.
        mentioned = [n for n in mentions.names(window) if not _not_a_place(window, n)
                     and not any(name_matches(n.text, s.person) for s in exclude)]
        candidates = [n.text for n in mentioned]
        # Someone introduced as a relative or colleague ("my daughter Aaliyah", "dein Kollege Tobias
        # Albrecht") whom the pronoun can mean: a capitalised firm or, in German, a noun is not.
        related = [n.text for n in mentioned if (intro := _ANY_RELATION_BEFORE.search(window[max(0, n.start - 60):n.start]))
                   and mentions.agrees(m.text, intro.group(1))]
        # A person, not a capitalised word: someone the headers name, or a full name.
        likely = [n for n in candidates if people.find(n) or len(mentions.without_title(n).split()) >= 2
                  or mentions.without_title(n) != n]
        for name in reversed(related or likely or candidates):
            return Found(people.named(name), pronoun=True)
        return Found(None, pronoun=True)
    # A relative: "my colleague Ines Duarte" names them right after; "my wife's sister" does not.
    after = text[m.end:m.end + 60]
    # "una mia collega, la dott.ssa Giulia Ferri": an article may stand before the name
    named = re.match(r"[ ,]{0,2}(?:-\s*)?(?:(?:la|le|il|el|lo|o|a|der|die|the) )?(?:(?i:" + mentions.TITLE + r") )?("
                     + mentions.NAME + r")", after)
    if named:
        cleaned = mentions.clean_name(named.group(1))
        if cleaned:
            return Found(people.named(cleaned), relation=m.text)
    writer = scene.writer.name if scene.writer and scene.writer.name else None
    owner = _POSSESSIVE.match(m.text)
    relative = m.text[owner.end():] if owner else m.text
    of = next((w for w, words in _OF.items() if owner and owner.group(1).lower() in words), None)
    # Said the way the message's language says it: "Jo Wu's cousin", "Nichte von Heike Braun".
    name = m.text if not writer else f"{relative} {of} {writer}" if of else f"{writer}'s {relative}"
    # Described, not named: a role, never a participant the message lists.
    return Found(Someone(name, None, ["described"]), described=True, relation=m.text)


def _window(hit: Hit, span: tuple[int, int] | None) -> mentions.Mention | None:
    if span is None:
        return None
    text = hit.sentence[span[0]:span[1]]
    # "someone on the data team at Spotify": a name after "at", "in", "the" is a firm or a place.
    found = [m for m in mentions.find(text) if not _not_a_place(text, m)]
    if not found:
        return None
    first = found[0]
    if first.kind == "vague":
        # "a friend, Hugo Lind": the vague words stand before the person's name (an appositive).
        named = next((m for m in found[1:] if m.kind == "name" and text[first.end:m.start].strip(" ,-–—(") == ""),
                     None)
        first = named or first
    return mentions.Mention(first.start + span[0], first.end + span[0], first.kind, first.text)


def _left(hit: Hit) -> mentions.Mention | None:
    head = hit.sentence[:hit.start]
    if _FIRST_PERSON.search(head[-12:]):
        return None  # "I gave your name ...": the writer, not a referrer
    cut = _ASIDE.sub(" ", head)
    return mentions.nearest(cut + hit.sentence[hit.start:], len(cut), "left", reach=200, skip=_not_a_place)


# "I'm copying the friend who suggested I write to you": the referrer is the one in Cc.
_COPYING = re.compile(r"(?i)\b(?:copying|copied|cc'?ing|cc'?d|cc'ed|looping in|looped in|adding|added)\s+"
                      r"(?:in\s+)?(?:the|my|our|a)\b")


def _copied(scene: Scene) -> Someone | None:
    """The one person in the scene's Cc other than its writer and addressee (Baton is never one)."""
    cc = [s for s in scene.recipients if s.seen("cc", "forwarded_cc") and s not in (scene.writer, scene.addressee)]
    return cc[0] if len(cc) == 1 else None


def _right(hit: Hit) -> mentions.Mention | None:
    return mentions.nearest(hit.sentence, hit.end, "right", reach=120, skip=_not_a_place)


def read(hit: Hit, scene: Scene, before: str, people: People) -> Reading | None:
    """The roles one cue gives in its sentence; None when the hard rules rule it out."""
    cue = hit.cue
    assert cue.kind is not None
    reading = Reading(cue.kind, cue, hit.sentence, scene)
    text, lead = hit.sentence, before + "\n" + hit.sentence[:hit.start]
    addressee = scene.addressee
    found: dict[str, Found] = {}

    def place(where: str, other_than: Someone | None = None) -> Found:
        if where not in found:
            if where == "writer":
                found[where] = Found(scene.writer)
            elif where == "addressee":
                found[where] = Found(addressee)
            elif where in ("left", "right", "x", "y"):
                m = {"left": _left, "right": _right}[where](hit) if where in ("left", "right") else \
                    _window(hit, hit.x if where == "x" else hit.y)
                found[where] = _resolve(m, text=text, before=lead, people=people, scene=scene, other_than=other_than)
            else:
                found[where] = Found(None)
        return found[where]

    ref_place = cue.ref
    pin_place = cue.pin
    if cue.kind is Kind.INTRO_REQUEST and pin_place == "writer":
        # "Do you know anyone who could help my cousin ...?": the help is for the relative named
        # after the anchor, not for the writer.
        rel = mentions.nearest(hit.sentence, hit.end, "right", reach=80, kinds=frozenset({"relation"}))
        if rel is not None:
            found["relative"] = _resolve(rel, text=text, before=lead, people=people, scene=scene)
            pin_place = "relative"
    if ref_place == "addressee" and scene.addressee_is_baton:
        ref_place = "writer"  # "Baton, please introduce X to Y": the writer is the referrer
    ref = place(ref_place)
    if ref.someone is None and ref_place == "left" and _COPYING.search(hit.sentence[:hit.start]):
        ref = Found(_copied(scene))
    # "Rick Craig suggested she talk to you": whoever "she" is, she is not the one who suggested it.
    pin, contact = place(pin_place, other_than=ref.someone), place(cue.contact)
    if ref_place == "writer" and pin_place == "writer" and scene.addressee_is_baton:
        ref = Found(None)  # the PIN asks Baton directly: nobody refers them
    reading.referrer, reading.referrer_vague = ref.someone, ref.vague
    reading.pin, reading.contact = pin.someone, contact.someone
    reading.pin_described = pin.described
    # How the referrer knows the one in need: "my friend Dmitri" as the contact says how the writer
    # knows the contact, which no request asks.
    reading.relationship = next((f.relation for f in (pin, ref) if f.relation), None)
    if ref.pronoun or pin.pronoun or contact.pronoun:
        reading.confidence -= 0.1
        reading.assumptions.append("pronoun")

    # "Could you help him find a job?" with no name before it: someone the writer knows, unnamed.
    pin_unnamed = pin.pronoun and pin.someone is None and cue.kind is Kind.INTRO_REQUEST
    if not _holds(reading, ref, scene, pin_unnamed):
        return None
    _fill_others(reading, cue, scene, people)
    if reading.contact is None and cue.kind is Kind.INTRO_REQUEST and (
            cue.contact == "other" or (cue.contact == "x" and hit.x is None)):
        # "You used to work with Bea Nord. Would you introduce us?", "My old roommate, Lucía
        # Fernández, does exactly that. Want me to put you in touch?": the person named before.
        named = _resolve(mentions.Mention(0, 0, "pronoun", ""), text=text, before=lead, people=people, scene=scene)
        if named.someone is not None and named.someone not in (reading.pin, reading.referrer):
            reading.contact = named.someone
            reading.confidence -= 0.1
            reading.assumptions.append("contact_named_before")
    if cue.pair and reading.pin and reading.contact:
        _order_pair(reading, scene.text)
    if reading.pin is not None and reading.pin is reading.contact:
        return None
    if (reading.kind is Kind.INTRO_REQUEST and reading.referrer is scene.writer and reading.pin in scene.recipients
            and reading.contact in scene.recipients and not scene.addressee_is_baton and not cue.asks_first):
        reading.kind = Kind.DIRECT_INTRO  # both people receive the writer's introduction: it is happening now
    if reading.kind is Kind.DIRECT_INTRO and not cue.offline and not (
            reading.pin in scene.recipients and reading.contact in scene.recipients):
        # An introduction made now reaches both people. One written to the reader alone about a
        # person named in full who is not on the thread ("I'd like to introduce you to Tiago Melo,
        # who is looking for ...") offers an intro: a request, which asks the other first.
        absent = reading.contact if reading.pin is scene.addressee else reading.pin
        if (scene.addressee is not None and scene.addressee in (reading.pin, reading.contact) and absent is not None
                and absent not in scene.recipients and len((absent.name or "").split()) >= 2
                and not re.search(r"(?i)\bthe\s+" + re.escape(absent.name or ""), text)):  # "the Summer Associates"
            reading.kind = Kind.INTRO_REQUEST
            reading.assumptions.append("offered_not_made")
            if ("pin_or_contact" in reading.assumptions and reading.pin is not scene.addressee
                    and _OFFER_TO_READER.search(text)):
                # Nothing says who needs whom, and the reader is asked whether they want the intro:
                # "Would you like me to introduce you to my friend Chen Wei?" is for the reader.
                reading.pin, reading.contact = reading.contact, reading.pin
        else:
            return None
    if reading.kind is Kind.SAID_TO_CONTACT and reading.pin is None:
        return None
    if reading.kind in (Kind.SAID_TO_CONTACT, Kind.INTRO_REQUEST) and reading.pin is scene.writer:
        proxied = _written_for(reading, scene, people)
        if proxied is not None:
            reading.pin = proxied
            reading.assumptions.append("writer_writes_for_pin")
    return reading


def _written_for(reading: Reading, scene: Scene, people: People) -> Someone | None:
    """Someone on the thread the writer introduces as their own ("My son, Ethan (cc'd), ...") and
    whom the message describes as the one looking for something: a parent, a partner or a
    manager writing for them is not the PIN."""
    taken = (reading.contact, reading.referrer, scene.writer, scene.addressee)
    for m in mentions.relations(scene.text[:4000]):
        who = _resolve(m, text=scene.text, before="", people=people, scene=scene).someone
        if who is None or who in taken or who not in scene.recipients:
            continue
        if need_scores([who], scene.text)[0] >= MARGIN:
            return who
    return None


def _holds(reading: Reading, ref: Found, scene: Scene, pin_unnamed: bool = False) -> bool:
    """The hard rules every reading must keep."""
    cue = reading.cue
    if reading.kind is Kind.SAID_TO_CONTACT:
        if reading.referrer is None and not reading.referrer_vague:
            return False  # "X suggested I ..." with no X is not a referral
        if reading.referrer is not None and reading.referrer in (scene.writer, scene.addressee):
            return False  # the writer citing themselves, or "as you suggested"
    if cue.pin in ("x", "y", "left", "right") and reading.pin is None and not pin_unnamed:
        return False  # the row's PIN is not a person ("introduce you to our platform")
    if cue.contact in ("x", "y") and reading.contact is None and cue.kind is Kind.DIRECT_INTRO:
        return False
    for role in (reading.pin, reading.contact):
        if role is not None and role is reading.referrer:
            return False
    return True


def _candidates(reading: Reading, scene: Scene, people: People) -> list[Someone]:
    """People on the thread who could take an open role: recipients, then people the words name
    with an address ("Ines Duarte (ines@...)", "Theo Park (cc'd)")."""
    taken = {id(s) for s in (reading.referrer, reading.pin, reading.contact, scene.writer) if s}
    out: list[Someone] = [s for s in scene.recipients if id(s) not in taken]
    for s in people.everyone:
        if id(s) in taken or s in out:
            continue
        if s.email and s.seen("body", "cc_mention"):
            out.append(s)
    return out


def _fill_others(reading: Reading, cue: Cue, scene: Scene, people: People) -> None:
    open_roles = [r for r in ("pin", "contact") if getattr(reading, r) is None and getattr(cue, r) == "other"]
    if not open_roles:
        return
    pool = _candidates(reading, scene, people)
    for role in open_roles:
        if not pool:
            break
        setattr(reading, role, pool.pop(0))
        reading.confidence -= 0.15
        reading.assumptions.append(f"{role}_from_thread")


_PRONOUN_START = re.compile(r"^\s*(?:he|she|they|his|her|er|sie|il|elle|él|ella|ele|ela|hij|zij|ze|lui|lei)\b",
                            re.IGNORECASE)
_YOU_BEFORE = re.compile(r"(?i)\b(?:you|you're|je|jij|du|tu|vous|voce|usted|u)\s+(?:\w+\s+)?$")
_VOCATIVE = re.compile(r"^\s*[^\W\d_][\w'\-]*(?: [^\W\d_][\w'\-]*)?\s*(?:,|:|-|--)\s+")


def _words(s: Someone) -> re.Pattern[str] | None:
    words = [w for w in tokens(s.name) if len(w) > 2] if s.name else []
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")


_YOU = re.compile(r"\b(?:you|you're|you've|your|du|dich|dir|dein\w*|tu|toi|ton|ta|tes|vous|votre|vos|tú|usted|su|você|"
                  r"teu|tua|seu|sua|jij|je|jouw|u|uw|tuo|tua|lei)\b")


def need_scores(people: list[Someone], text: str, addressee: Someone | None = None) -> list[float]:
    """How much `text` describes each person as the one looking for help (positive) or helping
    (negative). Each sentence is about its subject: the first of them it names after any
    vocative ("Lotte, Bram ken ik ..." is about Bram), or, when it starts with a pronoun, whoever
    the previous sentence was about. What follows a need word describes the goal ("looking for
    a VP role"), not the person, so only helper words before it count."""
    patterns = [_words(p) for p in people]
    # The reader is written about as "you": "you're starting to look for a Series A lead".
    patterns = [_YOU if p is addressee and p is not None else pattern for p, pattern in zip(people, patterns,
                                                                                           strict=True)]
    scores = [0.0] * len(people)
    subject: int | None = None
    third: int | None = None  # the last person named, not "you": whom a following "he" or "she" means
    # A semicolon or ", and" joins two statements, each with its own subject ("Ali is building X;
    # Bea ran Y", "sie sucht eine Stelle, und du kennst die Szene").
    clauses = [(n > 0, c) for sentence in sentences(text)[:200] for n, c in enumerate(_CLAUSES.split(sentence))]
    spoken_to: int | None = None  # the person the last vocative spoke to ("Youssef, Femke is ...")
    for continued, clause in clauses:
        folded = fold(clause)
        body = folded
        vocative = _VOCATIVE.match(folded)
        called = next((i for i, p in enumerate(patterns) if p is not None and p.search(vocative.group(0))),
                      None) if vocative else None
        if called is not None:
            spoken_to = called
            body = folded[vocative.end():] if vocative else body
        first = None
        for i, p in enumerate(patterns):
            m = p.search(body) if p is not None else None
            if m is not None and (first is None or m.start() < first[1]):
                first = (i, m.start())
        if first is not None:
            subject = first[0]
        elif continued and subject is not None:
            pass  # "...está a preparar a mudança; precisa de ajuda": the same subject, unsaid
        elif not _PRONOUN_START.match(body):
            subject = None
        elif third is not None and not re.match(r"\s*(?:you|du|vous|tu|usted|voce|jij|u|lei)\b", body):
            subject = third  # "... an intro to my friend Mark Sato? He's raising": he is Mark, not you
        named = [(m.start(), i) for i, p in enumerate(patterns)
                 if p is not None and p is not _YOU for m in p.finditer(body)]
        if named:
            third = max(named)[1]
        if subject is None:
            continue
        # "Youssef, Femke ... is precies wie je zoekt": a need with "you" before it is the need of the
        # one the clause speaks to, not of its subject.
        yours = [m for m in NEED.finditer(body) if _YOU_BEFORE.search(body[max(0, m.start() - 12):m.start()])]
        if spoken_to is not None and yours:
            scores[spoken_to] += 1.5 * len(yours)
        need = NEED.search(body)
        helper = body[:need.start()] if need else body
        scores[subject] += 1.5 * (len(NEED.findall(body)) - (len(yours) if spoken_to is not None else 0)) - len(
            HELP.findall(helper))
    return scores


# An offer or a request has a reading of its own ("want an intro to Nora?": Nora helps); what the
# message says of each must outweigh it by a clear need word. Two people introduced on the thread
# have no such reading: any difference decides.
MARGIN = 1.5


def _order_pair(reading: Reading, text: str) -> None:
    """Of two people introduced to each other, the PIN is the one the message says needs help."""
    pin, contact = reading.pin, reading.contact
    assert pin is not None and contact is not None
    direct = reading.kind is Kind.DIRECT_INTRO
    # When only one of them is written to, the message speaks of them as "you".
    a, b = need_scores([pin, contact], text, None if direct else reading.scene.addressee)
    margin = 0.0 if direct else MARGIN
    if b > a + margin or (not direct and b >= a + margin):
        reading.pin, reading.contact = contact, pin
    if abs(a - b) <= margin:
        reading.confidence -= 0.2
        reading.assumptions.append("pin_or_contact")
