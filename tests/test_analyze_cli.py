"""`server.py analyze`: one JSON line per file, in order; an unreadable file gives `error` (issue 3)."""
import json
import os
import subprocess
import sys
from pathlib import Path

from inbound.analysis.analyze import analyze_file
from tests.mailfixtures import MAIL

ROOT = Path(__file__).resolve().parent.parent


def run(*files):
    env = dict(os.environ, BATON_ASSISTANT_ADDRESS="intro@baton.example")
    return subprocess.run([sys.executable, "server.py", "analyze", *map(str, files)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def test_one_line_per_file_in_order_and_unreadable_file_reports_error(tmp_path):
    missing = tmp_path / "missing.eml"
    files = [MAIL / "forward_gmail.eml", missing, MAIL / "bounce_multipart_report.eml"]
    out = run(*files)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(f) for f in files]
    assert lines[0]["kind"] == "said_to_contact" and lines[0]["forwarded"] is True
    assert "error" in lines[1] and "kind" not in lines[1]
    assert lines[2]["auto_generated"] is True


def test_contract_keys_are_present():
    a = analyze_file(MAIL / "forward_apple.eml", assistant="intro@baton.example", domains=["baton.example"])
    assert {"message_id", "subject", "kind", "forwarded", "auto_generated", "participants", "referrer", "pin",
            "contact", "flags", "reply_to", "file"} <= set(a)
    assert a["message_id"] == "<fwd-apple@price.example>"


def test_directory_is_an_error_not_a_crash(tmp_path):
    a = analyze_file(tmp_path, assistant="intro@baton.example", domains=["baton.example"])
    assert a["file"] == str(tmp_path) and "error" in a
