"""Facts a hand-off states about the PIN, each with the sentence that states it.

A fact found never raises its "missing" flag, fills the draft's blank and pre-fills the PIN's
questionnaire (model.FACT_CLEARS). Each row recognises one way the fact is written, in one of
Baton's languages; rows are searched sentence by sentence and are bounded (no two unbounded
quantifiers meet), so the search is linear.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from inbound.analysis.cues import bounded
from inbound.analysis.literals import required
from inbound.analysis.parse import Attachment
from model import Fact, FactField, Facts

_MONTHS = (r"(?:jan(?:uary|uar|vier|eiro|uari)?|feb(?:ruary|ruar|rero|ruari|braio)?|févr(?:ier)?|fevereiro|mar(?:ch|s|zo|ço)?|"
           r"märz|maart|apr(?:il|il|ile)?|avril|abril|may|mai|mayo|maio|mei|maggio|june?|juni|juin|junio|junho|giugno|"
           r"july?|juli|juillet|julio|julho|luglio|aug(?:ust|usti|ustus)?|août|agosto|sep(?:t(?:ember|iembre|embre)?)?|"
           r"setembro|settembre|oct(?:ober|obre)?|okt(?:ober)?|octubre|outubro|ottobre|nov(?:ember|embre|embro)?|"
           r"dec(?:ember)?|dez(?:ember|embro)?|déc(?:embre)?|diciembre|dicembre)")
_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|few|couple of|zwei|drei|vier|sechs|deux|trois|six|dos|tres|seis|" \
       r"dois|duas|twee|drie|zes|due|tre|sei|einigen|quelques|unas|algumas|enkele|qualche)"


@dataclass(frozen=True)
class Row:
    """One way a fact is written. Searched in lower-cased text without IGNORECASE and without a
    leading word boundary (both stop the regex engine from skipping ahead to the row's first
    letters; measured 5-10x slower), the boundary checked after a match instead. A row that
    needs capitals (a city, a name) searches the text as written."""
    pattern: re.Pattern[str]
    cased: bool
    boundary: bool
    needs: tuple[str, ...] | None  # words every match contains (literals.py); None: always searched

    def may_match(self, lowered: str) -> bool:
        if self.needs is None:
            return True
        for w in self.needs:  # a loop, not any(...): this runs for every row of every message
            if w in lowered:
                return True
        return False

    def search(self, lowered: str, original: str, end: int) -> re.Match[str] | None:
        text = original if self.cased else lowered
        pos = 0
        while pos <= end:
            m = self.pattern.search(text, pos, end)
            if m is None or not self.boundary or m.start() == 0 or not _word(text[m.start() - 1]):
                return m
            pos = m.start() + 1
        return None


def _word(c: str) -> bool:
    return c.isalnum() or c == "_"


def _rx(*patterns: str) -> tuple[Row, ...]:
    rows = []
    for p in patterns:
        cased = "(?-i:" in p
        boundary = p.startswith(r"\b") and not p.startswith(r"\b(?:\w") and "|" not in _top_level(p)
        source = bounded(p[2:] if boundary else p)
        if not cased:
            source = _lowered(source)
        flags = re.IGNORECASE if cased else 0
        rows.append(Row(re.compile(source, flags), cased, boundary, required(source, flags)))
    return tuple(rows)


def _lowered(pattern: str) -> str:
    """The pattern's letters in lower case, its escapes (\\S, \\W, \\B ...) as they are."""
    out, escaped = [], False
    for c in pattern:
        out.append(c if escaped else c.lower())
        escaped = not escaped and c == "\\"
    return "".join(out)


def _top_level(p: str) -> str:
    """The pattern's text outside any group: a top-level "|" means its first \\b is not the only start."""
    depth, out, escaped = 0, [], False
    for c in p:
        if escaped:
            escaped = False
            continue
        if c == "\\":
            escaped = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth == 0:
            out.append(c)
    return "".join(out)


ROWS: dict[FactField, tuple[Row, ...]] = {
    FactField.RELATIONSHIP: _rx(
        # "my old teammate", "my intern", "was my manager", "my TA"
        r"\b(?:my|our) (?:former |old |ex-?|current |longtime |long-time |good |close |dear )?(?:intern|cousin|teammate|"
        r"team-mate|colleague|co-?worker|friend|classmate|student|mentee|neighbou?r|brother|sister|son|daughter|nephew|"
        r"niece|wife|husband|partner|client|report|direct report|manager|boss|roommate|TA|advisor|adviser|supervisor|"
        r"professor|mentor|employee|coach|co-?founder|lab ?mate|postdoc|phd student)\b"
        # a noun used as a modifier names a thing: "our student fund", "my client account"
        r"(?!\s+(?:fund|union|club|council|body|loans?|programs?|programmes?|association|accounts?|portal|housing|"
        r"government|newspaper|cent(?:er|re)|visas?|services?|base|list|success|support|referral))",
        r"\b(?:at|from|in) my (?:last|previous|old|former|current|first) (?:company|job|firm|employer|team|school|lab|startup)\b",
        # How they know each other, written as what they did together or for each other.
        r"\b(?:I'?ve|I have|we'?ve|we have) (?:\w+ ){0,2}(?:worked|studied|served|trained|invested) (?:with|alongside)\b|"
        r"\b(?:interned|worked|studied|served|trained|reported) (?:with|for|under) (?:me|us)\b|"
        r"\b(?:I|we) (?:sit|sat|served) on (?:the|their|her|his|its) board\b|\bwe (?:led|co-led|invested in|backed) "
        r"(?:their|its|his|her|\w+'s)\b|\bwho (?:led|co-led|invested in|backed|chaired|supervised|advised|mentored) "
        r"(?:our|my)\b|\b(?:supervised|advised|mentored|chaired|coached|taught|hired|managed) (?:my|me)\b|"
        r"\bon my (?:thesis|dissertation|fellowship|phd) committee\b|\byour (?:friend|old friend|buddy|colleague|"
        r"former colleague|neighbou?r|classmate|cousin|brother|sister)\b|\b\w+ and I (?:have )?(?:co-invested|invested|"
        r"served|sat|played|golfed|founded|co-founded|built|ran)\b",
        r"\b(?:is|was) an? (?:former |old |good |close |longtime |dear )?(?:colleague|friend|classmate|student|teammate|"
        r"report|client|mentee|co-?worker)(?: of (?:mine|ours))?\b|\bportfolio company of (?:ours|mine)\b|"
        r"\bour portfolio company\b",
        r"\b(?:dans|de) (?:ma|notre) promo(?:tion)?\b|\b(?:alumn[oa]|compañer[oa]|colega|amig[oa]) mí[oa]\b|"
        r"\bcoincidimos (?:durante|en|hace)\b|\b(?:oud-)?collega van (?:me|mij|ons)\b|\bik sta voor (?:hem|haar) in\b|"
        r"\bun(?:e)? (?:ancien|ancienne) (?:collègue|élève|étudiant|étudiante)\b|\b(?:ex-?)?(?:Kollege|Kollegin) von mir\b",
        r"\bwas (?:my|our) (?:\w+ )?(?:manager|boss|report|direct report|intern|student|TA|advisor|supervisor|colleague|"
        r"teammate|mentor|professor|employee)\b",
        r"\b(?:we|I|\w+ and I|she and I|he and I) (?:have )?(?:worked|work|studied|served|met|grew up|went to school|were "
        r"(?:postdocs|classmates|colleagues|roommates|teammates|in the same)|sat|overlapped|trained|built|ran|co-?founded|"
        r"played) (?:together|with|at|in|on)\b",
        r"\b(?:I'?ve|I have|we'?ve|we have) known (?:each other|him|her|them|\w+)(?: \w+)? (?:for|since)\b",
        r"\b(?:old|good|close|family|personal|dear|longtime) friends?\b|\bfriends? of (?:mine|ours)\b|\bare (?:old )?friends\b",
        r"\b(?:used to|previously) (?:work|report)(?:ed)? (?:for|with|to) me\b|\breported to me\b|\bon my (?:team|staff)\b|"
        r"\bin my (?:group|lab|class|team|course|seminar|program)\b|\bI (?:have )?(?:mentored|managed|supervised|taught|hired|"
        r"advised|coached)\b|\bI was in (?:your|his|her|their) (?:angel )?round\b",
        # de
        r"\b(?:mein|meine|meinen|meinem|unser|unsere)[rnms]? (?:ehemalige[rn]?|frühere[rn]?|alte[rn]?|langjährige[rn]? )?"
        r"(?:Kollege|Kollegin|Student|Studentin|Mitarbeiter|Mitarbeiterin|Freund|Freundin|Nachbar|Nachbarin|Doktorand|"
        r"Doktorandin|Praktikant|Praktikantin|Chef|Chefin|Mentee|Schüler|Schülerin)\b",
        r"\b(?:kennen uns|kenne (?:ihn|sie|\w+)|kennen (?:ihn|sie)) (?:seit|aus|von|schon)\b|\b(?:zusammen|gemeinsam) "
        r"(?:gearbeitet|studiert|im selben Team)\b|\bgemeinsamen Zeit\b|\bbei mir (?:seine|ihre|die) (?:Master|Bachelor|"
        r"Doktor)arbeit\b|\baus meinem (?:Seminar|Team|Labor)\b",
        # fr
        r"\b(?:mon|ma|notre) (?:ancien(?:ne)? |ex-?)?(?:collègue|stagiaire|étudiant|étudiante|camarade|ami|amie|voisin|"
        r"voisine|cousin|cousine|associé|associée|mentor|mentoré|mentorée|doctorant|doctorante|chef|patron)\b",
        r"\b(?:avons|avez|ont|a) travaillé ensemble\b|\b(?:je (?:le|la|les) connais|je connais \w+|nous nous connaissons|"
        r"on se connaît) depuis\b|\bdans notre programme\b|\b\w+ et moi avons\b",
        # es
        r"\b(?:mi|nuestr[oa]) (?:ex-?|antigu[oa] )?(?:compañer[oa]|colega|jef[ea]|alumn[oa]|estudiante|amig[oa]|vecin[oa]|"
        r"prim[oa]|socio|socia|mentora?|becari[oa])\b",
        r"\b(?:trabajamos|estudiamos|coincidimos) juntos\b|\b(?:trabajamos|estudiamos) (?:juntos|en)\b|"
        r"\b(?:l[oa] conozco|nos conocemos|conozco a \w+) (?:desde|hace)\b|\bfue mi (?:jef[ea]|profesor[a]?|alumn[oa])\b",
        # pt
        r"\b(?:meu|minha|nosso|nossa) (?:ex-?|antig[oa] )?(?:colega|chefe|alun[oa]|estagiári[oa]|amig[oa]|vizinh[oa]|"
        r"prim[oa]|sóci[oa]|mentorad[oa])\b",
        r"\b(?:trabalhamos|estudamos) juntos\b|\b(?:conheço (?:ele|ela|o|a|\w+)|nos conhecemos) (?:há|desde)\b|"
        r"\bfoi (?:meu|minha) (?:chefe|professor[a]?|alun[oa])\b",
        # nl
        r"\b(?:mijn|onze) (?:oud-?|voormalige |oude )?(?:collega|student|studente|stagiair|studiegenoot|vriend|vriendin|"
        r"buurman|buurvrouw|neef|nicht|promovendus|mentee)\b",
        r"\b(?:hebben|heb) (?:\w+ ){0,2}(?:samen|jaren samen) (?:gewerkt|gestudeerd)\b|\b(?:ken (?:hem|haar|\w+)|kennen "
        r"elkaar) (?:al|sinds|van)\b",
        # it
        r"\b(?:il mio|la mia|mio|mia|nostr[oa]) (?:ex |vecchi[oa] )?(?:collega|studente|studentessa|capo|compagn[oa]|amic[oa]|"
        r"vicin[oa]|cugin[oa]|dottorand[oa]|tirocinante)\b",
        r"\babbiamo lavorato insieme\b|\b(?:l[oa] conosco|ci conosciamo) da\b",
        # "Pedro y yo coincidimos", "Jonas und ich haben zusammen studiert", "Pieter en ik hebben ..."
        r"\b(?:\w+|(?-i:[A-Z]\w+)) (?:and|und|et|y|e|en) (?:I|ich|moi|yo|eu|ik|io) (?:\w+ ){0,3}(?:worked|were|studied|met|"
        r"haben|hatten|avons|étions|hemos|coincidimos|trabajamos|estudiamos|nos conocimos|trabalhamos|estudamos|"
        r"hebben|waren|abbiamo|siamo|eravamo|zusammen|gemeinsam|ensemble|juntos|samen|insieme)\b",
        # "Bram ken ik van de roeivereniging", "Mehmet kenne ich vom Hackathon", "Conozco a Diego desde"
        r"\b(?:kenne ich|ken ik|kennen wir|conozco a|conheço (?:o|a)|conosco|je connais|j'ai connu)\b|"
        r"\b(?:somos|sommes|zijn|sind|siamo) (?:\w+ )?(?:amig[oa]s|amis|amies|vrienden|befreundet|amici|amiche)\b",
        # "ela era minha gestora", "war mein Doktorand", "era il relatore della mia tesi", "foi minha aluna"
        r"\b(?:war|était|a été|era|fue|foi|was|è stat[oa]) (?:mein|meine|mon|ma|mi|meu|minha|mijn|il mio|la mia|mio|mia|"
        r"il|la|el|o|a|de)? ?(?:\w+ ){0,2}(?:Chef\w*|Kolleg\w*|Doktorand\w*|Betreuer\w*|collègue|directeur|directrice|"
        r"professeur|jef[ea]|colega|profesor\w*|director[a]?|gestor[a]?|chefe|alun[oa]|orientador[a]?|professor[a]?|"
        r"leidinggevende|collega|docent|relatore|relatrice|tutor|supervisor\w*|manager|mentor\w*|student\w*)\b",
        r"\b(?:I'?ve|I have) known (?:her|him|them|\w+) (?:since|for)\b|\bsince (?:college|university|school|grad school)\b|"
        r"\bdesde (?:la faculdade|a faculdade|la universidad|la facultad)\b",
    ),
    FactField.GOAL: _rx(
        r"\b(?:looking for|seeking|searching for|hoping to|aiming (?:for|at|to)|interested in|exploring|targeting|focused on|"
        r"trying to (?:move|break|get|land|find)|wants? to (?:move|work|join|get|break|transition|land|find|switch)|"
        r"would like to (?:move|work|join|transition|switch)|moving (?:into|to)|transition(?:ing)? (?:into|to|from)|"
        r"thinking about moving|applying (?:for|to)|raising (?:a|our|an|their|his|her)|starting to (?:raise|look)|"
        r"preparing (?:for|our)|open to (?:roles|positions|opportunities))\b"
        r"(?! (?:a |any )?(?:job|work|something|anything|opportunities)\b)",
        r"\b(?:about|regarding) (?:\w+ ){0,2}(?:roles?|positions?|opportunities|careers?|openings?) (?:in|at|on)\b",
        r"\b(?:sucht|suchen|suche) (?:eine[nm]?|nach|derzeit|gerade|aktuell|einen)\b|\bauf der Suche nach\b|"
        r"\binteressiert (?:sich )?(?:für|an)\b|\b(?:möchte|möchten|wollen|will) (?:\w+ ){0,4}(?:wechseln|einsteigen|"
        r"pilotieren|gewinnen|aufbauen|finden|arbeiten)\b|\bbereite[nt]? (?:\w+ ){0,2}(?:Series|Finanzierungsrunde|Runde)\b",
        r"\b(?:cherche|recherche|cherchons|recherchons|cherchent) (?:un|une|à|des|activement)\b|\bsouhaite(?:rais|rait)? "
        r"(?:rejoindre|trouver|évoluer|être|intégrer|travailler)\b|\bintéressée? par\b|\bà la recherche d(?:e|')|\bprépar(?:e|ons) (?:une|ma|notre) "
        r"(?:levée|candidature|reconversion)\b",
        r"\b(?:busco|busca|buscamos|buscando|estoy buscando) (?:un|una|trabajo|socio|empleo|oportunidades)\b|"
        r"\bme gustaría (?:trabajar|unirme|cambiar|incorporarme|entrar)\b|\binteresad[oa] en\b|\ben busca de\b|\bestamos (?:levantando|"
        r"preparando)\b",
        r"\b(?:procuro|procura|procuramos|procurando|estou procurando) (?:um|uma|trabalho|vaga|emprego|oportunidades)\b|"
        r"\bgostaria de (?:trabalhar|entrar|mudar|integrar)\b|\binteressad[oa] em\b|\bestamos (?:captando|levantando)\b|"
        r"\bà procura de\b",
        r"\b(?:zoek|zoekt|zoeken) (?:een|naar|nu|momenteel)\b|\bop zoek naar\b|\bgeïnteresseerd in\b|\b(?:wil|willen) "
        r"(?:graag )?(?:overstappen|werken|instappen)\b",
        r"\b(?:cerco|cerca|cerchiamo|st(?:o|ai|a|iamo|anno) cercando) (?:un|una|lavoro|nuove|di)\b|\bvorrei (?:lavorare|"
        r"entrare|cambiare|lavorare)\b|\binteressat[oa] (?:a|al|alla)\b|\balla ricerca di\b",
        # Plans and moves: "want to explore an integration", "about to hire her first VP", "break into venture".
        r"\b(?:wants? to|want to|we'd like to|planning to|plan to|about to|hoping to|aim to) (?:explore|build|hire|launch|"
        r"expand|raise|learn|understand|integrate|partner|sell|enter|grow|scale|open|start|pilot|find)\b|"
        r"\b(?:break|get|move|pivot|transition) into\b|\bfigure out how to\b|\bplanning for\b|\bmake the (?:jump|move|switch|"
        r"leap)\b|\b(?:you're|you are|is|are) hiring\b|\b(?:a|any) (?:spot|opening|role|position|vacancy) (?:on|in|at) "
        r"(?:your|the)\b|\btalk about the (?:role|internship|position|opening|job)\b",
        r"\b(?:estamos|estoy) (?:pensando en|lanzando|buscando|preparando|explorando)\b|\bnos gustaría (?:proponer|presentar|"
        r"explorar|hablar|conocer)\b|\b(?:estamos|estou) a (?:preparar|procurar|tentar|lançar|planear)\b|"
        r"\b(?:sta|stanno|stiamo) cercando qualcuno\b|\bcerca qualcuno\b|\bwil (?:\w+ ){0,6}(?:opfrissen|vernieuwen|"
        r"verbeteren|uitbreiden|starten|bouwen|vinden)\b|\bmöchte[n]? (?:\w+ ){0,4}(?:ausbauen|erweitern|einführen|"
        r"verbessern|umstellen)\b|\bnous (?:voulons|souhaitons|aimerions) (?:\w+ ){0,2}(?:lancer|développer|trouver|"
        r"recruter|explorer)\b",
        # Seeking, needing or raising something, in any of Baton's languages.
        r"\b(?:needs? (?:a|an|someone|help|advice|to)|is raising|are raising|raising (?:a|an|our)|plans? to|hoping for|"
        r"sucht|suchen|suche|brauchen|braucht|benötigt|benötigen|sammeln|wollen (?:\w+ ){0,5}(?:pilotieren|starten|"
        r"wachsen|expandieren)|cherche|cherchons|recherche|a besoin|avons besoin|levons|lève|souhaite|souhaiterais|"
        r"busca|buscamos|busco|necesita|necesitamos|estoy levantando|levantamos|queremos|quiere|"
        r"procura|procuramos|procuro|precisa|precisamos|estou captando|captamos|queremos|pretende|"
        r"zoekt|zoeken|zoek|heeft nodig|hebben nodig|willen (?:\w+ ){0,5}(?:uitbreiden|groeien|starten)|haalt|"
        r"cerca|cerchiamo|cerco|ha bisogno|abbiamo bisogno|vorrei chiedere|stiamo raccogliendo|raccogliamo|"
        r"sto fondando|sta fondando|estoy fundando|estou fundando|gründe|gründet)\b"
        r"(?! (?:Ihnen|te|vous|le|lhe|u|La) (?:zu danken|remercier|agradecer|bedanken|ringraziare))",
        # What the PIN is in the middle of: an interview, an application, a launch, something to show.
        r"\b(?:I'm|I am|we're|we are|she's|he's|she is|he is) (?:interviewing|applying|competing|bidding) (?:for|with|at|to)\b|"
        r"\b(?:planning|plan|going) to apply\b|\b(?:I'm|I am|we're|we are) (?:working on|building|launching|developing) "
        r"(?:a|an|our|my)\b|\b(?:würde|möchte|möchten|würden) (?:\w+ ){0,6}gern (?:\w+ ){0,8}(?:zeigen|vorstellen|"
        r"präsentieren)\b|\b(?:wil|willen) (?:we |ik )?(?:\w+ ){0,4}(?:een pilot|pilot draaien|lanceren|samenwerken)\b|"
        r"\bje (?:travaille|prépare|lance) (?:sur )?(?:un|une)\b|\bestoy (?:trabajando en|lanzando|preparando)\b|"
        r"\bestou (?:trabalhando em|lançando|preparando)\b|\bsto (?:lavorando a|lanciando|preparando)\b",
    ),
    FactField.TARGETS: _rx(
        r"\b(?:roles?|positions?|jobs?|openings?|internships?) (?:in|at|on|with) [a-z]",
        r"\b(?:senior|junior|staff|principal|lead|head of|vp|vice president|director|chief|cto|cfo|ceo|coo|analyst|associate|"
        r"product manager|pm|engineer|designer|scientist|researcher|data engineer) (?:role|position|opening|job)\b",
    ),
    FactField.ASK: _rx(
        r"\b(?:\d{1,3}|fifteen|twenty|thirty|forty-five|sixty|a few|half an hour)[- ]?(?:minutes?|mins?)\b|\bhalf an hour\b|"
        r"\ban hour\b",
        r"\b(?:for|have|spare|grab|get|set up|schedule|book|jump on|hop on|up for|open to|over|time for) (?:a |an )?"
        r"(?:quick |short |brief |30-minute |20-minute |15-minute |virtual )?(?:call|chat|coffee|conversation|video call|"
        r"phone call|zoom|meeting|intro call)\b",
        r"\b(?:your|his|her|their|\w+'s) (?:view|views|advice|perspective|thoughts|take|insight|feedback) on\b|\bwhat you look for\b|"
        r"\b(?:take a look at|look at|review) (?:my|her|his|their|our) (?:resume|cv|deck|profile|application|model)\b|"
        r"\bwhether (?:it|they|the team|you)(?:'re| are| is)? (?:hiring|looking)\b|\bhow (?:you|your team|they|\w+) "
        r"(?:hires?|made|structured|is structured)\b|\bsanity-check\b|\bpoint (?:him|her|them|me) (?:toward|to)\b",
        r"\bthe ask\b|\b(?:a|an) (?:first|quick|short|brief|introductory|intro) (?:meeting|call|chat|conversation)\b",
        r"\b(?:30|20|15|45|60|dreißig|zwanzig) Minuten\b|\b(?:kurzes? |ersten? )?(?:Gespräch|Telefonat|Videocall|Austausch|"
        r"Kennenlerngespräch|Kaffee)\b",
        r"\bun (?:premier |bref |court )?(?:échange|appel|entretien|café|rendez-vous)\b|\b(?:une )?demi-heure\b|"
        r"\b(?:30|20|15) minutes\b|\bquelques questions\b",
        r"\buna (?:breve |corta )?(?:llamada|conversación|reunión|videollamada)\b|\bun café\b|\b(?:30|20|15) minutos\b|"
        r"\bmedia hora\b|\bunas preguntas\b",
        r"\buma (?:breve |rápida )?(?:conversa|ligação|chamada|reunião|videochamada)\b|\bum café\b|\bmeia hora\b|"
        r"\balgumas perguntas\b",
        r"\been (?:kort |kleine )?(?:gesprek|telefoontje|kennismaking|videocall|afspraak)\b|\been kop koffie\b|"
        r"\b(?:30|20|15) minuten\b|\bhalf uur\b",
        r"\buna (?:breve )?(?:chiamata|telefonata|call|chiacchierata|videochiamata)\b|\bun caffè\b|\bmezz'?ora\b|"
        r"\b(?:30|20|15) minuti\b|\bqualche domanda\b",
        r"\b(?:advice|feedback|guidance|an intro|a referral) (?:on|about|for|from)\b|\b(?:juridisch|juridische|legal|fachlichen?) "
        r"(?:advies|advice|Rat)\b|\b(?:un|uno|il suo|su|seu|votre|Ihren?) (?:parere|consejo|conselho|avis|Rat|feedback)\b|"
        r"\b(?:Pilotpartner|pilot partner|parceiro industrial|partner industriali|socio|co-?founder|Mitgründer\w*|"
        r"importer|importador|investidor|investor|inversor|mentor)\b",
        # A conversation asked for with a verb ("could I call you", "even bellen", "que le llamara"): the
        # ask is to talk, whatever the noun rows above miss.
        r"\b(?:call|ring|phone|speak (?:with|to)|talk (?:with|to)|meet(?: up with)?|chat with) (?:you|him|her|them)\b|"
        r"\b(?:even |kort )?(?:bellen|spreken|afspreken|sparren)\b|"
        r"\b(?:kurz )?(?:telefonieren|anrufen|austauschen)\b|\bmit (?:Ihnen|dir|ihm|ihr) (?:sprechen|reden)\b|"
        r"\b(?:vous|te|l') ?(?:appeler|rencontrer)\b|\b(?:échanger|discuter) avec\b|\bprendre un café\b|"
        r"\b(?:llamar(?:le|te|la|lo)?|llamara|hablar con (?:usted|él|ella|vos|ti)|reunirnos|conversar|contarme|"
        r"me contara|me contaras|comentarle|comentarte|tomar un café)\b|"
        r"\b(?:ligar para|conversar com|falar com|bater um papo|tomar um café)\b|"
        r"\b(?:chiamarla|chiamarti|sentirci|parlare con|incontrarci|prendere un caffè)\b",
        # A pilot proposed, or the contact hiring for what the PIN looks for: the ask is that.
        r"\b(?:prueba piloto|projet pilote|pilot (?:project|program|programme)|Pilotprojekt|projeto piloto|"
        r"progetto pilota|proefproject)\b|"
        r"\b(?:is|are) hiring (?:for|a|an)\b|\brecrute (?:justement|un|une|pour)\b|\best(?:á|a) contratando\b|"
        r"\bstellt gerade \w+ ein\b|\bsta assumendo\b",
    ),
    FactField.TIMELINE: _rx(
        r"\b(?:in|by|before|after|until|from|starting|start(?:ing)? in|this|next|early|late|mid-?|end of|ende|fin|finales de|"
        r"final de|eind|fine|entro|bis|vor|avant|antes de|até|voor|d'ici|à partir de|a partir de|ab|dès|desde|tegen|"
        r"prima di|da|a)\s+(?:the )?(?:end of )?" + _MONTHS + r"\b",
        r"\b(?:this|next|by the end of (?:the|this)?|end of (?:the|this)?) ?(?:week|month|quarter|year|spring|summer|fall|"
        r"autumn|winter|semester)\b",
        r"\b(?:graduat\w+|asap|as soon as possible|immediately|right away|deadline|close (?:the round|applications)|"
        r"closes?|defen[cs]e|interviews? start|start date|q[1-4]|20\d\d|h[12] 20\d\d)\b",
        r"\b(?:within|in|over|during) (?:the )?(?:next )?" + _NUM + r" (?:weeks?|months?|days?)\b",
        r"\b(?:nächste|kommende|diese)[nr]? (?:Woche|Monat|Jahr|Quartal)|\bin den nächsten (?:\w+ )?(?:Wochen|Monaten|Tagen)\b|"
        r"\bbis (?:Ende|spätestens|Mitte)\b|\bim (?:Frühjahr|Sommer|Herbst|Winter|Februar|März)\b|\bFrist\b",
        r"\b(?:la semaine|le mois|l'année) prochaine?\b|\bd'ici (?:fin|la fin|quelques|deux|trois)\b|\bdate limite\b|"
        r"\bau (?:second|premier) semestre\b|\bdans (?:les )?(?:\w+ )?(?:semaines|mois)\b|\bcet (?:été|automne|hiver)\b",
        r"\b(?:la (?:próxima|siguiente) semana|el (?:próximo|siguiente) mes)\b|\ben las próximas (?:\w+ )?semanas\b|"
        r"\bfecha límite\b|\bantes de fin de\b|\beste (?:verano|año|mes)\b",
        r"\b(?:na (?:próxima|semana que vem)|no próximo mês)\b|\bnas próximas (?:\w+ )?semanas\b|\bprazo\b|"
        r"\bainda este (?:ano|mês)\b",
        r"\bvolgende (?:week|maand)\b|\bde komende (?:\w+ )?(?:weken|maanden)\b|\bdeadline\b|\bdit (?:voorjaar|najaar|jaar)\b",
        r"\b(?:la prossima settimana|il prossimo mese)\b|\bnelle prossime (?:\w+ )?settimane\b|\bscadenza\b|\bentro (?:fine|la)\b",
        r"\b(?:la semana que viene|la semana próxima|antes del (?:verano|otoño|invierno)|en (?:primavera|verano|otoño))\b|"
        r"\b(?:nesta semana|na semana que vem|antes do (?:verão|lançamento))\b|\b(?:in de week van|vóór|voor) \d{1,2}\b|"
        r"\b(?:vor|bis zum|bis) \d{1,2}\.\s?\w+|\bnoch (?:im|in diesem)\b|\b(?:avant|d'ici|dès) (?:le |la |l')?(?:\d{1,2}|"
        r"printemps|été|automne|rentrée)\b|\b\d{1,2}(?:er)? " + _MONTHS + r"\b",
        r"\b(?:by|in|from|until|before|after|starting|this) (?:early |late |mid-?)?(?:spring|summer|fall|autumn|winter)\b",
        # A day: "on March 1st", "15 de febrero", "next Thursday", "jeudi prochain", "el próximo jueves".
        r"\b\d{1,2}(?:º|ª|\.)? de " + _MONTHS + r"\b|\b" + _MONTHS + r" \d{1,2}(?:st|nd|rd|th)?\b",
        r"\b(?:this|next|on|by|until) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
        r"\b(?:nächsten|kommenden|diesen|am|bis) (?:Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag)\b|"
        r"\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) (?:prochain|matin|après-midi)\b|"
        r"\b(?:el|este|próximo) (?:próximo )?(?:lunes|martes|miércoles|jueves|viernes|sábado|domingo)\b|"
        r"\b(?:na|nesta|próxima) (?:próxima )?(?:segunda|terça|quarta|quinta|sexta)(?:-feira)?\b|"
        r"\b(?:volgende|komende|aanstaande|deze) (?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)\b|"
        r"\b(?:lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica) (?:prossimo|mattina|pomeriggio)\b",
        r"\b(?:esta|essa|questa|deze) (?:semana|settimana|week)\b|\b(?:cette|la) semaine\b|"
        r"\b(?:à partir|a partir|à compter|début|fin|courant|mi)[ -]d['’](?:avril|août|octobre)\b|\bd'ici le\b",
    ),
    FactField.REQUIREMENTS: _rx(
        r"(?:[$€£]\s?\d|\bR\$\s?\d|\bCHF\s?\d|\b\d+\s?k\b|\b\d[\d.,]*\s?(?:k€|€|euros?|dollars?|usd|eur)\b)",
        r"\b(?:salary|compensation|comp|base pay|pay range|ote|equity|gehalt|gehaltsvorstellung|salaire|rémunération|salario|"
        r"sueldo|salário|remuneração|salaris|stipendio|retribuzione|ral)\b",
        r"\b(?:remote|hybrid|on-?site|relocat\w+|based in|moving to|located in|commut\w+|visa|sponsorship|work permit|"
        r"remoto|remota|híbrido|presencial|télétravail|à distance|home-?office|vor ort|op afstand|thuiswerk|da remoto|in sede|"
        r"ibrido|umzug|déménag\w+|mudanza|mudar para|verhuiz\w+|trasferi\w+)\b",
        r"\b(?:roles?|positions?|jobs?|work|opportunities|something|anything|a job|a role|a position|internship) in "
        r"(?-i:[A-Z][a-z]+|[A-Z]{2,3})\b",
        r"\b(?:in|near|around|to) (?-i:(?:New York|San Francisco|Los Angeles|the Bay Area|Bay Area|[A-Z][a-z]+ (?:City|Area)|"
        r"NYC|SF|LA|DC))\b|\bideally (?:in|based in|staying in|remote|hybrid) ",
        r"\b(?:part-?time|full-?time|contract role|freelance|teilzeit|vollzeit|temps partiel|tiempo parcial|meio período|"
        r"deeltijd|part time)\b",
    ),
    FactField.RESUME: _rx(
        r"https?://[^\s/]{1,100}/\S{0,200}?(?:resume|r%c3%a9sum|\bcv\b|/cv|linkedin\.\w+/in/|docs\.google|drive\.google|"
        r"dropbox|lebenslauf|curriculum)\S{0,200}|https?://(?:\w{1,40}\.)?(?:linkedin|docs\.google|drive\.google|dropbox)"
        r"\S{0,200}",
        r"(?:resume|r[ée]sum[ée]|\bcv|lebenslauf|curriculum)[\w\-.]{0,80}\.(?:pdf|docx?|rtf|txt|pages)\b",
        r"\b(?:my|her|his|their|the) (?:resume|r[ée]sum[ée]|cv|c\.v\.) (?:is |was )?(?:attached|here|linked|below|enclosed)\b|"
        r"\b(?:attached|attaching|enclosed|linked|attach) (?:is |are )?(?:my|her|his|their|the) (?:resume|r[ée]sum[ée]|cv)\b|"
        r"\b(?:I'?ve|I have|have) attached (?:my|her|his|their|the) (?:resume|r[ée]sum[ée]|cv)\b|"
        r"\b(?:Lebenslauf|CV) (?:im Anhang|anbei|angehängt|beigefügt)\b|\b(?:mon|son|le) CV (?:en pièce jointe|ci-joint)\b|"
        r"\b(?:mi|su|el) (?:CV|currículum|curriculum) (?:adjunto|va adjunto)\b|\b(?:meu|seu|o) (?:CV|currículo) (?:em anexo|anexo|"
        r"segue)\b|\b(?:mijn|zijn|haar) cv (?:in de bijlage|bijgevoegd)\b|\b(?:il mio|il suo) (?:CV|curriculum) (?:in allegato|"
        r"allegato)\b",
    ),
}
MAX_CHARS = 6000
RESUME_FILE = re.compile(r"(?i)(?:r[ée]sum[ée]|\bcv\b|_cv|cv_|curriculum|lebenslauf|currículo|currículum)")
# Opt-in: the contact agreed, or was asked, before the hand-off (clears `no_opt_in`).
OPT_IN = _rx(
    r"\b(?:said|says|told me|agreed|is happy|is glad|would be (?:happy|glad)|is open|was open|offered|confirmed)\b"
    r"[^.!?\n]{0,40}\b(?:happy|glad|open|willing|keen|delighted)\b",
    r"\b(?:(?:thanks|thank you)(?: both)? for (?:saying yes|agreeing|being open)|both (?:agreed|said yes|said they|opted in)|"
    r"(?:she|he|they|\w+) (?:said|agreed|confirmed) (?:yes|that (?:she|he|they)(?:'d| would) be)|with (?:his|her|their) "
    r"(?:permission|blessing|ok)|checked with (?:him|her|them|\w+) (?:first|already|beforehand)|already (?:said yes|agreed)|"
    r"(?:is|are) expecting (?:your|to hear)|as (?:we )?(?:discussed|agreed)|when I asked (?:last|earlier)|"
    r"thank you for telling (?:him|her|them) you'?d be glad|double opt-?in|for the (?:quick )?yes)\b",
    r"\b(?:already )?checked with (?:you|both of you|each of you|him|her|them)\b|\b(?:you|she|he|they)(?:'d| would) be "
    r"(?:happy|glad|open|keen) to\b|\byou(?:'re| are| were) open to\b",
    r"\b(?:você|vocês) (?:topava|topou|topa|toparam)\b|\bjá falei com (?:os dois|vocês|ambos)\b|\bcomo combinei\b|"
    r"\bdat u openstaat\b|\b(?:heb|had) het (?:jullie|u) (?:allebei |beiden )?(?:al )?(?:even )?gevraagd\b|"
    r"\bte parec[ií]a bien\b|\b(?:ya )?(?:te|le) (?:había|he) hablado de\b|"
    r"\b(?:sich|Sie) (?:\w+ ){0,4}(?:freut|offen)\b|\bdéjà (?:parlé|prévenu)\b|\bgià (?:accennato|parlato)\b",
    r"\b(?:bestätigt|zugestimmt|einverstanden|grundsätzlich offen|freut sich (?:über|auf)|wie besprochen|wie vereinbart)\b",
    r"\b(?:comme convenu|d'accord pour|a accepté|ont accepté|est partant|ravie? d'échanger|avec son accord)\b",
    r"\b(?:como (?:acordamos|quedamos|hablamos)|está de acuerdo|aceptó|estaba abiert[oa]|encantad[oa] de)\b",
    r"\b(?:como combinamos|toparam|topou|concordou|concordaram|está de acordo|aceitou)\b",
    r"\b(?:zoals afgesproken|gaat akkoord|heeft toegestemd|staat open|vindt het (?:leuk|prima))\b",
    r"\b(?:come d'accordo|come concordato|ha accettato|è disponibile|sarebbe felice|ben felice)\b",
    # The contact said they want it: "thanks for saying you'd like to meet her", "said he'd love to meet you",
    # "he'd welcome the intro".
    r"\b(?:saying|said|says|told me|mentioned) (?:that )?(?:you|he|she|they)(?:'d| would) (?:love|like|be keen|welcome)\b|"
    r"\b(?:you|he|she|they)(?:'d| would) welcome (?:the|an|a) (?:intro|introduction|call|chat)\b",
)
# The writer says the contact was not asked (keeps `no_opt_in` for a request too).
NOT_ASKED = _rx(
    r"\b(?:haven'?t|have not|didn'?t|did not|not yet) (?:\w+ )?(?:asked|checked with|run (?:it|this) by|told)\b|"
    r"\bwithout (?:asking|checking)\b|\bnoch nicht gefragt\b|\bpas encore demandé\b|\bsin preguntar\b|\bainda não perguntei\b|"
    r"\bnog niet gevraagd\b|\bnon (?:l'ho|gli ho|le ho) ancora chiesto\b",
    # The PIN will write or call the contact directly: nobody asked the contact.
    r"\b(?:he|she|they|\w+)(?:'ll| will| is going to| are going to) (?:give you a (?:call|ring|buzz)|call you|reach out|"
    r"contact you|get in touch|e-?mail you|write to you|be in touch)\b",
)


class _Text:
    """Sentences joined once, so a row is one search over the whole text, not one per sentence."""

    def __init__(self, sentences: list[str]) -> None:
        # A hand-off states its facts early; the rest is history and signatures. Reading no
        # further than MAX_CHARS keeps every row one bounded search.
        kept, size = [], 0
        for s in sentences:
            if size > MAX_CHARS:
                break
            kept.append(s)
            size += len(s) + 1
        self.sentences = kept
        self.text = "\n".join(kept)
        # Lower-cased sentence by sentence, so offsets agree with `text` wherever lower() keeps
        # a sentence's length (it lengthens only a few letters, such as a dotted capital I).
        self.lowered = "\n".join(s.lower() if len(s.lower()) == len(s) else s for s in kept)
        self.starts = list(itertools.accumulate((len(s) + 1 for s in kept[:-1]), initial=0))

    def first(self, rows: tuple[Row, ...]) -> tuple[str, re.Match[str]] | None:
        """The earliest sentence any row matches, and the match."""
        hit = self.first_at(rows)
        return (hit[0], hit[1]) if hit else None

    def first_at(self, rows: tuple[Row, ...]) -> tuple[str, re.Match[str], int] | None:
        """The earliest sentence any row matches, the match, and where the sentence starts."""
        best: re.Match[str] | None = None
        for row in rows:
            if not row.may_match(self.lowered):
                continue
            m = row.search(self.lowered, self.text, best.start() if best else len(self.text))
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        if best is None:
            return None
        i = bisect.bisect_right(self.starts, best.start()) - 1
        return self.sentences[i], best, self.starts[i]


def extract(sentences: list[str], attachments: list[Attachment]) -> Facts:
    """The facts `sentences` state (read in order: the hand-off's own words first), with evidence."""
    found: dict[str, Fact] = {}
    text = _Text(sentences)
    for f, rows in ROWS.items():
        hit = text.first_at(rows)
        if hit is not None:
            s, m, at = hit
            found[f.value] = Fact(_value(f, s, m, at), s[:300])
    if FactField.RESUME.value not in found:
        for a in attachments:
            if a.filename and RESUME_FILE.search(a.filename):
                found[FactField.RESUME.value] = Fact(a.filename, f"attachment: {a.filename}")
                break
    return Facts(**found)


# Where a clause ends, in any of the seven languages: punctuation inside a sentence, or a dash
# between spaces. "Felix is looking for a staff role, starting in January, around $200k" says
# the goal, the timeline and the salary in three clauses; each fact takes its own.
_CLAUSE_END = re.compile(r"[,;:()\[\]]|\s[-–—]\s")
_CONJUNCTION = re.compile(r"^(?:and|but|so|or|und|aber|et|mais|y|pero|e|mas|en|maar|ma|o)\s+", re.I)


def _value(f: FactField, sentence: str, m: re.Match[str], at: int) -> str:
    """The words worth carrying into the draft: a link as is, otherwise the clause that states
    the fact (the whole sentence when that clause is a word or two)."""
    if f is FactField.RESUME and m.group(0).startswith("http"):
        return m.group(0).rstrip(".,);")
    start, end = max(0, m.start() - at), max(0, m.end() - at)
    left = 0
    for c in _CLAUSE_END.finditer(sentence, 0, start):
        left = c.end()
    right = _CLAUSE_END.search(sentence, end)
    clause = sentence[left:right.start() if right else len(sentence)].strip(" .!?\t\n")
    clause = _CONJUNCTION.sub("", clause)  # "and I could start in May" -> "I could start in May"
    return (clause if len(clause.split()) >= 2 else sentence.strip())[:300]


def first(rows: tuple[Row, ...], sentences: list[str]) -> str | None:
    """The first sentence any row matches."""
    hit = _Text(sentences).first(rows)
    return hit[0] if hit else None
