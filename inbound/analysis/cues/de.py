"""Cues in de (to be written)."""
from __future__ import annotations

from inbound.analysis.cues import Cue

ROWS: tuple[Cue, ...] = ()
