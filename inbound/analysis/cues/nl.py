"""Dutch cues (u and je)."""
from __future__ import annotations

from functools import partial

from inbound.analysis.cues import row
from model import Kind

r = partial(row, lang="nl")
SAID, DIRECT, REQUEST = Kind.SAID_TO_CONTACT, Kind.DIRECT_INTRO, Kind.INTRO_REQUEST

ROWS = (
    r("op_aanraden", SAID,
      r"\bop (?:aanraden|advies|aanbeveling|voorspraak|verzoek|suggestie) van\b|\b(?:aanbevolen|doorverwezen|getipt) door\b",
      needs="aanraden|advies|aanbeveling|voorspraak|verzoek|suggestie|aanbevolen|doorverwezen|getipt",
      ref="right", pin="writer", contact="addressee",
      examples=("Op aanraden van Pieter Jansen neem ik contact met u op.",)),
    r("raadde_aan", SAID,
      r"\b(?:raadde|raadt|adviseerde|stelde|zei|vroeg|tipte) (?:me|mij)\b(?: aan| voor)?(?=<GAP>\b(?:je|jou|u|jullie|contact)\b)|"
      r"\b(?:heeft|had) (?:me|mij) (?:aangeraden|geadviseerd|getipt|gevraagd|doorverwezen naar (?:je|u))\b",
      needs="raadde|raadt|adviseerde|stelde|zei|vroeg|tipte|aangeraden|geadviseerd|getipt|gevraagd|doorverwezen",
      ref="left", pin="writer", contact="addressee",
      examples=("Eva raadde me aan om contact met je op te nemen.", "Tom heeft me aangeraden je te mailen.")),
    r("naam_van", SAID,
      r"\b(?:kreeg|heb|had|ontving) (?:ik )?(?:je|jouw|uw) (?:naam|gegevens|nummer|e-?mailadres|contactgegevens) (?:van|via|door)\b|"
      r"\b(?:gaf|heeft) (?:me|mij) (?:je|jouw|uw) (?:naam|gegevens|nummer|e-?mailadres|contactgegevens)\b",
      needs="naam|gegevens|nummer|mailadres", ref="right", pin="writer", contact="addressee",
      examples=("Ik kreeg je naam van Eva Smit.",)),
    r("via_subject", SAID,
      r"^(?:Via|Doorverwezen door|Op aanraden van) (?=(?-i:[A-Z]))",
      needs="via|doorverwezen|aanraden", ref="right", pin="writer", contact="addressee", flags=0,
      examples=("Via Eva Smit: vraag over UX",)),

    r("aan_elkaar_voorstellen", DIRECT,
      r"\b(?:aan elkaar )?voor(?:stellen|stel)\b(?=<SHORT>\baan elkaar\b)|\baan elkaar voor(?:stellen|stel)\b|"
      r"\b(?:ik )?(?:breng|zet)(?: ik)? (?:jullie|u) (?:graag |hierbij )?(?:met elkaar )?in contact\b|\bmaak kennis met\b|"
      r"\bstel (?:ik |we )?(?:jullie|u|je) (?:graag |hierbij |bij deze )?aan elkaar voor\b",
      needs="elkaar|contact|kennis", pin="other", contact="other", pair=True,
      examples=("Mag ik jullie aan elkaar voorstellen?", "Graag breng ik jullie met elkaar in contact.",
                "Graag stel ik u aan elkaar voor.")),
    r("stel_voor_aan", DIRECT,
      r"\b(?:(?:ik )?(?:stel|wil|zou)|(?:stel|wil|zou) ik) (?:je|jou|u) (?:graag |hierbij |bij deze )?"
      r"(?:voorstellen|voor) aan (?P<x>[^.;!?\n]{1,80})",
      needs="voor", pin="x", contact="addressee", pair=True,
      examples=("Ik stel je graag voor aan Lotte Meijer.",
                "Namens Jeroen Hendriks stel ik je graag voor aan Fleur van den Berg, oprichter van GreenLoop.")),

    r("openstaan_dat_ik", REQUEST,
      # The referrer asks first: "Zou je ervoor openstaan dat ik jullie met elkaar in contact breng?"
      r"\b(?:zou je|zou u|sta je|staat u|zou jij)(?: ervoor)? open(?:staan)?<SHORT>\bdat ik (?:jullie|je|u|hem|haar)\b"
      r"<SHORT>\b(?:in contact breng|voorstel|koppel|aan elkaar voorstel)\b",
      needs="open", ref="writer", pin="other", contact="addressee", asks_first=True,
      examples=("Zou je ervoor openstaan dat ik jullie met elkaar in contact breng?",),
      misses=("Zou je ervoor openstaan dat ik de vergadering verplaats?",)),
    r("mij_voorstellen", REQUEST,
      r"\b(?:zou|kun|kan|wil) (?:je|jij|u) (?:me|mij) (?:willen |kunnen )?(?:voorstellen aan|in contact (?:brengen|zetten) met|"
      r"koppelen aan) (?P<x>[^.;!?\n]{1,80})",
      needs="voorstellen|contact|koppelen", ref="addressee", pin="writer", contact="x",
      examples=("Zou je me willen voorstellen aan Henk de Wit?",)),
    r("mij_voorstellen_end", REQUEST,
      r"\b(?:zou|kun|kan|wil) (?:je|jij|u) (?:me|mij) (?:aan|met) (?P<x>[^.;!?\n]{1,60}?) (?:willen |kunnen )?"
      r"(?:voorstellen|in contact (?:willen |kunnen )?(?:brengen|zetten)|koppelen)\b",
      needs="voorstellen|contact|koppelen", ref="addressee", pin="writer", contact="x",
      examples=("Kun je mij aan Sanne Vos voorstellen?", "Zou je mij met hem in contact kunnen brengen?")),
    r("ken_jij_iemand", REQUEST,
      r"\b(?:ken jij|ken je|kent u) (?:toevallig )?(?:iemand|mensen)\b",
      needs="ken", ref="addressee", pin="writer", examples=("Ken jij iemand bij ASML?",)),
    r("zal_ik", REQUEST,
      r"\b(?:zal|kan|mag) ik (?:je|jou|u) (?:voorstellen aan|in contact brengen met) (?P<x>[^.;!?\n]{1,80})",
      needs="zal ik|kan ik|mag ik", ref="writer", pin="addressee", contact="x", pair=True, asks_first=True,
      examples=("Zal ik je voorstellen aan Karin Bos?",)),

    r("familie_helpen", REQUEST,
      r"\b(?:kun je|kunt u|zou je|zou u|wil je|wilt u|kan je)\b<SHORT>(?P<x><RELATION>)<GAP>"
      r"\b(?:helpen|adviseren|spreken|ontmoeten|verder helpen|te woord staan)\b",
      needs="helpen|adviseren|spreken|ontmoeten|te woord", ref="writer", pin="x", contact="addressee",
      examples=("Kun je mijn neef helpen met zijn zoektocht naar een stage?", "Zou u mijn dochter kort willen spreken?")),
    r("met_haar_praten", REQUEST,
      r"\b(?:zou|wil|kun|kan) (?:je|jij|u) (?:eens |misschien |even )*met (?P<x>hem|haar|<RELATION>[^.;!?\n]{0,40}?) "
      r"(?:willen |kunnen )?(?:praten|spreken|afspreken|koffie drinken|bellen)\b",
      needs="praten|spreken|afspreken|koffie|bellen", ref="writer", pin="x", contact="addressee",
      examples=("Zou jij eens met haar willen praten?",)),
    r("gesprek_met_haar", REQUEST,
      r"\b(?:een )?(?:kort |korte |klein )?(?:gesprek|kop koffie|koffie|belletje|gesprekje) met (?P<x>hem|haar) "
      r"(?:willen |kunnen )?(?:hebben|doen|drinken|voeren)\b|\b(?P<y>hem|haar) (?:eens )?in contact (?:willen |kunnen )?"
      r"brengen met\b",
      needs="gesprek|koffie|belletje|in contact", ref="writer", pin="x", contact="addressee",
      examples=("Zou je misschien een kort gesprek met haar willen hebben?",)),
    r("neem_contact_op", REQUEST,
      r"\bneem (?:even |gerust |maar |eens |echt |vooral )*contact op met (?P<x><NAME>)",
      needs="contact op", ref="writer", pin="addressee", contact="x", asks_first=True,
      examples=("Neem even contact op met Evelien de Boer.",)),
    r("namens", REQUEST,
      r"\bnamens (?P<x>(?:een|mijn) (?:goede |oude )?(?:vriendin|vriend|collega|kennis|buurman|buurvrouw|neef|nicht)\b"
      r"(?: van (?:me|mij))?(?:,? <NAME>)?|<RELATION>(?:,? <NAME>)?)",
      needs="namens", ref="writer", pin="x", contact="addressee",
      examples=("Ik heb een vraagje namens een goede vriendin van me, Femke.",),
      misses=("Namens het hele team bedankt!",)),
    r("haar_helpen", REQUEST,
      r"\b(?:zou|kun|kan|wil) (?:je|jij|u) (?P<x>hem|haar|<RELATION>) (?:misschien |eens )?(?:willen |kunnen )?"
      r"(?:helpen|adviseren|wat tips geven|een paar tips geven)\b",
      needs="helpen|adviseren|tips", ref="writer", pin="x", contact="addressee",
      examples=("Zou je haar kunnen helpen?",)),
    r("via_mij", REQUEST,
      r"\bzeg (?:maar |gerust )?dat je (?:via mij komt|van mij komt)\b|\bnoem (?:gerust )?mijn naam\b",
      needs="via mij|van mij|mijn naam", ref="writer", pin="addressee", contact="other", asks_first=True,
      examples=("Zeg maar dat je via mij komt.", "Noem gerust mijn naam."),
      misses=("Dit pakket komt via mij.",)),
    r("familie_zoekt", REQUEST,
      r"(?P<x><RELATION>)(?:,? <NAME>,?)?<AND> (?:zoekt|is op zoek|is net ontslagen|is ontslagen|solliciteert)",
      needs="zoek|ontslagen|solliciteert", ref="writer", pin="x", contact="addressee",
      examples=("Mijn zus zoekt een baan in de zorg.",
                "Mijn zwager Joris is net afgestudeerd en zoekt een baan in Gent.")),
    r("welcome_nl", None,
      r"\b(?:heet|heten) (?:\w+ ){1,4}(?:van harte |hartelijk )?welkom\b|\bwelkom (?:in|bij) (?:het|ons) team\b",
      needs="welkom", scope="message",
      examples=("Heet Daan van harte welkom!", "Welkom in het team, Fleur!"),
      misses=("Een intro is altijd welkom.",)),
    r("bedankt_introductie", None,
      r"\b(?:bedankt|dank je wel|dank u wel|dank je|dankjewel|dankuwel) (?:nog )?(?:voor|vanwege) (?:de|het|jullie) "
      r"(?:introductie|kennismaking|voorstellen|intro|contact)\b|\b(?:zet|verplaats) (?:je|jou|u|\w+) (?:even )?(?:in|naar) "
      r"(?:de )?bcc\b",
      needs="bedankt|dank|bcc", scope="message",
      examples=("Dank je wel voor de introductie! Ik zet je even in de bcc.",)),
    r("facturatie", None,
      r"\b(?:regelt|doet|verzorgt|beheert|verantwoordelijk voor)\b<SHORT>\b(?:de )?(?:facturatie|facturen|boekhouding|"
      r"administratie|betalingen|contracten)\b",
      needs="regelt|doet|verzorgt|beheert|verantwoordelijk",
      examples=("Ik zet mijn collega Anouk in de cc, zij regelt de facturatie.",)),
    r("verkoop", None,
      r"\b(?:stel|stellen) (?:ik )?(?:mij|me|ons|we) (?:graag )?(?:even |kort )?voor\b|\bonze (?:oplossing|software|dienst|"
      r"diensten|tool|platform)\b|\bafmelden\b|\buitschrijven\b",
      needs="voor|oplossing|software|dienst|tool|platform|afmelden|uitschrijven", scope="message",
      examples=("Graag stel ik mij even voor.",)),
)
