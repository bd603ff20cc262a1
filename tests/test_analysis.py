"""The analysis as stages: messages written the ways people write them, in and out of threads,
in Baton's languages, and the ordinary mail that only sounds like a hand-off."""
from __future__ import annotations

import pytest

from inbound.analysis import facts
from inbound.analysis.analyze import analyze_bytes
from tests.mailfixtures import analyze, fixture, message


def codes(a):
    return {f["code"] for f in a["flags"]}


def mail(body: str, *, frm: str, to: str, cc: str = "intro@baton.example", subject: str = "hello",
         extra: str = "") -> bytes:
    return (f"From: {frm}\nTo: {to}\nCc: {cc}\nSubject: {subject}\nMessage-ID: <t@mail.example>\n{extra}"
            f"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n{body}\n").encode()


# --- said_to_contact: the PIN writes to the contact --------------------------------------------

@pytest.mark.parametrize("sentence", [
    "Dana Whitfield said I should reach out to you.",
    "Dana Whitfield asked me to get in touch with you.",
    "Dana Whitfield gave me your name.",
    "Dana Whitfield pointed me in your direction.",
    "I was referred to you by Dana Whitfield.",
    "Your name came up when I spoke with Dana Whitfield.",
    "I am writing at Dana Whitfield's suggestion.",
    "Dana Whitfield, who I met at a conference in Austin last week, suggested I get in touch.",
    "Dana Whitfield thought you'd be a great person to talk to.",
    "Dana Whitfield recommended I send my application to you.",
])
def test_said_to_contact_in_many_phrasings(sentence):
    a = analyze(message(f"Hi Owen,\n\n{sentence}\n\nAhmed"))
    assert a["kind"] == "said_to_contact", a["evidence"]
    assert "Whitfield" in a["referrer"]["name"]
    assert a["pin"]["email"] == "ahmed@mail.example" and a["contact"]["email"] == "owen@price.example"
    assert "referrer_unreachable" in codes(a) and a["reply_to"] == "ahmed@mail.example"


def test_a_curly_apostrophe_is_read_like_a_straight_one():
    a = analyze(message("Hi Owen,\n\nAt Dana Whitfield\u2019s suggestion I\u2019m writing to you.\n\nAhmed"))
    assert a["kind"] == "said_to_contact" and "Whitfield" in a["referrer"]["name"]


def test_a_pronoun_referrer_is_the_person_named_before_it():
    a = analyze(message("Hi Owen, I had coffee with Lee Allbritton last week. She suggested I contact you."))
    assert a["referrer"]["name"] == "Lee Allbritton"


@pytest.mark.parametrize("opener", ["Since", "Because", "Given that", "Although", "As", "Unfortunately"])
def test_a_pronoun_never_means_the_word_that_opens_its_sentence(opener):
    body = (f"Hi Omar,\n\nMy nephew Tariq is finishing a nursing degree in May. {opener} you know the nursing "
            f"directors at Mass General, would you be willing to chat with him?\n\nKim")
    a = analyze(mail(body, frm="Kim Lee <kim@lee.example>", to="Omar Haddad <omar@haddad.example>"))
    assert a["kind"] == "intro_request"
    assert a["pin"]["name"] == "Tariq" and a["contact"]["email"] == "omar@haddad.example"


@pytest.mark.parametrize("body, pin", [
    ("My daughter Lena finished her apprenticeship in June and is now looking for work as a carpenter.", "Lena"),
    ("Mein Schwager Felix hat seine Lehre beendet und sucht jetzt eine Stelle als Elektriker.", "Felix"),
    ("A minha sobrinha Inês acabou o curso de arquitetura e está procurando emprego no Porto.", "Inês"),
    ("Mijn schoonzus Eva is net afgestudeerd en zoekt een baan als verpleegkundige.", "Eva"),
    ("Mio cognato Paolo si è appena laureato e sta cercando lavoro come ingegnere.", "Paolo"),
])
def test_a_relative_whose_search_follows_another_clause_is_the_one_in_need(body, pin):
    a = analyze(mail(f"{body}\n\nJo", frm="Jo Berg <jo@berg.example>", to="Ada Lund <ada@lund.example>"))
    assert a["kind"] == "intro_request", a["evidence"]
    assert a["pin"]["name"] == pin and a["contact"]["email"] == "ada@lund.example"


def test_a_first_name_becomes_the_full_name_the_message_gives():
    a = analyze(message("Hi Owen, I worked with Greg Curran in London. Greg suggested I send you a copy of my CV."))
    assert a["referrer"]["name"] == "Greg Curran"


def test_a_referrer_in_cc_is_answered():
    a = analyze(message("Hi Owen, Lucy Grant (cc'd) suggested I reach out to you.",
                        cc="Lucy Grant <lucy@grant.example>, intro@baton.example"))
    assert a["referrer"]["email"] == "lucy@grant.example" and a["reply_to"] == "lucy@grant.example"


@pytest.mark.parametrize("body", ["So and so told me you might be able to help me.",
                                  "A friend suggested I contact you.",
                                  "Someone at the conference gave me your name.",
                                  "One of my sources suggested I reach out to you."])
def test_a_vague_referrer_gives_unknown_referrer(body):
    a = analyze(message(body))
    assert a["kind"] == "said_to_contact"
    assert "unknown_referrer" in codes(a) and a["referrer"] is None


# --- direct_intro: the writer introduces two people on the thread ----------------------------

INTRO = dict(frm="Hannah Price <hannah@pricelabs.example>",
             to="Ben Adler <ben@northgatevc.example>, Claire Dubois <claire@fernwood.example>")


@pytest.mark.parametrize("opening", [
    "Ben, meet Claire. Claire, meet Ben.",
    "I'd love to connect you two.",
    "Please meet each other!",
    "I'm pleased to introduce you to each other.",
    "I'd like to connect Claire Dubois with Ben Adler.",
    "Connecting you two, as promised.",
])
def test_direct_intro_openings(opening):
    body = (f"{opening}\n\nClaire is starting to raise a seed round and is looking for a lead investor. "
            "Ben is a partner at Northgate Ventures and has backed care companies.\n\nHannah")
    a = analyze(mail(body, **INTRO))
    assert a["kind"] == "direct_intro", a["evidence"]
    assert a["referrer"]["email"] == "hannah@pricelabs.example"
    assert a["pin"]["email"] == "claire@fernwood.example" and a["contact"]["email"] == "ben@northgatevc.example"
    assert "no_opt_in" in codes(a)


def test_looping_in_the_helper_makes_them_the_contact():
    body = ("Looping in Priscilla Owusu, who runs engineering recruiting at Canopy.\n\nPriscilla, Tariq is the "
            "engineer I mentioned: he is looking for a senior backend role.\n\nSam")
    a = analyze(mail(body, frm="Sam Okoro <sam@okoro.example>",
                     to="Tariq Aziz <tariq@gmail.example>, Priscilla Owusu <priscilla@canopyhq.example>",
                     subject="Re: any leads?"))
    assert a["kind"] == "direct_intro"
    assert a["contact"]["email"] == "priscilla@canopyhq.example" and a["pin"]["email"] == "tariq@gmail.example"


def test_an_intro_in_the_subject_only_needs_both_people_on_the_thread():
    a = analyze(mail("See you both soon!", subject="Intro: Ben Adler <> Claire Dubois", **INTRO))
    assert a["kind"] == "direct_intro"
    one = analyze(mail("See you soon!", frm=INTRO["frm"], to="Ben Adler <ben@northgatevc.example>",
                       subject="Sierra Pacific/Nevada Power"))
    assert one["kind"] == "none"


# --- intro_request: asked for or offered, not made yet ---------------------------------------

def test_could_you_introduce_me_makes_the_writer_the_pin_and_the_reader_the_referrer():
    body = ("Hi Maya,\n\nI saw that you and Rachel Stein worked together at Bain. Could you introduce me to her? "
            "We're raising a seed round.\n\nOliver")
    a = analyze(mail(body, frm="Oliver Grant <oliver@ledger.example>", to="Maya Patel <maya@icloud.example>"))
    assert a["kind"] == "intro_request"
    assert a["referrer"]["email"] == "maya@icloud.example" and a["pin"]["email"] == "oliver@ledger.example"
    assert a["contact"]["name"] == "Rachel Stein" and a["reply_to"] == "maya@icloud.example"


def test_an_offer_is_a_request_and_asks_first():
    body = ("Hi Bea,\n\nWant an intro to Nora Lindqvist at Fjord Capital? She has been looking at construction "
            "software all year.\n\nIan")
    a = analyze(mail(body, frm="Ian McAllister <ian@mcallister.example>", to="Beatriz Costa <bea@tessaly.example>"))
    assert a["kind"] == "intro_request"
    assert a["referrer"]["email"] == "ian@mcallister.example" and a["contact"]["name"] == "Nora Lindqvist"
    assert "no_opt_in" not in codes(a)


@pytest.mark.parametrize("body,pin,contact", [
    # asked to broker: the reader refers, the one to talk to is asked first, the one named after needs help
    ("Could you ask Carla Diaz whether she would talk to Felix Adams? He is moving into data engineering.",
     "Felix Adams", "Carla Diaz"),
    # the help is for a relative named after the question, not for the writer
    ("Is there someone on your team who could give my brother-in-law advice about moving to Lisbon?",
     "Jo Wu's brother-in-law", None),
    ("Do you know anyone who could help my cousin find a nursing job in Lisbon?", "Jo Wu's cousin", None),
    # asking leave to pass the reader's address on: the reader is the contact, asked first
    ("Would you mind if I passed your email on to a friend, Hugo Lind? He is raising a seed round.",
     "Hugo Lind", "Ann Lee"),
])
def test_requests_that_name_someone_else_as_the_one_in_need(body, pin, contact):
    a = analyze(mail(f"Ann,\n\n{body}\n\nJo", frm="Jo Wu <jo@example.com>", to="Ann Lee <ann@example.org>"))
    assert a["kind"] == "intro_request"
    assert a["pin"]["name"] == pin
    assert (a["contact"] or {}).get("name") == contact
    assert "no_opt_in" not in codes(a)


@pytest.mark.parametrize("body,kind,ref,pin,contact", [
    ("Greg Hall thought we should chat: I am building tooling for freight brokers.",
     "said_to_contact", "Greg Hall", "Ali Khan", "Bea Nord"),
    ("Greg Hall mentioned you're the go-to person for freight pricing. Any chance you'd have 15 minutes?",
     "said_to_contact", "Greg Hall", "Ali Khan", "Bea Nord"),
    ("You mentioned you used to work with Dana Whitfield at Convoy. Would you feel comfortable introducing us?",
     "intro_request", "Bea Nord", "Ali Khan", "Dana Whitfield"),
    ("Happy to. Let me check with Dana Whitfield first and I'll loop you in if she's up for it.",
     "intro_request", "Ali Khan", "Bea Nord", "Dana Whitfield"),
])
def test_more_ways_of_writing_a_hand_off(body, kind, ref, pin, contact):
    a = analyze(mail(f"Hi Bea,\n\n{body}\n\nAli", frm="Ali Khan <ali@example.com>", to="Bea Nord <bea@example.org>"))
    assert (a["kind"], a["referrer"]["name"], a["pin"]["name"], a["contact"]["name"]) == (kind, ref, pin, contact)


@pytest.mark.parametrize("body", [
    "Bea, Ali is building freight tooling; Ali, Bea ran pricing at Convoy for years. Over to you!",
    "Ali, Bea is the smartest person I know on freight pricing. Bea, Ali is a founder I've backed twice.",
])
def test_two_people_introduced_the_one_described_as_helping_is_the_contact(body):
    a = analyze(mail(f"Hi both,\n\n{body}\n\nGreg", frm="Greg Hall <greg@example.com>",
                     to="Bea Nord <bea@example.org>, Ali Khan <ali@example.net>"))
    assert a["kind"] == "direct_intro"
    assert a["pin"]["email"] == "ali@example.net" and a["contact"]["email"] == "bea@example.org"


def test_a_request_forwarded_to_someone_is_put_to_them():
    body = ("Bea, see below - can you help Tom? He is a friend.\n\n---------- Forwarded message ---------\n"
            "From: Tom Ray <tom@example.net>\nDate: Mon, 30 Nov 2026 10:00\nSubject: hello\nTo: Kate Moss <kate@example.com>"
            "\n\nHi Kate, I'm looking for a data engineering job in Oslo. Do you know anyone there?\n\nTom")
    a = analyze(mail(body, frm="Kate Moss <kate@example.com>", to="Bea Nord <bea@example.org>", subject="Fwd: hello"))
    assert a["kind"] == "intro_request" and a["referrer"]["email"] == "kate@example.com"
    assert a["pin"]["email"] == "tom@example.net" and a["contact"]["email"] == "bea@example.org"


def test_the_subject_is_a_headline_the_body_says_who_in_full():
    body = "Hi Bea,\n\nWant an intro to Nora Lindqvist at Fjord Capital? She led the Parcelwise round.\n\nIan"
    a = analyze(mail(body, frm="Ian McAllister <ian@example.com>", to="Beatriz Costa <bea@example.org>",
                     subject="Want an intro to Fjord?"))
    assert a["kind"] == "intro_request" and a["contact"]["name"] == "Nora Lindqvist"


def test_a_kinship_title_greets_the_person_the_headers_name_and_him_is_not_a_shop():
    body = ("Hi Uncle Ray,\n\nMom said you still golf with your friend Steve who manages the Home Depot in Tacoma. "
            "Could you put me in touch with him? I'm looking for full time work.\n\nJamie")
    a = analyze(mail(body, frm="Jamie K <jamie@example.com>", to="Ray Kowalczyk <ray@example.org>"))
    assert a["kind"] == "intro_request" and a["referrer"]["email"] == "ray@example.org"
    assert a["reply_to"] == "ray@example.org" and a["contact"]["name"] == "Steve"
    assert "no_relationship" not in codes(a)


def test_an_aside_naming_a_place_does_not_hide_the_referrer():
    body = ("Estimado Sr. Ruiz:\n\nBusco un puesto en logística.\n\nFue Carmen López, de la Cámara de Comercio de "
            "Bilbao, quien me recomendó que le escribiera.\n\nBegoña")
    a = analyze(mail(body, frm="Begoña Etxeberria <b@example.com>", to="Luis Ruiz <luis@example.org>"))
    assert a["kind"] == "said_to_contact" and a["referrer"]["name"] == "Carmen López"


def test_he_after_an_offer_means_the_person_named_not_the_reader():
    body = ("Hi Victor,\n\nWould you be open to an intro to my friend Mark Sato? He's raising a pre-seed for a "
            "back-office tool for vet clinics, and he ran partnerships at Chewy.\n\nLaura")
    a = analyze(mail(body, frm="Laura Chen <laura@example.com>", to="Victor Almeida <victor@example.org>"))
    assert a["kind"] == "intro_request"
    assert a["pin"]["name"] == "Mark Sato" and a["contact"]["email"] == "victor@example.org"


@pytest.mark.parametrize("body,kind,ref,pin,contact", [
    # an introduction written to one of the two, about someone not on the thread: an offer
    ("I'd like to introduce you to Tiago Melo, who is looking for an internship in marketing.",
     "intro_request", "Carlos Vega", "Tiago Melo", "Ben Cho"),
    ("Would you be willing to chat with a former colleague of mine, Ana Li? She is exploring product roles.",
     "intro_request", "Carlos Vega", "Ana Li", "Ben Cho"),
    ("Ich würde dich gern mit Paula Stein bekannt machen. Sie sucht gerade eine Stelle, und du kennst die Szene.",
     "intro_request", "Carlos Vega", "Paula Stein", "Ben Cho"),
    ("Queria apresentar-te o Tiago Melo, que está à procura de estágio em marketing. Achas que podes falar com ele?",
     "intro_request", "Carlos Vega", "Tiago Melo", "Ben Cho"),
])
def test_an_intro_offered_to_the_reader_about_someone_absent(body, kind, ref, pin, contact):
    a = analyze(mail(f"Ben,\n\n{body}\n\nCarlos", frm="Carlos Vega <carlos@example.com>", to="Ben Cho <ben@example.org>"))
    assert (a["kind"], a["referrer"]["name"], a["pin"]["name"], a["contact"]["name"]) == (kind, ref, pin, contact)


def test_an_event_introducing_you_to_a_group_is_no_hand_off():
    body = "A reception to introduce you to the Summer Associates is scheduled for June 22nd."
    assert analyze(mail(body, frm="Ginger Gamble <g@example.com>", to="Vince K <v@example.org>"))["kind"] == "none"


def test_a_firm_named_after_at_is_not_the_contact_and_a_name_after_the_contact_word_is_the_referrer():
    a = analyze(mail("Ben - could you connect me with someone on the data team at Spotify? I'm moving into ML.\n\nAna",
                     frm="Ana Li <ana@example.com>", to="Ben Cho <ben@example.org>"))
    assert a["kind"] == "intro_request" and a["contact"] is None
    b = analyze(mail("Ciao Pia,\n\nmi ha dato il tuo contatto Marco Testa, che mi ha detto che potresti aiutarmi.\n\nGio",
                     frm="Gio Sala <gio@example.com>", to="Pia Neri <pia@example.org>"))
    assert b["kind"] == "said_to_contact" and b["referrer"]["name"] == "Marco Testa"


def test_a_request_to_baton_makes_the_writer_the_referrer():
    body = ("Please help me introduce Felix Adams (cc'd), my old teammate, to Carla Diaz (carla@vertex.example). "
            "Felix is a security engineer looking for a staff role in Austin or remote, starting in January, around "
            "$200k. He'd like Carla's view on Vertex's security team. Resume: https://felix.example/resume.pdf")
    a = analyze(mail(body, frm="Diane Wu <diane@wu.example>", to="intro@baton.example",
                     cc="Felix Adams <felix@mail.example>"))
    assert a["kind"] == "intro_request"
    assert a["referrer"]["email"] == "diane@wu.example"
    assert a["pin"]["email"] == "felix@mail.example" and a["contact"]["email"] == "carla@vertex.example"
    assert codes(a) == set()


def test_an_unfocused_request_flags_what_is_missing_with_evidence():
    a = analyze(message("Owen - my cousin is looking for a job, he'll give you a call.", frm="Greg Hall <greg@mail.example>"))
    assert {"no_opt_in", "no_specific_ask", "no_goal", "no_timeline", "no_resume"} <= codes(a)
    assert "no_relationship" not in codes(a)
    assert a["pin"]["name"] == "Greg Hall's cousin" and a["pin"]["email"] is None
    assert all(f["evidence"] for f in a["flags"])


@pytest.mark.parametrize("body,kind", [
    ("My wife's sister Lena was just laid off and is going to connect with you. Can you help her find something in LA?",
     "direct_intro"),
    ("Could you help him find a job in Denver? He is a great engineer.", "intro_request"),
    ("Kim will call you about the contract tomorrow.", "none"),
    ("Can you help her with the quarterly report?", "none"),
    ("My brother will be in town next week, want to grab dinner with you?", "none"),
])
def test_relatives_sent_ahead_and_job_help(body, kind):
    raw = mail(f"Hi Priya,\n\n{body}\n\nMike", frm="Mike Chen <mike@chen.example>", to="Priya Shah <priya@shah.example>")
    assert analyze_bytes(raw, assistant="intro@baton.example", domains=["baton.example"]).kind == kind


# --- ordinary mail that sounds like a hand-off ------------------------------------------------

@pytest.mark.parametrize("body", [
    "John said the meeting moved to Thursday.",
    "Kim asked me to send you this report.",
    "Sarah suggested we push the launch to May.",
    "Alan asked me to email this to you.",
    "Thank you for referring me to John Lavorato.",
    "We would like to introduce you to our new website.",
    "I'd like to introduce myself: I am the new scheduler.",
    "Let's meet Tuesday at noon.",
    "I would like to introduce Intercontinental Staffing Group.",
    "Thanks so much for the intro, Ana! Moving you to bcc.",
    "My colleague Ryan will reach out to you this week to set up a demo.",
    "I'll introduce you to the audience before the panel starts.",
])
def test_near_misses_are_not_hand_offs(body):
    a = analyze(message(body))
    assert a["kind"] == "none", a["evidence"]
    assert a["flags"] == [] and a["referrer"] is None


def test_a_colleague_looped_in_to_serve_a_customer_is_business():
    body = "Looping in Jen Park, who handles our invoices.\n\nJen, Carlos has a question about the March bill."
    a = analyze(mail(body, frm="Alex Wu <alex@brightpath.example>",
                     to="Carlos Diaz <carlos@client.example>, Jen Park <jen@brightpath.example>"))
    assert a["kind"] == "none"


def test_a_reply_quoting_a_hand_off_is_not_a_new_one():
    body = ("Thursday at 10:30 works for me.\n\nDana\n\nOn Tue, Feb 3, 2026 at 9:14 AM Marcus Lee "
            "<marcus@fastmail.example> wrote:\n> Hi Dana,\n>\n> Sheila Okafor suggested I reach out to you.\n")
    a = analyze(mail(body, frm="Dana Whitfield <dana@loomstack.example>", to="Marcus Lee <marcus@fastmail.example>",
                     subject="Re: Sheila Okafor suggested I reach out",
                     extra="In-Reply-To: <orig@fastmail.example>\nReferences: <orig@fastmail.example>\n"))
    assert a["kind"] == "none"
    assert a["thread"]["in_reply_to"] == "<orig@fastmail.example>"


def test_cold_recruiter_mail_is_not_a_handoff():
    assert fixture("recruiter_cold_email.eml")["kind"] == "none"


def test_a_newsletter_is_machine_mail():
    a = fixture("newsletter_list_unsubscribe.eml")
    assert a["kind"] == "none" and a["auto_generated"] is True


# --- Baton's own addresses, thread keys, languages ---------------------------------------------

def test_baton_and_its_sub_addresses_are_never_people():
    a = analyze(message("Hi Owen, Lucy Grant pointed me your way.",
                        cc="intro@baton.example, Baton <intro+ab12@baton.example>, postmaster@baton.example"))
    roles = {p["email"]: p["role"] for p in a["participants"]}
    assert roles["intro@baton.example"] == "assistant" and roles["intro+ab12@baton.example"] == "assistant"
    assert "postmaster@baton.example" not in roles or roles["postmaster@baton.example"] == "assistant"
    assert roles["ahmed@mail.example"] == "pin" and roles["owen@price.example"] == "contact"


def test_thread_keys_are_reported_without_a_database():
    a = analyze(mail("Yes, happy to.", frm="Carla <carla@vertex.example>", to="Baton <intro+k1x2@baton.example>",
                     cc="", subject="Re: Intro?",
                     extra="In-Reply-To: <k1x2.abcd@baton.example>\nReferences: <a@x.example> <k1x2.abcd@baton.example>\n"))
    assert a["thread"]["in_reply_to"] == "<k1x2.abcd@baton.example>"
    assert a["thread"]["intro_keys"] == ["k1x2"] and len(a["thread"]["references"]) == 2


@pytest.mark.parametrize("body,lang,kind", [
    ("Anna Schmidt hat mir empfohlen, mich bei Ihnen zu melden. Ich suche eine Stelle als Data Scientist.",
     "de", "said_to_contact"),
    ("Sur les conseils de Marc Dubois, je me permets de vous contacter au sujet d'un poste.", "fr", "said_to_contact"),
    ("Pedro me sugirió que te escribiera. Estoy buscando trabajo en Madrid.", "es", "said_to_contact"),
    ("A Ana me indicou para falar com você sobre a vaga.", "pt", "said_to_contact"),
    ("Op aanraden van Pieter Jansen neem ik contact met u op.", "nl", "said_to_contact"),
    ("Su suggerimento di Marco Rossi mi permetto di scriverLe.", "it", "said_to_contact"),
])
def test_hand_offs_are_read_in_seven_languages(body, lang, kind):
    a = analyze(message(body))
    assert a["kind"] == kind and a["language"] == lang, (a["evidence"], a["language"])
    assert a["referrer"] is not None


@pytest.mark.parametrize("body,lang,kind,pin", [
    # a relative asked help for, in each language: the relative needs the help, the reader is asked
    ("Kannst du meiner Nichte bei der Suche nach einem Ausbildungsplatz in München helfen?", "de", "intro_request",
     "Nichte"),
    ("Pourriez-vous aider ma nièce à trouver un stage à Lyon ? Elle finit son master.", "fr", "intro_request",
     "nièce"),
    ("¿Podrías ayudar a mi sobrino a encontrar prácticas de ingeniería en Madrid?", "es", "intro_request",
     "sobrino"),
    ("A minha prima está à procura de emprego em Lisboa. Você pode conversar com ela?", "pt", "intro_request",
     "prima"),
    ("Kun je mijn neef helpen met zijn zoektocht naar een stage? Hij studeert bouwkunde.", "nl", "intro_request",
     "neef"),
    ("Potresti aiutare mio nipote a trovare uno stage a Milano? Studia ingegneria.", "it", "intro_request",
     "nipote"),
    # the referrer's relation to the writer, with an adjective between ("mein früherer Kollege")
    ("Mein früherer Kollege Tobias Brandt meinte, ich solle mich bei dir melden. Ich suche eine Stelle in Hamburg.",
     "de", "said_to_contact", None),
])
def test_requests_and_referrals_read_past_the_first_table_row(body, lang, kind, pin):
    a = analyze(message(body))
    assert a["kind"] == kind and a["language"] == lang, (a["evidence"], a["language"])
    if pin:
        assert pin in a["pin"]["name"] and a["pin"]["email"] is None
    else:
        assert a["referrer"]["name"] == "Tobias Brandt" and "no_relationship" not in codes(a)


def test_facts_the_message_states_clear_their_flags_and_carry_evidence():
    body = ("Hi Owen, Lucy Grant (my former manager at Acme) suggested I reach out to you. I'm looking for a "
            "senior data engineering role in Berlin, ideally by March, around 90k. Would you have 20 minutes? "
            "My CV: https://cv.example/ahmed-cv.pdf")
    a = analyze(message(body))
    assert not codes(a) & {"no_relationship", "no_goal", "no_timeline", "no_requirements", "no_resume",
                           "no_specific_ask"}
    assert set(a["facts"]) >= {"relationship", "goal", "timeline", "requirements", "resume", "ask"}
    assert a["facts"]["resume"]["value"] == "https://cv.example/ahmed-cv.pdf"


def test_a_resume_attachment_clears_no_resume():
    raw = (b"From: Ahmed Hassan <ahmed@mail.example>\nTo: Owen Price <owen@price.example>\nSubject: hi\n"
           b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
           b"Lucy Grant pointed me your way.\n--b\nContent-Type: application/pdf\n"
           b"Content-Disposition: attachment; filename=\"Ahmed Hassan CV.pdf\"\n\nJVBERi0=\n--b--\n")
    assert "no_resume" not in codes(analyze(raw))


def test_a_hand_off_mentioning_a_vacation_is_not_an_absence_notice():
    body = ("Hi Tom and Maya,\n\nConnecting you two, as promised. Tom is looking for a utility partner; Maya runs "
            "grid modernization at Solaris.\n\nI'll be on vacation next week, so go ahead without me.\n\nRachel")
    a = analyze(mail(body, frm="Rachel Kim <rachel@kim.example>",
                     to="Tom Hughes <tom@gridwise.example>, Maya Patel <maya@solaris.example>"))
    assert a["auto_generated"] is False and a["kind"] == "direct_intro"


@pytest.mark.parametrize("head,body", [
    ("Subject: Away until Feb 23\n", "Hi there,\n\nI'm on vacation until Monday, February 23.\n\nBen"),
    ("Subject: Abwesend bis 12.01.2025\n", "Guten Tag,\n\nich bin bis 12.01. nicht im Büro.\n\nHeike"),
    ("Subject: [#4471] AutoReply: Re: Could you introduce me?\n", "Your request has been received."),
    ("Mailing-List: contact founders-help@lists.example; run by ezmlm\nSubject: Re: Welcome\n", "Quick intro about me."),
    ("Subject: Alert\n", "Anna suggested I reach out to you."),
])
def test_robots_and_absence_notices_are_machine_mail(head, body):
    frm = "Alerts <alerts-noreply@alerts.example>" if "Alert" in head else "Ben Adler <ben@northgate.example>"
    raw = f"From: {frm}\nTo: intro@baton.example\n{head}\n{body}\n".encode()
    assert analyze(raw)["auto_generated"] is True


def test_a_byte_order_mark_before_the_headers_hides_nothing():
    raw = b"\xef\xbb\xbfFrom: Ahmed <ahmed@mail.example>\nTo: Owen <owen@price.example>\nSubject: hi\n\nHello\n"
    a = analyze(raw)
    assert a["subject"] == "hi" and a["reply_to"] == "ahmed@mail.example"


@pytest.mark.parametrize("body, frm, to, cc, pin", [
    ("Dear Raj,\n\nMy neighbour Carol Jennings suggested I write to you. My daughter, Mia Novak (cc'd), is finishing "
     "her chemistry degree and is looking for a lab internship this summer.\n\nThanks,\nLaura",
     "Laura Novak <laura@mail.example>", "Raj Mehta <raj@lab.example>", "Mia Novak <mia@uni.example>, intro@baton.example",
     "mia@uni.example"),
    ("Hallo Herr Weber,\n\nmeine Nachbarin Carola Jung hat mir geraten, Ihnen zu schreiben. Mein Sohn Jonas Krause (in "
     "Kopie) studiert Maschinenbau und sucht ein Praktikum für den Sommer.\n\nViele Grüße\nLaura Krause",
     "Laura Krause <laura@mail.example>", "Tim Weber <tim@firma.example>",
     "Jonas Krause <jonas@uni.example>, intro@baton.example", "jonas@uni.example"),
    ("Bonjour Madame Roux,\n\nMa voisine Claire Petit m'a conseillé de vous écrire. Mon fils, Hugo Martin (en copie), "
     "cherche un stage de fin d'études en logistique.\n\nBien cordialement,\nLaure Martin",
     "Laure Martin <laure@mail.example>", "Anne Roux <anne@firme.example>",
     "Hugo Martin <hugo@uni.example>, intro@baton.example", "hugo@uni.example"),
    # The writer's own need, with someone else on the thread: the writer stays the PIN.
    ("Dear Raj,\n\nCarol Jennings suggested I write to you. I'm looking for a lab internship this summer. My colleague "
     "Sam Ortiz (cc'd) can vouch for me.\n\nThanks,\nLaura",
     "Laura Novak <laura@mail.example>", "Raj Mehta <raj@lab.example>", "Sam Ortiz <sam@uni.example>, intro@baton.example",
     "laura@mail.example"),
])
def test_a_writer_who_writes_for_someone_on_the_thread_is_not_the_pin(body, frm, to, cc, pin):
    a = analyze(message(body, frm=frm, to=to, cc=cc))
    assert a["kind"] == "said_to_contact"
    assert a["pin"]["email"] == pin
    assert a["referrer"]["email"] is None and a["reply_to"] == frm.split("<")[1].rstrip(">")


@pytest.mark.parametrize("sentence", [
    "Would it be all right if I called you on Thursday? Could I call you next week?",
    "Zou je het leuk vinden om volgende week even te bellen?",
    "¿Le parecería bien que le llamara el jueves por la mañana?",
    "Könnten wir nächste Woche kurz telefonieren?",
    "Serait-il possible d'échanger avec vous la semaine prochaine ?",
    "Será que podemos conversar com calma na próxima semana?",
    "Possiamo sentirci la prossima settimana?",
    "Nos gustaría proponerle una prueba piloto antes de febrero.",
    "Greg is hiring for exactly that at Atlas Robotics.",
    "Nathalie recrute justement pour ce type de profil.",
    "The ask for Raymond: a first meeting with Anouk in the next two weeks.",
])
def test_an_ask_written_as_a_verb_or_an_offer_is_found(sentence):
    assert facts.extract([sentence], []).ask is not None


@pytest.mark.parametrize("sentence", [
    "I called the bank yesterday about the wire.",
    "Please call the front desk if the door is locked.",
    "The team meets on Tuesdays.",
])
def test_a_call_that_asks_nothing_of_the_contact_is_no_ask(sentence):
    assert facts.extract([sentence], []).ask is None


@pytest.mark.parametrize("sentence", [
    "We need two sponsors before our launch on March 1st.",
    "Fecha límite: antes del 15 de febrero, cuando cierran su presupuesto.",
    "I'm interviewing with them next Thursday.",
    "Können wir nächsten Donnerstag sprechen?",
    "Je suis disponible à partir d'avril.",
    "¿Tendrías 15 minutos esta semana?",
    "Kunnen we volgende dinsdag bellen?",
    "Ci sentiamo giovedì prossimo?",
    "He hopes to move by early summer.",
])
def test_a_day_or_this_week_is_a_timeline(sentence):
    assert facts.extract([sentence], []).timeline is not None


@pytest.mark.parametrize("sentence", [
    "I'm interviewing for their Director of Data role.",
    "We're planning to apply in the spring cycle.",
    "Ich würde Herrn Zimmermann gern in einem kurzen Gespräch zeigen, wie es funktioniert.",
    "Met SlimParkeren willen we dit voorjaar een pilot draaien.",
    "Estoy lanzando un podcast sobre finanzas personales.",
])
def test_what_the_pin_is_in_the_middle_of_is_a_goal(sentence):
    assert facts.extract([sentence], []).goal is not None


@pytest.mark.parametrize("sentence", [
    "Sto cercando un ruolo come product manager a Torino.",
    "Stanno cercando un nuovo socio per lo studio.",
    "Sono alla ricerca di un tirocinio a Bologna.",
    "Estou à procura de um estágio em Coimbra.",
    "Je suis à la recherche d'un poste de juriste à Lille.",
    "Ando en busca de un empleo como enfermera en Málaga.",
])
def test_a_search_in_the_first_person_or_as_a_phrase_is_a_goal(sentence):
    assert facts.extract([sentence], []).goal is not None


@pytest.mark.parametrize("sentence", [
    "Per our call (and thanks for saying you'd like to meet her), I'm introducing you to Priya.",
    "He mentioned last week that he might be hiring, and said he'd love to meet you.",
    "Raymond told me last week he'd welcome an intro.",
])
def test_a_contact_who_said_they_want_it_has_opted_in(sentence):
    assert facts.first(facts.OPT_IN, [sentence]) == sentence


@pytest.mark.parametrize("body, referrer, pin", [
    ("Following is the resume of Robert Goerner. He is at Reliant doing pipeline accounting. He was referred by "
     "Karen Lindley.", "Karen Lindley", "Robert Goerner"),
    ("Paul Beckner with Citizens was referred by Jack Oliver to speak with you.", "Jack Oliver", "Paul Beckner"),
])
def test_someone_referred_by_a_third_person_is_the_pin(body, referrer, pin):
    a = analyze(message(body, frm="Dana Farmer <dana@mail.example>"))
    assert a["kind"] == "said_to_contact"
    assert (a["referrer"]["name"], a["pin"]["name"]) == (referrer, pin)


def test_she_is_never_the_one_who_suggested_she_write():
    a = analyze(message("Rick Craig suggested she talk to you.", subject="Kristen Hand (here) re Clifton Machine Shop"))
    assert a["kind"] == "said_to_contact"
    assert a["referrer"]["name"] == "Rick Craig" and a["pin"]["name"] == "Kristen Hand"


def test_someone_at_an_event_is_an_unnamed_referrer_and_a_hyphenated_greeting_names_the_contact():
    a = analyze(message("Hi Soo-jin,\n\nI was told by someone at the FleetTech conference in Las Vegas last week that "
                        "you're the person to talk to about integration partnerships at FleetCore.\n\nBest,\nDevon",
                        frm="Devon Achterberg <devon@routewise.example>", to="Soo-jin Kim <soojin.kim@fleetcore.example>"))
    assert a["kind"] == "said_to_contact" and a["referrer"] is None
    assert a["contact"] == {"name": "Soo-jin Kim", "email": "soojin.kim@fleetcore.example"}
    codes = {f["code"] for f in a["flags"]}
    assert {"unknown_referrer", "referrer_unreachable"} <= codes  # nobody with an address vouches


def test_a_titles_dot_ends_no_sentence():
    from inbound.analysis.sentences import sentences
    assert sentences("Estimado Lic. Hernández: ¿sería tan amable de presentarme con el Ing. Roberto Garza, director "
                     "de planta? Gracias.") == [
        "Estimado Lic. Hernández: ¿sería tan amable de presentarme con el Ing. Roberto Garza, director de planta?",
        "Gracias."]
    a = analyze(message("Estimado Lic. Hernández:\n\n¿Sería tan amable de presentarme con el Ing. Roberto Garza, "
                        "director de planta de Aceros del Norte?\n\nSaludos,\nMariana Cruz",
                        frm="Mariana Cruz <mariana@cruz.example>", to="Luis Hernández <luis@hernandez.example>"))
    assert a["kind"] == "intro_request" and "Roberto Garza" in a["contact"]["name"]


def test_a_firm_after_chez_bei_bij_is_no_person():
    a = analyze(message("Salut Thomas, tu pourrais me mettre en contact avec ton pote chez Aurore AI, Hugo Lemaire ? "
                        "J'aimerais avoir son avis.\n\nInès", frm="Inès Roy <ines@roy.example>",
                        to="Thomas Petit <thomas@petit.example>"))
    assert a["kind"] == "intro_request" and a["contact"]["name"] == "Hugo Lemaire"


def test_a_request_that_seems_for_the_writer_is_for_the_relative_a_later_sentence_says_is_looking():
    body = ("Hey Dana,\n\nDo you happen to know anyone at Spotify in Stockholm? My brother Marco is moving there in "
            "March and is trying to get into their data science team.\n\nCheers,\nPaulo")
    a = analyze(mail(body, frm="Paulo Reis <paulo@reis.example>", to="Dana Fox <dana@fox.example>"))
    assert a["kind"] == "intro_request"
    assert a["pin"]["name"] == "Marco" and a["referrer"]["email"] == "dana@fox.example"


def test_you_should_talk_to_my_friend_is_an_offer_to_connect_the_reader():
    body = ("Ben,\n\nYou should really talk to my friend Dmitri Volkov - he ran supply chain at Zappos for six years. "
            "Want me to make the connection?\n\nRuth")
    a = analyze(mail(body, frm="Ruth Adler <ruth@adler.example>", to="Ben Kaplan <ben@kaplan.example>"))
    assert a["kind"] == "intro_request"
    assert (a["referrer"]["email"], a["pin"]["email"]) == ("ruth@adler.example", "ben@kaplan.example")
    assert a["contact"]["name"] == "Dmitri Volkov"


@pytest.mark.parametrize("body", [
    "I'm thrilled to introduce Kwame Mensah, who joins us as a partner next month. Please give him a warm welcome.",
    "Ich freue mich, euch Lena Brandt vorzustellen, unsere neue Teamleiterin. Bitte heißt sie herzlich willkommen!",
    "Je vous présente Hugo Martin, notre nouveau directeur financier. Souhaitez-lui la bienvenue !",
])
def test_a_new_colleague_welcomed_to_the_team_is_no_hand_off(body):
    a = analyze(mail(f"Hi all,\n\n{body}\n\nNora", frm="Nora Berg <nora@berg.example>", to="Team <all@berg.example>"))
    assert a["kind"] == "none", a["evidence"]


def test_a_pronoun_means_the_relative_named_before_it_not_a_firm_or_a_noun():
    body = ("Hi Rebecca,\n\nMy daughter Aaliyah just passed her nursing boards. I know Mercy General hires new grads "
            "in the fall - would you be willing to chat with her for 15 minutes?\n\nPatrice")
    a = analyze(mail(body, frm="Patrice Johnson <patrice@johnson.example>", to="Rebecca Stein <rebecca@stein.example>"))
    assert a["kind"] == "intro_request" and a["pin"]["name"] == "Aaliyah"
    body = ("Hi Anja,\n\nDu hattest erwähnt, dass dein Kollege Tobias Albrecht bei euch das Thema Ladeinfrastruktur "
            "verantwortet. Könntest du mich mit ihm bekannt machen?\n\nFelix")
    a = analyze(mail(body, frm="Felix Braun <felix@braun.example>", to="Anja Koch <anja@koch.example>"))
    assert a["kind"] == "intro_request" and a["contact"]["name"] == "Tobias Albrecht"
    assert a["referrer"]["email"] == "anja@koch.example" and a["pin"]["email"] == "felix@braun.example"


def test_a_pronoun_never_means_a_relative_of_the_other_gender():
    body = ("Hi Omar,\n\nMy son Tariq and Dr. Lena Vogt met at the fair. Would you be willing to chat with her about "
            "the residency?\n\nKim")
    a = analyze(mail(body, frm="Kim Lee <kim@lee.example>", to="Omar Haddad <omar@haddad.example>"))
    assert (a["pin"] or {}).get("name") != "Tariq"


def test_an_offer_without_a_name_connects_the_reader_to_the_person_described_before():
    body = ("Hamid,\n\nMy old roommate, Lucía Fernández, does the books for a dozen restaurants in the city. "
            "Want me to put you in touch?\n\nB.")
    a = analyze(mail(body, frm="Bridget Sullivan <bridget@sullivan.example>", to="Hamid Karimi <hamid@karimi.example>"))
    assert a["kind"] == "intro_request"
    assert a["pin"]["email"] == "hamid@karimi.example" and a["contact"]["name"] == "Lucía Fernández"


@pytest.mark.parametrize("body, referrer", [
    ("I'm reaching out at the suggestion of our mutual friend, Ingrid Solberg.", "Ingrid Solberg"),
    ("Priya Raman mentioned your sleep studies, and she felt strongly that I should get in touch with you.",
     "Priya Raman"),
])
def test_more_ways_a_referrer_is_named(body, referrer):
    a = analyze(mail(f"Dear Ms. Goldberg,\n\n{body}\n\nMateo", frm="Mateo Alvarez <mateo@alvarez.example>",
                     to="Hannah Goldberg <hannah@goldberg.example>"))
    assert a["kind"] == "said_to_contact" and a["referrer"]["name"] == referrer


def test_a_dutch_subject_via_a_name_with_a_particle_keeps_the_whole_name():
    a = analyze(mail("Hoi Fatima,\n\nVia Sanne de Vries kreeg ik je naam; zij zei dat ik je echt eens moest "
                     "mailen.\n\nBram", frm="Bram Jansen <bram@jansen.example>",
                     to="Fatima El Amrani <fatima@elamrani.example>", subject="Via Sanne de Vries"))
    assert a["kind"] == "said_to_contact" and a["referrer"]["name"] == "Sanne de Vries"


def _forward(note: str, *, author: str, reader: str, lead: str) -> bytes:
    body = (f"{lead}\n\n---------- Forwarded message ---------\nFrom: {author}\nDate: Thu, 6 Mar 2025 at 14:22\n"
            f"Subject: a tip\nTo: {reader}\n\n\n{note}\n")
    return mail(body, frm=reader, to="intro@baton.example", cc="", subject="Fwd: a tip")


@pytest.mark.parametrize("note, contact_email", [
    ("Hi Daan,\n\nAbout your renovation: you should really talk to Evelien de Boer, evelien@deboer.example. "
     "She got our permit through in weeks.\n\nMarloes", "evelien@deboer.example"),
    ("Hoi Daan,\n\nOver je verbouwing: neem even contact op met Evelien de Boer, evelien@deboer.example. Zeg maar "
     "dat je via mij komt.\n\nMarloes", "evelien@deboer.example"),
    ("Lieber Herr Vermeulen,\n\nwenden Sie sich am besten an Frau Dr. Evelien Schäfer (e.schaefer@ies.example). "
     "Berufen Sie sich gerne auf mich.\n\nMarloes Brouwer", "e.schaefer@ies.example"),
])
def test_advice_to_contact_someone_forwarded_by_its_reader_is_the_referral(note, contact_email):
    a = analyze(_forward(note, author="Marloes Brouwer <marloes@brouwer.example>",
                         reader="Daan Vermeulen <daan@vermeulen.example>", lead="FYI, writing to her today.\n\nDaan"))
    assert a["kind"] == "said_to_contact", a["evidence"]
    assert a["referrer"]["email"] == "marloes@brouwer.example" and a["pin"]["email"] == "daan@vermeulen.example"
    assert a["contact"]["email"] == contact_email  # written in the note, matched by the name in it


def test_a_body_address_never_becomes_the_referrers_whom_baton_answers():
    body = ("Hi Owen,\n\nMike McConnell asked me to contact you on his behalf about the pipeline study.\n\n"
            "Cathy\n\n(Mike can be reached at mike.mcconnell@enron.example.)")
    a = analyze(mail(body, frm="Cathy Phillips <cathy@enron.example>", to="Owen Price <owen@price.example>"))
    assert a["referrer"]["name"] == "Mike McConnell" and a["referrer"]["email"] is None


@pytest.mark.parametrize("body, subject, kind, ref, pin, contact", [
    ("Hope you don't mind a note out of the blue. We're closing a seed round. Would you have 20 min next week?",
     "Intro via Marta", "said_to_contact", "Marta", "tomasz@wojcik.example", "ines@wojcik.example"),
    ("I noticed that you and Jessica Park worked together at Helix Bio. Would you be comfortable making an intro?",
     "Quick favour", "intro_request", "ines@wojcik.example", "tomasz@wojcik.example", "Jessica Park"),
    ("Ich kenne da jemanden: Gül Aydın hat eine eigene Kanzlei in Köln. Wenn du magst, stelle ich euch gerne per "
     "Mail vor.", "Steuerberatung", "intro_request", "tomasz@wojcik.example", "ines@wojcik.example", "Gül Aydın"),
    ("Ciao, sono l'amica di Sergio Bassi. Mi ha detto lui di scriverti per l'appartamento.", "appartamento",
     "said_to_contact", "Sergio Bassi", "tomasz@wojcik.example", "ines@wojcik.example"),
    ("Io mi trovo benissimo con Simona Leone, ha lo studio a Verona. Se vuoi ti metto in contatto con lei!",
     "commercialista", "intro_request", "tomasz@wojcik.example", "ines@wojcik.example", "Simona Leone"),
])
def test_more_phrasings_in_more_languages(body, subject, kind, ref, pin, contact):
    a = analyze(mail(f"Hi Ines,\n\n{body}\n\nTomasz", frm="Tomasz Wojcik <tomasz@wojcik.example>",
                     to="Ines Wojcik <ines@wojcik.example>", subject=subject))
    assert a["kind"] == kind, a["evidence"]
    for role, want in (("referrer", ref), ("pin", pin), ("contact", contact)):
        got = a[role] or {}
        assert want in ((got.get("email") or ""), (got.get("name") or "")), (role, got)


@pytest.mark.parametrize("body, referrer", [
    ("I got your name from a friend of my family - Hannah Kowalski - who worked alongside you years ago.",
     "Hannah Kowalski"),
    ("Votre nom m'a été transmis par une amie commune (Élodie Rousseau), qui m'a conseillé de vous écrire.",
     "Élodie Rousseau"),
    ("Me pongo en contacto con usted por recomendación de Dña. Carmen Ortega, con quien coincidí en Zaragoza.",
     "Carmen Ortega"),
])
def test_a_referrer_set_off_by_a_dash_a_bracket_or_after_a_title_with_a_dot(body, referrer):
    a = analyze(mail(f"Dear Dr. Obi,\n\n{body}\n\nNaomi", frm="Naomi Whitfield <naomi@whitfield.example>",
                     to="Emeka Obi <emeka@obi.example>"))
    assert a["kind"] == "said_to_contact", a["evidence"]
    assert referrer in a["referrer"]["name"]


def test_a_firm_after_a_preposition_is_not_whom_ele_means():
    body = ("Oi Camila,\n\nVocê comentou que trabalhou com o Rodrigo Almeida na Vértice Pagamentos. Você poderia me "
            "apresentar a ele?\n\nThiago")
    a = analyze(mail(body, frm="Thiago Nascimento <thiago@nascimento.example>", to="Camila Rocha <camila@rocha.example>"))
    assert a["kind"] == "intro_request" and a["contact"]["name"] == "Rodrigo Almeida"


def test_a_manager_asking_a_call_for_one_of_their_engineers():
    body = ("Dear Professor Adebayo,\n\nI'm writing on behalf of one of my engineers, Tomás Herrera. He's applying to "
            "PhD programs this cycle. Would you be open to a short call with him?\n\nRebecca")
    a = analyze(mail(body, frm="Rebecca Stein <rebecca@stein.example>", to="Funmi Adebayo <f.adebayo@uni.example>"))
    assert a["kind"] == "intro_request"
    assert (a["referrer"]["email"], a["pin"]["name"], a["contact"]["email"]) == (
        "rebecca@stein.example", "Tomás Herrera", "f.adebayo@uni.example")


def test_an_address_after_an_institute_goes_to_the_person_whose_name_it_holds():
    note = ("Lieber Herr Vermeulen,\n\nwenden Sie sich am besten an Frau Dr. Miriam Schäfer vom Institut für "
            "Energiesysteme Rheinland (m.schaefer@ies.example). Berufen Sie sich gerne auf mich.\n\nMarloes Brouwer")
    a = analyze(_forward(note, author="Marloes Brouwer <marloes@brouwer.example>",
                         reader="Daan Vermeulen <daan@vermeulen.example>", lead="Zur Info.\n\nDaan"))
    assert a["kind"] == "said_to_contact"
    assert "Schäfer" in a["contact"]["name"] and a["contact"]["email"] == "m.schaefer@ies.example"
    assert all(p["email"] != "m.schaefer@ies.example" for p in a["participants"] if p["role"] == "other")


@pytest.mark.parametrize("body", [
    "A colleague of mine suggested I reach out to you about an exciting Senior Data Engineer role with one of our "
    "clients, a fintech in Austin. Would you be open to a quick call?",
    "My daughter is looking for her lost cat, Pickle. Please contact me if you see him.",
    "I spoke to Joanna and she suggested we meet at 3 instead of 1. Does 3pm still work for you?",
    "Pedro me dijo que le enviara el informe trimestral antes de la reunión del lunes.",
])
def test_everyday_mail_in_the_words_of_a_hand_off_is_none(body):
    a = analyze(mail(f"Hi Mei,\n\n{body}\n\nTyler", frm="Tyler Brooks <tyler@brooks.example>",
                     to="Mei Lin <mei@lin.example>"))
    assert a["kind"] == "none", a["evidence"]


@pytest.mark.parametrize("body, pin", [
    ("I'm writing on behalf of my close friend Aisha Rahman, who is struggling to get an appointment. Would you be "
     "able to advise her?", "Aisha Rahman"),
    ("Ik heb een vraagje namens een goede vriendin van me, Femke. Ze zoekt een kamer in Utrecht. Zou je haar kunnen "
     "helpen?", "Femke"),
])
def test_writing_on_behalf_of_someone_asks_help_for_them(body, pin):
    a = analyze(mail(f"Hi Olu,\n\n{body}\n\nMegan", frm="Megan Hale <megan@hale.example>", to="Olu Ade <olu@ade.example>"))
    assert a["kind"] == "intro_request" and a["pin"]["name"] == pin
    assert a["referrer"]["email"] == "megan@hale.example" and a["contact"]["email"] == "olu@ade.example"


def test_a_referrer_before_an_aside_that_names_a_city():
    body = ("Hola, Beatriz:\n\nLucía Fernández, con quien coincidí en un taller de escritura en Sevilla, me sugirió "
            "que te escribiera.\n\nAndrés")
    a = analyze(mail(body, frm="Andrés Molina <andres@molina.example>", to="Beatriz Sanz <beatriz@sanz.example>"))
    assert a["kind"] == "said_to_contact" and a["referrer"]["name"] == "Lucía Fernández"


@pytest.mark.parametrize("body", [
    "Loved hearing about your plans! Would you like me to introduce you to my friend Chen Wei? He opened a bakery "
    "in Galway three years ago.",
    "Que legal que você está pensando em instalar energia solar! Quer que eu te apresente ao meu primo Tiago Ferraz? "
    "Ele tem uma empresa de instalação em Campinas.",
])
def test_an_intro_offered_as_a_question_to_the_reader_is_for_the_reader(body):
    a = analyze(mail(f"Hi Liam,\n\n{body}\n\nSofia", frm="Sofia Berg <sofia@berg.example>",
                     to="Liam Cole <liam@cole.example>"))
    assert a["kind"] == "intro_request"
    assert a["pin"]["email"] == "liam@cole.example" and a["referrer"]["email"] == "sofia@berg.example"


def test_a_spanish_outlook_forward_of_advice_with_a_shortened_greeting():
    body = ("Os reenvío la nota de Ignacio.\n\nLucía\n\n________________________________\n"
            "De: Ignacio Salcedo <ignacio@salcedo.example>\nEnviado el: miércoles, 12 de marzo de 2025 18:03\n"
            "Para: Lucía Barrenechea <lucia@barrenechea.example>\nAsunto: Te paso un contacto\n\nHola Luci:\n\n"
            "Lo que me contaste me hizo pensar en Marta del Río (marta@delrio.example). Escríbele de mi parte, seguro "
            "que te ayuda.\n\nUn abrazo,\nIgnacio\n")
    a = analyze(mail(body, frm="Lucía Barrenechea <lucia@barrenechea.example>", to="intro@baton.example", cc="",
                     subject="RV: Te paso un contacto"))
    assert a["kind"] == "said_to_contact", a["evidence"]
    assert (a["referrer"]["email"], a["pin"]["email"], a["contact"]["email"]) == (
        "ignacio@salcedo.example", "lucia@barrenechea.example", "marta@delrio.example")


@pytest.mark.parametrize("body, pin", [
    ("Femke, Youssef heeft net een bedrijf opgericht en zoekt een boekhouder.\n\nYoussef, Femke is zelfstandig "
     "boekhouder. Ze is precies wie je zoekt.", "youssef@elamrani.example"),
    ("Inês, a Tânia Ribeiro é enfermeira e está a preparar a mudança para a Suíça; precisa de ajuda com o diploma.\n\n"
     "Tânia, a Inês Carvalho trabalha há dez anos na Cruz Vermelha em Genebra.", "tania@ribeiro.example"),
])
def test_who_needs_whom_when_each_is_spoken_to_in_turn(body, pin):
    to = ("Femke Jansen <femke@jansen.example>, Youssef El Amrani <youssef@elamrani.example>" if "Femke" in body
          else "Inês Carvalho <ines@carvalho.example>, Tânia Ribeiro <tania@ribeiro.example>")
    a = analyze(mail(f"Hoi allebei,\n\nGraag stel ik jullie aan elkaar voor.\n\n{body}\n\nJoost",
                     frm="Joost Bos <joost@bos.example>", to=to))
    assert a["kind"] == "direct_intro" and a["pin"]["email"] == pin


@pytest.mark.parametrize("sentence", [
    "When I described the problem to Marguerite Okonkwo-Hale, she said I really ought to get in touch with you.",
    "Eleanor Fitzgibbon told me that you had solved this problem before and that I should contact you directly.",
])
def test_referrals_with_an_adverb_or_a_clause_between(sentence):
    a = analyze(message(f"Hi Owen,\n\n{sentence}\n\nAhmed"))
    assert a["kind"] == "said_to_contact" and a["referrer"]["name"] in sentence


@pytest.mark.parametrize("body, subject", [
    ("I was pointed to you by the alumni careers service at Northbridge University, who said you have helped "
     "people move into charities.", "Advice"),
    ("Das Hamburg Welcome Center hat mir geraten, mich an Sie zu wenden.", "Umzug"),
    ("Mi è stato suggerito dal Career Service del Politecnico di Milano di contattarLa.", "Candidatura"),
])
def test_an_office_that_points_someone_to_the_reader_is_a_vague_referrer(body, subject):
    a = analyze(mail(f"Dear Ms Khumalo,\n\n{body}\n\nGeoffrey", frm="Geoffrey Ash <geoffrey@ash.example>",
                     to="Naledi Khumalo <naledi@khumalo.example>", subject=subject))
    assert a["kind"] == "said_to_contact", a["evidence"]
    assert "unknown_referrer" in codes(a)


@pytest.mark.parametrize("body, pin", [
    ("Our neighbour's son Callum is halfway through a kitchen refit and his electrician vanished. Could you help "
     "him out or pass him a name?", "Callum"),
    ("One of my master's students, Aigerim Sultanova, is graduating in August. Would you be willing to give her "
     "half an hour?", "Aigerim Sultanova"),
    ("Ich habe eine Bitte, und zwar für meinen Schwager Karim Benjelloun. Er ist Elektriker und steckt bei der "
     "Anerkennung fest.", "Karim Benjelloun"),
    ("Ti scrivo per chiederti una mano per una mia collega, la dott.ssa Giulia Ferri. Avresti mezz'ora per lei?",
     "Giulia Ferri"),
    ("Um amigo de infância, o Thiago Barbosa, foi demitido. Toparia conversar uns 20 minutos com ele?",
     "Thiago Barbosa"),
    ("Te escribo por una alumna mía de segundo de bachillerato, Camila Rojas. ¿Podrías orientarla?", "Camila Rojas"),
])
def test_help_asked_for_someone_in_more_shapes(body, pin):
    a = analyze(mail(f"Hi Gareth,\n\n{body}\n\nPam", frm="Pam Hill <pam@hill.example>", to="Gareth Lewis <gareth@lewis.example>"))
    assert a["kind"] == "intro_request", a["evidence"]
    assert pin in a["pin"]["name"] and a["contact"]["email"] == "gareth@lewis.example"
