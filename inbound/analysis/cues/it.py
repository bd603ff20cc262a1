"""Italian cues (tu and Lei)."""
from __future__ import annotations

from functools import partial

from inbound.analysis.cues import row
from model import Kind

r = partial(row, lang="it")
SAID, DIRECT, REQUEST = Kind.SAID_TO_CONTACT, Kind.DIRECT_INTRO, Kind.INTRO_REQUEST

ROWS = (
    r("su_suggerimento", SAID,
      r"\b(?:su|dietro) (?:suggerimento|consiglio|indicazione|raccomandazione|segnalazione) (?:di|del|della|dell')|"
      r"\bda parte di\b|\b(?:consigliat[oa]|segnalat[oa]|raccomandat[oa]|suggerit[oa]) da\b",
      needs="suggerimento|consiglio|indicazione|raccomandazione|segnalazione|da parte di|consigliat|segnalat|"
            "raccomandat|suggerit",
      ref="right", pin="writer", contact="addressee",
      examples=("Su suggerimento del Prof. Marco Rossi, che legge in copia, mi permetto di scriverLe.",)),
    r("mi_ha_suggerito", SAID,
      r"\bmi (?:ha|aveva) (?:suggerito|consigliato|detto|chiesto|raccomandato|proposto|indicato)\b(?: di)?"
      r"(?=<GAP>\b(?:ti|te|Le|la|lei|voi|contatt\w*|scriver\w*|sentir\w*)\b)",
      needs="suggerito|consigliato|detto|chiesto|raccomandato|proposto|indicato",
      ref="left", pin="writer", contact="addressee",
      examples=("Giulia mi ha suggerito di scriverti.",)),
    r("mi_ha_dato_nome", SAID,
      r"\bmi ha (?:dato|passato|girato) (?:il )?(?:tuo|suo) (?:contatto|nome|numero|indirizzo|email),? (?P<x><NAME>)",
      needs="contatto|nome|numero|indirizzo|email", ref="x", pin="writer", contact="addressee",
      examples=("Mi ha dato il tuo contatto Marco Testa, che mi ha detto che potresti aiutarmi.",)),
    r("mi_ha_dato", SAID,
      r"\bmi ha (?:dato|passato|girato) (?:il )?(?:tuo|suo) (?:contatto|nome|numero|indirizzo|email)\b",
      needs="contatto|nome|numero|indirizzo|email", ref="left", pin="writer", contact="addressee",
      examples=("Paolo mi ha dato il tuo contatto.",)),

    r("ti_presento", DIRECT,
      r"\b(?:ti|vi|Le|le) presento (?!la nostra|il nostro|i nostri|le nostre)(?P<x>[^.;!?\n]{1,80})|\b(?:vorrei|mi fa piacere|"
      r"ho il piacere di) presentar(?:ti|vi|Le|le) (?!la nostra|il nostro|i nostri|le nostre)(?P<y>[^.;!?\n]{1,80})",
      needs="presento|presentar", pin="x", contact="addressee", pair=True,
      examples=("Francesca, ti presento Alessandro Conti.",), misses=("Vorrei presentarLe la nostra piattaforma.",)),
    r("ti_farebbe_piacere", REQUEST,
      # The referrer asks first: "volevo chiederti se ti farebbe piacere fare due chiacchiere con lui"
      r"\b(?:ti farebbe piacere|Le farebbe piacere|saresti disponibile a|sarebbe disponibile a|ti andrebbe di|"
      r"Le andrebbe di)\b<SHORT>\b(?:fare due chiacchiere|parlare|fare una chiacchierata|sentire|incontrare|conoscere) "
      r"(?:con )?(?P<x>[^.;!?\n:]{1,60})",
      needs="piacere|disponibile|andrebbe", ref="writer", pin="x", contact="addressee", asks_first=True,
      examples=("Prima di metterlo in contatto con te volevo chiederti se ti farebbe piacere fare due chiacchiere con lui.",),
      misses=("Ti farebbe piacere venire a cena sabato?",)),
    r("vi_metto_in_contatto", DIRECT,
      r"\b(?:vi|ti|Vi) (?:metto|mettiamo) in contatto\b|\bvi presento\b(?=\s*[:.,;!]|$)",
      needs="contatto|presento", pin="other", contact="other", pair=True,
      examples=("Vi metto in contatto!",)),

    r("mi_presenti", REQUEST,
      r"\b(?:mi potresti|potresti|mi potrebbe|potrebbe|potesse|potessi|riusciresti a|puoi|può) (?:presentarmi|mettermi in contatto|presentare me|"
      r"presentare) (?:a|con|al|alla) (?P<x>[^.;!?\n]{1,80})",
      needs="presenta|contatto", ref="addressee", pin="writer", contact="x",
      examples=("Mi potresti presentare a Sara Colombo?", "Le sarei molto grato se potesse presentarmi a lei.")),
    r("conosci_qualcuno", REQUEST,
      r"\b(?:conosci|conosce|conoscete) (?:qualcuno|qualche persona)\b",
      needs="conosc", ref="addressee", pin="writer", examples=("Conosci qualcuno in Ferrari?",)),
    r("vuoi_che", REQUEST,
      r"\b(?:vuoi|vuole|ti piacerebbe) che (?:ti|La|la) (?:presenti|metta in contatto)(?: (?:a|con) (?P<x>[^.;!?\n]{1,80}))?",
      needs="che ti|che la", ref="writer", pin="addressee", contact="x", pair=True, asks_first=True,
      examples=("Vuoi che ti presenti Luca Bruni?",)),

    r("aiutare_parente", REQUEST,
      r"\b(?:puoi|potresti|può|potrebbe|potreste|ti andrebbe di|le andrebbe di|saresti disponibile a)<SHORT>\b"
      r"(?:aiutare|consigliare|orientare|parlare con|incontrare|ricevere|conoscere|dare una mano a)(?: (?:il|la|a))? "
      r"(?P<x><RELATION>)",
      needs="aiutare|consigliare|orientare|parlare con|incontrare|ricevere|conoscere|dare una mano", ref="writer",
      pin="x", contact="addressee",
      examples=("Potresti aiutare mio nipote a trovare uno stage?", "Ti andrebbe di parlare con mia sorella?")),
    r("mi_ha_detto_di", SAID,
      r"\bmi ha (?:detto|consigliato|suggerito) (?P<x>lui|lei|<NAME>)? ?di (?:scriverti|scriverLe|scriverle|contattarti|"
      r"contattarLa|chiamarti|chiamarLa|sentirti|rivolgermi a te)\b",
      needs="detto|consigliato|suggerito", ref="x", pin="writer", contact="addressee",
      examples=("Mi ha detto lui di scriverti per l'appartamento.", "Mi ha consigliato Sergio Galli di contattarti.")),
    r("ti_metto_in_contatto", REQUEST,
      r"\b(?:ti|vi|La) (?:metto|posso mettere|metterei) in contatto(?: con (?P<x>[^.;!?\n]{1,60}))?",
      needs="in contatto", ref="writer", pin="addressee", contact="x", asks_first=True,
      examples=("Se vuoi ti metto in contatto con lei, fammi sapere!",)),
    r("disponibile_con_lui", REQUEST,
      r"\b(?:sarebbe|saresti|sareste) disponibile a (?:fare due chiacchiere|parlare|sentire|incontrare|fare una "
      r"chiamata|prendere un caffè)(?: con)? (?P<x>lui|lei|loro|<RELATION>[^.;!?\n]{0,40})",
      needs="disponibile", ref="writer", pin="x", contact="addressee",
      examples=("Sarebbe disponibile a fare due chiacchiere con lui?",)),
    r("a_nome_di", REQUEST,
      r"\ba nome di (?P<x>(?:un|una|mio|mia) (?:caro |cara |buon |buona |vecchio |vecchia )?(?:amico|amica|collega|"
      r"cugino|cugina|nipote|vicino|vicina)(?:,? <NAME>)?)",
      needs="a nome di", ref="writer", pin="x", contact="addressee",
      examples=("Le scrivo per chiederLe un consiglio a nome di un caro amico, Davide Marchetti.",),
      misses=("Vi scrivo a nome di tutto il team.",)),
    r("da_parte_mia", REQUEST,
      r"\b(?:dille|digli|ditele|ditegli) che (?:ti|vi|La) mando io\b|\bfai (?:pure )?il mio nome\b|\bfate il mio nome\b|"
      r"\b(?:scrivile|scrivigli|chiamala|chiamalo) da parte mia\b",
      needs="mando io|mio nome|parte mia", ref="writer", pin="addressee", contact="other", asks_first=True,
      examples=("Dille che ti mando io.", "Fai pure il mio nome."),
      misses=("Salutami tua madre da parte mia.",)),
    r("una_mano_per", REQUEST,
      r"\b(?:una mano|un favore|un aiuto|un consiglio) per (?P<x>(?:un|una) (?:mi[oa] )?(?:\w+ )?(?:amico|amica|collega|"
      r"cugino|cugina|nipote|vicino|vicina|studente|studentessa|allievo|allieva)[^.;!?\n]{0,60})",
      needs="una mano|un favore|un aiuto|un consiglio", ref="writer", pin="x", contact="addressee",
      examples=("Ti scrivo per chiederti una mano per una mia collega, la dott.ssa Giulia Ferri.",)),
    r("mi_e_stato_suggerito", SAID,
      r"\bmi (?:è|e') stat[oa] (?:suggerito|consigliato|detto|indicato)(?: \w+){0,3}(?= (?:da|dal|dalla|dai|dalle|dallo)\b)",
      needs="suggerito|consigliato|detto|indicato", ref="right", pin="writer", contact="addressee",
      examples=("Mi è stato suggerito dal Career Service del Politecnico di contattarLa.",)),
    r("parente_cerca", REQUEST,
      r"(?P<x><RELATION>)(?:,? <NAME>,?)?<AND> (?:cerca|sta cercando|è alla ricerca|è stat[oa] licenziat[oa]|"
      r"deve trovare|ha bisogno di trovare)",
      needs="cerca|ricerca|licenziat|trovare", ref="writer", pin="x", contact="addressee",
      examples=("Mia cugina sta cercando lavoro a Torino.",
                "Mio cognato Paolo si è appena laureato e sta cercando lavoro a Bari.")),
    r("welcome_it", None,
      r"\b(?:diamo|date|dare|diate) (?:il |un )?(?:caloroso |calorosissimo )?benvenuto\b|\bbenvenut[oa] (?:nel|in) (?:team|squadra)\b",
      needs="benvenut", scope="message",
      examples=("Diamo il benvenuto a Giulia!", "Benvenuto nel team, Marco!"),
      misses=("Una presentazione sarebbe benvenuta.",)),
    r("grazie_presentazione", None,
      r"\bgrazie (?:mille |ancora )?(?:per|della|dell') (?:la )?(?:presentazione|contatto|intro|introduzione|segnalazione)\b|"
      r"\b(?:ti|La) (?:sposto|metto) in (?:ccn|CCN|copia nascosta)\b",
      needs="grazie|ccn|copia nascosta", scope="message",
      examples=("Grazie per la presentazione, Marco!",)),
    r("fatture", None,
      r"\b(?:si occupa|segue|gestisce|responsabile)\b<SHORT>\b(?:delle |della |dei |degli )?(?:fattur\w+|contabilità|pagamenti|"
      r"contratti|amministrazione)\b",
      needs="occupa|segue|gestisce|responsabile",
      examples=("Metto in copia la collega Anna, che si occupa delle fatture.",)),
    r("vendita", None,
      r"\bpresentar(?:ti|vi|Le|le) (?:la nostra|il nostro|i nostri|le nostre)\b|\b(?:la nostra|il nostro) (?:piattaforma|"
      r"soluzione|prodotto|software|servizio)\b|\bdisiscriver\w*\b|\bcancellarti\b",
      needs="presentar|piattaforma|soluzione|prodotto|software|servizio|disiscriv|cancellarti", scope="message",
      examples=("Vorrei presentarLe la nostra piattaforma.",)),
)
