"""Issue 18, finding 1, for every regular expression Baton's code holds (not only the cue rows):
hypothesis draws a short run of the characters mail is made of, repeats it into a text, and each
pattern's time on the whole text is bounded against its time on half of it. A linear pattern costs
about 2x; a backtracking one 4x, or 2^n x."""
from __future__ import annotations

import importlib
import pkgutil
import re
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PACKAGES = ("inbound", "composer", "intros", "worker", "outbound", "web")
MODULES = ("mailboxes", "model", "server")


def _modules():
    for name in PACKAGES:
        package = importlib.import_module(name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, name + "."):
            yield importlib.import_module(info.name)
    for name in MODULES:
        yield importlib.import_module(name)


def _held(value, depth: int = 0):
    """The compiled patterns in a module-level value: itself, or inside its containers."""
    if isinstance(value, re.Pattern):
        yield value
    elif depth < 3 and isinstance(value, (tuple, list, frozenset, set)):
        for item in value:
            yield from _held(item, depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for item in (*value.keys(), *value.values()):
            yield from _held(item, depth + 1)


def _patterns() -> dict[str, re.Pattern[str]]:
    found: dict[tuple[str, int], tuple[str, re.Pattern[str]]] = {}
    for module in _modules():
        for attr, value in vars(module).items():
            for pattern in _held(value):
                if isinstance(pattern.pattern, str):
                    found.setdefault((pattern.pattern, pattern.flags), (f"{module.__name__}.{attr}", pattern))
    return dict(found.values())


PATTERNS = _patterns()


def test_the_walk_finds_the_patterns_that_read_mail():
    names = set(PATTERNS)
    assert len(PATTERNS) > 50, len(PATTERNS)
    assert any(n.startswith("inbound.analysis.") for n in names) and any(n.startswith("composer.") for n in names)


# Patterns the code applies only whole (fullmatch): timed that way, since findall's try at every
# start is work the code never asks of them. The test below holds the code to it.
FULLMATCH_ONLY = {"inbound.analysis.addresses._SIMPLE"}


def test_the_patterns_timed_whole_are_only_ever_used_whole():
    import inspect
    for name in FULLMATCH_ONLY:
        module, _, attr = name.rpartition(".")
        uses = re.findall(rf"\b{attr}\.(\w+)", inspect.getsource(importlib.import_module(module)))
        assert uses and set(uses) == {"fullmatch"}, (name, uses)


def _cpu(name: str, pattern: re.Pattern[str], text: str) -> float:
    run = pattern.fullmatch if name in FULLMATCH_ONLY else pattern.findall
    best = float("inf")
    for _ in range(2):  # the lesser of two: other work on the machine only adds
        started = time.process_time()
        run(text)
        best = min(best, time.process_time() - started)
    return best


_ALPHABET = st.sampled_from(list("aAzZéß0 .,;:!?()<>[]@\"'-/=_+*#%&\n\t\r") + ["Dana", "Lee", "de", "@x.example",
                                                                               "[[", "]]", "http://", "> ", "Re: "])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(_ALPHABET, min_size=1, max_size=6).map("".join))
def test_no_pattern_takes_more_than_linear_time_on_generated_text(unit):
    text = (unit * (4000 // len(unit) + 1))[:4000]
    slow = []
    for name, pattern in PATTERNS.items():
        whole = _cpu(name, pattern, text)
        if whole > 0.25 or (whole > 0.01 and whole > 6 * _cpu(name, pattern, text[:2000])):
            slow.append((name, pattern.pattern[:60], round(whole, 4)))
    assert not slow, (repr(unit), slow)
