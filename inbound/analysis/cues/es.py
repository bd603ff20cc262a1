"""Spanish cues (tú, usted, Spain and Latin America)."""
from __future__ import annotations

from functools import partial

from inbound.analysis.cues import row
from model import Kind

r = partial(row, lang="es")
SAID, DIRECT, REQUEST = Kind.SAID_TO_CONTACT, Kind.DIRECT_INTRO, Kind.INTRO_REQUEST

ROWS = (
    r("me_sugirio", SAID,
      r"\bme (?:sugirió|recomendó|aconsejó|dijo|pidió|animó|propuso|comentó|sugiere|recomienda)\b"
      # "que te escribiera", "que le escribiera", "hablar contigo"; not "que le enviara el informe"
      r"(?=<GAP>\b(?:te|le|contigo|usted|ti)\b<SHORT>\b(?:escrib\w*|contact\w*|habl\w*|llam\w*|busca\w*|conoc\w*|"
      r"envi\w* (?:mi|el) (?:cv|currículum|curriculum|portfolio|portafolio|perfil))|<GAP>\b(?:escribirte|escribirle|"
      r"contactarte|contactarle|contactarlo|contactarla|hablar contigo|hablar con usted|llamarte|llamarle)\b|<GAP>\b"
      r"(?:pusiera|pusiese|ponga|poner|ponerme) en contacto (?:contigo|con usted)\b)",
      needs="sugirió|recomendó|aconsejó|dijo|pidió|animó|propuso|comentó|sugiere|recomienda",
      ref="left", pin="writer", contact="addressee",
      examples=("Pedro me sugirió que te escribiera.", "Fue Carmen López quien me recomendó que le escribiera.",
                "Ana me dijo que te enviara mi currículum."),
      misses=("Pedro me dijo que le enviara el informe trimestral.",)),
    r("por_recomendacion", SAID,
      r"\b(?:por|siguiendo (?:la|el)) (?:recomendación|sugerencia|consejo|indicación) de\b|\bde parte de\b|"
      r"\b(?:recomendad[oa]|referid[oa]) por\b",
      needs="recomendación|sugerencia|consejo|indicación|de parte de|recomendad|referid",
      ref="right", pin="writer", contact="addressee",
      examples=("Le escribo por recomendación de Ana Ruiz.",)),
    r("me_dio_contacto", SAID,
      r"\bme (?:dio|pasó|compartió|facilitó) (?:tu|su) (?:contacto|nombre|correo|número|email|dirección)\b|"
      r"\bme habló (?:muy bien )?de (?:ti|usted)\b",
      needs="contacto|nombre|correo|número|email|dirección|habló", ref="left", pin="writer", contact="addressee",
      examples=("Laura me dio tu contacto.",)),

    r("tendrias_un_rato", REQUEST,
      # Asking the contact first: "¿Tendrías un rato para hablar con mi sobrina Sofía?"
      # Only forms that ask the reader: "estaría dispuesto" may be someone else ("pregúntale a Ignacio si estaría ...").
      r"\b(?:tendrías|tendría usted|te importaría|le importaría a usted|estarías dispuest[oa] a|estaría usted dispuest[oa] a)\b"
      r"<SHORT>\b(?:hablar|charlar|conversar|tomar un café|reunirte|reunirse|conocer) con "
      r"(?!(?:el|la|los|las|un|una|nuestro|nuestra|nosotros)\b)(?P<x>[^.;!?\n]{1,80})",
      needs="tendrías|tendría usted|importaría|dispuest", ref="writer", pin="x", contact="addressee", asks_first=True,
      examples=("¿Tendrías un rato para hablar con mi sobrina Sofía?",),
      misses=("¿Tendrías un rato para hablar con el equipo de ventas?",)),
    r("libertad_de_presentar", DIRECT,
      r"\b(?:me he tomado la libertad de|me tomo la libertad de|me permito|permítanme|permitidme) presentar(?:les|os|los)\b",
      needs="libertad|permito|permítanme|permitidme", pin="other", contact="other", pair=True,
      examples=("Me he tomado la libertad de presentarles sin consultarles antes.",)),
    r("te_presento", DIRECT,
      r"\b(?:te|os|les|le) presento (?:a )?(?!nuestr|mi empresa)(?P<x>[^.;!?\n]{1,80})|\b(?:me gustaría|quiero|quisiera) "
      r"presentar(?:te|os|les|le) (?:a )?(?!nuestr|mi empresa)(?P<y>[^.;!?\n]{1,80})",
      needs="presento|presentar", pin="x", contact="addressee", pair=True,
      examples=("Diego, te presento a Sofía Romero.",), misses=("Me gustaría presentarle nuestra plataforma.",)),
    r("los_pongo", DIRECT,
      r"\b(?:os|los|les|las) (?:pongo|pondré|quiero poner) en contacto\b|\b(?:os|les|los) presento\b(?=\s*[:.,;!]|$)|"
      r"\b(?:os|les|los) conecto\b",
      needs="contacto|presento|conecto", pin="other", contact="other", pair=True,
      examples=("Los pongo en contacto.",)),

    r("presentarme", REQUEST,
      r"\b(?:me )?(?:podrías|podría|puedes|puede|quisieras|quisiera|serías tan amable de|sería tan amable de|te importaría)"
      r"(?: \w+)? (?:presentarme|ponerme en contacto) (?:a|con|al) (?P<x>[^.;!?\n]{1,80})",
      needs="presentar|contacto", ref="addressee", pin="writer", contact="x",
      examples=("¿Sería tan amable de presentarme con el Ing. Raúl Méndez?",)),
    r("me_podrias_presentar", REQUEST,
      r"\bme (?:podrías|podría|puedes|puede) (?:presentar|poner en contacto) (?:a|con|al) (?P<x>[^.;!?\n]{1,80})",
      needs="presentar|contacto", ref="addressee", pin="writer", contact="x",
      examples=("¿Me podrías presentar a Lucía Gómez?",)),
    r("conoces_a_alguien", REQUEST,
      r"\b(?:conoces|conoce|conocéis) a (?:alguien|alguna persona)\b",
      needs="conoc", ref="addressee", pin="writer", examples=("¿Conoces a alguien en Glovo?",)),
    r("quieres_que", REQUEST,
      r"\b(?:quieres|quiere|te gustaría|le gustaría|te parece|le parece) que (?:te|le|se)(?: (?:lo|la|los|las))? "
      r"(?:presente|ponga en contacto)(?: (?:a|con) "
      r"(?P<x>[^.;!?\n]{1,80}))?",
      needs="que te|que le", ref="writer", pin="addressee", contact="x", pair=True, asks_first=True,
      examples=("¿Quieres que te presente a Marta Gil?", "¿Quieres que te la presente?")),

    r("ayudar_familiar", REQUEST,
      r"\b(?:puedes|podrías|podría|puede|podría usted|te importaría|le importaría|estarías dispuest[oa] a)<SHORT>\b"
      r"(?:ayudar|aconsejar|orientar|hablar con|reunirte con|conocer|recibir|echar una mano)(?: a)? (?P<x><RELATION>)",
      needs="ayudar|aconsejar|orientar|hablar con|reunirte|conocer|recibir|echar una mano", ref="writer", pin="x",
      contact="addressee",
      examples=("¿Podrías ayudar a mi sobrino a encontrar prácticas?", "¿Te importaría hablar con mi hermana?")),
    r("tienes_que_hablar", REQUEST,
      r"\b(?:tienes que|deberías|debería usted|tendrías que) (?:hablar con|conocer a|escribir a|contactar (?:a|con)|"
      r"llamar a) (?P<x>(?:la |el )?(?:(?:Dra?|Sra?|Dña)\. )?(?:<RELATION> )?<NAME>)",
      needs="tienes que|deberías|debería|tendrías", ref="writer", pin="addressee", contact="x", asks_first=True,
      examples=("Tienes que hablar con la Dra. Rocío Salazar.", "Deberías conocer a mi amiga Lucía Pardo."),
      misses=("Tienes que hablar con tu jefe primero.",)),
    r("presentarmela", REQUEST,
      r"\b(?:presentárme(?:la|lo|los|las)|presentarme\b(?! a\b| con\b)|presentarme (?:a|con) (?P<x>[^.;!?\n]{1,60})|"
      r"ponerme en contacto con "
      r"(?P<y>[^.;!?\n]{1,60}))",
      needs="presentárme|presentarme|ponerme en contacto", ref="addressee", pin="writer", contact="other",
      examples=("¿Te importaría presentármela por mail?", "¿Podrías presentarme a Marisol Peña?")),
    r("en_nombre_de", REQUEST,
      r"\b(?:en nombre de|(?:un )?favor para) (?P<x>(?:un|una|mi) (?:buen |buena |querido |querida |gran )?(?:amigo|amiga|colega|primo|prima|"
      r"sobrino|sobrina|vecino|vecina)(?:,? <NAME>)?)",
      needs="en nombre de|favor para", ref="writer", pin="x", contact="addressee",
      examples=("Te escribo en nombre de una buena amiga, Lucía Pardo.",
                "Te escribo para pedirte un favor para una buena amiga, Rocío Salinas."),
      misses=("Le escribo en nombre de la empresa.",)),
    r("de_mi_parte", REQUEST,
      r"\b(?:(?:escríbele|escribele|escríbeles|llámale|llámala|llámalo|contáctala|contáctalo|contáctale|háblale) de mi "
      r"parte|que (?:vas|vienes|va|viene) de mi parte|menciona mi nombre|dile que te mando yo)\b",
      needs="mi parte|mi nombre|te mando", ref="writer", pin="addressee", contact="other", asks_first=True,
      examples=("Escríbele de mi parte, seguro que te ayuda.", "Dile que vas de mi parte."),
      misses=("Saluda a tu madre de mi parte.",)),
    r("te_escribo_por", REQUEST,
      r"\b(?:te|le|os) escribo por (?P<x>(?:un|una|mi) (?:\w+ ){0,2}(?:alumn[oa]|amig[oa]|colega|sobrin[oa]|prim[oa]|"
      r"hij[oa]|vecin[oa]|estudiante)(?: mí[oa])?[^.;!?\n]{0,60})",
      needs="escribo por", ref="writer", pin="x", contact="addressee",
      examples=("Te escribo por una alumna mía de segundo de bachillerato, Camila Rojas.",),
      misses=("Te escribo por el tema de la factura.",)),
    r("familiar_busca", REQUEST,
      r"(?P<x><RELATION>)(?:,? <NAME>,?)?<AND> (?:busca|está buscando|anda buscando|se quedó sin trabajo|fue despedid[oa]|"
      r"tiene que encontrar|necesita encontrar)",
      needs="busca|sin trabajo|despedid|encontrar", ref="writer", pin="x", contact="addressee",
      examples=("Mi prima está buscando trabajo en Sevilla.",
                "Mi cuñado Luis terminó la carrera y busca trabajo en Valencia.")),
    r("welcome_es", None,
      r"\b(?:dar|den|demos|denle|demosle|dale) (?:la |una )?(?:\w+ )?(?:cálida |calurosa )?bienvenida\b|\bbienvenid[oa] al equipo\b",
      needs="bienvenid", scope="message",
      examples=("Por favor, denle una cálida bienvenida.", "¡Bienvenida al equipo, Marta!"),
      misses=("Una presentación sería bienvenida.",)),
    r("gracias_presentacion", None,
      r"\bgracias (?:por|de nuevo por|otra vez por) (?:la|el|tu|su) (?:presentación|contacto|intro|introducción|conexión)\b|"
      r"\b(?:te|le) (?:paso|pongo|muevo) a (?:copia oculta|CCO|cco)\b",
      needs="gracias|copia oculta|cco", scope="message",
      examples=("Gracias por la presentación, Pedro.",)),
    r("facturacion", None,
      r"\b(?:se encarga|encargad[oa]|responsable|lleva)\b<SHORT>\b(?:de la |del |de los )?(?:factura\w*|contabilidad|pagos?|"
      r"cobros?|contratos?|administración|soporte)\b",
      needs="encarga|responsable|lleva",
      examples=("Te pongo en copia a Laura, de administración, que se encarga de la facturación.",)),
    r("venta", None,
      r"\bpresentar(?:le|te|les) (?:nuestr[oa]s?|mi empresa)\b|\bnuestr[oa] (?:plataforma|solución|producto|herramienta|"
      r"servicio)\b|\bdarse de baja\b",
      needs="presentar|plataforma|solución|producto|herramienta|servicio|baja", scope="message",
      examples=("Me gustaría presentarle nuestra plataforma de pagos.",)),
)
