"""Portuguese cues (Brazil and Portugal)."""
from __future__ import annotations

from functools import partial

from inbound.analysis.cues import row
from model import Kind

r = partial(row, lang="pt")
SAID, DIRECT, REQUEST = Kind.SAID_TO_CONTACT, Kind.DIRECT_INTRO, Kind.INTRO_REQUEST

ROWS = (
    r("me_indicou", SAID,
      r"\bme (?:indicou|sugeriu|recomendou|aconselhou|disse|pediu|incentivou)\b(?=<GAP>\b(?:você|vocês|te|o|a|lhe|consigo|"
      r"contigo|falar|procurar|contact\w*|escrever)\b)|\b(?:sugeriu|recomendou|aconselhou|disse) que eu (?:te |o |a |lhe )?"
      r"(?:procurasse|contactasse|contatasse|escrevesse|falasse|ligasse|entrasse)\b|"
      # "falou que eu deveria te procurar": the conditional, as Brazilians say it
      r"\b(?:falou|disse|comentou|achou|acha) que eu (?:deveria|devia|podia|poderia|tinha que) (?:te |o |a |lhe )?"
      r"(?:procurar|contactar|contatar|escrever|falar|ligar|entrar em contato)\b",
      needs="indicou|sugeriu|recomendou|aconselhou|disse|pediu|incentivou|falou|comentou|achou|acha",
      ref="left", pin="writer", contact="addressee",
      examples=("A Ana me indicou para falar com você.", "O Eduardo Santos sugeriu que eu te procurasse.",
                "A Renata, do time de produto da Zapt, falou que eu deveria te procurar.",
                "Foi o Dr. Rui Almeida quem me sugeriu que o contactasse.")),
    r("por_indicacao", SAID,
      r"\b(?:por|seguindo a) (?:indicação|sugestão|recomendação|conselho) d[aoe]s?\b|\ba pedido d[aoe]\b|"
      r"\b(?:indicad[oa]|recomendad[oa]) (?:pel[oa]|por)\b",
      needs="indicação|sugestão|recomendação|conselho|a pedido|indicad|recomendad",
      ref="right", pin="writer", contact="addressee",
      examples=("Escrevo por indicação da Beatriz Lima.",)),
    r("passou_contato", SAID,
      r"\bme (?:passou|deu|enviou) (?:o )?(?:seu|teu) (?:contato|contacto|nome|e-?mail|número)\b|\bme falou (?:muito bem )?"
      r"de (?:você|ti)\b",
      needs="contato|contacto|nome|mail|número|falou", ref="left", pin="writer", contact="addressee",
      examples=("O Marcos me passou o seu contato.",)),

    r("apresento", DIRECT,
      r"\b(?:apresento|apresento-lhe|apresento-te|apresento-vos|(?:quero|queria) (?:te |lhe |vos )?apresentar(?:-te|-lhe|-vos)?|"
      r"gostaria de (?:te |lhe |vos )?"
      r"apresentar)(?! um ao outro| uma à outra| vocês)(?: a | o | à | ao )?(?!noss|minha empresa)(?P<x>[^.;!?\n]{1,80})",
      needs="apresent", pin="x", contact="addressee", pair=True,
      examples=("Apresento-lhe a Eng.ª Marta Ribeiro.",)),
    r("um_ao_outro", DIRECT,
      r"\bapresent(?:o|ar|ando) (?:vocês |vos )?(?:um ao outro|uma à outra|vocês)\b|"
      r"\b(?:coloco|deixo|ponho)(?:-vos| vocês| vos)(?: já| agora| aqui| desde já)? em (?:contato|contacto)\b|"
      r"\b(?:vos|os) (?:pôr|por|colocar) em (?:contato|contacto)\b|\b(?:pôr|colocar)-vos em (?:contato|contacto)\b|"
      r"\bestou (?:conectando|apresentando) vocês\b|\bvou (?:apresentar|conectar) vocês\b",
      needs="outro|outra|vocês|vos", pin="other", contact="other", pair=True,
      examples=("Apresento um ao outro!", "Estou conectando vocês.", "Tomo a liberdade de vos pôr em contacto.",
                "Pediu-me para lhe indicar pessoas, por isso ponho-vos já em contacto (Sara em cópia).")),
    r("faco_a_apresentacao", REQUEST,
      # The referrer asks first: "você toparia bater um papo com a Larissa? Se topar, faço a apresentação."
      r"\bse (?:topar|quiser|aceitar|tiver interesse|você topar|você quiser)\b<SHORT>\b(?:faço|farei|posso fazer) a "
      r"apresentação\b|\b(?:toparia|topa|aceitaria|gostaria|teria interesse em) (?:bater um papo|conversar|falar) com "
      r"(?P<x>[^.;!?\n]{1,80})",
      needs="apresentação|toparia|topa|aceitaria|teria interesse", ref="writer", pin="x", contact="addressee",
      pair=True, asks_first=True,
      examples=("Queria saber se você toparia bater um papo com a Larissa Duarte, uma designer gráfica.",
                "Se topar, faço a apresentação por e-mail."),
      misses=("Você toparia um café na sexta?",)),

    r("me_apresentar", REQUEST,
      r"\b(?:poderia|podia|pode|consegue|conseguiria|você poderia|podes)(?: \w+)? (?:me apresentar|apresentar-me|me colocar em "
      r"contato|colocar-me em contacto) (?:a|ao|à|com) (?P<x>[^.;!?\n]{1,80})",
      needs="apresentar|contato|contacto", ref="addressee", pin="writer", contact="x",
      examples=("Você poderia me apresentar ao Thiago Martins?",)),
    r("conhece_alguem", REQUEST,
      r"\b(?:conhece|conheces|conhecem) (?:alguém|alguma pessoa)\b",
      needs="conhece", ref="addressee", pin="writer", examples=("Conhece alguém na Nubank?",)),
    r("quer_que", REQUEST,
      r"\b(?:quer|queres|gostaria) que eu (?:te |lhe |o |a )?(?:apresente|coloque em contato)(?: (?:a|ao|à|com) "
      r"(?P<x>[^.;!?\n]{1,80}))?",
      needs="que eu", ref="writer", pin="addressee", contact="x", pair=True, asks_first=True,
      examples=("Quer que eu te apresente ao Paulo?",)),

    r("ajudar_familiar", REQUEST,
      r"\b(?:pode|poderia|podes|poderias|consegue|conseguiria|você poderia|você pode|estaria disponível para)<SHORT>\b"
      r"(?:ajudar|aconselhar|orientar|falar com|conversar com|receber|conhecer|dar uma mão a)(?: (?:a|o|ao|à))? (?P<x><RELATION>)",
      needs="ajudar|aconselhar|orientar|falar com|conversar com|receber|conhecer|dar uma mão", ref="writer", pin="x",
      contact="addressee",
      examples=("Poderia ajudar o meu sobrinho a encontrar um estágio?", "Você pode conversar com minha irmã?")),
    r("em_nome_de", REQUEST,
      r"\bem nome (?:de|do|da) (?P<x>(?:um|uma|meu|minha) (?:grande |bom |boa |querido |querida )?(?:amigo|amiga|colega|"
      r"primo|prima|sobrinho|sobrinha|vizinho|vizinha)(?:,? <NAME>)?)",
      needs="em nome", ref="writer", pin="x", contact="addressee",
      examples=("Escrevo em nome de uma grande amiga, Beatriz Lopes.",),
      misses=("Escrevo em nome da empresa.",)),
    r("diz_que_fui_eu", REQUEST,
      r"\b(?:diz|diga|fala|fale) que (?:fui eu (?:quem|que) (?:te|o|a|lhe) indiquei|(?:você )?(?:vai|vais|vem) da minha "
      r"parte)\b|\b(?:usa|use|usar) o meu nome\b|\bmenciona o meu nome\b",
      needs="fui eu|minha parte|meu nome", ref="writer", pin="addressee", contact="other", asks_first=True,
      examples=("Diz que fui eu que te indiquei.", "Pode usar o meu nome."),
      misses=("Manda um beijo à tua mãe da minha parte.",)),
    r("conversar_com_ele", REQUEST,
      r"\b(?:toparia|poderia|podia|aceitaria|teria (?:um tempo|tempo) para) (?:conversar|falar|bater um papo|tomar um café)"
      r"(?: \w+){0,3} com (?P<x>ele|ela)\b",
      needs="conversar|falar|papo|café", ref="writer", pin="x", contact="addressee",
      examples=("Toparia conversar uns 20 minutos com ele?",)),
    r("familiar_procura", REQUEST,
      r"(?P<x><RELATION>)(?:,? <NAME>,?)?<AND> (?:procura|está à procura|está procurando|anda à procura|foi despedid[oa]|"
      r"precisa (?:de )?encontrar|tem de encontrar|tem que encontrar|"
      r"ficou desempregad[oa])",
      needs="procura|despedid|desempregad|encontrar", ref="writer", pin="x", contact="addressee",
      examples=("A minha prima está à procura de emprego em Lisboa.",
                "A minha sobrinha Inês acabou o curso e está procurando emprego em Braga.")),
    r("welcome_pt", None,
      r"\b(?:dar|deem|dêem|demos|deem-lhe|dêem-lhe|dê) (?:as |umas )?(?:calorosas )?boas-vindas\b|\bbem-vind[oa] (?:à|a) equipa\b|"
      r"\bbem-vind[oa] ao time\b",
      needs="boas-vindas|bem-vind", scope="message",
      examples=("Deem as boas-vindas ao Rui!", "Bem-vinda à equipa, Sofia!"),
      misses=("Uma apresentação seria bem-vinda.",)),
    r("obrigado_apresentacao", None,
      r"\bobrigad[oa] (?:pela|pelo|mais uma vez pela) (?:apresentação|indicação|contato|contacto|intro|conexão)\b|"
      r"\b(?:te|o|a) (?:passo|coloco|movo) (?:para|em) (?:cópia oculta|cco|CCO|bcc)\b",
      needs="obrigad|cópia oculta|cco|bcc", scope="message",
      examples=("Obrigado pela apresentação, Ana!",)),
    r("financeiro", None,
      r"\b(?:cuida|cuidam|responsável|encarregad[oa])\b<SHORT>\b(?:d[aoe]s? )?(?:notas? fisca\w*|fatura\w*|financeiro|"
      r"pagamentos?|contratos?|cobranças?)\b",
      needs="cuida|responsável|encarregad",
      examples=("Estou copiando a Juliana, do financeiro, que cuida das notas fiscais.",)),
    r("venda", None,
      r"\b(?:apresentar|apresentamos) (?:noss[oa]s?|a nossa)\b|\bnoss[oa] (?:plataforma|solução|produto|ferramenta)\b|"
      r"\bdescadastr\w+\b|\bcancelar (?:a )?inscrição\b",
      needs="apresent|plataforma|solução|produto|ferramenta|descadastr|inscrição", scope="message",
      examples=("Gostaria de apresentar nossa plataforma.",)),
)
