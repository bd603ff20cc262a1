"""settings.load() reads plain values itself and leaves the rest to pydantic (issue #16, start-up
time): both readers must agree, a bad value must still be pydantic's one-line message, and the
.env file and the environment must keep their order."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import settings

ROOT = Path(__file__).resolve().parent.parent

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


def _modules_after(*args: str, tmp_path: Path) -> set[str]:
    """The modules `server.py ARGS` had imported when it exited (run in a fresh interpreter)."""
    out = tmp_path / "modules.txt"
    code = ("import atexit, runpy, sys\n"
            f"atexit.register(lambda: open({str(out)!r}, 'w').write('\\n'.join(sys.modules)))\n"
            f"sys.argv = ['server.py', *{list(args)!r}]\n"
            "runpy.run_path('server.py', run_name='__main__')\n")
    env = {"PATH": "/usr/bin:/bin", "BATON_DATABASE_URL": f"sqlite:///{tmp_path / 'baton.db'}",
           "BATON_VAR_DIR": str(tmp_path / "var")}
    subprocess.run([sys.executable, "server.py", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return set(out.read_text().split("\n"))


def test_the_command_lines_load_only_what_they_use(tmp_path):
    """Start-up time (bench/cli_bench.py): what each command imports is most of its wait."""
    web_llm_service = {"openai", "starlette", "uvicorn", "service", "aiosmtpd"}
    message = ROOT / "tests" / "fixtures" / "mail" / "auto_reply_auto_submitted.eml"
    analyze = _modules_after("analyze", str(message), tmp_path=tmp_path)
    assert not analyze & (web_llm_service | {"pydantic", "sqlalchemy"})
    listing = _modules_after("messages", tmp_path=tmp_path)
    assert "sqlalchemy" in listing  # the check below can fail only if the listing really ran
    assert not listing & (web_llm_service | {"pydantic", "sqlalchemy.dialects.postgresql"})
