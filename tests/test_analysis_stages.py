"""Analysis stages that fresh probe sets (written by helpers who saw neither the fixtures nor the
code) showed missing: a reply that takes up a quoted offer or request is the hand-off the quote holds
(inbound/analysis/analyze.py `_accepted`), a greeting that runs on names the reader, hiring is no
need, an assistant's principal is the referrer, and the cues these tests name."""
from __future__ import annotations

from inbound.analysis.people import greeted
from tests.mailfixtures import analyze, message

OFFER = """Yes please, that would be wonderful! Weekday evenings work best for me. Copying Baton to set it up.

Lena

On Tue, 4 Mar 2025 at 09:12, Marco Bianchi <marco@bianchi.example> wrote:
> Hi Lena, you mentioned you want to move into bookbinding. My old classmate Tomas Varga runs
> a bindery in Leipzig and takes on trainees now and then. Would you like me to introduce you?
> Marco
"""

REQUEST = """Dear Ines,

Happy to. I'm adding Baton, which will check with Ruth first.

Best,
Paul

On 2 Mar 2025, at 18:03, Ines Duarte <ines@duarte.example> wrote:
> Dear Paul,
> I'm looking for a data engineering role in Porto, and I saw that Ruth Adler at Kelp Analytics
> was once on your team. Would you be willing to introduce me to her?
> Thanks, Ines
"""


def test_a_reply_accepting_a_quoted_offer_is_the_offer_with_the_replier_as_the_one_helped():
    a = analyze(message(OFFER, frm="Lena Hofer <lena@hofer.example>", to="Marco Bianchi <marco@bianchi.example>",
                        subject="Re: bookbinding"))
    assert a["kind"] == "intro_request"
    assert a["referrer"]["email"] == "marco@bianchi.example" and a["reply_to"] == "marco@bianchi.example"
    assert a["pin"]["email"] == "lena@hofer.example" and "Tomas Varga" in a["contact"]["name"]
    assert "accepted_in_reply" in a["assumptions"]


def test_a_referrer_accepting_a_quoted_request_starts_it():
    a = analyze(message(REQUEST, frm="Paul Okoro <paul@okoro.example>", to="Ines Duarte <ines@duarte.example>",
                        subject="Re: an introduction?"))
    assert a["kind"] == "intro_request"
    assert a["referrer"]["email"] == "paul@okoro.example" and a["pin"]["email"] == "ines@duarte.example"
    assert "Ruth" in a["contact"]["name"]


def test_a_reply_that_declines_or_answers_something_else_is_no_hand_off():
    declined = OFFER.replace("Yes please, that would be wonderful! Weekday evenings work best for me. "
                             "Copying Baton to set it up.", "No thanks, not right now - maybe next year.")
    a = analyze(message(declined, frm="Lena Hofer <lena@hofer.example>", to="Marco Bianchi <marco@bianchi.example>",
                        subject="Re: bookbinding"))
    assert a["kind"] == "none"
    # An intro already made, quoted under a thank-you, is answered in its thread, not started again.
    made = """Thanks Marco, we met on Friday and it went really well!

On Tue, 4 Mar 2025 at 09:12, Marco Bianchi <marco@bianchi.example> wrote:
> Lena, meet Tomas Varga: he runs a bindery in Leipzig. Tomas, Lena wants to train as a bookbinder.
"""
    a = analyze(message(made, frm="Lena Hofer <lena@hofer.example>", to="Marco Bianchi <marco@bianchi.example>",
                        subject="Re: intro"))
    assert a["kind"] == "none"


def test_a_greeting_that_runs_on_into_the_first_sentence_names_the_reader():
    assert greeted("Hey Chiara, you were saying you need a kiln.") == ["Chiara"]
    assert greeted("Hi Omar and Jess, thanks for the call") == ["Omar", "Jess"]
    assert greeted("Jeff,") == ["Jeff"]
    assert greeted("Tom, the report is ready.") == []  # no greeting word: perhaps a list, not a vocative
    assert greeted("Hi there, quick question") == []


def test_a_referrer_before_a_relative_clause_ending_in_us_is_still_the_referrer():
    """"to us" inside the clause is an object, not the writer as the subject of "said"."""
    body = ("Dear Mr Mensah,\n\nMrs Okafor who lives next door to us said I should get in touch with you because "
            "you sometimes take apprentices.\n\nJonas Becker\n")
    a = analyze(message(body, frm="Jonas Becker <jonas@becker.example>", to="Kwame Mensah <kwame@mensah.example>"))
    assert a["kind"] == "said_to_contact" and "Okafor" in a["referrer"]["name"]
    assert a["pin"]["email"] == "jonas@becker.example" and a["contact"]["email"] == "kwame@mensah.example"


def test_advice_to_get_in_touch_that_ends_the_sentence_counts():
    body = ("Hi Yusuf,\n\nMy aunt, Miriam Weiss - you photographed her wedding last June - said you sometimes take on "
            "second shooters and that I should get in touch.\n\nChloe\n")
    a = analyze(message(body, frm="Chloe Martin <chloe@martin.example>", to="Yusuf Demir <yusuf@demir.example>"))
    assert a["kind"] == "said_to_contact" and "Miriam Weiss" in a["referrer"]["name"]
    plain = analyze(message("Hi Yusuf,\n\nMy aunt said I could email the form back by Friday.\n\nChloe\n",
                            frm="Chloe Martin <chloe@martin.example>", to="Yusuf Demir <yusuf@demir.example>"))
    assert plain["kind"] == "none"  # an act with neither the reader nor the clause's end after it


def test_looking_for_people_is_hiring_not_a_need():
    """"siempre anda buscando gente junior": the one offered as the contact hires; the reader asked
    "¿conoces a alguien?" and is the one the offer is for."""
    body = ("Buenas, Adrián:\n\nPues mira, podrías hablar con Nuria Vidal, que lleva el equipo de datos de una "
            "aseguradora en Barcelona y siempre anda buscando gente junior con ganas. ¿Quieres que te la presente?\n\n"
            "Raúl\n")
    a = analyze(message(body, frm="Raúl Ortega <raul@ortega.example>", to="Adrián Molina <adrian@molina.example>",
                        subject="curro en datos"))
    assert a["kind"] == "intro_request"
    assert a["pin"]["email"] == "adrian@molina.example" and "Nuria Vidal" in a["contact"]["name"]


def test_the_friend_copied_who_suggested_it_is_the_one_in_cc():
    body = ("Hi Tobias,\n\nI'm copying the friend who suggested I write to you. She says you now run design at "
            "Lindenhaus.\n\nBest,\nNikhil\n")
    a = analyze(message(body, frm="Nikhil Bhatt <nikhil@bhatt.example>", to="Tobias Kramer <tk@lindenhaus.example>",
                        cc="Marisol Goni <m.goni@post.example>, intro@baton.example"))
    assert a["kind"] == "said_to_contact" and a["referrer"]["email"] == "m.goni@post.example"
    assert a["reply_to"] == "m.goni@post.example"
    # With two people copied, the words do not say which: no referrer is guessed.
    two = analyze(message(body, frm="Nikhil Bhatt <nikhil@bhatt.example>", to="Tobias Kramer <tk@lindenhaus.example>",
                          cc="Marisol Goni <m.goni@post.example>, Ann Lee <ann@lee.example>, intro@baton.example"))
    assert (two["referrer"] or {}).get("email") not in ("m.goni@post.example", "ann@lee.example")


def test_how_the_writer_knows_the_contact_is_not_how_the_referrer_knows_the_one_in_need():
    """The draft's "How we know each other" line goes to the contact: "My friend Tomas runs a bindery"
    is the writer's link to the contact, so it is not that line, and the link is asked for."""
    a = analyze(message(OFFER.replace("My old classmate Tomas Varga runs", "My friend Tomas Varga runs"),
                        frm="Lena Hofer <lena@hofer.example>", to="Marco Bianchi <marco@bianchi.example>",
                        subject="Re: bookbinding"))
    assert "Tomas" in a["contact"]["name"]
    assert (a["facts"] or {}).get("relationship") is None
    assert "no_relationship" in [f["code"] for f in a["flags"]]


def test_an_assistant_introducing_two_people_for_someone_makes_that_someone_the_referrer():
    body = ("Dear Dr Farouk, dear Lucas,\n\nProf. Strand has asked me to introduce you to each other, as she is "
            "travelling this week.\n\nDr Farouk - Lucas is a medical student hoping to spend a research placement "
            "in an imaging lab.\n\nLucas - Dr Farouk leads the Cardiac MRI group at Westbridge.\n\n"
            "With kind regards,\nPooja Nair\n")
    a = analyze(message(body, frm="Pooja Nair <pooja@karolin.example>",
                        to="Dr Amir Farouk <farouk@westbridge.example>, Lucas Moreau <lucas@etu.example>",
                        cc='"Prof. Helga Strand" <strand@karolin.example>, intro@baton.example'))
    assert a["kind"] == "direct_intro"
    assert a["referrer"]["email"] == "strand@karolin.example" and a["reply_to"] == "strand@karolin.example"
    assert "referrer_on_whose_behalf" in a["assumptions"]


def test_a_plural_weekday_in_an_aside_is_no_name():
    body = ("Hi Mei Ling,\n\nYour old colleague Rafael Ortiz - we play five-a-side together on Wednesdays - "
            "mentioned that you lead the research team at Pixel Harbor.\n\nTom\n")
    a = analyze(message(body, frm="Tom Hale <tom@hale.example>", to="Mei Ling Tan <meiling@pixel.example>"))
    assert a["kind"] == "said_to_contact" and "Rafael Ortiz" in a["referrer"]["name"]


def test_phone_typed_english_is_read_and_dutch_u_is_left_alone():
    from inbound.analysis.normalize import texting

    assert texting("nads can u put me in touch w ur dentist?") == "nads can you put me in touch with your dentist?"
    assert texting("Kunt u mij in contact brengen met Eva?") == "Kunt u mij in contact brengen met Eva?"
    a = analyze(message("nads can u put me in touch w ur dentist? mine retired\n",
                        frm="Jake Sullivan <jake@sully.example>", to="Nadia Rahman <nadia@rahman.example>"))
    assert a["kind"] == "intro_request" and a["referrer"]["email"] == "nadia@rahman.example"
    assert a["pin"]["email"] == "jake@sully.example"


def test_an_offer_to_introduce_forwarded_by_its_reader_stays_a_request():
    """Advice forwarded by its reader is the referral ("you should talk to Rachel"); an offer to make
    the intro, forwarded the same way, is not: nobody has been told to get in touch yet."""
    body = ("Baton - see Ngaio's offer below. Can you draft the blurb she asks for?\n\nRavi\n\n"
            "________________________________\nFrom: Ngaio Parata <ngaio@health.example>\n"
            "Sent: Tuesday, April 1, 2025 3:10 PM\nTo: Ravi Subramaniam <ravi@post.example>\n"
            "Subject: Happy to intro you\n\nHi Ravi,\n\nAs I said, I'm happy to introduce you to Dr. Chidi Okonkwo, who "
            "runs the cardiology programme at Wellington Health. Send me a short blurb.\n\nNgaio\n")
    a = analyze(message(body, frm="Ravi Subramaniam <ravi@post.example>", to="intro@baton.example", cc="",
                        subject="FW: Happy to intro you"))
    assert a["kind"] == "intro_request" and "forwarded_advice" not in a["assumptions"]
    assert "Ngaio" in a["referrer"]["name"] and a["pin"]["email"] == "ravi@post.example"


def test_an_unnamed_former_manager_who_suggested_it_is_a_vague_referrer():
    a = analyze(message("Hello Greg,\n\nMy former manager suggested I get in touch with you. I'm thinking about "
                        "starting something in logistics software.\n\nTomasz\n",
                        frm="Tomasz Nowak <t.nowak@mail.example>", to="Greg Holloway <greg@holloway.example>"))
    assert a["kind"] == "said_to_contact" and a["pin"]["email"] == "t.nowak@mail.example"
    assert a["contact"]["email"] == "greg@holloway.example"
