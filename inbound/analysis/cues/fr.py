"""French cues (vous and tu)."""
from __future__ import annotations

from functools import partial

from inbound.analysis.cues import row
from model import Kind

r = partial(row, lang="fr")
SAID, DIRECT, REQUEST = Kind.SAID_TO_CONTACT, Kind.DIRECT_INTRO, Kind.INTRO_REQUEST

ROWS = (
    r("conseille_de", SAID,
      r"\b(?:m'a|m'avait|m'ont) (?:\w+ )?(?:conseillé|suggéré|recommandé|dit|proposé|encouragé|demandé)\b(?: de| d')"
      r"(?=<GAP>\b(?:vous|te|t'|toi)\b)",
      needs="conseillé|suggéré|recommandé|dit|proposé|encouragé|demandé",
      ref="left", pin="writer", contact="addressee",
      examples=("Un ami commun m'a conseillé de t'écrire.", "Marc Dubois m'a suggéré de vous contacter.")),
    r("sur_les_conseils", SAID,
      r"\b(?:sur|suivant) (?:les |le )?(?:conseils?|recommandations?|suggestions?|indications?) (?:de|d')|"
      r"\bde la part (?:de|d')|\b(?:recommandée?|conseillée?|orientée?) (?:vers vous |vers toi )?par\b",
      needs="conseil|recommandation|suggestion|indication|de la part|recommandé|conseillé|orienté",
      ref="right", pin="writer", contact="addressee",
      examples=("Sur les conseils de Marc Dubois, que je mets en copie, je me permets de vous contacter.",
                "Je vous écris de la part de Claire Martin.")),
    r("donne_coordonnees", SAID,
      r"\b(?:m'a|m'avait) (?:donné|transmis|passé|communiqué) (?:vos|tes|votre|ton) (?:coordonnées|contact|nom|adresse|"
      r"e-?mail|numéro)\b|\b(?:m'a|m'avait) (?:parlé|beaucoup parlé) de (?:vous|toi)\b",
      needs="donné|transmis|passé|communiqué|parlé", ref="left", pin="writer", contact="addressee",
      examples=("Paul m'a donné vos coordonnées.", "Sophie m'a beaucoup parlé de vous.")),
    r("coordonnees_par", SAID,
      r"\b(?:j'ai (?:eu|obtenu|reçu)) (?:vos|tes|votre|ton) (?:coordonnées|contact|nom|adresse|e-?mail) (?:par|via|grâce à)\b",
      needs="coordonnées|contact|nom|adresse|mail", ref="right", pin="writer", contact="addressee",
      examples=("J'ai eu vos coordonnées par Paul Durand.",)),

    r("mise_en_relation", DIRECT,
      r"\bje (?:vous|te|les) (?:mets|met|mettre) (?:en relation|en contact)\b|\bje (?:me permets de |souhaite |voudrais )?"
      r"(?:vous|te) (?:mettre|connecter) en (?:relation|contact)\b|\bje vous connecte\b|\bje fais les présentations\b|"
      r"\bvous présenter (?:l'un (?:à|a) l'autre|l'une (?:à|a) l'autre|mutuellement)\b",
      needs="relation|contact|connecte|présentations|l'un|l'une|mutuellement", pin="other", contact="other", pair=True,
      examples=("Comme convenu avec chacun de vous, je vous mets en relation.",
                "Je me permets de vous présenter l'un à l'autre.")),
    r("je_te_presente", DIRECT,
      r"\bje (?:te|vous) présente (?!notre|nos|mon entreprise|ma société)(?P<x>[^.;!?\n]{1,80})|"
      r"\b(?:j'ai le plaisir|je suis ravie?|permettez-moi|je souhaite|j'aimerais) (?:de )?(?:vous|te) présenter "
      r"(?!notre|nos|mon entreprise|ma société)(?P<y>[^.;!?\n]{1,80})",
      needs="présente|présenter", pin="x", contact="addressee", pair=True,
      examples=("Sophie, je te présente Antoine Bernard, fondateur d'Embaléco.",),
      misses=("Permettez-moi de vous présenter notre solution.",)),

    r("me_presenter", REQUEST,
      r"\b(?:pourrais|pourriez|peux|pouvez|voudrais|voudriez|accepterais|accepteriez)[- ](?:tu|vous) (?:me présenter|me "
      r"mettre en (?:relation|contact)) (?:à|avec|au|aux) (?P<x>[^.;!?\n]{1,80})",
      needs="présenter|relation|contact", ref="addressee", pin="writer", contact="x",
      examples=("Pourriez-vous me mettre en relation avec Nathalie Roux?",)),
    r("tu_pourrais_me_presenter", REQUEST,
      r"\b(?:tu|vous) (?:pourrais|pourriez|peux|pouvez) (?:me présenter|me mettre en (?:relation|contact)) (?:à|avec|au|aux) "
      r"(?P<x>[^.;!?\n]{1,80})",
      needs="présenter|relation|contact", ref="addressee", pin="writer", contact="x",
      examples=("tu pourrais me mettre en contact avec Julie Morel?",
                "Tu pourrais me présenter à ta cousine Élodie Garnier?")),
    r("mettre_x_avec_y", REQUEST,
      r"\b(?:pourrais|pourriez|peux|pouvez)[- ](?:tu|vous) (?:mettre en (?:relation|contact)|présenter) "
      r"(?P<x>[^.;!?\n]{1,60}?) (?:avec|à) (?P<y>[^.;!?\n]{1,80})",
      needs="relation|contact|présenter", ref="addressee", pin="x", contact="y",
      examples=("Pourriez-vous mettre en relation Pierre Garnier avec Nathalie Roux?",)),
    r("tu_connais", REQUEST,
      r"\b(?:tu connais|vous connaissez|connais-tu|connaissez-vous) (?:quelqu'un|une personne|des gens)\b",
      needs="connais", ref="addressee", pin="writer",
      examples=("Tu connais quelqu'un chez Doctolib?",)),
    r("veux_tu_que", REQUEST,
      r"\b(?:veux-tu|voulez-vous|tu veux|vous voulez|souhaites-tu|souhaitez-vous) que je (?:te|vous) (?:présente|mette en "
      r"(?:relation|contact))(?: (?:à|avec) (?P<x>[^.;!?\n]{1,80}))?",
      needs="que je", ref="writer", pin="addressee", contact="x", pair=True, asks_first=True,
      examples=("Veux-tu que je te présente Claire Petit?",)),

    r("aider_proche", REQUEST,
      r"\b(?:pourrais-tu|pourriez-vous|peux-tu|pouvez-vous|tu pourrais|vous pourriez|accepterais-tu|accepteriez-vous|"
      r"serais-tu prêt à|seriez-vous prêt à)<SHORT>\b(?:aider|conseiller|rencontrer|parler à|parler avec|orienter|recevoir|"
      r"guider)(?: à)? (?P<x><RELATION>)",
      needs="aider|conseiller|rencontrer|parler|orienter|recevoir|guider", ref="writer", pin="x", contact="addressee",
      examples=("Pourriez-vous aider ma nièce à trouver un stage à Lyon ?", "Peux-tu rencontrer mon cousin la semaine prochaine ?")),
    r("tu_devrais_rencontrer", REQUEST,
      r"\b(?:tu devrais|vous devriez|il faut (?:vraiment |absolument )?que (?:tu|vous)) (?:vraiment |absolument |aussi )?"
      r"(?:rencontrer|parler (?:à|a|avec)|contacter|appeler|écrire (?:à|a)|rencontriez|rencontres|parles (?:à|avec)|"
      r"parliez (?:à|avec)|contactes|contactiez) (?P<x>(?:<RELATION> )?<NAME>)",
      needs="devrais|devriez|il faut", ref="writer", pin="addressee", contact="x", pair=True, asks_first=True,
      examples=("Je pense vraiment que tu devrais rencontrer Sophie Laurent.",
                "Il faut absolument que tu rencontres mon amie Claire Dubois."),
      misses=("Tu devrais rencontrer le dossier avant lundi.",)),
    r("accepteriez_vous", REQUEST,
      # Asking the contact first: "Accepteriez-vous d'échanger vingt minutes avec mon neveu, Théo Lambert ?"
      r"\b(?:accepteriez-vous|accepterais-tu|seriez-vous d'accord pour|serais-tu d'accord pour|auriez-vous le temps|"
      r"aurais-tu le temps|seriez-vous disponible pour|serais-tu disponible pour)\b<SHORT>\b(?:d'échanger|échanger|de parler|"
      r"parler|de discuter|discuter|de rencontrer|rencontrer|de prendre un café|prendre un café)<SHORT> avec "
      r"(?P<x>[^.;!?\n]{1,80})",
      needs="accepteriez|accepterais|d'accord|le temps|disponible", ref="writer", pin="x", contact="addressee",
      asks_first=True,
      examples=("Accepteriez-vous d'échanger une vingtaine de minutes avec mon neveu, Théo Lambert ?",),
      misses=("Seriez-vous disponible pour une réunion avec l'équipe ?",)),
    r("je_vous_mets_en_contact", REQUEST,
      r"\b(?:je (?:peux |pourrais )?(?:vous|te) (?:mets|mettre) en (?:contact|relation)|je (?:vous|te) (?:présente|"
      r"présenterai) (?:volontiers|avec plaisir))\b(?:<SHORT> (?:avec|à) (?P<x>[^.;!?\n]{1,60}))?",
      needs="en contact|en relation|volontiers|avec plaisir", ref="writer", pin="addressee", contact="x", asks_first=True,
      examples=("Si ça te dit, je vous mets en contact.", "Je peux te mettre en relation avec elle."),
      misses=("Je vous mets en copie.",)),
    r("me_presenter_a", REQUEST,
      r"\b(?:accepterais|accepteriez|pourrais|pourriez|voudrais|voudriez)(?:-tu|-vous| tu| vous)? (?:bien )?(?:de )?me "
      r"(?:présenter|mettre en (?:contact|relation)) (?:à|a|avec) (?P<x>[^.;!?\n]{1,60})",
      needs="présenter|mettre en", ref="addressee", pin="writer", contact="x",
      examples=("Accepterais-tu de me présenter à elle ?", "Pourriez-vous me mettre en relation avec Hélène Marchand ?")),
    r("au_nom_de", REQUEST,
      r"\bau nom (?:de|d') ?(?P<x>(?:mon|ma|un|une) (?:bon |bonne |vieil |vieille |grand |grande )?(?:amie|ami|collègue|"
      r"cousine|cousin|neveu|nièce|voisine|voisin)\b(?:,? <NAME>)?)",
      needs="au nom", ref="writer", pin="x", contact="addressee",
      examples=("Je vous écris au nom d'une amie, Claire Dubois.",),
      misses=("Je vous écris au nom de toute l'équipe.",)),
    r("de_ma_part", REQUEST,
      r"\b(?:(?:vous )?(?:venez|viens) de ma part|dites-lui que|dis-lui que)(?: \w+){0,3} (?:de ma part|que je (?:vous|t)'?"
      r"(?:envoie|ai envoyée?))|\bde ma part\b(?=<SHORT>$)|\bcitez mon nom\b|\bcite mon nom\b",
      needs="ma part|mon nom|envoie", ref="writer", pin="addressee", contact="other", asks_first=True,
      examples=("Dites-lui que vous venez de ma part.", "Cite mon nom quand tu lui écris."),
      misses=("Embrasse ta mère de ma part, et à bientôt chez nous pour le dîner de samedi soir.",)),
    r("proche_cherche", REQUEST,
      r"(?P<x><RELATION>)(?:,? <NAME>,?)?<AND> (?:cherche|recherche|est à la recherche|vient d'être licencié|postule|"
      r"doit trouver|a besoin de trouver)",
      needs="cherche|recherche|licencié|postule|trouver", ref="writer", pin="x", contact="addressee",
      examples=("Mon neveu cherche un poste de comptable à Lille.",
                "Ma belle-sœur Inès a fini son master et cherche un emploi à Nantes.",
                "Mon fils Hugo, qui est en CAP cuisine, doit trouver un stage au printemps.")),
    r("welcome_fr", None,
      r"\b(?:souhaitez|souhaitons|souhaitons-lui|souhaitez-lui|réservez|réservons)(?:-lui)? (?:\w+ ){0,3}(?:la |une )?(?:chaleureuse )?bienvenue\b|"
      r"\bbienvenue (?:à|a) (?:\w+ ){1,3}dans (?:l'équipe|notre équipe)\b|\baccueill(?:ez|ons|ir) chaleureusement\b",
      needs="bienvenue|accueill", scope="message",
      examples=("Souhaitez-lui la bienvenue !", "Accueillez chaleureusement Léa dans l'équipe."),
      misses=("Une intro serait la bienvenue pour elle.",)),
    r("merci_presentation", None,
      r"\bmerci (?:beaucoup |encore |infiniment )?(?:pour|de) (?:la|cette|ta|votre|l') ?(?:mise en relation|présentation|"
      r"intro|introduction|mise en contact)\b|\b(?:je te |je vous )?(?:mets|passe) en (?:copie cachée|cci|Cci|CCI)\b",
      needs="merci|copie cachée|cci", scope="message",
      examples=("Merci pour la mise en relation, Marc!",)),
    r("facturation", None,
      r"\b(?:s'occupe|se charge|chargée?|responsable)\b<SHORT>\b(?:de la |des |du )?(?:factur\w+|comptabilité|paiements?|"
      r"contrats?|juridique|support|paie)\b",
      needs="occupe|charge|responsable",
      examples=("Je mets en copie ma collègue Julie, qui s'occupe de la facturation.",)),
    r("vente", None,
      r"\b(?:vous|te) présenter (?:notre|nos|mon entreprise|ma société)\b|\bnotre (?:solution|plateforme|logiciel|offre|outil)\b|"
      r"\bse désinscrire\b|\bdésabonner\b",
      needs="présenter|solution|plateforme|logiciel|offre|outil|désinscrire|désabonner", scope="message",
      examples=("Permettez-moi de vous présenter notre solution de gestion.",)),
    r("me_presente", None,
      r"\b(?:je me présente|(?:permettez-moi|je voudrais|j'aimerais|je souhaite|je me permets) de me présenter|"
      r"me présenter brièvement)\b(?! (?:à|au|aux|avec))",
      needs="présent", examples=("Permettez-moi de me présenter.",)),
)
