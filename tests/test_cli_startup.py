"""What each quick command imports (issue #16): `send`, `analyze`, `messages` and `intros` must
start in a fraction of a second, and most of that time is imports. The timings are in
bench/cli_bench.py; these check the modules, which a test can hold without a stopwatch."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules_after(*args: str, tmp_path: Path, returncode: int = 0) -> set[str]:
    """The modules `server.py ARGS` had imported when it exited (run in a fresh interpreter)."""
    out = tmp_path / "modules.txt"
    code = ("import atexit, runpy, sys\n"
            f"atexit.register(lambda: open({str(out)!r}, 'w').write('\\n'.join(sys.modules)))\n"
            f"sys.argv = ['server.py', *{list(args)!r}]\n"
            "runpy.run_path('server.py', run_name='__main__')\n")
    # The session's environment (PYTHONDONTWRITEBYTECODE among it) with a Baton of its own.
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")}
    env.update(BATON_DATABASE_URL=f"sqlite:///{tmp_path / 'baton.db'}", BATON_VAR_DIR=str(tmp_path / "var"))
    subprocess.run([sys.executable, "server.py", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == returncode, done.stderr
    return set(out.read_text().split("\n"))


def test_the_command_lines_load_only_what_they_use(tmp_path):
    """Start-up time (bench/cli_bench.py): what each command imports is most of its wait."""
    web_llm_service = {"openai", "starlette", "uvicorn", "service", "aiosmtpd"}
    message = ROOT / "tests" / "fixtures" / "mail" / "auto_reply_auto_submitted.eml"
    analyze = _modules_after("analyze", str(message), tmp_path=tmp_path)
    assert not analyze & (web_llm_service | {"pydantic", "sqlalchemy"})
    for command in ("messages", "intros"):
        listing = _modules_after(command, tmp_path=tmp_path)
        assert "sqlite3" in listing  # it did open the database (store.listing imports it only then)
        assert not listing & (web_llm_service | {"pydantic", "sqlalchemy"})
    send = _modules_after("send", "--server", "127.0.0.1:1", str(message), tmp_path=tmp_path, returncode=1)
    assert not send & (web_llm_service | {"pydantic", "sqlalchemy"})
