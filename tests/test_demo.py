"""`server.py demo` runs the whole life of an intro on its own and shows every step."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_demo_runs_the_whole_life_of_an_intro():
    result = subprocess.run([sys.executable, "server.py", "demo"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    for step in ("sends 'voicemail.eml'", "sends 'wifes-sister.eml'", "Requests sent", "[draft -> requested]",
                 "[requested -> connected]", "Introduction: Felix Adams and Carla Diaz", "Your next step with Carla",
                 "Did you connect?", "Thank you for meeting Felix", "[connected -> followed_up]",
                 "[followed_up -> closed]"):
        assert step in out, f"missing from the demo: {step}"
    assert out.count("Introduction: Felix Adams and Carla Diaz") == 1  # one email to three people, shown once
