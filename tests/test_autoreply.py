"""inbound.analysis.autoreply: one test per RULES row, and X-Auto-Response-Suppress alone is a person (issue 3)."""
import pytest

from inbound.analysis.autoreply import RULES
from tests.mailfixtures import analyze, fixture, message

ROW_EXAMPLES = {
    "auto-submitted": message("away", extra="Auto-Submitted: auto-replied\n"),
    "x-autoreply": message("away", extra="X-Autoreply: yes\n"),
    "precedence": message("news", extra="Precedence: bulk\n"),
    "list": message("news", extra="List-Id: <news.vertex.example>\n"),
    "report": message("x").replace(b"text/plain; charset=utf-8", b"multipart/report; report-type=delivery-status"),
    "null-sender": message("x", extra="Return-Path: <>\n"),
    "robot-sender": message("x", frm="MAILER-DAEMON@mx.example"),
    "auto-subject": message("x", subject="Automatic reply: hello"),
    "absence-body": message("I am out of the office until Monday with limited access to email."),
    "baton-loop": message("Dana, meet Jane.", extra="X-Baton-Loop: intro@other.example\n"),
}


def test_every_row_has_an_example():
    assert set(ROW_EXAMPLES) == {name for name, _ in RULES}


@pytest.mark.parametrize("row", sorted(ROW_EXAMPLES))
def test_rule_row_marks_auto_generated(row):
    a = analyze(ROW_EXAMPLES[row])
    assert a["auto_generated"] is True and a["auto_generated_reason"] == row
    assert a["reply_to"] is None and a["kind"] == "none"


@pytest.mark.parametrize("subject", ["Out of Office: hi", "Abwesenheitsnotiz: hi", "Réponse automatique : hi",
                                     "Respuesta automática: hi", "AutoReply: hi", "Out of Office AutoReply: deal"])
def test_auto_reply_subjects_in_common_languages(subject):
    assert analyze(message("x", subject=subject))["auto_generated"] is True


@pytest.mark.parametrize("name", ["auto_reply_auto_submitted.eml", "auto_reply_subject_out_of_office.eml",
                                  "bounce_multipart_report.eml", "newsletter_list_unsubscribe.eml"])
def test_machine_fixtures(name):
    a = fixture(name)
    assert a["auto_generated"] is True and a["kind"] == "none" and a["reply_to"] is None


def test_auto_submitted_no_is_a_person():
    assert analyze(message("hi", extra="Auto-Submitted: no\n"))["auto_generated"] is False


def test_x_auto_response_suppress_alone_is_not_auto_generated():
    a = fixture("x_auto_response_suppress_only.eml")
    assert a["auto_generated"] is False and a["kind"] == "said_to_contact"


def test_batons_own_mail_is_auto_generated():
    a = analyze(message("hi", frm="Baton <intro+k3y@baton.example>"))
    assert a["auto_generated"] is True and a["auto_generated_reason"] == "from-baton"


def test_baton_loop_header_is_the_one_the_composer_writes():
    from composer.render import LOOP_HEADER as written
    from inbound.analysis.autoreply import LOOP_HEADER as recognised
    assert written == recognised

