"""Baton's command line: wires the parts together and holds no logic of its own."""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import click

import settings as settings_mod


def _settings() -> settings_mod.Settings:
    try:
        s = settings_mod.load()
    except settings_mod.SettingsError as e:
        click.echo(f"baton: {e}", err=True)
        sys.exit(2)
    from service import configure_logging

    configure_logging(s.log_level, s.log_format)
    return s


@click.group()
def cli() -> None:
    """Baton: turns networking hand-offs into double-opt-in introductions."""


def _run(smtp_on: bool, web_on: bool, worker_on: bool) -> None:
    import service
    from store import migrate as m

    s = _settings()
    if not m.is_current(s.database_url):
        click.echo("baton: the database schema is not up to date; run `python server.py migrate`", err=True)
        sys.exit(2)
    settings_mod.secret_key(s)
    asyncio.run(service.serve(s, smtp_on=smtp_on, web_on=web_on, worker_on=worker_on))


@cli.command()
def serve() -> None:
    """Run the SMTP listener, the web pages and the worker in one process."""
    _run(True, True, True)


@cli.command()
def smtp() -> None:
    """Run only the SMTP listener (scale out: any number against one PostgreSQL)."""
    _run(True, False, False)


@cli.command()
def web() -> None:
    """Run only the web pages."""
    _run(False, True, False)


@cli.command()
def worker() -> None:
    """Run only the workers (messages, outbox, jobs); several may share one PostgreSQL."""
    _run(False, False, True)


@cli.command()
def demo() -> None:
    """The whole life of an intro, in a temporary directory: SMTP in, links clicked, days passing."""
    from demo import run
    from service import configure_logging

    configure_logging("WARNING")
    asyncio.run(run.main())


@cli.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from store import migrate as m

    s = _settings()
    m.upgrade(s.database_url)
    click.echo("database is up to date")


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--from", "mail_from", help="Envelope sender (default: the file's From address).")
@click.option("--to", "rcpt_to", multiple=True, help="Envelope recipient (default: the assistant).")
def send(file: Path, mail_from: str | None, rcpt_to: tuple[str, ...]) -> None:
    """Deliver FILE to a running Baton over SMTP and print the server's answer."""
    from outbound.sendfile import send_file

    s = _settings()
    try:
        code, text = send_file(file.read_bytes(), host=s.smtp_host, port=s.smtp_port, mail_from=mail_from,
                               rcpt_tos=list(rcpt_to) or [s.assistant_address])
    except OSError as e:
        click.echo(f"baton: cannot deliver to {s.smtp_host}:{s.smtp_port}: {e}", err=True)
        sys.exit(1)
    click.echo(f"{code} {text}")
    sys.exit(0 if 200 <= code < 300 else 1)


@cli.command()
def purge() -> None:
    """Delete raw messages older than BATON_RETENTION_DAYS (the daily job does the same)."""
    from datetime import timedelta

    from clock import clock
    from store import messages as m
    from store.db import make_engine

    s = _settings()
    n = m.purge(make_engine(s.database_url), older_than=clock.now() - timedelta(days=s.retention_days))
    click.echo(f"purged {n} message(s) older than {s.retention_days} days")


@cli.command()
@click.option("--limit", default=50, show_default=True)
def messages(limit: int) -> None:
    """List stored messages, newest first."""
    from store import messages as m
    from store.db import make_engine

    s = _settings()
    for row in m.recent(make_engine(s.database_url), limit):
        analysis = row["analysis"] or {}
        outcome = analysis.get("outcome") or "-"
        kind = analysis.get("kind") or "-"
        subject = (analysis.get("subject") or "").replace("\n", " ")[:50]
        click.echo(f"{row['id']:>6}  {row['received_at']:%Y-%m-%d %H:%M:%S}  {row['status']:<10} "
                   f"{outcome:<17} {kind:<15} {row['size']:>8}B  {subject}")
        if outcome == "untrusted_sender":
            click.echo(f"{'':>8}not answered: {analysis.get('sender_check')}")


@cli.group(invoke_without_command=True)
@click.option("--limit", default=50, show_default=True)
@click.pass_context
def intros(ctx: click.Context, limit: int) -> None:
    """List intros (state, parties, next job); `intros show ID` prints one intro's timeline."""
    if ctx.invoked_subcommand is not None:
        return
    from store import intros as store_intros
    from store.db import make_engine

    s = _settings()
    for row in store_intros.overview(make_engine(s.database_url), limit):
        parties = "  ".join(f"{role} {p.email} ({p.decision})" for role, p in sorted(row["parties"].items()))
        job = row["next_job"]
        step = f" ({job.step})" if job and job.step != "-" else ""
        nxt = f"next: {job.kind}{step} at {job.available_at:%Y-%m-%d %H:%M}" if job else ""
        click.echo(f"{row['id']:>5}  {row['state']:<11} {row['kind']:<16} referrer {row['referrer_email'] or '-'}"
                   f"  {parties}  {nxt}".rstrip())


@intros.command("show")
@click.argument("intro_id", type=int)
def intros_show(intro_id: int) -> None:
    """The event timeline of one intro, with every email it sent."""
    from store import intros as store_intros
    from store.db import make_engine

    s = _settings()
    lines = store_intros.timeline(make_engine(s.database_url), intro_id)
    if not lines:
        click.echo(f"baton: no intro {intro_id}", err=True)
        sys.exit(1)
    for at, what, detail in lines:
        click.echo(f"{at:%Y-%m-%d %H:%M:%S}  {what:<5}  {detail}")


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
