"""Log set-up for every command: text or JSON lines on stderr, with chatty libraries quieted.

Kept apart from `service` so that a command line that only reads the database or sends one
file does not import the whole service to configure its logs.
"""
from __future__ import annotations

import json
import logging
import sys


class JSONLines(logging.Formatter):
    """BATON_LOG_FORMAT=json: one JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record), "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Baton's logs carry ids and outcomes; libraries that log addresses or bodies are quieted."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JSONLines() if fmt == "json" else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler])
    # aiosmtpd logs every envelope address and command line at INFO/DEBUG.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    # mail-parser warns about every part it does not handle; the analysis records its own defects.
    logging.getLogger("mailparser").setLevel(logging.ERROR)
    # Alembic narrates every step at INFO; `server.py migrate` says in one line what it did.
    logging.getLogger("alembic").setLevel(logging.WARNING)
