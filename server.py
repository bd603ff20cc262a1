"""Baton's command line: wires the parts together and holds no logic of its own."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

import settings as settings_mod


def _settings() -> settings_mod.Settings:
    try:
        return settings_mod.load()
    except settings_mod.SettingsError as e:
        click.echo(f"baton: {e}", err=True)
        sys.exit(2)


@click.group()
def cli() -> None:
    """Baton: turns networking hand-offs into double-opt-in introductions."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def analyze(files: tuple[Path, ...]) -> None:
    """Print the Analysis of each FILE as one JSON line (no database needed)."""
    from inbound.analysis import analyze_file

    s = _settings()
    for path in files:
        click.echo(json.dumps(analyze_file(path, assistant=s.assistant_address, domains=s.domain_list),
                              ensure_ascii=False))


if __name__ == "__main__":
    cli()
