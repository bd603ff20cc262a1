"""Baton's benchmarks (`make bench`, `python -m bench --help`): figures, never pass/fail."""
