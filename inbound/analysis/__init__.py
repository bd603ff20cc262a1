"""What a message means: parse, machine check, hand-off, people, flags (the analysis contract)."""
from inbound.analysis.analyze import analyze_bytes, analyze_file, handoff_text, parse_and_analyze

__all__ = ["analyze_bytes", "analyze_file", "handoff_text", "parse_and_analyze"]
