"""People as a sentence mentions them: names, pronouns, vague stand-ins ("a friend"), relatives.

Every pattern here is bounded (a name is at most five words of at most 41 characters), so a
search is linear in the text. `nearest` finds the mention next to a point of a sentence: the cue
tables say on which side of their anchor a role stands.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_UP = r"[A-ZÀ-ÖØ-ÞĀ-Ž]"
# "John", "O'Hara", "Jean-Luc", or an initial "J.": a capital inside a long token (a link, a hash)
# starts no name, because a word is at most 41 characters.
WORD = _UP + r"(?:\.|(?:[^\W\d_]|['\-]){1,40})"
PARTICLE = r"(?:van|von|de|da|das|do|dos|del|della|di|du|le|la|der|den|ter|te|bin|al|ten|zu)"
TITLE = (r"(?:Dr|Mr|Mrs|Ms|Mx|Prof|Professor|Professora|Professeur|Herrn|Herr|Frau|Hr|Fr|M|Mme|Mlle|Sr|Sra|Srta|Dra|"
         r"Señor|Señora|Senhor|Senhora|Signor|Signora|Signore|Meneer|Mevrouw|"
         r"Don|Doña|Dña|Dª|Dom|Dona|Eng|Ing|Lic|Dott|Dott\.ssa|Sig|Sig\.ra|Avv|Arch|Mevr|Dhr|Drs|Ir|Mw|"
         r"Uncle|Aunt|Auntie|Onkel|Tante|Oncle|Tío|Tía|Zio|Zia|Oom)(?:\.ª|ª|\.)?")
NAME = (r"(?:(?:" + TITLE + r")[ ]+){0,2}" + WORD + r"(?:[ ]+(?:" + WORD + r"|" + PARTICLE + r"(?![\w'])" + r")){0,3}"
        r"(?:[ ]+(?:Jr\.?|Sr\.?|II|III|IV))?")
_NAME_RE = re.compile(NAME)
_PARTICLES = frozenset(PARTICLE[3:-1].split("|"))
_TITLE_RE = re.compile(r"^(?:" + TITLE + r")[ ]+")

PRONOUNS = frozenset({
    "he", "she", "him", "her", "they", "them",  # en
    "er", "ihn", "ihm",  # de ("sie" is also "you" and "they", "ihr" also "you": not read as a person)
    "il", "elle", "lui",  # fr (lui: it)
    "él", "ella",  # es
    "ele", "ela",  # pt
    "hij", "zij", "hem", "haar",  # nl
    "lei",  # it
})
_PRONOUN_RE = re.compile(r"(?<![\w'])(?:" + "|".join(sorted(PRONOUNS, key=len, reverse=True)) + r")(?![\w'])",
                         re.IGNORECASE)

# Someone unnamed standing in for a referrer: gives `unknown_referrer`.
VAGUE = (
    r"(?i:so[\s\-]and[\s\-]so|"
    r"(?:a|an|one of my|one of our|some|several|a few|a couple of) (?:\w+ ){0,2}"
    r"(?:friends?|colleagues?|co-?workers?|contacts?|acquaintances?|classmates?|sources?|people|folks|recruiters?|"
    r"headhunters?|mentors?|professors?|clients?|connections?)(?: of (?:mine|yours|ours))?|"
    r"some(?:one|body)(?: (?:at|from|in) [\w\s\-]{1,40}?)?(?=[,.;:!?)]|\s+(?:who|that|said|told|suggested|mentioned|"
    r"recommended|gave|pointed|sent|passed|referred|asked|thought|at|from|in|on|during)\b)|"
    r"mutual friends?|"
    # an office that refers people, in any language: "the alumni careers service", "das Welcome Center"
    r"(?:the|a|an|our|my|das|die|der|vom|le|la|du|el|del|il|lo|dal|dalla|dallo|o|do|da|het|de)\s(?:[\w-]+\s){0,4}"
    r"(?:careers?\s(?:service|office|"
    r"cent(?:er|re)|team)|career\sservices?|alumni\s(?:office|service|team|association)|welcome\scent(?:er|re)|"
    r"job\s?cent(?:er|re)|placement\soffice|Arbeitsamt|Agentur\sfür\sArbeit|service\scarrières?|"
    r"servicio\sde\sempleo|bureau\sdes\sstages)|"
    # de, fr, es, pt, nl, it
    r"(?:ein|eine) (?:gemeinsame[rn]? )?(?:Freund(?:in)?|Bekannte[r]?|Kolleg(?:e|in))|jemand|"
    r"(?:un|une) (?:ami|amie|collègue|contact|connaissance)(?: commune?)?|quelqu'un|"
    r"(?:un|una) (?:amig[oa]|colega|conocid[oa]|contacto)(?: en común| mutu[oa])?|alguien|"
    r"(?:um|uma) (?:amig[oa]|colega|conhecid[oa]|contato)(?: em comum| mútu[oa])?|alguém|"
    r"(?:een) (?:(?:gezamenlijke|gemeenschappelijke) )?(?:vriend(?:in)?|kennis|collega)|iemand|"
    r"(?:un|una) (?:amic[oa]|collega|conoscente|contatto)(?: comune| in comune)?|qualcuno)"
)
_VAGUE_RE = re.compile(r"(?<![\w'])" + VAGUE + r"(?![\w'])")

# Each language: possessive, an optional adjective ("former", "früherer", "ancien"), the noun.
_RELATIVES = (
    (r"(?:my|our) (?:\w+'s )?", r"(?:(?:former|old|good|best|dear|mutual|close|longtime|long-time|previous|thesis|"
     r"first) |ex-)?",
     r"(?:brother-in-law|sister-in-law|son-in-law|daughter-in-law|wife|husband|partner|son|daughter|brother|sister|"
     r"cousin|nephew|niece|friend|neighbou?r|mentee|colleague|classmate|intern|student|kid|uncle|aunt|mother|"
     r"father|mom|dad|godson|goddaughter|godchild|stepson|stepdaughter|grandson|granddaughter|fiancée?|roommate|"
     r"flatmate|coworker|co-worker|teammate|report|boss|mentor|employee|engineer|developer|designer|analyst|"
     r"team member|manager|supervisor|advisor|adviser|professor|teacher|tutor|coach|landlord|landlady)s?"),
    (r"(?:mein|meine|unser|unsere)[rnms]? ", r"(?:(?:früher|ehemalig|alt|gut|lieb|best)e[rnms]? )?",
     r"(?:Sohn|Tochter|Bruder|Schwester|Cousin|Cousine|Neffe|Nichte|Freund|Freundin|Nachbar|Nachbarin|Kollege|"
     r"Kollegin|Student|Studentin|Mann|Frau|Chef|Chefin|Mentor|Mentorin|Schwager|Schwägerin|Onkel|Tante|Enkel|"
     r"Enkelin|Patenkind|Patensohn|Patentochter|Schwiegersohn|Schwiegertochter|Mitbewohner|Mitbewohnerin|"
     r"Kommilitone|Kommilitonin|Praktikant|Praktikantin|Partner|Partnerin)(?:e?[ns])?"),
    (r"(?:mon|ma|notre) ", r"(?:(?:ancien|ancienne|vieil|vieille|bon|bonne|meilleur|meilleure) |ex-)?",
     r"(?:fils|fille|frère|sœur|soeur|cousin|cousine|neveu|nièce|ami|amie|voisin|voisine|collègue|étudiant|"
     r"étudiante|mari|femme|patron|patronne|beau-frère|belle-sœur|belle-soeur|oncle|tante|filleul|filleule|gendre|"
     r"belle-fille|colocataire|stagiaire|camarade|compagne|compagnon|copain|copine|petit-fils|petite-fille)"),
    (r"(?:mi|nuestr[oa]) ", r"(?:(?:antigu[oa]|viej[oa]|buen|buena|mejor) |ex-?)?",
     r"(?:compañer[oa]|jef[ea]|hij[oa]|herman[oa]|prim[oa]|sobrin[oa]|amig[oa]|vecin[oa]|colega|estudiante|"
     r"espos[oa]|cuñad[oa]|tí[oa]|ahijad[oa]|yerno|nuera|suegr[oa]|novi[oa]|niet[oa]|pareja|becari[oa])"),
    (r"(?:meu|minha|nosso|nossa|o meu|a minha) ", r"(?:(?:antig[oa]|velh[oa]|bom|boa|melhor) |ex-)?",
     r"(?:chefe|filh[oa]|irmão|irmã|prim[oa]|sobrinh[oa]|amig[oa]|vizinh[oa]|colega|alun[oa]|marido|mulher|"
     r"cunhad[oa]|ti[oa]|afilhad[oa]|genro|nora|sogr[oa]|namorad[oa]|net[oa]|estagiári[oa]|companheir[oa])"),
    (r"(?:mijn|onze) ", r"(?:(?:oude|voormalige|goede|beste) |oud-|ex-)?",
     r"(?:zoon|dochter|broer|zus|neef|nicht|vriend|vriendin|buurman|buurvrouw|collega|student|baas|zwager|"
     r"schoonzus|oom|tante|petekind|schoonzoon|schoondochter|kleinzoon|kleindochter|stagiair|stagiaire|partner|"
     r"huisgenoot|studiegenoot)"),
    (r"(?:mio|mia|il mio|la mia|nostr[oa]) ", r"(?:(?:vecchi[oa]|car[oa]|migliore) |ex-? ?)?",
     r"(?:capo|figli[oa]|fratello|sorella|cugin[oa]|nipote|amic[oa]|vicin[oa]|collega|studente|studentessa|"
     r"marito|moglie|cognat[oa]|zi[oa]|figliocci[oa]|genero|nuora|suocer[oa]|fidanzat[oa]|tirocinante|stagista|"
     r"compagn[oa]|coinquilin[oa])"),
)
# Relatives and friends someone asks help for ("my wife's sister", "mein Neffe").
RELATION = "(?i:" + "|".join(own + adj + noun for own, adj, noun in _RELATIVES) + ")"
# The same nouns after any possessive ("your colleague Maarten", "dein Kollege Tobias"): whom a
# later "him" most likely means. In the order of _RELATIVES.
_ANY_OWN = (r"(?:my|our|your|his|her|their) (?:\w+'s )?",
            r"(?:mein|meine|unser|unsere|dein|deine|euer|eure|Ihr|Ihre|sein|seine|ihr|ihre)[rnms]? ",
            r"(?:mon|ma|notre|ton|ta|votre|son|sa|leur) ", r"(?:mi|nuestr[oa]|tu|vuestr[oa]|su) ",
            r"(?:meu|minha|nosso|nossa|o meu|a minha|teu|tua|o teu|a tua|seu|sua|o seu|a sua) ",
            r"(?:mijn|onze|ons|jouw|je|uw|zijn|haar|hun) ",
            r"(?:mio|mia|il mio|la mia|nostr[oa]|tuo|tua|il tuo|la tua|suo|sua|il suo|la sua|vostr[oa]) ")
ANY_RELATION = "(?i:" + "|".join(own + adj + noun
                                  for own, (_, adj, noun) in zip(_ANY_OWN, _RELATIVES, strict=True)) + ")"
# Which relatives a "he" or a "she" can mean (the nouns that say it; the others can be either).
_MALE_NOUNS = re.compile(
    r"(?i)(?:^|[ -])(?:son|brother|nephew|husband|father|dad|uncle|godson|stepson|grandson|sohn|bruder|neffe|mann|"
    r"onkel|schwager|enkel|schwiegersohn|patensohn|fils|frère|neveu|mari|oncle|beau-frère|filleul|gendre|petit-fils|"
    r"hijo|hermano|sobrino|esposo|tío|cuñado|ahijado|yerno|suegro|novio|nieto|filho|irmão|sobrinho|marido|tio|"
    r"cunhado|afilhado|genro|sogro|namorado|neto|zoon|broer|oom|zwager|schoonzoon|kleinzoon|buurman|figlio|fratello|"
    r"marito|zio|cognato|figlioccio|genero|suocero|fidanzato)s?$")
_FEMALE_NOUNS = re.compile(
    r"(?i)(?:^|[ -])(?:daughter|sister|niece|wife|mother|mom|aunt|goddaughter|stepdaughter|granddaughter|fiancée|"
    r"tochter|schwester|nichte|frau|tante|schwägerin|enkelin|schwiegertochter|patentochter|fille|sœur|soeur|nièce|"
    r"femme|belle-sœur|belle-soeur|filleule|belle-fille|petite-fille|hija|hermana|sobrina|esposa|tía|cuñada|ahijada|"
    r"nuera|suegra|novia|nieta|filha|irmã|sobrinha|mulher|tia|cunhada|afilhada|nora|sogra|namorada|neta|dochter|zus|"
    r"schoonzus|schoondochter|kleindochter|buurvrouw|figlia|sorella|moglie|zia|cognata|figlioccia|nuora|suocera|"
    r"fidanzata)s?$")
_PRONOUN_GENDER = {"he": "m", "him": "m", "er": "m", "ihn": "m", "ihm": "m", "il": "m", "lui": "m", "él": "m",
                   "ele": "m", "hij": "m", "hem": "m", "she": "f", "her": "f", "elle": "f", "ella": "f", "ela": "f",
                   "zij": "f", "haar": "f", "lei": "f"}


def agrees(pronoun: str, relation: str) -> bool:
    """Whether `pronoun` can mean someone introduced as `relation` ("her" is not "my son")."""
    gender = _PRONOUN_GENDER.get(pronoun.lower())
    if gender == "m":
        return not _FEMALE_NOUNS.search(relation)
    if gender == "f":
        return not _MALE_NOUNS.search(relation)
    return True
_RELATION_RE = re.compile(r"(?<![\w'])" + RELATION + r"(?![\w'])")

# Capitalised words that start a sentence, a date or a greeting, not a person (lower case).
NOT_A_NAME = frozenset("""
i the this that these those it we you they he she hi hello hey dear thanks thank please also and but so or my our
your his her their a an as if when who which what where why how everyone everybody nobody someone somebody anyone
all both each any many most some no not yes ok okay great good best kind warm many sincerely cheers regards love
monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays thursdays fridays saturdays
sundays weekends january february march april may june july august
september october november december today yesterday tomorrow tonight morning afternoon evening week weekend month
year re fw fwd subject from to cc bcc sent date attached regards mr mrs ms dr prof here there now then just
meet one management legal customer service sales team office inc ltd llc gmbh ag sa bv srl spa
hope looking happy glad sorry quick quickly short shortly last next first second finally however also again
would could should can will let let's i'm i've i'd i'll we're we've you're you've it's that's there's
liebe lieber liebes hallo guten tag sehr geehrte geehrter herzliche grüße viele danke bitte ich du sie wir ihr
der die das ein eine und aber auch noch schon heute morgen montag dienstag mittwoch donnerstag freitag samstag
sonntag januar februar märz mai juni juli oktober dezember kurz anbei mit freundlichen gruß beste
kollege kollegin freund freundin chef chefin nachbar nachbarin bekannter bekannte cousine neffe nichte bruder
schwester sohn tochter onkel tante schwager schwägerin vorgesetzter vorgesetzte betreuer betreuerin mentorin
bonjour bonsoir salut cher chère chers madame monsieur merci cordialement bien je tu nous vous il elle le la les
un une et mais aussi lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril juin juillet
août septembre octobre novembre décembre coucou bises amitiés
hola estimado estimada estimados querido querida gracias saludos buenos buenas días yo tú usted el la los las
lunes martes miércoles jueves viernes sábado domingo enero febrero marzo abril mayo junio julio agosto septiembre
octubre noviembre diciembre un una y pero también atentamente abrazos
olá oi caro cara prezado prezada obrigado obrigada abraço abraços eu você o a os as um uma e mas segunda terça
quarta quinta sexta sábado domingo janeiro fevereiro março maio junho julho setembro outubro novembro dezembro
beste hoi hallo dag goedemorgen goedemiddag groet groeten bedankt dank ik jij u wij zij het een en maar ook
maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart mei juni juli augustus
ciao caro cara gentile gentilissima gentilissimo salve grazie saluti cordiali io tu lei noi il lo la gli le un
una e ma anche lunedì martedì mercoledì giovedì venerdì sabato domenica gennaio febbraio aprile maggio giugno
luglio agosto settembre ottobre novembre dicembre
fue foi war était c'était es ist est è era fu sono soy sou
since because although though while whereas after before once until unless whether given for with at in on of
by about into during without within besides instead otherwise anyway actually honestly unfortunately luckily
basically apparently currently recently especially hopefully personally meanwhile maybe perhaps probably
weil obwohl nachdem bevor wenn ob seit während falls leider übrigens eigentlich vielleicht
parce puisque comme quand lorsque si depuis pendant malheureusement peut-être
porque cuando aunque desde mientras desafortunadamente quizás
quando embora enquanto infelizmente talvez
omdat want toen sinds terwijl helaas misschien
perché poiché mentre purtroppo forse
via per hé hee hej moin servus ey yo me te se nos vos
""".split())
# Words that make a capitalised phrase an organisation or a thing rather than a person (lower case).
ORG_WORDS = frozenset("""
group inc inc. llc ltd ltd. corp corporation company co co. services service solutions partners staffing
technologies technology systems program programme desk department energy bank university college school
institute website online network networks team association labs lab capital ventures venture fund health
healthcare bio therapeutics consulting consultancy agency studio studios holdings foundation gmbh ag sa sas sarl
srl spa bv nv plc lp llp ab oy as kg ug e.v. university hospital clinic center centre society council board
committee club industries international global analytics software app platform cloud media press news
shop store stores restaurant hotel factory plant mill garage bakery firm market works
""".split())
# Job titles written in capitals ("UX Researcher", "Data Scientist", "Head of Sales"): the last
# word of a title is never the last word of a person's name.
ROLE_WORDS = frozenset("""
researcher engineer manager director designer developer analyst scientist recruiter consultant officer
lead head intern associate specialist coordinator administrator architect strategist advisor adviser
""".split())


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str  # name | pronoun | vague | relation
    text: str  # as written (a name without leading sentence words)


def clean_name(raw: str) -> str | None:
    """A name without leading sentence words ("Yesterday John Smith" -> "John Smith"), trailing
    possessive ("Anil's" -> "Anil"), or None when no name is left or it names an organisation."""
    raw = re.sub(r"'s$|'$", "", raw.strip())
    words = raw.split()
    # A title starts a name: "Anfrage von Herrn Lange" (German capitalises nouns) is "Herrn Lange".
    # (Not a one-letter "M": in "Jean M. Dupont" that is an initial.)
    titled = next((i for i, w in enumerate(words) if i > 0 and len(w.rstrip(".")) > 1 and _TITLE_RE.match(w + " ")
                   and not _TITLE_RE.match(words[i - 1] + " ")), None)
    if titled is not None and len(words) > titled + 1:
        words = words[titled:]
    while words and words[0].lower().strip(".,") in NOT_A_NAME and not _TITLE_RE.match(words[0] + " "):
        words = words[1:]
    while words and (words[-1].lower().strip(".,") in NOT_A_NAME or words[-1] in _PARTICLES):
        words = words[:-1]  # "Ingrid Dekker van de gemeente": a particle ends no name
    if not words:
        return None
    lowered = [w.lower().strip(".,") for w in words]
    if any(w in ORG_WORDS for w in lowered) or (len(lowered) > 1 and lowered[-1] in ROLE_WORDS):
        return None
    bare = [w for w in words if not _TITLE_RE.match(w + " ")]
    if not bare:
        return None
    if len(bare) == 1 and bare[0].isupper() and len(bare[0]) > 1:
        return None  # an acronym: IBM, NYU
    return " ".join(words)


def without_title(name: str) -> str:
    while True:
        m = _TITLE_RE.match(name)
        if not m:
            return name
        name = name[m.end():]


def names(text: str) -> list[Mention]:
    out: list[Mention] = []
    for m in _NAME_RE.finditer(text):
        raw = m.group(0)
        cleaned = clean_name(raw)
        if not cleaned:
            continue
        start = m.start() + raw.find(cleaned.split()[0])
        out.append(Mention(start, start + len(cleaned), "name", cleaned))
    return out


def relations(text: str) -> list[Mention]:
    """Only the relatives ("my son", "ma voisine"): a cheap pass, without the names."""
    return [Mention(m.start(), m.end(), "relation", m.group(0)) for m in _RELATION_RE.finditer(text)]


def find(text: str) -> list[Mention]:
    """Every mention in `text`, in order; a vague phrase or relative wins over a name inside it."""
    found = [Mention(m.start(), m.end(), "vague", m.group(0)) for m in _VAGUE_RE.finditer(text)]
    found += [Mention(m.start(), m.end(), "relation", m.group(0)) for m in _RELATION_RE.finditer(text)]
    found += [Mention(m.start(), m.end(), "pronoun", m.group(0)) for m in _PRONOUN_RE.finditer(text)]
    taken = [(f.start, f.end) for f in found]
    for n in names(text):
        if not any(a <= n.start < b for a, b in taken):
            found.append(n)
    return sorted(found, key=lambda f: f.start)


def nearest(text: str, at: int, side: str, *, reach: int = 160, kinds: frozenset[str] | None = None,
            skip: Callable[[str, Mention], bool] | None = None) -> Mention | None:
    """The mention closest to `at` on `side` ("left" or "right"), within `reach` characters, passing
    over those `skip` (given the window read and the mention in it) rules out."""
    if side == "left":
        # Read a little past `at`: "someone at the conference gave ..." needs its verb to be vague.
        window_start = max(0, at - reach)
        window = text[window_start:at + 40]
        got = [m for m in find(window) if (kinds is None or m.kind in kinds) and m.end <= at - window_start
               and not (skip and skip(window, m))]
        if not got:
            return None
        m = got[-1]
        return Mention(m.start + window_start, m.end + window_start, m.kind, m.text)
    window = text[at:at + reach]
    got = [m for m in find(window) if (kinds is None or m.kind in kinds) and not (skip and skip(window, m))]
    if not got:
        return None
    m = got[0]
    return Mention(m.start + at, m.end + at, m.kind, m.text)
