"""Baton's command line: wires the parts together and holds no logic of its own.

Each command imports only what it uses, inside its own function: `send`, `analyze`,
`messages` and `intros` start in a fraction of a second because they never load the web
stack, the LLM client or the service (`make bench` measures it).
"""
from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

import settings as settings_mod
from store import listing

_NOT_MIGRATED = "the database has no tables yet; run `python server.py migrate`"


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"baton: {message}", err=True)
    sys.exit(code)


class _Baton(click.Group):
    """Turns the start-up failures a user can cause into one line naming the setting (exit 2)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except settings_mod.SettingsError as e:
            _fail(str(e))
        except listing.NoTables:
            _fail(_NOT_MIGRATED)
        except listing.Unusable as e:
            _fail(str(settings_mod.database_error(settings_mod.load().database_url, e.orig)))
        except Exception as e:
            # sqlalchemy is imported only by the commands that use it.
            db = sys.modules.get("sqlalchemy.exc")
            if db is None or not isinstance(e, db.DBAPIError):
                raise
            if "no such table" in str(e) or type(e.orig).__name__ == "UndefinedTable":
                _fail(_NOT_MIGRATED)
            if not isinstance(e, db.OperationalError):
                raise
            _fail(str(settings_mod.database_error(settings_mod.load().database_url, e)))


def _settings() -> settings_mod.Settings:
    from logs import configure_logging

    s = settings_mod.load()
    configure_logging(s.log_level, s.log_format)
    return s


def _engine(s: settings_mod.Settings):
    from store.db import make_engine

    try:
        return make_engine(s.database_url)
    except OSError as e:  # the SQLite file's folder cannot be made
        raise settings_mod.database_error(s.database_url, e) from None


@click.group(cls=_Baton)
def cli() -> None:
    """Baton: turns networking hand-offs into double-opt-in introductions."""
    # What Baton writes (database, mail, keys) holds personal data and live links: private to
    # its user (0600 files, 0700 folders) whatever umask the shell had.
    os.umask(0o077)


def _run(smtp_on: bool, web_on: bool, worker_on: bool, **how: Any) -> None:
    import service
    from store import migrate as m

    s = _settings()
    settings_mod.prepare_directories(s)
    if how.get("wake_fd") is not None:
        s = dataclasses.replace(s, metrics_port=0)  # a worker started by `serve`: serve's /metrics has its counters
    if not m.is_current(s.database_url):
        _fail("the database schema is not up to date; run `python server.py migrate`")
    service.run(service.serve(s, smtp_on=smtp_on, web_on=web_on, worker_on=worker_on, **how))


@cli.command()
def serve() -> None:
    """Run the SMTP listener and the web pages, and the worker in a child process."""
    # The worker's analysis would hold the interpreter lock against the listener (worker/child.py).
    _share_metrics(settings_mod.load().var_dir / "metrics")
    _run(True, True, False, worker_command=[sys.executable, str(Path(__file__).resolve()), "worker", "--wake-fd"])


def _share_metrics(folder: Path) -> None:
    """prometheus_client's multiprocess mode, for `serve` and the worker it starts (metrics.py): set
    before anything imports prometheus_client; last run's files go, as its documentation asks."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for old in folder.glob("*.db"):
            old.unlink()
    except OSError as e:
        raise settings_mod.SettingsError(f"bad setting BATON_VAR_DIR: cannot use {folder} ({e.strerror})") from None
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


@cli.command()
def smtp() -> None:
    """Run only the SMTP listener (scale out: any number against one PostgreSQL)."""
    _run(True, False, False)


@cli.command()
def web() -> None:
    """Run only the web pages."""
    _run(False, True, False)


@cli.command()
@click.option("--wake-fd", type=int, hidden=True, help="the wake-up pipe from `serve`, which starts this")
def worker(wake_fd: int | None) -> None:
    """Run only the workers (messages, outbox, jobs); several may share one PostgreSQL."""
    _run(False, False, True, wake_fd=wake_fd)


@cli.command()
def demo() -> None:
    """The whole life of an intro, in a temporary directory: SMTP in, links clicked, days passing."""
    import service
    from demo import run
    from logs import configure_logging

    configure_logging("WARNING")
    service.run(run.main())


@cli.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from store import migrate as m

    s = _settings()
    settings_mod.prepare_directories(s)
    m.upgrade(s.database_url)
    click.echo("database is up to date")


def _server(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[str, int] | None:
    if value is None:
        return None
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter("must be HOST:PORT, for example 127.0.0.1:2525")
    return host.strip("[]"), int(port)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--server", "server", metavar="HOST:PORT", callback=_server,
              help="Where Baton listens (default: BATON_SMTP_HOST:BATON_SMTP_PORT).")
@click.option("--from", "mail_from", metavar="ADDR", help="Envelope sender (default: each file's From address).")
@click.option("--to", "rcpt_to", multiple=True, metavar="ADDR", help="Envelope recipient (default: the assistant).")
def send(files: tuple[Path, ...], server: tuple[str, int] | None, mail_from: str | None,
         rcpt_to: tuple[str, ...]) -> None:
    """Deliver each FILE to a running Baton over one SMTP connection; print the answer to each."""
    from outbound.sendfile import CannotConnect, Session

    s = _settings()
    host, port = server or (s.smtp_host, s.smtp_port)
    rcpts = list(rcpt_to) or [s.assistant_address]
    refused = 0
    try:
        with Session(host, port) as session:
            for path in files:
                code, text = session.send(path.read_bytes(), mail_from=mail_from, rcpt_tos=rcpts)
                refused += not 200 <= code < 300
                click.echo(f"{code} {text}" if len(files) == 1 else f"{path}: {code} {text}")
    except CannotConnect as e:
        how = "--server HOST:PORT" if server else "BATON_SMTP_HOST/BATON_SMTP_PORT or --server HOST:PORT"
        _fail(f"cannot deliver to {host}:{port}: {e}; is Baton running there? Set {how}", code=1)
    sys.exit(1 if refused else 0)


@cli.command()
def purge() -> None:
    """Purge what BATON_RETENTION_DAYS says is old (the daily job does the same)."""
    from clock import clock
    from worker import retention
    s = _settings()
    n = retention.purge(_engine(s), retention_days=s.retention_days, now=clock.now())
    click.echo(f"purged {n['messages']} message(s) older than {s.retention_days} days; "
               f"{n['outbox']} sent email(s), {n['jobs']} finished job(s) and the personal data of {n['intros']} "
               f"settled intro(s) older than {max(s.retention_days, retention.LONGEST_CAP_WINDOW.days)} days")


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, str]], right: tuple[str, ...] = ("id",)) -> None:
    """Rows under a header line; each column is (key, title), as wide as its widest cell."""
    widths = [max([len(title)] + [len(str(row[key])) for row in rows]) for key, title in columns]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.rjust(w) if key in right else cell.ljust(w)
                         for cell, w, (key, _) in zip(cells, widths, columns, strict=True)).rstrip()

    click.echo(line([title for _, title in columns]))
    for row in rows:
        click.echo(line([str(row[key]) for key, _ in columns]))


_MESSAGE_COLUMNS = [("id", "ID"), ("received", "RECEIVED"), ("status", "STATUS"), ("outcome", "OUTCOME"),
                    ("kind", "KIND"), ("size", "SIZE"), ("subject", "SUBJECT")]


@cli.command()
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
def messages(limit: int, as_json: bool) -> None:
    """List stored messages, newest first."""
    s = _settings()
    listed = []
    for row in listing.messages(s.database_url, limit):
        analysis = row["analysis"] or {}
        waits = analysis.get("deferred")  # over a daily cap: kept, answered when the window has room
        outcome = analysis.get("outcome") or (f"waiting for the {waits.get('cap')} cap" if waits else None)
        listed.append({"id": row["id"], "received": row["received_at"].isoformat(), "status": row["status"],
                       "outcome": outcome, "kind": analysis.get("kind"), "size": row["size"],
                       "subject": analysis.get("subject"),
                       "not_answered": analysis.get("sender_check") if outcome == "untrusted_sender" else None})
    if as_json:
        click.echo(json.dumps(listed, ensure_ascii=False, indent=2))
        return
    for row in listed:
        row["received"] = row["received"][:19].replace("T", " ")
        row["outcome"], row["kind"] = row["outcome"] or "-", row["kind"] or "-"
        row["subject"] = " ".join((row["subject"] or "").split())[:50] + (
            f"  (not answered: {row['not_answered']})" if row["not_answered"] else "")
    _table(listed, _MESSAGE_COLUMNS, right=("id", "size"))


_INTRO_COLUMNS = [("id", "ID"), ("state", "STATE"), ("kind", "KIND"), ("referrer", "REFERRER"),
                  ("pin", "PIN (decision)"), ("contact", "CONTACT (decision)"), ("next", "NEXT JOB")]


@cli.group(invoke_without_command=True)
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
@click.pass_context
def intros(ctx: click.Context, limit: int, as_json: bool) -> None:
    """List intros (state, both parties, next job); `intros show ID` prints one intro's timeline."""
    if ctx.invoked_subcommand is not None:
        return
    s = _settings()
    listed = []
    for row in listing.intros(s.database_url, limit):
        job = row["next_job"]
        # Before the referrer approves there are no party rows yet: the addresses the draft names.
        parties = {role: row["parties"].get(role) or {"email": row[f"{role}_email"], "decision": None}
                   for role in ("pin", "contact")}
        listed.append({"id": row["id"], "state": row["state"], "kind": row["kind"], "referrer": row["referrer_email"],
                       **parties,
                       "next_job": {"kind": job["kind"], "step": job["step"], "at": job["available_at"].isoformat()}
                       if job else None})
    if as_json:
        click.echo(json.dumps(listed, ensure_ascii=False, indent=2))
        return
    for row in listed:
        row["referrer"] = row["referrer"] or "-"
        for role in ("pin", "contact"):
            party = row[role]
            row[role] = (party["email"] or "-") + (f" ({party['decision']})" if party["decision"] else "")
        job = row["next_job"]
        step = f" ({job['step']})" if job and job["step"] != "-" else ""
        row["next"] = f"{job['kind']}{step} at {job['at'][:16].replace('T', ' ')}" if job else "-"
    _table(listed, _INTRO_COLUMNS)


@intros.command("show")
@click.argument("intro_id", type=int)
def intros_show(intro_id: int) -> None:
    """The event timeline of one intro, with the text of every email it sent."""
    import email as email_lib
    from email import policy

    from store import intros as store_intros
    s = _settings()
    lines = store_intros.timeline(_engine(s), intro_id)
    if not lines:
        _fail(f"no intro {intro_id}", code=1)
    for at, what, detail, raw in lines:
        click.echo(f"{at:%Y-%m-%d %H:%M:%S}  {what:<5}  {detail}")
        if what != "email":
            continue
        if not raw:
            click.echo("      (text no longer stored: Baton deletes an email's text once it is sent or has failed)")
            continue
        msg = email_lib.message_from_bytes(bytes(raw), policy=policy.default)
        part = msg.get_body(("plain",))
        text = part.get_content() if part is not None else ""
        click.echo(f"      Subject: {msg['Subject']}")
        for line in text.replace("\r\n", "\n").rstrip().split("\n"):
            click.echo(f"      | {line}")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def analyze(files: tuple[Path, ...]) -> None:
    """Print the Analysis of each FILE as one JSON line (no database needed)."""
    from inbound.analysis.analyze import analyze_file

    s = _settings()
    for path in files:
        click.echo(json.dumps(analyze_file(path, assistant=s.assistant_address, domains=s.domain_list),
                              ensure_ascii=False))


if __name__ == "__main__":
    cli()
