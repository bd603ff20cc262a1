"""The wheel works outside the checkout (issue 14): built from this tree, installed with its
dependencies into a scratch virtualenv in a temporary directory, and run as the `baton` console
script from a directory that is not the checkout: migrate, serve (SMTP banner, /healthz, a hand-off
answered with the installed templates), and the demo."""
from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from outbound.sendfile import to_crlf
from tests.conftest import free_port
from tests.service_helpers import HANDOFFS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """(the scratch venv's bin/, a working directory outside the checkout, a clean environment)."""
    base = tmp_path_factory.mktemp("package")
    assert not base.is_relative_to(ROOT)
    dist = base / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = dist.glob("baton_intros-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(base / "venv")], check=True, timeout=120)
    bin_ = base / "venv" / "bin"
    install = subprocess.run([str(bin_ / "pip"), "install", "-q", str(wheel)], capture_output=True, text=True,
                             timeout=600)
    assert install.returncode == 0, install.stderr[-3000:]
    work = base / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BATON_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(BATON_DATABASE_URL=f"sqlite:///{work / 'var' / 'baton.db'}", BATON_SECRET_KEY="package-test",
               BATON_ASSISTANT_ADDRESS="intro@baton.example", BATON_OUTBOUND=f"maildir:{work / 'outbox'}",
               BATON_SENDER_POLICY="open", BATON_WORKER_POLL_SECONDS="0.1")
    return bin_, work, env


def baton(installed, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    bin_, work, env = installed
    return subprocess.run([str(bin_ / "baton"), *args], cwd=work, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_the_wheel_holds_templates_migrations_alembic_ini_and_the_demo_messages(installed):
    bin_, work, env = installed
    probe = ("import pathlib, server, store.migrate as m, composer.render as r, demo.run as d;"
             "print(server.__file__); print(m._INI); print(r.TEMPLATES);"
             "print(sorted(p.name for p in d.HERE.glob('*.eml')));"
             "print(sorted(p.name for p in (pathlib.Path(m.__file__).parent / 'migrations' / 'versions').glob('*.py')))")
    out = subprocess.run([str(bin_ / "python"), "-c", probe], cwd=work, env=env, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    site = bin_.parent / "lib"
    assert all(Path(line).is_relative_to(site) for line in out[:3]), out  # nothing read from the checkout
    assert out[1].endswith("store/alembic.ini") and Path(out[2], "mail.txt").is_file()
    assert out[3] == "['good-request.eml', 'voicemail.eml', 'wifes-sister.eml']"
    assert "0001_inbound_messages.py" in out[4]


def test_migrate_then_serve_answers_smtp_http_and_a_handoff(installed):
    bin_, work, env = installed
    done = baton(installed, "migrate")
    assert done.returncode == 0 and "database is up to date" in done.stdout, done.stderr
    smtp_port, web_port = free_port(), free_port()
    server = subprocess.Popen([str(bin_ / "baton"), "serve"], cwd=work, stderr=subprocess.PIPE, text=True,
                              env={**env, "BATON_SMTP_PORT": str(smtp_port), "BATON_WEB_PORT": str(web_port)})
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{web_port}/healthz", timeout=2)
                break
            except httpx.HTTPError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read()[-2000:]
                time.sleep(0.2)
        assert health.status_code == 200 and health.json()["database"] == "ok"
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as c:
            code, banner = c.docmd("NOOP")
            assert code == 250
            c.sendmail("paula@reyes.example", ["intro@baton.example"],
                       to_crlf((HANDOFFS / "direct-intro-meet.eml").read_bytes()))
        deadline = time.monotonic() + 30
        while not list((work / "outbox" / "new").glob("*")):
            assert time.monotonic() < deadline, "no reply from the installed Baton"
            time.sleep(0.1)
        (reply,) = (work / "outbox" / "new").iterdir()
        assert b"Delivered-To: paula@reyes.example" in reply.read_bytes()  # rendered from installed templates
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(30) == 0, server.stderr.read()[-2000:]


def test_the_demo_runs_from_site_packages(installed):
    done = baton(installed, "demo", timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Introduction: Felix Adams and Carla Diaz" in done.stdout and "[followed_up -> closed]" in done.stdout
