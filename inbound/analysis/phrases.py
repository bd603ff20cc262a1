"""The grammar of hand-offs as data: one row per way people write one, with what it means.

Each row's pattern is searched in one sentence at a time. Named groups:
  ref  - who pointed the writer here (a name, a pronoun, or a vague "a friend")
  pin  - the person being handed off, when the phrase names them
Patterns are case-sensitive where case carries meaning (a name starts with a capital), and use
`(?i:...)` for the words around it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# A person's name as written in mail: one to four capitalised words, optional title and suffix.
_UP = r"[A-ZÀ-ÖØ-ÞĀ-Ž]"
# "John", or an initial "J.". A word is at most 41 characters: a capital inside a long token (a
# link, a hash) starts no name, and a name has a length that a search can bound (participants).
_WORD = _UP + r"(?:\.|[\w'’\-]{0,40})"
NAME = (r"(?:(?:Dr|Mr|Mrs|Ms|Prof)\.?[ \t]+)?" + _WORD +
        r"(?:[ \t]+(?:" + _WORD + r"|van|von|de|da|del|di|du|le|la|bin|al)){0,3}(?:[ \t]+(?:Jr\.?|Sr\.?|II|III|IV))?")
# Words that start a sentence or a date, not a person.
# Words that make a capitalised phrase an organisation or a thing rather than a person.
ORG_WORDS = {"group", "inc", "inc.", "llc", "ltd", "corp", "corporation", "company", "services", "service", "solutions",
             "partners", "staffing", "technologies", "systems", "program", "programme", "desk", "department",
             "energy", "bank", "university", "website", "online", "network", "networks", "team", "association"}
NOT_A_NAME = {
    "i", "the", "this", "that", "these", "those", "it", "we", "you", "they", "he", "she", "hi", "hello",
    "dear", "thanks", "thank", "please", "also", "and", "but", "so", "my", "our", "your", "his", "her",
    "their", "a", "an", "as", "if", "when", "who", "which", "what", "everyone", "everybody", "nobody",
    "someone", "somebody", "anyone", "all", "both", "each", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december", "today", "yesterday", "tomorrow", "enron",
    "re", "fw", "fwd", "subject", "from", "to", "cc", "sent", "date", "attached", "regards", "best",
    "myself", "yourself", "himself", "herself", "ourselves", "here", "there", "now", "then", "just",
    "mr", "mrs", "ms", "dr", "meet", "one", "management", "legal", "customer", "service", "sales", "team", "office",
}
PRONOUN = r"(?:[Hh]e|[Ss]he|[Tt]hey)"
# Referrers too vague to thank or ask: they give `unknown_referrer`.
VAGUE = (r"(?i:so[\s\-]and[\s\-]so|a (?:mutual )?(?:friend|colleague|contact|acquaintance|co-?worker|classmate)"
         r"(?: of (?:mine|yours|ours))?|(?:a few|several|some) (?:people|friends|folks|colleagues)|"
         r"an? (?:\w+ ){0,2}source|some(?:one|body)(?: (?:at|from|in) [\w\s\-]{1,40}?)?|one of my (?:sources|contacts|friends|colleagues|"
         r"clients|professors|mentors)|a (?:recruiter|headhunter)|people|mutual friends)")
# A relative, office or role standing in for the referrer ("Your Dad", "Tim Belden's office").
RELATIVE = r"(?:(?:[Yy]our|[Mm]y) (?:[Dd]ad|[Mm]om|[Ff]ather|[Mm]other|[Bb]oss|[Mm]anager|[Uu]ncle|[Aa]unt))"
REF = rf"(?P<ref>{VAGUE}|{NAME}(?: and {NAME})?(?:'s office)?|(?:the )?office of {NAME}|{RELATIVE}|{PRONOUN})"
# Between the referrer and the verb: ", who I understand is ...,", "(555-1234)", "from the real time desk"
ASIDE = r"(?:\s*,[^,]{1,100},|\s*\([^)]{0,40}\)|\s+(?:from|at|of|in|with) (?:the |our )?[\w&\-]+(?: [\w&\-]+){0,3}?(?=\s+(?i:has|had|suggested|asked|told|recommended|encouraged)))?,?"
# Contacting someone, as the writer puts it.
CONTACT_VERB = (r"(?i:contact|call|ring|phone|e-?mail|get in touch|be in touch|reach out|write|talk|speak|meet|"
                r"touch base|connect|give you a (?:call|ring|buzz)|drop you a (?:line|note)|"
                r"send (?:you )?(?:my|a copy of my) (?:resume|résumé|cv|c\.v\.))")
# After "contact": "you" (not "you guys" or "this to you"), or the clause ends ("recommended I reach out.").
_NOT_RELAY = r"(?!\s+(?i:guys|all\b|both|folks|and let|with (?:the|a|an|this|some)\b|the\b|this\b|a copy))"
CONTACT_TAIL = (r"(?:(?<=you a call)|(?<=you a ring)|(?<=you a buzz)|(?<=you a line)|(?<=you a note)|"
                r"\s*(?:,\s*)?(?i:(?:with|to|back to)\s+)?you\b" + _NOT_RELAY + r"|"
                r"(?i:(?<=resume)|(?<=résumé)|(?<=cv))(?:\s+(?i:to)\s+you)?|\s*(?:[.!?;]|$))")
# Relatives and friends one asks help for ("can you help my wife's sister").
RELATION = (r"(?i:(?:wife|husband|partner|son|daughter|brother|sister|cousin|nephew|niece|friend|neighbou?r|"
            r"mentee|former colleague|old colleague|colleague|classmate|intern|student|kid|uncle|aunt|"
            r"friend's \w+|wife's \w+|husband's \w+|brother's \w+|sister's \w+)s?)")


# How far before its verb a referrer-first row's referrer (and an aside) may start.
_REF_REACH = 400


@dataclass(frozen=True)
class Phrase:
    name: str
    kind: str  # said_to_contact | direct_intro | intro_request
    pattern: re.Pattern[str]
    writer_is_referrer: bool = False  # the writer hands someone off (intros, offers)
    # Rows that start with the referrer ("X suggested ..."): the part after the referrer, which
    # starts with the verb. Searched from every position, the referrer pattern (names, pronouns,
    # "a friend") was most of the analysis time; the verb part is cheap to find, and any match
    # of the row starts at most _REF_REACH characters before it.
    after_ref: re.Pattern[str] | None = None

    def search(self, sentence: str) -> re.Match[str] | None:
        if self.after_ref is None:
            return self.pattern.search(sentence)
        verb = self.after_ref.search(sentence)
        if verb is None:
            return None
        # The same leftmost match as searching the whole sentence: a match's verb part cannot
        # start before the first one found.
        return self.pattern.search(sentence, max(0, verb.start() - _REF_REACH))


def _p(name: str, kind: str, pattern: str, writer_is_referrer: bool = False) -> Phrase:
    return Phrase(name, kind, re.compile(pattern), writer_is_referrer)


def _ref_first(name: str, kind: str, after_ref: str, aside: bool = False) -> Phrase:
    """A row that starts with the referrer (REF), optionally an aside, then `after_ref`."""
    return Phrase(name, kind, re.compile(REF + (ASIDE if aside else "") + after_ref), after_ref=re.compile(after_ref))


YOU = r"(?i:you|your)\b"
PHRASES: tuple[Phrase, ...] = (
    # "X said/told me I should contact you", "X suggested (that) I get in touch", "X encouraged me to call you"
    _ref_first("suggested_i_contact", "said_to_contact", aside=True, after_ref=
       r"\s+(?i:(?:has |had |)(?:also |personally |strongly |both )?(?:suggested|recommended|encouraged|"
       r"advised|urged|told me|said|thought|directed|instructed|wanted|asked))(?: me)?(?: that)?\s+"
       r"(?i:I|me to|she|he)\s+(?i:(?:should|might|could|would|ought to|must|may)\s+)?(?:(?i:try to|possibly|also)\s+)?"
       + CONTACT_VERB + CONTACT_TAIL),
    # "X suggested that I meet with you", "X asked me to get in touch with you regarding ..."
    _ref_first("asked_me_to_contact", "said_to_contact", aside=True, after_ref=
       r"\s+(?i:(?:has |had )?(?:asked|requested|wanted|told|encouraged|urged|suggested))\s+(?i:me|that I)\s+(?i:to\s+)?"
       r"(?i:contact|call|get in touch|reach out|talk|speak|meet|touch base|connect|give you a call|"
       r"send you (?:my|a copy of my) (?:resume|résumé|cv))"
       r"(?:(?:\s+(?i:with|to))?\s+" + YOU + r"|(?i:(?<=resume)|(?<=résumé)|(?<=cv))|(?<=call))"),
    # "Hunt Mitchell asked me to email you." (not "... to email you guys / the attached")
    _ref_first("asked_me_to_email_you", "said_to_contact",
       r"\s+(?i:(?:has |had )?asked)\s+(?i:me|that I)\s+(?i:to\s+)?(?i:e-?mail|write)\s+(?i:you)"
       r"(?!\s+(?i:guys|all|both|this|the|a |an |with|and let|that|about|regarding|re\b|on))"),
    # "X gave me your name/number", "X forwarded your name", "X passed along your e-mail"
    _ref_first("gave_me_your_name", "said_to_contact",
       r"\s+(?i:(?:has |had )?(?:gave|given|forwarded|passed(?: along| on)?|sent|provided|shared))\s+(?i:me\s+)?"
       r"(?i:your (?:name|e-?mail(?: address)?|number|phone number|contact(?: info(?:rmation)?| details)?|details|info))"),
    # "X referred me to you", "X referred me your way"
    _ref_first("referred_me_to_you", "said_to_contact",
       r"\s+(?i:(?:has |had )?referred me (?:to you|your way|in your direction|over to you))"),
    # "I was referred to you by X", "he was referred by X" (a candidate circulated)
    _p("referred_by", "said_to_contact",
       r"(?:(?i:I|he|she|who)|[A-Z]\w+) (?i:(?:was|have been|has been|had been|am being) referred (?:to you )?by)\s+"
       r"(?:(?i:my|our) (?i:colleague|friend|boss|manager|former colleague|professor|mentor)\s+)?" + REF),
    # Subject or opening line: "Referred by X", "Referral from X"
    _p("referral_from", "said_to_contact", r"^(?i:re:\s*|fw:\s*|fwd:\s*)*(?i:referred by|referral from|friend of)\s+(?P<ref>" + NAME + r")"),
    # "Your name was given to me by X", "I was given your name by X", "I received your e-mail address from X"
    _p("name_given_by", "said_to_contact",
       r"(?i:your (?:name|e-?mail(?: address)?|number|contact(?: info)?) (?:was|has been) (?:given|suggested|passed|"
       r"recommended|mentioned|provided|forwarded)(?: (?:to me|on))?(?: as [^.;]{1,60}?)? by|"
       r"(?:I|who|and) (?:was given|were given|have been given|got|received|obtained) your (?:name|e-?mail(?: address)?|number|contact(?: info)?) (?:from|by|through))\s+" + REF),
    # "at X's suggestion", "on the recommendation of X"
    _p("at_suggestion", "said_to_contact",
       r"(?i:at|on|per)\s+(?P<ref>" + NAME + r")(?:'s|’s)\s+(?i:suggestion|recommendation|advice)"),
    _p("on_advice_of", "said_to_contact",
       r"(?i:(?:at|on|upon) the (?:suggestion|recommendation|advice|urging) of)\s+" + REF),
    # "X pointed me your way / in your direction / to you"
    _ref_first("pointed_me", "said_to_contact",
       r"\s+(?i:(?:has |had )?(?:pointed|sent|directed) me (?:your way|in your direction|to you|toward you|towards you))"),
    # "X thought you'd be a great person to talk to", "X told me you might be able to help"
    _ref_first("thought_you_could_help", "said_to_contact",
       r"\s+(?i:(?:thought|thinks|said|told me|mentioned|felt|believes)(?: that)?\s+you(?:'d|’d| would| might| could| may| can)?"
       r"\s+(?:be able to |possibly |probably )?(?:help|be (?:a |the )?(?:great|good|right|best|ideal|perfect)?\s*"
       r"(?:person|one|contact|resource)|have (?:a copy|some|the|time|advice|insight)|know))"),
    # "Your name came up when I spoke with X"
    _p("name_came_up", "said_to_contact",
       r"(?i:your name came up (?:when|while|in (?:a|my) conversation)[^.;]{0,40}?(?:with|to))\s+" + REF),
    # "X recently passed UT recruiting onto me" (a role handed over)
    _ref_first("handed_over", "said_to_contact",
       r"\s+(?i:(?:recently |has |had )*(?:passed|handed|turned)\s+[^.;]{1,40}?\s+(?:on ?to|over to) me)"),
    # Direct intro: "I'd like to introduce you to Jane Roe", "I wanted to introduce you (two)."
    _p("introduce_you_to", "direct_intro",
       r"(?i:introduce you(?: two| both)? to)\s+(?P<pin>" + NAME + r")", writer_is_referrer=True),
    _p("introduce_you", "direct_intro",
       r"(?i:(?:like|love|want|wanted|happy|glad|pleased|going) to introduce you(?: two| both| all)?"
       r"(?: to each other| to one another)?)\s*(?:[.!,;:]|$)", writer_is_referrer=True),
    # Opt-in offer: "I'd be happy to introduce you to him"
    _p("offer_to_introduce", "direct_intro",
       r"(?i:(?:happy|glad|pleased|willing) to (?:introduce|connect) you (?:to|with) (?:him|her|them))", writer_is_referrer=True),
    # "let me introduce Jane Roe", "allow me to introduce" (not "myself", not "our new service")
    _p("let_me_introduce", "direct_intro",
       r"(?i:(?:let me|allow me to|I'd like to|I would like to|I want to) introduce)\s+(?P<pin>" + NAME + r")\b(?!\s+(?i:as|into))",
       writer_is_referrer=True),
    # "Victor, meet Mia." / "Please meet Jane"
    _p("meet_x", "direct_intro",
       r"(?:^|[,;:.!\-–]\s*|(?i:please)\s+)(?i:meet)\s+(?P<pin>" + NAME + r")\s*(?:[.!,;:(]|$)", writer_is_referrer=True),
    # "connecting you with Sam Brown", "I'm connecting you two"
    _p("connecting_you", "direct_intro",
       r"(?i:connect(?:ing)? you(?: two| both)? (?:with|to))\s+(?P<pin>" + NAME + r")", writer_is_referrer=True),
    _p("you_two_should", "direct_intro",
       r"(?i:you two|you both|the two of you) (?i:should (?:talk|meet|connect|chat|get together))", writer_is_referrer=True),
    # "looping in Kevin, who knows ..." (a contact brought into the thread to help)
    _p("looping_in", "direct_intro",
       r"(?i:looping in|loop in|adding)\s+(?P<pin>" + NAME + r")(?:\s*\([^)]{0,20}\))?,?\s+(?i:who|as (?:he|she)|since (?:he|she)|(?:he|she) (?:can|could|might|knows|is))",
       writer_is_referrer=True),
    # Reverse hand-off: "I gave your name and number to Lynn, who will call you"
    _p("gave_your_name_to", "direct_intro",
       r"(?i:I (?:have |'ve )?(?:given|gave|passed(?: along| on)?|forwarded|sent) your (?:name|number|e-?mail|contact)"
       r"[^.;]{0,40}? to)\s+(?P<pin>" + NAME + r")", writer_is_referrer=True),
    # Intro requests: "Please help me introduce Felix to Carla", "can you set up an intro between ..."
    _p("help_me_introduce", "intro_request",
       r"(?i:help me (?:introduce|connect)|(?:can|could|would) you (?:please )?(?:introduce|connect) (?:me|him|her|them|my \w+)"
       r"|(?:set up|make|arrange) an? (?:intro|introduction) (?:between|for|to|with))", writer_is_referrer=True),
    # "can you help my cousin", "could you help my wife's sister find something in LA?"
    _p("help_my_relative", "intro_request",
       r"(?i:(?:can|could|would|will) you (?:please |possibly )?(?:help|assist|advise|talk to|speak with|meet with) (?:my|our) )"
       + RELATION, writer_is_referrer=True),
    # "my cousin is looking for a job, he'll give you a call"
    _p("relative_looking", "intro_request",
       r"(?i:my )" + RELATION + r"(?i: (?:is|has been) (?:looking|searching|hunting) for (?:a |an |some )?(?:job|work|role|position|"
       r"opportunit|new (?:job|role|position)))", writer_is_referrer=True),
    # "My wife's sister Lena was just laid off and is going to connect with you" (a relative sent
    # on ahead, the contact not asked first). Only relatives and friends: "Kim will call you" is business.
    _p("relative_will_contact", "direct_intro",
       r"(?i:(?:my|our) (?:\w+(?:'s|’s) )?)" + RELATION + r"(?:,?\s+(?P<pin>" + NAME + r"))?,?[^.;?!]{0,60}?\s(?i:is going to|will|'ll|’ll|"
       r"is about to|plans to|is planning to|wants to|would like to)\s+(?i:be\s+)?" + CONTACT_VERB
       + r"(?:\s+(?i:with|to))?\s+(?i:you)\b", writer_is_referrer=True),
    # "Can you help her find something in LA?", "could you help him land a job" (job-hunting help)
    _p("help_them_find_work", "intro_request",
       r"(?i:(?:can|could|would) you (?:please |possibly )?help (?:him|her|them) (?:to )?(?:find|land|get|look for)"
       r" (?:a |an |some |something|anything|work|job|role|position|opportunit))", writer_is_referrer=True),
    # "would you be willing to talk with him / with my friend"; "are either of you up to letting him come by?"
    _p("willing_to_talk", "intro_request",
       r"(?i:would you (?:be )?(?:willing|open|able|have time) to (?:talk|speak|meet|chat|sit down) (?:with|to) (?:him|her|them|my ))"
       r"|(?i:(?:are|would) (?:either|any|both) of you (?:be )?(?:up to|willing|open|interested|able))", writer_is_referrer=True),
)

# Subject lines that announce a hand-off even when the body is terse.
SUBJECT_HINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("intro_request", re.compile(r"(?i)\b(?:intro(?:duction)? request|request(?:ing)? an? intro)")),  # "Intro request: A -> B"
)
