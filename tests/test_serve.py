"""`server.py` as a newcomer runs it: a real process, real sockets, real signals."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from store import messages
from store.db import make_engine
from tests.conftest import free_port
from tests.service_helpers import HANDOFFS, wait_listening, wait_until
from tests.smtp_helpers import make_message

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "server.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


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
    wait_listening(int(env["BATON_SMTP_PORT"]), what="server.py serve (SMTP)", proc=proc)
    wait_listening(int(env["BATON_WEB_PORT"]), what="server.py serve (web)", proc=proc)
    return proc


def listed_processed(env: dict) -> str:
    """`messages` output once every stored message is processed (the worker polls every 0.2 s)."""
    def listing() -> str:
        out = cli("messages", env=env).stdout
        return out if "processed" in out and not re.search(r"\b(received|processing)\b", out) else ""
    return wait_until(listing, what="`server.py messages` to list every message as processed")


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
        listed = listed_processed(env)
        assert "processed" in listed and "Meet Jane" in listed
    finally:
        out = stop(proc)
    assert proc.returncode == 0, out
    assert "stopped" in out


def test_a_message_answered_250_survives_sigkill(env, tmp_path):
    # The kill may land while the worker holds the message: another process takes it over once
    # the dead one's lease runs out, so a short lease keeps the wait short.
    env = {**env, "BATON_WORKER_LEASE_SECONDS": "3"}
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
        assert "processed" in listed_processed(env)
    finally:
        stop(proc)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


def _workers(pid: int) -> list[int]:
    """`pid`'s children running `server.py worker`."""
    out = []
    for child in _children(pid):
        try:
            if "\0worker\0" in Path(f"/proc/{child}/cmdline").read_text():
                out.append(child)
        except FileNotFoundError:
            pass
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_serve_runs_the_worker_as_a_child_it_wakes_restarts_and_never_leaves_behind(env, tmp_path):
    # A poll so slow that only the wake-up pipe can explain a message processed within the wait.
    env = {**env, "BATON_WORKER_POLL_SECONDS": "600"}
    proc = start(env)
    engine = make_engine(env["BATON_DATABASE_URL"])

    def send(n: int) -> None:
        eml = tmp_path / f"m{n}.eml"
        eml.write_bytes(make_message(subject=f"Note {n}", message_id=f"<child{n}@mail.example>"))
        assert cli("send", str(eml), env=env).stdout.startswith("250 ")

    def processed(n: int) -> bool:
        return sum(r["status"] == "processed" for r in messages.recent(engine)) >= n

    try:
        # A child shows serve's command line until it has exec'd the worker's: wait for that.
        first = wait_until(lambda: _workers(proc.pid), what="serve's worker process")[0]
        assert _children(proc.pid) == [first]
        send(1)
        wait_until(lambda: processed(1), what="message 1 processed by the worker process")
        send(2)
        wait_until(lambda: processed(2), what="message 2 processed: the pipe woke the worker")

        os.kill(first, signal.SIGKILL)  # a crashed worker is started again
        second = wait_until(lambda: [c for c in _workers(proc.pid) if c != first],
                            what="a new worker process after SIGKILL")[0]
        send(3)
        wait_until(lambda: processed(3), what="message 3 processed by the restarted worker")

        proc.kill()  # the parent killed outright: its worker sees the pipe close and stops
        proc.wait(timeout=10)
        wait_until(lambda: not _alive(second), what="the worker process to stop after its parent died")
    finally:
        if proc.poll() is None:
            stop(proc)
        engine.dispose()
    assert "the worker process exited with status -9; restarting it" in (proc.stdout.read() if proc.stdout else "")


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


def test_send_to_nothing_listening_names_the_settings(env, tmp_path):
    eml = tmp_path / "x.eml"
    eml.write_bytes(make_message())
    result = cli("send", str(eml), env=env)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"baton: cannot deliver to 127.0.0.1:{env['BATON_SMTP_PORT']}: connection refused; "
                                     "is Baton running there? Set BATON_SMTP_HOST/BATON_SMTP_PORT or --server HOST:PORT")
    result = cli("send", "--server", f"127.0.0.1:{free_port()}", str(eml), env=env)
    assert result.returncode == 1 and result.stderr.strip().endswith("Set --server HOST:PORT")


def test_json_log_format_writes_one_object_per_line(env):
    import json
    proc = start({**env, "BATON_LOG_FORMAT": "json"})
    out = stop(proc)
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines and all({"time", "level", "logger", "message"} <= set(json.loads(line)) for line in lines)
    assert any(json.loads(line)["message"] == "stopped" for line in lines)


def test_send_many_files_one_answer_per_line(env, tmp_path):
    env = {**env, "BATON_MAX_MESSAGE_BYTES": "4000"}
    files = [tmp_path / "a.eml", tmp_path / "big.eml", tmp_path / "b.eml"]
    files[0].write_bytes(make_message(message_id="<a@mail.example>"))
    files[1].write_bytes(make_message(message_id="<big@mail.example>", body="x" * 5000))
    files[2].write_bytes(make_message(message_id="<b@mail.example>"))
    quiet_port = int(env["BATON_SMTP_PORT"])
    proc = start(env)
    try:
        # --server wins over BATON_SMTP_PORT, which here points at nothing.
        sent = cli("send", "--server", f"127.0.0.1:{quiet_port}", *map(str, files),
                   env={**env, "BATON_SMTP_PORT": str(free_port())})
    finally:
        stop(proc)
    assert sent.returncode == 1  # one file was refused
    assert sent.stdout.splitlines() == [f"{files[0]}: 250 2.0.0 queued as 1",
                                        f"{files[1]}: 552 5.3.4 Message size exceeds fixed maximum message size",
                                        f"{files[2]}: 250 2.0.0 queued as 2"]


def _busy_port() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


@pytest.mark.parametrize("name", ["BATON_SMTP_PORT", "BATON_WEB_PORT"])
def test_a_busy_port_stops_start_up_with_one_line_naming_it(env, name):
    with _busy_port() as busy:
        port = busy.getsockname()[1]
        result = cli("serve", env={**env, name: str(port), "BATON_SECRET_KEY": "k"})
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("baton: cannot listen for ") and f"127.0.0.1:{port}: the port is in use" in line
    assert f"set {name} to a free port" in line


def test_start_up_failures_a_user_can_cause_are_one_line_naming_the_setting(env, tmp_path):
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate\n")
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    secret = "s3cret-pw"
    cases = {
        "BATON_TLS_CERT_FILE": {"BATON_TLS_CERT_FILE": str(garbage), "BATON_TLS_KEY_FILE": str(garbage)},
        "BATON_DKIM_KEY_FILE": {"BATON_DKIM_SELECTOR": "s1", "BATON_DKIM_KEY_FILE": str(garbage)},
        "BATON_VAR_DIR": {"BATON_VAR_DIR": str(a_file)},
        "BATON_OUTBOUND": {"BATON_OUTBOUND": f"maildir:{a_file}/outbox"},
        "BATON_DATABASE_URL": {"BATON_DATABASE_URL": f"postgresql://baton:{secret}@127.0.0.1:{free_port()}/baton"},
    }
    for name, extra in cases.items():
        result = cli("serve", env={**env, "BATON_SECRET_KEY": "k", **extra})
        assert result.returncode == 2, (name, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("baton: ") and name in lines[0], (name, result.stderr)
        assert secret not in lines[0]


def test_settings_that_do_not_fit_together_are_named_together(env, tmp_path):
    cert = tmp_path / "cert.pem"
    cert.write_text("")
    result = cli("messages", env={**env, "BATON_TLS_CERT_FILE": str(cert)})
    assert result.returncode == 2
    assert result.stderr.strip() == "baton: bad settings BATON_TLS_CERT_FILE and BATON_TLS_KEY_FILE: set both or neither"


def test_listing_an_unmigrated_database_says_to_migrate(env, tmp_path):
    result = cli("intros", env={**env, "BATON_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"})
    assert result.returncode == 2
    assert result.stderr.strip() == "baton: the database has no tables yet; run `python server.py migrate`"


def test_listings_have_headers_and_json(env, tmp_path):
    eml = tmp_path / "meet.eml"
    eml.write_bytes((HANDOFFS / "direct-intro-meet.eml").read_bytes())
    proc = start(env)
    try:
        assert cli("send", str(eml), env=env).stdout.startswith("250 ")
        table = listed_processed(env).splitlines()
        intros_table = cli("intros", env=env).stdout.splitlines()
        as_json = json.loads(cli("messages", "--json", env=env).stdout)
        intros_json = json.loads(cli("intros", "--json", env=env).stdout)
    finally:
        stop(proc)
    assert table[0].split() == ["ID", "RECEIVED", "STATUS", "OUTCOME", "KIND", "SIZE", "SUBJECT"]
    assert table[1].split()[3:6] == ["processed", "handoff", "direct_intro"]
    assert [(m["id"], m["status"], m["outcome"], m["kind"]) for m in as_json] == [(1, "processed", "handoff",
                                                                                  "direct_intro")]
    assert intros_table[0].split()[:4] == ["ID", "STATE", "KIND", "REFERRER"]
    assert "PIN (decision)" in intros_table[0] and "CONTACT (decision)" in intros_table[0]
    assert "NEXT JOB" in intros_table[0]
    (intro,) = intros_json
    # Both parties show before the referrer approves (no decision yet), and so does the next job.
    assert intro["state"] == "draft" and intro["referrer"] == "paula@reyes.example"
    assert intro["pin"] == {"email": "mia.scott@mail.example", "decision": None}
    assert intro["contact"] == {"email": "victor@chang-labs.example", "decision": None}
    assert intro["next_job"] is None or intro["next_job"]["kind"]
    assert "mia.scott@mail.example" in intros_table[1] and "victor@chang-labs.example" in intros_table[1]


def test_migrate_says_one_line(tmp_path, env):
    result = cli("migrate", env={**env, "BATON_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"})
    assert result.returncode == 0
    assert result.stdout == "database is up to date\n" and result.stderr == ""


async def test_baton_and_its_async_tests_run_on_uvloop():
    """server.py runs every role on service.new_event_loop (uvloop, ~20 % less listener CPU a
    message), and the suite's async tests run on that loop too, not on one production never uses."""
    import asyncio

    import uvloop

    import service

    assert isinstance(asyncio.get_running_loop(), uvloop.Loop)
    loop = service.new_event_loop()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()
