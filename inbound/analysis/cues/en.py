"""English cues. Each row is one way of writing a hand-off (or of writing ordinary mail that
sounds like one), with the places its roles are read from (see cues/__init__.py)."""
from __future__ import annotations

from functools import partial

from inbound.analysis.cues import row
from model import Kind

r = partial(row, lang="en")
SAID, DIRECT, REQUEST = Kind.SAID_TO_CONTACT, Kind.DIRECT_INTRO, Kind.INTRO_REQUEST

# Reaching out, as the PIN writes it; "you" is the contact.
CONTACT_ACT = (r"(?:contact|reach out|get in touch|be in touch|get in contact|connect|write|e-?mail|message|call|ring|"
               r"phone|talk|speak|meet|chat|touch base|ping|drop(?= (?:you )?a (?:line|note))|introduce myself|"
               r"send|ask|liaise|follow up|pass)")
# The act must be towards the reader: "you" follows in the sentence, or the act ends the clause.
_CLAUSE_END = r"\s*(?:[.,;:!?(\-]|$|and\b|about\b|since\b|as\b|regarding\b|re\b|for\b|to discuss\b|on\b)"
TO_YOU = r"(?=<GAP>\b(?:you|your|yourself)\b|\s*(?:" + CONTACT_ACT + r")\b" + _CLAUSE_END + r")"
AFTER_ACT = r"(?=<GAP>\b(?:you|your|yourself)\b|" + _CLAUSE_END + r")"

ROWS = (
    # --- said_to_contact: the PIN writes to the contact, citing the referrer -------------------
    r("suggested_i", SAID,
      r"\b(?:suggested|suggests|recommended|recommends|advised|encouraged|urged|insisted|proposed)(?: to me)?,?(?: that)?,? "
      r"(?:(?:I|me)\b(?!'m| am| was| have| had)(?: to| should| might| could| would| ought to| must| may)?"
      r"(?: (?:try|possibly|also|definitely|really|probably|just|directly))?" + TO_YOU + r"|"
      r"we (?:should |might |could )?(?:talk|meet|connect|chat|speak|get in touch|get together|compare notes|grab coffee)\b"
      # a time or a place is scheduling: "she suggested we meet at 3 instead"
      r"(?! (?:at|on|in|instead|tomorrow|today|tonight|again|later|earlier|after|before|next|this|there|here)\b))",
      needs="suggest|recommend|advis|encourag|urge|insist|propos",
      ref="left", pin="writer", contact="addressee",
      examples=("Sheila Okafor, who I met at the meetup, suggested I reach out to you.",
                "She said the slot was filled and suggested I contact you about the senior opening.",
                "My friend Dev Patel said you invest in hardware and suggested I get in touch.",
                "Ben suggested I reach out (his note is below).",
                "Patricia, my manager for four years, recommended I contact you regarding analyst roles.",
                "She recommended that I contact you."),
      misses=("Sheila suggested we push the sync to Thursday.", "She suggested I take the job.",
              "She suggested we meet at 3 instead of 1.")),
    r("heres_the_intro", DIRECT,
      r"\b(?:here(?:'s| is)|this is|consider this) (?:the|an|my|your|a quick|a brief) (?:e-?)?intro(?:duction)?\b|"
      r"^(?:a )?(?:quick|brief|short) (?:e-?)?intro(?:duction)?(?=\s*(?::|,|-|so\b|as promised|between\b|$))|"
      r"\b(?:e-?)?introducing you (?:both|two)\b",
      needs="intro", pin="other", contact="other", pair=True,
      examples=("Ingrid, Malik - thanks both for the quick yes; here's the intro.",
                "Quick intro so you can take it from here:"),
      misses=("Quick intro request - Alvarez Robotics",)),
    r("vocative_description", DIRECT,
      r"^(?P<y><NAME>)\s*(?::|-|--|,)\s*(?P<x><NAME>)(?:'s)? (?:is|was|has|leads|runs|heads|manages|founded|works|joined|"
      r"just|recently|and I|spent|built|knows)\b",
      needs="is|was|has|leads|runs|heads|manages|founded|works|joined|just|recently|and i|spent|built|knows",
      pin="x", contact="y", pair=True, flags=0,
      examples=("Malik: Ingrid is co-founder and CEO of Ferrovia.", "Sofia - Kwame is finishing his PhD in my group.",
                "Ali, Bea is the smartest person I know on freight pricing.")),
    r("suggested_she", SAID,
      r"\b(?:suggested|recommended|advised|said|thought|asked|told) (?:that )?(?P<x>he|she|they|him|her|them)"
      r"(?: should| might| could| would| ought to| to)? (?:" + CONTACT_ACT + r")\b(?=<GAP>\b(?:you|your)\b)",
      needs="suggest|recommend|advis|said|thought|asked|told", ref="left", pin="x", contact="addressee",
      examples=("Rick Craig suggested she talk to you.",)),
    r("was_referred_by", SAID,
      r"\b(?P<x>he|she|they|who|(?-i:[A-Z][\w'\-]+(?: [A-Z][\w'\-]+)?))(?: \w+){0,2}? (?:was|has been|had been|is being|"
      r"were) (?:\w+ )?(?:referred|recommended|sent|pointed) (?:(?:to (?:you|us|me)|your way|our way|my way) )?by\b"
      # A candidate an agency sent, for a fee, is a placement being discussed, not a hand-off.
      r"(?! (?:a|an|the|our|their) (?:\w+ )?(?:headhunter|search firm|staffing agency|placement agency|agency)\b)",
      needs="referred|recommended|sent|pointed", ref="right", pin="x", contact="addressee",
      examples=("He is currently at Reliant; he was referred by Karen Lindley.",
                "Paul Beckner with Citizens was referred by Jack Oliver to speak with you."),
      misses=("The bad news is that he was referred by a headhunter (the fee is 20%).",)),
    r("asked_me_to", SAID,
      r"\b(?:asked|told|requested|wanted|encouraged|urged|instructed|directed|invited) (?:me|that I)(?: to)? "
      r"(?:(?:try|also|please|directly) )?(?:(?:contact|reach out|get in touch|be in touch|get in contact|call|ring|phone|"
      r"talk|speak|meet|touch base|connect|write|e-?mail|introduce myself)\b"
      r"(?!\s+(?:you guys|y'all|all of you|both of you|the (?:team|group)|this|it|that|these|those|the\b|a copy|along|"
      r"over|you and let|and let))" + AFTER_ACT + r"|"
      r"(?:send|forward) you (?:my|a copy of my|a note|a line|an? e-?mail)\b|drop you a (?:line|note)\b)",
      needs="asked|told|request|wanted|encourag|urge|instruct|direct|invite",
      ref="left", pin="writer", contact="addressee",
      examples=("John White asked me to contact you.", "Mike asked me to send you my resume for a potential position.",
                "Joe asked me to get in touch with you regarding the project.",
                "Marcus Ashford, my TA, told me to reach out.", "Hunt Mitchell asked me to email you."),
      misses=("He told me that you guys have rescheduled.", "Lance asked me to send you the attached draft.",
              "Alan asked me to email this to you.", "Kate asked me to email you and let you know that we confirm.")),
    r("said_i_should", SAID,
      r"\b(?:said|thought|felt|believes|figured|mentioned|thinks|feels)(?: (?:strongly|really|honestly|genuinely|firmly))?"
      r"(?: that)?,? I (?:really |definitely |absolutely |just )?(?:should|could|might|ought to|must|"
      r"would do well to)(?: (?:also|really|definitely))? (?:" + CONTACT_ACT + r")\b" + AFTER_ACT,
      needs="said|thought|felt|believe|figured|mention|think|feel",
      ref="left", pin="writer", contact="addressee",
      examples=("Greg said I should write to you.", "Maria thought I should reach out to you directly.",
                "She felt strongly that I should get in touch with you before we start.",
                "She said I really ought to get in touch with you."),
      misses=("He said I could apply online.",)),
    r("and_that_i_should", SAID,
      r"\b(?:told|said|wrote|mentioned|assured)(?: me)?(?: that)? [^.;!?\n]{3,140}? and that I (?:really |definitely )?"
      r"(?:should|could|ought to|must|might) (?:" + CONTACT_ACT + r")\b" + AFTER_ACT,
      needs="and that i", ref="left", pin="writer", contact="addressee",
      examples=("Eleanor Fitzgibbon told me that you had solved this problem before and that I should contact you.",
                "My aunt said you sometimes take on second shooters and that I should get in touch."),
      misses=("She told me that the office is closed and that I should call back tomorrow.",)),
    r("was_pointed_to_you", SAID,
      r"\bI was (?:pointed|referred|sent|directed|steered) (?:to you|your way|in your direction|towards? you) by\b",
      needs="pointed|referred|sent|directed|steered", ref="right", pin="writer", contact="addressee",
      examples=("I was pointed to you by Dana Lee.", "I was referred to you by the alumni careers office."),
      misses=("I was sent to the wrong desk by reception.",)),
    r("handed_over", SAID,
      r"\b(?:recently |has |had )*(?:passed|handed|turned)\b<SHORT>\b(?:on ?to|over to) me\b",
      needs="to me", ref="left", pin="writer", contact="addressee",
      examples=("Lexi Elliott recently passed UT recruiting onto me.",)),
    r("told_me_you", SAID,
      r"\b(?:told me|mentioned|said|says|thought|thinks|felt|believes|suggested|assured me)(?: hi and| hello and)?(?: that)?,? "
      r"you(?:'d|'re| would| might| "
      r"could| may| can| are| were| will)? (?:be )?(?:able to |the person to |well placed to )?(?:help|advise|a (?:great|good|"
      r"right|perfect|ideal|useful|natural) (?:person|one|contact|resource)|the (?:right|best|perfect|ideal) (?:person|one)|"
      r"the (?:person|one) to (?:ask|talk to|speak to|see)|"
      r"(?:the |a |an )?(?:go-to|expert|authority|guru)\b|"
      r"know|have (?:some |a copy|the |more |information|info|details|insight|advice|thoughts|ideas|experience)|run|lead|"
      r"head|manage|invest|hire|are hiring|hiring|building|looking for|open to|happy to|glad to|willing to|"
      r"kind enough to)",
      needs="told me|mention|said|says|thought|think|felt|believe|suggest|assured",
      ref="left", pin="writer", contact="addressee",
      examples=("PS: Maria Esposito says hi and that you're the person to ask about industrial heat.",
                "My neighbor, Carol Jennings, told me you run the internship program.",
                "Lee thought you'd be a great person to talk to.",
                "Jane mentioned you might be able to help.",
                "Greg Hall mentioned you're the go-to person for freight pricing."),
      misses=("I thought you would like the photos.", "You said you were busy this week.")),
    r("told_me_your_team", SAID,
      r"(?<!\byou )(?<!\bI )(?<!\bwe )\b(?:told me|mentioned|said|says|thought|thinks)(?: that)?,? your (?:team|company|"
      r"group|lab|firm|department|office|"
      r"studio|practice|startup|agency|school|clinic|hospital|unit)\b<SHORT>\b(?:hires|is hiring|was hiring|might be hiring|"
      r"may be hiring|needs|is looking for|could use|has (?:an )?openings?|takes on)\b",
      needs="told me|mention|said|says|thought|think", ref="left", pin="writer", contact="addressee",
      examples=("When I spoke with Olufemi Adeyemi last week, he mentioned that your team at Savannah Data hires data "
                "engineers in Nairobi.",),
      misses=("You said your team needs the report by Friday.",)),
    r("thought_we_should", SAID,
      r"(?<!\bI )(?<!\bwe )\b(?:thought|thinks|felt|feels|figured|said|says|believes|believed|insisted|mentioned)"
      r"(?: that)? (?:we|the two of us|you and I) (?:should|must|ought to|need to|might want to|would (?:enjoy|benefit from)) "
      r"(?:talk|chat|connect|meet|speak|get in touch|compare notes|grab coffee|get to know each other)\b",
      needs="thought|think|felt|feel|figured|said|says|believe|insisted|mentioned",
      ref="left", pin="writer", contact="addressee",
      examples=("Greg Hall thought we should chat: I am building tooling for freight brokers.",
                "Mina insisted that you and I should meet."),
      misses=("I thought we should meet at the station.",)),
    r("pointed_me", SAID,
      r"\b(?:pointed|sent|directed|referred|steered|forwarded|passed) me (?:your way|in your direction|to you|toward you|"
      r"towards you|over to you|on to you)\b",
      needs="me your way|me in your direction|me to you|me toward|me over to you|me on to you",
      ref="left", pin="writer", contact="addressee",
      examples=("Lucy Grant pointed me your way.", "Jonah referred me to you."),
      misses=("Please send me your notes.",)),
    r("gave_me_your_name", SAID,
      r"(?<!\bI )(?<!\bI've )(?<!\bwe )\b(?:gave|given|passed(?: along| on)?|forwarded|shared|sent|provided|offered) (?:me )?your (?:name|e-?mail(?: address)?|"
      r"number|phone number|contact(?: info(?:rmation)?| details)?|details|info|address)\b",
      needs="your name|your email|your e-mail|your number|your contact|your details|your info|your address|your phone",
      ref="left", pin="writer", contact="addressee",
      examples=("Lee Allbritton gave me your name.", "Ana passed along your contact details."),
      misses=("I gave your name to Lynn, who will call you.",)),
    r("recommended_by", SAID,
      r"\b(?:I|we|you)(?:'ve| have| had)?(?: \w+)?? (?:was|were|been|being|came|come|comes|am|are) (?:\w+ ){0,2}?(?:referred|"
      r"recommended|pointed|directed|sent|suggested|told|put in touch)(?: to you| your way| in your direction)? by\b",
      needs="by", ref="right", pin="writer", contact="addressee",
      examples=("I was referred to you by Patricia Lang.",
                "You came highly recommended by Dr. Samuel Adeyemi, who chaired my committee.",
                "I was told by someone at the conference that you lead the routing team."),
      misses=("The report was written by Patricia Lang.",)),
    r("referred_by", SAID,
      r"(?:^|[-:(|]\s*|^intro(?:duction)? )(?:referred by|referral from|recommended by|introduced by|friend of|via)\s+(?=<NAME>)",
      needs="referred by|referral from|recommended by|introduced by|friend of|via ",
      ref="right", pin="writer", contact="addressee",
      examples=("Senior UX Researcher opening - referred by Rachel Kim", "Intro via Marta"),
      misses=("Sent via Superhuman",)),
    r("name_from", SAID,
      r"\b(?:got|received|obtained|have|had|found|picked up|was given|were given|been given|took) your (?:name|e-?mail"
      r"(?: address)?|number|contact(?: details| info(?:rmation)?)?|details|address) (?:from|through|via|by|thanks to)\b",
      needs="your name|your email|your e-mail|your number|your contact|your details|your address",
      ref="right", pin="writer", contact="addressee",
      examples=("I got your name from Sheila Brandt.",),
      ),
    r("name_given", SAID,
      r"\byour (?:name|e-?mail(?: address)?|number|contact(?: details)?) (?:was|has been|came up)(?: \w+){0,3}? "
      r"(?:by|from|with|in (?:a |my )?conversation with|when I (?:spoke|talked) (?:with|to))\b",
      needs="your name|your email|your e-mail|your number|your contact",
      ref="right", pin="writer", contact="addressee",
      examples=("Your name came up in a conversation with Mia Lopez.", "Your name was given to me by Tom Lee."),
      misses=("Your name was spelled wrong on the badge.",)),
    r("at_the_suggestion_of", SAID,
      r"\b(?:at|on|per|upon|following|after|with) (?:the )?(?:kind )?(?:suggestion|recommendation|advice|urging|encouragement|"
      r"prompting|referral) of\b",
      needs="suggestion of|recommendation of|advice of|urging of|encouragement of|prompting of|referral of",
      ref="right", pin="writer", contact="addressee",
      examples=("I'm writing at the suggestion of Mike Torres.",)),
    r("at_x_suggestion", SAID,
      r"\b(?:at|on|per|upon|following|after|with) (?P<x><NAME>)'s? (?:kind )?(?:suggestion|recommendation|advice|urging|"
      r"encouragement|prompting|referral)\b",
      needs="suggestion|recommendation|advice|urging|encouragement|prompting|referral",
      ref="x", pin="writer", contact="addressee",
      examples=("Per Anil's suggestion, I'm reaching out about mentoring.",
                "At Professor Venkatesan's suggestion, I am writing to ask about the lab."),
      misses=("Per our conversation, here is the deck.",)),
    r("sent_me", SAID,
      r"\b(?:said|told me) (?:that )?I should (?:" + CONTACT_ACT + r")\b",
      needs="said|told me", ref="left", pin="writer", contact="addressee",
      examples=("Greg said I should write to Owen.",)),
    r("tell_her_i_sent_you", SAID,
      r"\byou should (?:really )?(?:reach out to|contact|talk to|speak to|speak with|get in touch with|meet|e-?mail|write to) "
      r"(?P<x><NAME>)",
      needs="you should", ref="writer", pin="addressee", contact="x",
      examples=("You should really talk to Gwen Halloran.",)),

    # --- direct_intro: the writer introduces two people now ---------------------------------
    r("meet_x", DIRECT,
      r"(?:^|[,;:.!\-]\s*|\bplease\s+|\byou should\s+|\bI'?d like you to\s+|\bI want you to\s+|\bcome\s+|\bsay hello to\s+)"
      r"(?-i:[Mm]eet)\s+(?P<x><NAME>)(?=\s*(?:[.!,;:(\-]|$|\s+(?:who|from|at|of|she|he|they|-)\b))",
      needs="meet", pin="x", contact="other", pair=True,
      examples=("Ben, meet Claire.", "Marcus, meet Lina!", "Please meet Jane Roe, who runs growth at Acme."),
      misses=("Happy to meet Tuesday.", "Let's meet at the curb.", "Can we meet for coffee?")),
    r("this_is", DIRECT,
      r"^(?P<y><NAME>),? (?:this is|voici|je te présente|este es|esta es|este é|esta é|dit is|questo è|questa è) (?P<x><NAME>)",
      needs="this is|voici|présente|este es|esta es|este é|esta é|dit is|questo è|questa è", pin="x", contact="y",
      pair=True, flags=0,
      examples=("Dana, this is Sam Brown.", "Léa, voici Karim.")),
    r("meet_each_other", DIRECT,
      r"\b(?:please )?meet (?:each other|one another)\b|\b(?:meet|say hello to) (?:your|my) (?:new )?(?:contact|connection)\b",
      needs="meet", pair=True, pin="other", contact="other",
      examples=("Please meet each other!",)),
    r("introduce_you_to", DIRECT,
      r"\bintroduc(?:e|ing) you(?: (?:two|both|all))? to (?!each other|one another|the (?:audience|room|panel|crowd|group|"
      r"class|team)\b)(?P<x>[^.;!?\n]{1,80})",
      needs="introduc", pin="x", contact="addressee", pair=True,
      examples=("I'd like to introduce you to Jane Roe.", "I wanted to introduce you to Sam, my former intern."),
      misses=("I'll introduce you to the audience before we start.",)),
    r("introduce_you_two", DIRECT,
      r"\bintroduc(?:e|ing) you (?:two|both|all|to each other|to one another)\b|\bintroduc(?:e|ing) (?:the )?two of you\b|"
      r"\b(?:delighted|pleased|happy|glad|excited|thrilled|honou?red|want|wanted|like|love|going) to introduce "
      r"(?:you|each of you)(?: (?:all|both|two))?\b(?! to)",
      needs="introduc", pair=True, pin="other", contact="other",
      examples=("I'm delighted to introduce you to each other.", "Introducing you two!"),
      misses=("I'll introduce you before we start.",)),
    r("introduce_x", DIRECT,
      r"\b(?:(?:pleased|delighted|happy|glad|excited|thrilled|honou?red|like|love|want|wanted|going) to|let me|allow me to|"
      r"may I|I'?d like to) introduce (?!you\b|myself|ourselves|our |my company|us\b)(?P<x>[^.;!?\n]{1,80})",
      needs="introduce", pin="x", contact="other", pair=True,
      examples=("I'm pleased to introduce Jane Roe, who leads design at Acme.", "Let me introduce Felix Adams."),
      misses=("Let me introduce myself.", "I wanted to introduce our new platform.")),
    r("introducing_x", DIRECT,
      r"(?:^|[-:]\s*)(?-i:Introducing|Intro(?:duction)?:)\s+(?P<x><NAME>)",
      needs="introducing|intro", pin="x", contact="other", pair=True,
      examples=("Introducing Maria Lopez (cc'd)!",)),
    r("connect_you", DIRECT,
      r"\b(?:connect|connecting|link|linking) you(?: (?:two|both|all))?(?: (?:with|to) (?P<x>[^.;!?\n]{1,80}))?",
      needs="connect|link", pin="other", contact="other", pair=True,
      examples=("I'd love to connect you two.", "As promised, connecting you two.",
                "I wanted to connect you with Dana Lee."),
      misses=("Could you connect me with Dana?",)),
    r("connect_x_with_y", DIRECT,
      r"\b(?:connect|connecting|link|linking|introduce|introducing|put|putting) (?P<x><NAME>)(?:\s*\([^)]{0,40}\))?"
      r" (?:with|and|to|in touch with) (?P<y><NAME>)",
      needs="connect|link|introduc|put", pin="x", contact="y", pair=True,
      examples=("I'd like to connect Ana Ruiz with Tom Becker.", "I'm introducing Jess Moreno to Omar Farouk."),
      misses=("Please connect me with Tom Becker.",)),
    r("in_touch", DIRECT,
      r"\b(?:put(?:ting)?|bring(?:ing)?|get(?:ting)?) you (?:two|both|all) (?:in touch|together|in contact)\b|"
      r"\b(?:put(?:ting)?|bring(?:ing)?) you in (?:touch|contact) with (?P<x>[^.;!?\n]{1,80})",
      needs="in touch|together|in contact", pair=True, pin="other", contact="other",
      examples=("Putting you two in touch.", "I'm putting you in touch with Mara Lin."),
      misses=("Please put me in touch with Mara.",)),
    r("looping_in", DIRECT,
      r"\b(?:looping|loop|cc'?ing|copying|adding|bringing)(?: in)? (?P<x><NAME>)(?:\s*\([^)]{0,30}\))?,?\s*(?:-\s*)?"
      r"(?:who|since|as (?:she|he)|because|she|he)\b",
      needs="loop|cc|copying|adding|bringing", contact="x", pin="other",
      examples=("Looping in Priscilla Owusu, who runs engineering recruiting at Canopy.",
                "Adding Kevin Park, who knows everything about pricing."),
      misses=("Looping in the team.",)),
    r("you_two_should", DIRECT,
      r"\b(?:you two|you both|the two of you|both of you)\b<GAP>\b(?:should|would|could|will|might|must)\b<SHORT>"
      r"\b(?:talk|meet|connect|chat|get together|have a lot|hit it off|get along|compare notes|know each other)",
      needs="you two|you both|two of you|both of you", pair=True, pin="other", contact="other",
      examples=("I think you two would have a lot to talk about.", "You both should really meet."),
      misses=("You two should bring the slides.",)),
    r("subject_pair", DIRECT,
      r"\b(?:intro(?:duction)?|connecting(?: you)?|meet|vorstellung|kennenlernen|mise en relation|présentation|"
      r"presentaci[óo]n|apresenta[çc][ãa]o|kennismaking|introductie|presentazione)\b\W{0,4}(?P<x><NAME>)"
      r"(?:\s*\([^)]{0,40}\))?\s*(?:<>|<->|<=>|/|\+|&|↔|→|->|and|und|et|y|e|en)\s*(?P<y><NAME>)",
      needs="intro|connect|meet|vorstellung|kennenlernen|relation|présentation|presentaci|apresenta|kennismaking|"
            "presentazione",
      pin="x", contact="y", pair=True,
      examples=("Intro: Ben (Northgate) <> Claire (Fernwood)", "Connecting you: Jess Moreno <> Omar Farouk"),
      misses=("Sierra Pacific/Nevada Power Transmission",)),
    r("pair_arrow", DIRECT,
      r"(?P<x><NAME>)(?:\s*\([^)]{0,40}\))?\s*(?:<>|<->|<=>|↔)\s*(?P<y><NAME>)",
      needs="<>|<->|<=>|↔", pin="x", contact="y", pair=True,
      examples=("Jess Moreno <> Omar Farouk",)),
    r("gave_your_name_to", DIRECT,
      r"(?<!\bif )(?<!\bcan )(?<!\bmay )(?<!\bcould )"  # "mind if I passed your email ...?" asks first
      r"\bI(?:'ve| have)? (?:given|gave|passed(?: along| on)?|forwarded|sent|shared) your (?:name|number|e-?mail|"
      r"contact(?: details)?|details)<SHORT> to (?P<x>[^.;!?\n]{1,80})",
      needs="your name|your number|your email|your e-mail|your contact|your details",
      ref="writer", pin="x", contact="addressee", offline=True,
      examples=("I gave your name and number to Lynn, who will call you.",)),
    r("relative_will_contact", DIRECT,
      r"(?P<x><RELATION>(?:,? <NAME>)?)<GAP>\s(?:is going to|will|'ll|is about to|plans to|wants to|would like to|may)\s+"
      r"(?:be )?(?:" + CONTACT_ACT + r")(?: with| to)?\s+(?:you)\b",
      needs="will|'ll|going to|about to|plans to|wants to|would like to|may",
      ref="writer", pin="x", contact="addressee", offline=True,
      examples=("My wife's sister Lena was just laid off and is going to connect with you.",),
      misses=("Kim will call you about the contract.",)),

    # --- intro_request: an intro asked for or offered, not made yet ---------------------------
    r("introduce_me", REQUEST,
      r"\b(?:introduc(?:e|ing)|intro(?:'?ing)?|connect(?:ing)?|link(?:ing)?|refer(?:ring)?|recommend(?:ing)?) me "
      r"(?:to|with) (?P<x>[^.;!?\n]{1,80})",
      needs="me to|me with", ref="addressee", pin="writer", contact="x",
      examples=("Could you introduce me to her?", "Thanks for offering at dinner to intro me to Lucas Moreau.",
                "Would you mind connecting me with Dana Lee?"),
      misses=("He introduced me to his wife.",)),
    r("introducing_me", REQUEST,
      r"\b(?:introducing|connecting|intro'?ing|introduce|intro) me\b(?! to| with)",
      needs="introducing me|connecting me|intro'ing me|introduce me|intro me|introing me",
      ref="addressee", pin="writer", contact="other",
      examples=("Would you be up for introducing me?", "If you know someone, could you introduce me?")),
    r("put_me_in_touch", REQUEST,
      r"\b(?:put|get|bring) me in (?:touch|contact) with (?P<x>[^.;!?\n]{1,80})",
      needs="in touch with|in contact with", ref="addressee", pin="writer", contact="x",
      examples=("Could you put me in touch with him?",)),
    r("make_an_intro", REQUEST,
      r"\byou\b<SHORT>\b(?:make|making|do|doing|set up|setting up|arrange|arranging|facilitate|facilitating) "
      r"(?:an |the |a (?:quick |brief )?)?(?:intro(?:duction)?|"
      r"connection|e-?intro)\b"
      r"(?: (?:to|with|for) (?P<x>[^.;!?\n]{1,80}))?",
      needs="intro|connection", ref="addressee", pin="writer", contact="x",
      examples=("Would you be willing to make an intro?", "Would you be comfortable making an intro?"),
      misses=("I'll make the intro now.",)),
    r("love_an_intro", REQUEST,
      r"\b(?:would|'d|I'd|I would) (?:love|like|appreciate|welcome|be grateful for) (?:an? |your )?(?:intro(?:duction)?|"
      r"connection|e-?intro)(?: (?:to|with) (?P<x>[^.;!?\n]{1,80}))?",
      needs="intro|connection", ref="addressee", pin="writer", contact="x",
      examples=("Would love an intro to anyone you think could spare an hour.",)),
    r("know_anyone", REQUEST,
      r"\b(?:do|would|might) you (?:happen to )?know (?:anyone|anybody|someone|somebody|people|folks|a good)\b",
      needs="know", ref="addressee", pin="writer",
      examples=("Quick favor: do you know anyone at Stripe?",
                "Random ask: do you know anyone who's really good at B2B SaaS pricing?")),
    r("is_there_anyone", REQUEST,
      r"\b(?:is there|would there be|do you have) (?:anyone|anybody|someone|somebody|a person|a colleague)"
      r"(?: (?:on|in|at) (?:your|the) (?:team|company|firm|group|network|department|office))?"
      r"(?: (?:you know|you could think of|you'd recommend))? (?:who|that) (?:could|can|might|would)"
      r" (?:help|advise|give|talk|speak|meet|mentor|guide|point|share)\b",
      needs="anyone|anybody|someone|somebody|a person|a colleague", ref="addressee", pin="writer",
      examples=("Is there someone on your team who could give my brother-in-law advice about moving to Lisbon?",
                "Is there anyone you know who could help me understand the grant process?"),
      misses=("Is there anyone who can cover my shift on Friday?",)),
    r("pass_on_your_details", REQUEST,
      r"\b(?:(?:mind|okay|ok|alright|all right|fine) if I|(?:can|could|may) I) (?:pass(?:ed)?|share[ds]?|give|gave|"
      r"forward(?:ed)?|sen[dt])(?: on)? your (?:e-?mail(?: address)?|address|name|number|details|"
      r"contact(?: details| info)?)(?: on)? (?:to|with) (?!our\b|the\b|your\b)(?P<x>[^.;!?\n]{1,80})",
      needs="your", ref="writer", pin="x", contact="addressee", asks_first=True,
      examples=("Would you mind if I passed your email on to a friend, Hugo Lind?",
                "Is it okay if I share your contact details with my cousin Mara?"),
      misses=("Would you mind if I forwarded your email to our billing team?",)),
    r("you_know_x", REQUEST,
      r"\byou (?:mentioned|said|told me) (?:that )?you know (?P<x>[^.;!?\n]{1,80})",
      needs="you know", ref="addressee", pin="writer", contact="x",
      examples=("You mentioned you know Dr. Evelyn Lin, who runs the fellowship.",)),
    r("introduce_x_to_y", REQUEST,
      r"(?<!\ban )(?<!\bthe )(?<!\byour )(?<!\bmy )(?<!\bhis )(?<!\bher )(?<!\bour )"
      r"\b(?:introduce|intro|connect|link|put) (?!me\b|you\b|myself\b|us\b|from\b|between\b)(?P<x>[^.;!?\n]{1,60}?) "
      r"(?:to|with|in touch with) "
      r"(?!each other|one another)(?P<y>[^.;!?\n]{1,80})",
      needs="introduc|intro|connect|link|put", ref="addressee", pin="x", contact="y",
      examples=("Please help me introduce my colleague Ines Duarte to Tom Becker.",
                "Can you help me intro Jamal to Whitney Cole?",
                "Would you be willing to introduce her to your colleague Beth?"),
      misses=("I was cc'd on an intro from Ravi Shankar to Jess Moreno.",)),
    r("check_with", REQUEST,
      r"\b(?:check|ask|see) (?:with )?(?P<x><NAME>)(?:\s*\([^)]{0,60}\))? (?:whether|if) (?:she|he|they)(?:'d|'s| would| might| "
      r"is| are)? (?:be )?(?:open|up|willing|interested|happy|glad|available)",
      needs="whether|if", ref="addressee", contact="x", pin="other", asks_first=True,
      examples=("Can you check with Nina Oduya whether she'd be open to an intro to my mentee?",)),
    r("ask_them_to_talk", REQUEST,
      r"\b(?:check|ask|see) (?:with )?(?P<x><NAME>)(?:\s*\([^)]{0,60}\))? (?:(?:whether|if) (?:she|he|they)"
      r"(?:'d| would| might| could| can| will)?|to) (?:be (?:willing|open|happy|able|up for) to )?"
      r"(?:talk|speak|meet|chat|sit down|have a call|have coffee|get on a call) (?:to|with) (?P<y>[^.;!?\n]{1,60})",
      needs="whether|if|to talk|to speak|to meet|to chat", ref="addressee", contact="x", pin="y", asks_first=True,
      examples=("Could you ask Carla whether she would talk to Felix?",
                "Can you ask Nina Oduya to speak with my nephew about nursing?"),
      misses=("Ask Tom to meet us at the station.",)),
    r("introduce_us", REQUEST,
      r"(?<!\bfor )\b(?:introduc(?:e|ing)|intro(?:'?ing)?|connect(?:ing)?) us\b|\b(?:put|get) us in "
      r"(?:touch|contact)\b",
      needs="us", ref="addressee", pin="writer", contact="other",
      examples=("Would you feel comfortable introducing us?", "Could you put us in touch?"),
      misses=("Thanks for introducing us last week.",)),
    r("check_first_then_loop_in", REQUEST,
      r"\b(?:let me|I'?ll|I will|I can|I'?d) (?:first )?(?:check|ask|see|confirm) (?:with )?(?P<x><NAME>)(?: first)?"
      r"(?=<GAP>\b(?:intro|loop you in|connect|put you in touch|if (?:she|he|they)(?:'s| is| are|'d| would| has)))",
      needs="check|ask|see|confirm", ref="writer", pin="addressee", contact="x", asks_first=True,
      examples=("Let me check with Bea first and I'll loop you in if she's up for it.",
                "I'll ask Tom Reyes if he'd be open to an intro."),
      misses=("Let me check with Bea about the invoice.",)),
    r("someone_you_should_meet", REQUEST,
      r"\b(?:there's|there is|I have|I've got|I know) (?:someone|somebody|a (?:founder|friend|person|candidate)) "
      r"(?:you should|you'd want to|you might want to|you ought to) (?:meet|know|talk to)\b[:,-]?\s*(?P<x><NAME>)?|"
      r"\b(?:could|can|may|should|would it be ok if) I (?:send|point|refer) (?P<y>him|her|them|<NAME>) your way\b",
      needs="should meet|should know|want to meet|ought to meet|your way|should talk", ref="writer", pin="x",
      contact="addressee", asks_first=True,
      examples=("There's someone you should meet: Ali Khan, a founder working on freight pricing.",),
      misses=("Could I send the invoice your way?",)),
    r("on_behalf_of", REQUEST,
      r"\bon behalf of (?P<x>(?:<RELATION>|"
      r"(?:a|one of my) (?:\w+ ){0,2}(?:friends?|colleagues?|engineers?|students?|mentees?|neighbou?rs?)(?: of mine)?)"
      r"(?:,? <NAME>)?)",
      needs="on behalf of", ref="writer", pin="x", contact="addressee",
      examples=("I'm writing on behalf of my close friend Aisha Rahman.",
                "I wanted to ask you something on behalf of my daughter, Leah.",
                "I'm writing on behalf of one of my engineers, Tomás Herrera."),
      misses=("I'm writing on behalf of our company.", "On behalf of CalPeak, I am pleased to notify you.")),
    r("mention_my_name", REQUEST,
      r"\b(?:mention my name(?= when you| to (?:her|him|them)\b|\s*[.!]|$)|say I sent you|tell (?:her|him|them) I sent you|use my name|drop my name|say (?:that )?"
      r"you (?:got|have) (?:her|his|their) (?:name|details|address) from me)\b",
      needs="my name|sent you|from me", ref="writer", pin="addressee", contact="other", asks_first=True,
      examples=("Mention my name when you write.", "Tell her I sent you."),
      misses=("Please mention my name on the invoice.",)),
    r("give_her_time", REQUEST,
      r"\bwould you (?:be (?:willing|able|open) to |mind |have time to )?giv(?:e|ing) (?P<x>him|her|them) (?:half an hour|"
      r"an hour|\d+ minutes|a few minutes|some (?:of your )?time|a call|a ring|a chance)\b",
      needs="give|giving|help", ref="writer", pin="x", contact="addressee",
      examples=("Would you be willing to give her half an hour?",)),
    r("help_him_out", REQUEST,
      r"\b(?:can|could|would) you (?:please )?help (?P<x>him|her|them) out\b|\bpass (?P<y>him|her|them) a name\b",
      needs="help him|help her|help them|a name", ref="writer", pin="x", contact="addressee",
      examples=("Could you help him out or pass him a name?",),
      misses=("Could you help me out with the slides?",)),
    r("help_my_relative", REQUEST,
      r"\b(?:can|could|would|will) you (?:please |possibly |perhaps )?(?:help|assist|advise|talk to|speak with|meet with|"
      r"look at|mentor|point) (?P<x><RELATION>)",
      needs="you", ref="writer", pin="x", contact="addressee",
      examples=("Can you help my wife's sister find something in LA?",)),
    r("relative_looking", REQUEST,
      r"(?P<x><RELATION>)(?:,? <NAME>,?)?(?: (?:is|has been|was just|just got) (?:\w+ )?|<AND> (?:is |has been )?"
      r"(?:now |also |currently |desperately |actively |urgently |really )?)(?:looking(?! forward)(?! for (?:her|his|their|its|our) (?!first|next|new|dream)\w+)|"
      r"searching|hunting|laid off|let go|applying|(?:hoping|trying|needs) to (?:find|"
      r"land|get|break|move))",
      needs="looking|searching|hunting|laid off|let go|applying|hoping to|trying to|needs to", ref="writer", pin="x",
      contact="addressee",
      examples=("My cousin is looking for a job in logistics.",
                "My nephew Omar finished his degree in June and is now looking for work in Leeds.",
                "My daughter graduates in May and hoping to land a job in Denver.",
                "My son Tom, who just finished his MBA, needs to find a job in Austin.",
                "My daughter is looking for her first job in Denver."),
      misses=("My daughter is looking for her lost cat.", "My son is looking forward to the trip.")),
    r("help_them_find_work", REQUEST,
      r"\b(?:can|could|would) you (?:please |possibly )?help (?P<x>him|her|them) (?:to )?(?:find|land|get|look for)\b",
      needs="help him|help her|help them", ref="writer", pin="x", contact="addressee",
      examples=("Could you help her find something in LA?",)),
    r("willing_to_talk", REQUEST,
      r"\bwould you (?:be )?(?:(?:willing|open|able|up for|have time) to (?:talk|speak|meet|chat|sit down|have (?:a |an )?"
      r"(?:quick |short |\d+[- ]minute )?(?:coffee|call|chat|conversation|word)|grab (?:a )?coffee|hop on a (?:quick )?call)|"
      r"(?:open|up) "
      r"(?:to|for) (?:an? )?(?:quick |short |brief )?(?:call|chat|conversation|coffee)) (?:with|to) "
      r"(?P<x>him|her|them|my [^.;!?\n]{1,60}|an? (?:former |old |good |close )?(?:colleague|friend|classmate|student|"
      r"mentee|neighbou?r|teammate)[^.;!?\n]{0,60})",
      needs="would you", ref="writer", pin="x", contact="addressee",
      examples=("Would you be willing to talk with him?",
                "Would you be willing to chat with a former colleague of mine, Ana Li?",
                "Would you be willing to have a coffee with her?", "Would you be open to a short call with him?")),
    r("said_to_act", SAID,
      r"(?<!\bI )(?<!\bwe )\b(?:said|says|suggested|recommended|advised)\s+to (?:" + CONTACT_ACT + r")\b" + AFTER_ACT,
      needs="said to|says to|suggested to|recommended to|advised to", ref="left", pin="writer", contact="addressee",
      examples=("Ben Carter said to reach out re the summer analyst internship.",
                "Dana said to contact you about the lease."),
      misses=("He said to call back tomorrow.", "I said to meet at the station.", "She said to meet at 3.")),
    r("as_suggested_by", SAID,
      r"\bas (?:kindly )?(?:suggested|recommended|advised|proposed) by\b(?=<GAP>\b(?:you|your)\b|\s+(?-i:[A-Z]))",
      needs="as suggested by|as recommended by|as advised by|as proposed by|as kindly", ref="right", pin="writer",
      contact="addressee",
      examples=("I'm reaching out now as suggested by Keiko, who said you are always open to talking with students.",
                "As recommended by Dr. Ruth Adler, I am writing to you about the fellowship."),
      misses=("The budget was cut as suggested by the committee.",)),
    r("intro_would_be", REQUEST,
      r"\b(?:an? )?(?:e-?intro(?:duction)?|intro(?:duction)?|connection|referral)(?: to (?P<x>[^.;!?\n]{1,60}?))? "
      r"would (?:really |honestly |just )?be (?:amazing|great|wonderful|lovely|fantastic|brilliant|awesome|incredible|"
      r"(?:so |very |really |hugely |incredibly )?helpful|(?:much |greatly |hugely |really )?appreciated|a (?:huge |big |great )?help|"
      r"a dream|gold)\b",
      needs="would be", ref="addressee", pin="writer", contact="x",
      examples=("if you know anyone in HR or the physio dept there an intro would be amazing",
                "An intro to Camille would be so helpful."),
      misses=("The introduction would be two pages long.", "A connection would be needed for the printer.")),
    # Asking the contact first, on someone's behalf: "could you ask him whether he'd be willing to talk to me?"
    r("ask_whether_me", REQUEST,
      r"\bask (?P<x>him|her|them|<NAME>)<SHORT> (?:whether|if)\b<SHORT>\b(?:willing|open|happy|able|up for|free|have time)"
      r"<SHORT>\b(?:talk|chat|speak|meet|call)\w*<SHORT> (?:to|with) me\b",
      needs="whether|if", ref="addressee", pin="writer", contact="x",
      examples=("Could you ask him whether he'd be willing to talk to me for 15 minutes?",
                "Could you ask Nora if she would be open to a quick chat with me?"),
      misses=("Could you ask him whether the meeting is still on?",)),
    r("ask_whether_with", REQUEST,
      r"\bask(?:ing)? (?P<x>him|her|them|<NAME>)<GAP> (?:whether|if)\b<SHORT>\b(?:willing|open|happy|able|up for|free|"
      r"have time|take an?\b)<SHORT>\b(?:talk|chat|speak|meet|call)\w*<SHORT> (?:to|with) (?!me\b|us\b)(?P<y>[^.;!?\n]{1,60})",
      needs="whether|if", ref="writer", pin="y", contact="x",
      examples=("Could you ask Marcus Oyelaran, the executive producer at Wingtip Audio, whether he'd take a 20-minute "
                "call with her?",
                "Please draft a short note from me asking Ilse whether she'd be open to a 30-minute call with Kwabena."),
      misses=("Ask Tom whether he can take the call with the auditors.",)),
    r("ill_ask_whether", REQUEST,
      r"\bI(?:'ll| will| can| could|'d| would| am going to|'m going to) (?:first |gladly |happily )?ask (?P<x>him|her|them|"
      r"<NAME>)<SHORT> (?:whether|if)\b<SHORT>\b(?:willing|open|happy|up for|interested|keen|has time|have time)\b",
      needs="ask", ref="writer", pin="addressee", contact="x", asks_first=True,
      examples=("I'll ask him whether he's open to a chat and only then connect you.",),
      misses=("I'll ask her whether the room is free.",)),
    r("offer_intro", REQUEST,
      r"\b(?:want(?= an? intro)|(?:do|would) you want|want me to|would you like|would you be (?:open|interested|up for)"
      r"(?: to)?|are you (?:open|interested|up for)(?: to)?|(?:shall|should|could|can) I|(?:I'?d|I would|I will|I'?ll|I am|"
      r"I'?m) be (?:happy|glad|pleased|delighted)|(?:happy|glad|pleased|delighted) to|I can|I could|"
      r"let me know if you'?d like(?: me)? to)"
      r"<SHORT>\b(?:an? )?(?:intro(?:duce|duction)?|connect|put you in touch|make (?:the|an|that|a|this) "
      r"(?:connection|intro(?:duction)?))\b(?! me)(?:<SHORT> (?:to|with) "
      r"(?P<x>[^.;!?\n]{1,80}))?",
      needs="intro|connect|in touch", ref="writer", pin="other", contact="x", pair=True, asks_first=True,
      examples=("Want an intro to Nora Lindqvist at Fjord Capital?",
                "Would you be open to an intro to my friend Mark Sato?",
                "Happy to introduce you to Dana if helpful.", "I'd be pleased to introduce you to him.",
                "I would be glad to introduce you to John.", "Want me to make the connection?"),
      misses=("Would you be open to a call next week?",)),
    r("you_should_talk_to", REQUEST,
      r"\byou (?:really |definitely |absolutely |totally )?(?:should|ought to|need to|must|have to|gotta) (?:really |"
      r"definitely |absolutely )?(?:talk to|speak (?:to|with)|meet|connect with|reach out to|get in touch with|chat with|"
      r"sit down with) (?P<x>(?:<RELATION>,? )?<NAME>)",
      needs="should|ought to|need to|must|have to|gotta", ref="writer", pin="addressee", contact="x", pair=True,
      asks_first=True,
      examples=("You should really talk to my friend Dmitri Volkov, who ran supply chain at Zappos.",
                "You have to meet Leila Haddad: she built the ops team at Careem."),
      misses=("You should talk to your manager about it.", "You need to meet the deadline on Friday.")),

    # --- counter-cues: ordinary mail that sounds like a hand-off ------------------------------
    r("after_the_intro", None,
      r"\bthanks?(?: you)?(?: so much| again| a lot)?,?(?: \w+,)? for (?:the |this |making the |your |a |the kind )?"
      r"(?:(?:e-?)?intro(?:duction)?s?|connection|connecting us|introducing (?:us|me))\b|"
      r"\bthanks?(?: you)?(?: so much| again)? for (?:referring|introducing|connecting|recommending|putting) (?:me|us)\b|"
      r"\b(?:moving|move|moved|putting|put) (?!me\b|myself\b)(?:you|\w+|\w+ \w+) to (?:bcc|the bcc)\b|"
      r"\b(?:nice|great|lovely|good) to (?:e-?)?meet you\b",
      needs="thank|bcc|meet you", scope="message",
      examples=("Thanks so much for the intro!", "Thanks Ana for the intro, moving you to bcc.",
                "Great to e-meet you, Sam.")),
    r("staff_role", None,
      r"\b(?:our|your) (?:new )?(?:office manager|account manager|account executive|customer success (?:manager|lead)|"
      r"success manager|sales (?:rep|representative|manager|lead)|sdr|bdr|project manager|executive assistant|assistant|"
      r"paralegal|accountant|bookkeeper|support (?:lead|engineer|team)|point of contact|contact person|hire|team member|"
      r"cfo|controller|hr partner|counsel|legal team|finance team|billing team)\b"
      r"(?!<SHORT>\b(?:at|from) (?!our\b)(?-i:[A-Z]))",
      needs="manager|account|sales|sdr|bdr|assistant|paralegal|accountant|bookkeeper|support|point of contact|contact "
            "person|hire|team|colleague|cfo|controller|recruiter|partner|counsel",
      examples=("Please meet Sarah, our new office manager.", "I'd like to introduce you to Marcus, your new account manager."),
      misses=("Please help me introduce my colleague Ines Duarte to Tom Becker.",)),
    r("team_welcome", None,
      r"\b(?:give|extend|offer) (?:him|her|them|\w+) an? (?:very |big |warm |hearty )*welcome\b|\bjoin me in welcoming\b|"
      r"\bplease (?:help me )?welcome\b|\bwelcome (?:him|her|them) (?:aboard|to the team)\b|\bwelcome aboard\b",
      needs="welcom", scope="message",
      examples=("Please give him a warm welcome.", "Join me in welcoming Priya to the design team!"),
      misses=("She would welcome an intro to your team.",)),
    r("handles_business", None,
      r"\b(?:handles?|handling|manages?|managing|takes? care of|is in charge of|looks? after|will take over|is taking over|"
      r"took over|owns?|runs? point on)\b<SHORT>\b(?:invoices?|invoicing|billing|payments?|accounts? payable|payroll|"
      r"accounting|contracts?|legal|support|tickets?|onboarding|logistics|scheduling|procurement|your account|the account|"
      r"renewals?|licen[cs]es?|compliance)\b|"
      r"\bfrom (?:our|the|my) (?:legal|finance|billing|accounting|support|it|hr|procurement|sales|ops|operations|security) team\b",
      needs="handl|manag|take care|takes care|in charge|look after|looks after|take over|taking over|took over|own|"
            "runs point|team",
      examples=("Looping in Jen, who handles our invoices.", "Looping in Sam from our legal team."),
      misses=("Looping in Priscilla, who runs engineering recruiting at Canopy.",)),
    r("joins_the_rota", None,
      # Someone added to a group's arrangements: a rota, a committee, a project's thread.
      r"\b(?:who'?s|who is|who will be|she'?s|he'?s|they'?re) (?:joining|taking over|covering|stepping in for|filling in)"
      r"<SHORT>\b(?:rota|roster|schedule|carpool|car-?pool|rotation|shift|committee|board meeting|thread|project|"
      r"book club|choir|team lunch|pickups?|drop-?offs?)\b",
      needs="joining|taking over|covering|stepping in|filling in",
      examples=("Adding Sarah (Leo's mum), who's joining the rota from next term.",),
      misses=("Adding Dana, who's joining Canopy as head of design and would love to meet you.",)),
    r("colleague_will_reach_out", None,
      r"\b(?:my|our) (?:colleague|teammate|associate|partner|team|assistant|rep|representative|specialist)\b<GAP>"
      r"\b(?:will|'ll|is going to|shall) (?:reach out|be in touch|follow up|contact you|get in touch|call you|e-?mail you|"
      r"send you)",
      needs="will|'ll|going to|shall",
      examples=("My colleague Ryan will reach out to you this week to set up a demo.",)),
    r("sales_pitch", None,
      r"\b(?:introduce|show|walk) you (?:to |through )?(?:our|my) (?!(?:dear |good |old |close )?(?:friend|colleague|"
      r"former|mentee|student|cousin|nephew|niece|son|daughter|brother|sister|wife|husband|partner|neighbou?r|intern|"
      r"co-?founder|classmate|teammate)\b)|\bintroduce you to (?-i:[A-Z]\w+), (?:a|an|the|our) (?:\w+ ){0,3}"
      r"(?:platform|tool|solution|app|software|service|company|startup)\b|\b(?:book|schedule|grab) a (?:quick |short |15-minute |"
      r"20-minute |30-minute )?(?:demo|product tour)\b|\bfree trial\b|\bunsubscribe\b|\bmy client\b|"
      # A mass mailing's guess at the reader: "we understand that you may be interested in securing ..."
      r"\b(?:understand|believe|noticed|see) (?:that )?you (?:may|might) be interested in\b|\bspecial offer\b|"
      r"\blimited[- ]time offer\b|"
      # a recruiter's cold mail: "an exciting role with one of our clients"
      r"\b(?:role|position|opportunity|opening|vacancy) (?:with|at|for) (?:one of )?(?:our|my) clients?\b",
      needs="our|my|demo|trial|unsubscribe|platform|tool|solution|client|interested in|offer", scope="message",
      examples=("A colleague of mine suggested I reach out about an exciting role with one of our clients.",
                "I wanted to introduce you to DataSprout, a platform that automates reporting.",
                "I'd love to introduce you to my client, a fintech startup.", "Can we book a quick demo?",
                "We were referred to you by a friend and understand that you may be interested in securing your "
                "very own domain name."),
      misses=("Dana said you might be interested in meeting Ana Li, who is looking for a PM role.",)),
    r("self_intro", None,
      r"\b(?:introduce|introducing) (?:myself|ourselves)\b|\ba (?:quick|brief|short) introduction of (?:myself|us)\b",
      needs="myself|ourselves|introduction of",
      examples=("Let me introduce myself: I lead sales at Acme.",)),
    r("stage_intro", None,
      r"\bintroduc(?:e|ing) you (?:before|after|at the (?:start|beginning)|on stage|when|to the (?:audience|room|panel|crowd|"
      r"group|class|attendees))\b",
      needs="introduc",
      examples=("I'll introduce you before we start the panel.",)),
    r("reference_check", None,
      r"\b(?:listed|named|gave|put) you (?:down )?as (?:a |her |his |their |one of (?:her|his|their) )?references?\b",
      needs="reference", scope="message",
      examples=("Jane Doe listed you as a reference for the analyst role.",)),
    r("document_section", None,
      r"\b(?:the )?introduction (?:section|chapter|paragraph|slides?)\b|\bin the introduction\b",
      needs="introduction",
      examples=("Could you look at the introduction section before Friday?",)),
)
