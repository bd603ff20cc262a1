"""settings.load() reads plain values itself and leaves the rest to pydantic (issue #16, start-up
time): both readers must agree, a bad value must still be pydantic's one-line message, and the
.env file and the environment must keep their order."""
from __future__ import annotations

from pathlib import Path

import pytest

import settings

PLAIN = [
    {},
    {"smtp_port": "2600", "web_port": "0", "smtp_reuse_port": "true", "sender_policy": "open"},
    {"review_reminder_days": "0.5", "worker_message_seconds": "12", "dns_budget_seconds": "2.25"},
    {"assistant_address": " Intro@Example.COM ", "database_url": "postgresql://u:p@db/baton"},
    {"var_dir": "", "outbound": "smtp://relay.example:587", "public_url": "https://baton.example/"},
    {"smtp_port": 2600, "worker_poll_seconds": 0.1, "review_reminder_days": 3, "var_dir": Path("/tmp/v")},
]


@pytest.mark.parametrize("values", PLAIN)
def test_plain_values_are_read_as_pydantic_reads_them(values):
    plainly = settings._read_plainly(values)
    assert plainly is not None
    assert plainly == settings._read_by_pydantic(values)
    assert {k: type(v) for k, v in vars(plainly).items()} == \
           {k: type(v) for k, v in vars(settings._read_by_pydantic(values)).items()}


@pytest.mark.parametrize("values,expected", [
    ({"smtp_port": " 2600 "}, ("smtp_port", 2600)),
    ({"smtp_port": "2.0"}, ("smtp_port", 2)),
    ({"smtp_reuse_port": "YES"}, ("smtp_reuse_port", True)),
    ({"review_reminder_days": "1e1"}, ("review_reminder_days", 10.0)),
])
def test_values_in_another_form_are_pydantics_to_read(values, expected):
    assert settings._read_plainly(values) is None
    name, value = expected
    assert getattr(settings.load(**values), name) == value


@pytest.mark.parametrize("values,message", [
    ({"smtp_port": "not-a-port"},
     "bad setting BATON_SMTP_PORT: Input should be a valid integer, unable to parse string as an integer"),
    ({"smtp_port": "70000"}, "bad setting BATON_SMTP_PORT: must be a port number (0-65535)"),
    ({"smtp_reuse_port": "maybe"}, "bad setting BATON_SMTP_REUSE_PORT: Input should be a valid boolean, "
                                   "unable to interpret input"),
    ({"sender_policy": "OPEN"}, "bad setting BATON_SENDER_POLICY: Input should be 'aligned', 'allowlist' or 'open'"),
    ({"tls_cert_file": ""}, "bad setting BATON_TLS_CERT_FILE: no such file: ."),
    ({"dkim_selector": "s1"}, "bad settings BATON_DKIM_SELECTOR and BATON_DKIM_KEY_FILE: set both or neither"),
])
def test_a_bad_value_is_pydantics_one_line(values, message):
    with pytest.raises(settings.SettingsError) as e:
        settings.load(**values)
    assert str(e.value) == message


def test_the_environment_wins_over_the_env_file_and_names_are_read_in_any_case(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("BATON_SMTP_PORT=2700\nbaton_web_port=2701\nBATON_LLM_MODEL\nBATON_NOTHING=1\n")
    monkeypatch.setenv("BATON_SMTP_PORT", "2800")
    monkeypatch.delenv("BATON_WEB_PORT", raising=False)
    monkeypatch.delenv("BATON_LLM_MODEL", raising=False)
    s = settings.load()
    assert (s.smtp_port, s.web_port, s.llm_model) == (2800, 2701, "")
