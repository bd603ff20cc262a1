"""`server.py` as a newcomer runs it: a real process, real sockets, real signals."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store import messages
from store.db import make_engine
from tests.conftest import free_port
from tests.smtp_helpers import make_message

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "server.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


@pytest.fixture
def env(tmp_path) -> dict:
    e = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")}
    e.update(BATON_VAR_DIR=str(tmp_path / "var"), BATON_DATABASE_URL=f"sqlite:///{tmp_path / 'var' / 'baton.db'}",
             BATON_SMTP_PORT=str(free_port()), BATON_WEB_PORT=str(free_port()),
             BATON_ASSISTANT_ADDRESS="intro@baton.example", BATON_OUTBOUND=f"maildir:{tmp_path / 'outbox'}",
             BATON_WORKER_POLL_SECONDS="0.2", BATON_SENDER_POLICY="open")
    assert cli("migrate", env=e).returncode == 0
    return e


def start(env: dict) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "server.py", "serve"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_port(int(env["BATON_SMTP_PORT"]))
    wait_port(int(env["BATON_WEB_PORT"]))
    return proc


def stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    return out


def test_send_stores_and_messages_lists_it(env, tmp_path):
    proc = start(env)
    try:
        eml = tmp_path / "hello.eml"
        eml.write_bytes(make_message(subject="Meet Jane", message_id="<serve1@mail.example>").replace(b"\r\n", b"\n"))
        sent = cli("send", str(eml), env=env)
        assert sent.returncode == 0, sent.stderr
        assert sent.stdout.startswith("250 2.0.0 queued as 1")
        listed = ""
        for _ in range(50):  # the worker picks it up within its poll interval
            listed = cli("messages", env=env).stdout
            if "processed" in listed:
                break
            time.sleep(0.2)
        assert "processed" in listed and "Meet Jane" in listed
    finally:
        out = stop(proc)
    assert proc.returncode == 0, out
    assert "stopped" in out


def test_a_message_answered_250_survives_sigkill(env, tmp_path):
    proc = start(env)
    raw = make_message(message_id="<kill@mail.example>", body="survive")
    eml = tmp_path / "kill.eml"
    eml.write_bytes(raw)
    sent = cli("send", str(eml), env=env)
    proc.kill()  # SIGKILL right after the 250: no shutdown code runs
    proc.wait(timeout=10)
    assert sent.stdout.startswith("250 ")
    stored = messages.recent(make_engine(env["BATON_DATABASE_URL"]))
    assert [r["raw"] for r in stored] == [raw]
    proc = start(env)  # after a restart the message is still there and gets processed
    try:
        for _ in range(50):
            if "processed" in cli("messages", env=env).stdout:
                break
            time.sleep(0.2)
        assert "processed" in cli("messages", env=env).stdout
    finally:
        stop(proc)


def test_web_placeholder_answers_with_security_headers(env):
    import httpx
    proc = start(env)
    try:
        r = httpx.get(f"http://127.0.0.1:{env['BATON_WEB_PORT']}/")
        health = httpx.get(f"http://127.0.0.1:{env['BATON_WEB_PORT']}/healthz")
    finally:
        stop(proc)
    assert r.status_code == 200 and "Baton" in r.text
    assert r.headers["x-frame-options"] == "DENY" and r.headers["referrer-policy"] == "no-referrer"
    assert health.json() == {"database": "ok", "queue_depth": 0, "oldest_unprocessed_seconds": 0, "outbox_pending": 0}


@pytest.mark.parametrize("name,value", [("BATON_SMTP_PORT", "not-a-port"), ("BATON_SMTP_PORT", "70000"),
                                        ("BATON_ASSISTANT_ADDRESS", "no-at-sign"),
                                        ("BATON_OUTBOUND", "ftp://x"), ("BATON_DATABASE_URL", "mysql://x")])
def test_a_bad_setting_stops_start_up_with_one_line_naming_it(env, name, value):
    result = cli("serve", env={**env, name: value}, timeout=30)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"baton: bad setting {name}:")


def test_serve_refuses_an_unmigrated_database(env, tmp_path):
    result = cli("serve", env={**env, "BATON_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}, timeout=30)
    assert result.returncode == 2 and "server.py migrate" in result.stderr


def test_send_to_nothing_listening_says_so(env, tmp_path):
    eml = tmp_path / "x.eml"
    eml.write_bytes(make_message())
    result = cli("send", str(eml), env=env)
    assert result.returncode == 1 and "cannot deliver" in result.stderr


def test_json_log_format_writes_one_object_per_line(env):
    import json
    proc = start({**env, "BATON_LOG_FORMAT": "json"})
    out = stop(proc)
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines and all({"time", "level", "logger", "message"} <= set(json.loads(line)) for line in lines)
    assert any(json.loads(line)["message"] == "stopped" for line in lines)
