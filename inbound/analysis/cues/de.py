"""German cues (formal Sie and informal du)."""
from __future__ import annotations

from functools import partial

from inbound.analysis.cues import row
from model import Kind

r = partial(row, lang="de")
SAID, DIRECT, REQUEST = Kind.SAID_TO_CONTACT, Kind.DIRECT_INTRO, Kind.INTRO_REQUEST

YOU = r"(?:Ihnen|Sie|dir|dich|du|euch|ihr|Ihren|Ihre|deinen|deine|dein)"
CONTACT = (r"(?:melden|schreiben|wenden|kontaktieren|Kontakt aufnehmen|in Kontakt treten|anrufen|ansprechen|"
           r"vorstellen|austauschen|treffen|sprechen|unterhalten)")

ROWS = (
    r("empfohlen", SAID,
      r"\b(?:hat|hatte|haben) mir (?:\w+ ){0,2}(?:empfohlen|geraten|vorgeschlagen|nahegelegt|ans Herz gelegt|gesagt)\b"
      r"(?=<GAP>\b(?-i:" + YOU + r")\b|<GAP>\b" + CONTACT + r")|"
      r"\b(?:empfahl|riet|schlug) mir\b(?=<GAP>\b(?-i:" + YOU + r")\b)",
      needs="empfohlen|geraten|vorgeschlagen|nahegelegt|ans herz|gesagt|empfahl|riet|schlug",
      ref="left", pin="writer", contact="addressee",
      examples=("Anna Schmidt hat mir empfohlen, mich bei Ihnen zu melden.",
                "Mein Kollege Tom hat mir geraten, dir zu schreiben.")),
    r("meinte_du", SAID,
      r"\b(?:meinte|sagte|erzählte|erwähnte|findet|fand|glaubt)(?: mir)?,? (?:dass )?(?-i:(?:du|Sie))\b(?: (?:bist|seien|wärst|"
      r"wären|könntest|könnten|kennst|kennen|kannst|können|hast|haben))",
      needs="meinte|sagte|erzählte|erwähnte|findet|fand|glaubt",
      ref="left", pin="writer", contact="addressee",
      examples=("Markus Weber meinte, du bist genau der Richtige für Verpackungsdesign.",)),
    r("auf_empfehlung", SAID,
      r"\bauf (?:(?:die |der )?(?:Empfehlung|Anraten|Anregung|Rat|Vorschlag|Hinweis)) (?:von|meines|meiner)\b|"
      r"\b(?:von|durch) (?:\w+ ){0,2}(?:empfohlen|vermittelt)\b",
      needs="empfehlung|anraten|anregung|rat |vorschlag|hinweis|empfohlen|vermittelt",
      ref="right", pin="writer", contact="addressee",
      examples=("Auf Empfehlung von Clara Jung schreibe ich Ihnen.",)),
    r("namen_von", SAID,
      r"\b(?:Ihren|deinen|Ihre|deine) (?:Namen|Kontakt|Adresse|E-Mail(?:-Adresse)?|Nummer|Kontaktdaten) (?:habe ich|hab ich|"
      r"bekam ich|erhielt ich) (?:\w+ ){0,2}(?:von|über|durch)\b|\b(?:habe|hab) (?:Ihren|deinen|Ihre|deine) (?:Namen|Kontakt|"
      r"Adresse|Kontaktdaten) (?:von|über|durch)\b",
      needs="namen|kontakt|adresse|mail|nummer", ref="right", pin="writer", contact="addressee",
      examples=("Ihren Kontakt habe ich von Jan Roth bekommen.",)),
    r("gab_mir", SAID,
      r"\b(?:hat|hatte) mir (?:Ihren|deinen|Ihre|deine) (?:Namen|Kontakt|Adresse|E-Mail|Nummer|Kontaktdaten) "
      r"(?:gegeben|weitergegeben|geschickt)|\b(?:hat|hatte) mich (?:an (?:Sie|dich|euch)|zu (?:Ihnen|dir)) "
      r"(?:verwiesen|weitergeleitet|geschickt)",
      needs="gegeben|weitergegeben|geschickt|verwiesen|weitergeleitet", ref="left", pin="writer", contact="addressee",
      examples=("Jan Roth hat mir Ihren Kontakt gegeben.",)),

    r("vorstellen", DIRECT,
      r"\bdarf ich (?:(?:Ihnen|euch|dir|Sie) )?(?:einander )?vorstellen\b|\b(?:ich )?(?:möchte|will|würde) "
      r"(?:(?:Ihnen|euch|dir|Sie) )?(?:gerne |gern )?(?!(?:\w+ ){0,2}(?:unsere[nrm]?|unser|mich|meine[nrm]?)\b)"
      r"(?:einander |miteinander )?(?:\w+ ){0,4}vorstellen\b|"
      r"\b(?:hiermit )?stelle ich (?:Ihnen|euch|dir|Sie) (?:gerne |gern )?(?:einander |gegenseitig )?(?:\w+ ){0,4}vor\b",
      needs="vorstellen|stelle ich", pin="other", contact="other", pair=True,
      examples=("Darf ich vorstellen: Herr Felix Wagner - Frau Dr. Claudia Neumann.",
                "Ich möchte euch gerne einander vorstellen.", "Hiermit stelle ich euch einander vor."),
      misses=("Ich möchte Ihnen unsere Lösung vorstellen.",)),
    r("bekannt_machen", DIRECT,
      r"\b(?:möchte|will|wollte) (?:euch|Sie|dich) (?:gerne |gern )?(?:miteinander|einander)? ?(?:bekannt machen|verbinden|"
      r"vernetzen|zusammenbringen|in Kontakt bringen)\b|\b(?:ich )?(?:verbinde|vernetze|bringe)(?: ich)? (?:euch|Sie) (?:mal |hiermit |gerne |gern )?"
      r"(?:miteinander|zusammen|in Kontakt)\b|\blernt euch (?:kennen|mal kennen)\b|\bihr (?:solltet|müsst) euch "
      r"(?:unbedingt )?kennenlernen\b|\bkurze (?:Intro|Vorstellung)\b",
      needs="bekannt|verbinde|vernetz|zusammen|kontakt|kennen|intro|vorstellung", pin="other", contact="other", pair=True,
      examples=("Ich möchte euch miteinander bekannt machen.", "Kurze Intro, wie versprochen.")),

    r("soll_ich_euch", REQUEST,
      # The referrer offers and asks first: "Soll ich euch vernetzen? Ich würde ihn natürlich vorher fragen."
      r"\b(?:soll|darf|kann) ich (?:euch|dich|Sie)(?: (?:beide|zwei|gern(?:e)?|mal))? (?:miteinander |einander |mit \w+ )?"
      r"(?:vernetzen|verbinden|bekannt machen|vorstellen|in Kontakt bringen|zusammenbringen)\b",
      needs="soll ich|darf ich|kann ich", ref="writer", pin="addressee", contact="other", asks_first=True,
      examples=("Soll ich euch vernetzen?", "Soll ich dich mit ihm bekannt machen?"),
      misses=("Soll ich dich morgen abholen?",)),
    r("das_ist", DIRECT,
      r"^(?P<y><NAME>),? (?:das ist|hier ist|darf ich vorstellen:?) (?P<x><NAME>)",
      needs="das ist|hier ist|vorstellen", pin="x", contact="y", pair=True, flags=0,
      examples=("Mehmet, das ist Jonas.",)),
    r("x_mit_y_zusammen", REQUEST,
      r"\b(?:möchte|würde|will|wollte)\b<SHORT>\b(?P<x>ihn|sie|[A-ZÄÖÜ][^.;!?\n]{0,40}?) (?:gern(?:e)? )?mit (?P<y>[^.;!?\n]{1,80}?) "
      r"(?:zusammenbringen|bekannt machen|in Kontakt bringen|vernetzen|verbinden)\b",
      needs="zusammenbringen|bekannt machen|kontakt bringen|vernetzen|verbinden", ref="writer", pin="x", contact="y",
      examples=("Ich möchte ihn gern mit Herrn Klaus Zimmermann zusammenbringen.",)),
    r("mich_mit_x_zu", REQUEST,
      r"\bmich (?:\w+ ){0,2}mit (?P<x>[^.;!?\n]{1,60}?) (?:bekannt (?:zu )?machen|in Kontakt (?:zu )?bringen|zu vernetzen|"
      r"zu verbinden|zusammenzubringen)\b",
      needs="bekannt|kontakt|vernetz|verbind|zusammenzubringen", ref="addressee", pin="writer", contact="x",
      examples=("Wären Sie so freundlich, mich mit ihm bekannt zu machen?",)),
    r("mich_bekannt_machen", REQUEST,
      r"\b(?:könntest|kannst|würdest|könnten|würden|können) (?:du|Sie) mich (?:bitte |vielleicht )?(?:mit|bei) (?P<x>[^.;!?\n]{1,60}?) "
      r"(?:bekannt machen|in Kontakt bringen|vernetzen|verbinden|zusammenbringen)\b",
      needs="bekannt|kontakt|vernetz|verbind|zusammen", ref="addressee", pin="writer", contact="x",
      examples=("Könntest du mich mit Andreas Peters bekannt machen?",)),
    r("mich_vorstellen", REQUEST,
      r"\b(?:könntest|kannst|würdest|könnten|würden|können) (?:du|Sie) mich (?:bitte |vielleicht )?(?P<x>[^.;!?\n]{1,60}?) "
      r"vorstellen\b",
      needs="vorstellen", ref="addressee", pin="writer", contact="x",
      examples=("Könntest du mich Andreas Peters vorstellen?",)),
    r("x_mit_y", REQUEST,
      r"\b(?:könntest|kannst|würdest|könnten|würden|können|bitte) (?:du |Sie )?(?P<x>[^.;!?\n]{1,60}?) mit (?P<y>[^.;!?\n]{1,60}?) "
      r"(?:bekannt machen|in Kontakt bringen|vernetzen|verbinden|zusammenbringen)\b",
      needs="bekannt|kontakt|vernetz|verbind|zusammen", ref="addressee", pin="x", contact="y",
      examples=("Könnten Sie Herrn Lange mit Frau Busch bekannt machen?",)),
    r("kennst_du_jemanden", REQUEST,
      r"\b(?:kennst du|kennen Sie) (?:zufällig )?(?:jemanden|wen|eine[nm]?)\b",
      needs="kennst du|kennen sie", ref="addressee", pin="writer",
      examples=("Kennst du jemanden bei der Telekom?",)),
    r("soll_ich", REQUEST,
      r"\b(?:soll|sollen|darf|kann|könnte) ich (?:dich|Sie|euch) (?:mit|bei) (?P<x>[^.;!?\n]{1,60}?) (?:bekannt machen|in Kontakt "
      r"bringen|vernetzen|verbinden)\b|\b(?:soll|sollen|darf|kann|könnte) ich (?:dich|Sie) (?:gerne )?vorstellen\b",
      needs="soll ich|sollen ich|darf ich|kann ich|könnte ich", ref="writer", pin="addressee", contact="x",
      pair=True, asks_first=True,
      examples=("Soll ich dich mit Nora Berg bekannt machen?",)),
    r("wuerde_dich_mit", REQUEST,
      r"\b(?:würde|möchte|will) (?:dich|Sie|euch) (?:gern |gerne )?mit (?P<x>[^.;!?\n]{1,60}?) (?:bekannt machen|in Kontakt "
      r"bringen|vernetzen|verbinden)\b",
      needs="würde|möchte|will", ref="writer", pin="addressee", contact="x", pair=True, asks_first=True,
      examples=("Ich würde dich gern mit Paula Stein bekannt machen.",)),

    r("meinte_ich_solle", SAID,
      r"\b(?:meinte|sagte|riet|fand|empfahl|schlug|hat (?:\w+ )?gemeint|hat (?:\w+ )?gesagt)(?: mir)?(?: vor)?,? (?:dass )?"
      r"ich (?:solle|sollte|soll|könne|könnte|möge|müsse)\b(?=<GAP>\b(?-i:" + YOU + r")\b|<GAP>\b" + CONTACT + r")",
      needs="meinte|sagte|riet|fand|empfahl|schlug|gemeint|gesagt",
      ref="left", pin="writer", contact="addressee",
      examples=("Mein früherer Kollege Tobias Brandt meinte, ich solle mich bei dir melden.",
                "Frau Keller hat gemeint, ich sollte Ihnen schreiben."),
      misses=("Sie meinte, ich solle mehr schlafen.",)),
    r("verwandten_helfen", REQUEST,
      r"\b(?:kannst du|können Sie|könntest du|könnten Sie|würdest du|würden Sie|magst du)\b<SHORT>(?P<x><RELATION>|ihm|ihn)"
      r"<GAP>"
      r"\b(?:helfen|unterstützen|beraten|weiterhelfen|Tipps geben|treffen|sprechen)\b",
      needs="helfen|unterstützen|beraten|tipps|treffen|sprechen", ref="writer", pin="x", contact="addressee",
      examples=("Kannst du meiner Nichte bei der Suche nach einem Ausbildungsplatz in München helfen?",
                "Könnten Sie vielleicht meinen Sohn kurz beraten?", "Könntest Du ihm vielleicht weiterhelfen?")),
    r("stelle_euch_vor", REQUEST,
      r"\b(?:stelle|stell) ich (?:euch|Sie|dich)(?: (?:gern|gerne|per Mail|per E-Mail|einander|gegenseitig|kurz|hiermit|"
      r"miteinander|gern per Mail|gerne per Mail)){0,3} vor\b|\b(?:ich )?(?:kann|könnte|würde)(?: ich)? "
      r"(?:euch|Sie|dich)(?: \w+){0,3} (?:gern |gerne )?(?:vorstellen|bekannt machen|in Kontakt bringen)\b",
      needs="vor|vorstellen|bekannt|kontakt", ref="writer", pin="addressee", contact="other", asks_first=True,
      examples=("Wenn du magst, stelle ich euch gerne per Mail vor.", "Ich könnte euch gern miteinander bekannt machen."),
      misses=("Morgen stelle ich euch das Konzept vor.",)),
    r("wenden_sie_sich_an", REQUEST,
      r"\b(?:wenden Sie sich|wende dich|melden Sie sich|meld dich|melde dich)(?: \w+){0,3} (?:an|bei) (?P<x>(?:Frau |Herrn? "
      r"|Dr\. |Prof\. )+<NAME>|(?-i:[A-ZÄÖÜ][\w'\-]+ [A-ZÄÖÜ][\w'\-]+))",
      needs="wenden|wende|melden|meld", ref="writer", pin="addressee", contact="x", asks_first=True,
      examples=("Wenden Sie sich am besten an Frau Dr. Miriam Schäfer.", "Melde dich doch mal bei Jonas Weber."),
      misses=("Melde dich bei Fragen jederzeit.",)),
    r("im_namen", REQUEST,
      r"\bim Namen (?P<x>(?:meines|meiner|eines|einer) (?:guten |alten )?(?:Freundes|Freundin|Kollegen|Kollegin|Neffen|"
      r"Nichte|Bekannten)(?:,? <NAME>)?)",
      needs="im namen", ref="writer", pin="x", contact="addressee",
      examples=("Ich schreibe Ihnen im Namen eines guten Freundes, Jonas Berger.",),
      misses=("Im Namen des ganzen Teams: danke!",)),
    r("beruf_dich_auf_mich", REQUEST,
      r"\b(?:berufen Sie sich|beruf dich|berufe dich)(?: \w+){0,2} auf mich\b|\bsag(?:en Sie)?(?: \w+)?,? (?:dass )?ich "
      r"(?:dich|Sie) (?:schicke|geschickt habe)\b",
      needs="auf mich|schicke|geschickt", ref="writer", pin="addressee", contact="other", asks_first=True,
      examples=("Berufen Sie sich gerne auf mich.", "Sag ihr, dass ich dich schicke."),
      misses=("Du kannst dich immer auf mich verlassen.",)),
    r("bitte_fuer", REQUEST,
      r"\b(?:Bitte|Gefallen|Frage|Anliegen)[ ,]+(?:\w+[ ,]+){0,3}für (?P<x><RELATION>(?:,? <NAME>)?)",
      needs="bitte|gefallen|frage|anliegen", ref="writer", pin="x", contact="addressee",
      examples=("Ich habe eine Bitte, und zwar für meinen Schwager Karim Benjelloun.",)),
    r("hat_mir_geraten", SAID,
      r"\b(?:hat|haben) mir (?:geraten|empfohlen|nahegelegt)\b(?=<GAP>\b(?:mich|mal) (?:an|bei) (?:Sie|dich|Ihnen|euch)\b)",
      needs="geraten|empfohlen|nahegelegt", ref="left", pin="writer", contact="addressee",
      examples=("Das Welcome Center hat mir geraten, mich an Sie zu wenden.",)),
    r("verwandter_sucht", REQUEST,
      r"(?P<x><RELATION>)(?:,? <NAME>,?)?<AND> (?:sucht|ist (?:gerade )?auf (?:der )?(?:Suche|Jobsuche)|wurde (?:gerade |kürzlich )?"
      r"(?:entlassen|gekündigt)|bewirbt sich)",
      needs="sucht|suche|entlassen|gekündigt|bewirbt", ref="writer", pin="x", contact="addressee",
      examples=("Meine Cousine sucht eine Stelle in der Logistik.",
                "Mein Schwager Felix hat seine Lehre beendet und sucht jetzt eine Stelle in Graz.")),
    r("welcome_de", None,
      r"\b(?:heißt|heißen|heiße) (?:\w+ ){1,4}(?:herzlich |ganz herzlich )?willkommen\b|\bherzlich willkommen (?:im|in unserem|bei)\b|"
      r"\b(?:begrüßt|begrüßen) (?:\w+ ){1,3}(?:herzlich|ganz herzlich)\b",
      needs="willkommen|begrüß", scope="message",
      examples=("Bitte heißt Jonas herzlich willkommen!",),
      misses=("Ein Intro wäre ihr sehr willkommen.",)),
    r("danke_vorstellung", None,
      r"\b(?:danke|vielen dank|herzlichen dank|besten dank)(?: (?:dir|Ihnen|euch))?(?: nochmals| noch mal)? für (?:die|das|den|deine|"
      r"Ihre) (?:Vorstellung|Vermittlung|Intro|Kontakt|Verbindung|Bekanntschaft)\b|\b(?:setze|nehme) (?:dich|Sie|\w+) "
      r"(?:\w+ )?(?:in|ins) (?:Bcc|BCC)\b",
      needs="danke|dank|bcc", scope="message",
      examples=("Danke für die Vorstellung, Anna!", "Ich setze dich in Bcc.")),
    r("zustaendig", None,
      r"\b(?:kümmert sich|zuständig|verantwortlich)\b<SHORT>\b(?:um|für) (?:die |das |den |unsere |alle )?(?:Rechnung\w*|"
      r"Buchhaltung|Abrechnung|Vertr\w+|Rechtliche\w*|Support|Zahlung\w*|Lohn\w*|Einkauf|Logistik)\b|"
      r"\bunsere[rn]? (?:neue[rn]? )?(?:Kundenbetreuer\w*|Ansprechpartner\w*|Assistent\w*|Buchhalter\w*)\b",
      needs="kümmert|zuständig|verantwortlich|unsere",
      examples=("Ich setze Frau Keller in Kopie, sie kümmert sich um die Rechnungen.",)),
    r("verkauf", None,
      r"\b(?:Ihnen|dir|euch) (?:gerne |gern |kurz )?(?:unsere|unser|unseren) (?:\w+ ){0,2}(?:Lösung|Produkt|Plattform|Software|"
      r"Angebot|Service|Dienstleistung|Tool)\b|\bDemo (?:vereinbaren|buchen)\b|\babmelden\b",
      needs="lösung|produkt|plattform|software|angebot|service|dienstleistung|tool|demo|abmelden", scope="message",
      examples=("Ich möchte Ihnen gerne unsere neue Plattform vorstellen.",)),
    r("selbst", None,
      r"\b(?:stelle|möchte|darf) (?:ich )?mich (?:kurz |gerne |Ihnen |dir |euch )*(?:vorstellen|vor)\b",
      needs="mich", examples=("Darf ich mich kurz vorstellen?",)),
)
