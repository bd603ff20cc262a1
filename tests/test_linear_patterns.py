"""Issue 18, finding 1, for every regular expression Baton's code holds (not only the cue rows):
the compiled ones at module level, and every `re.sub("…")`-style call written inline (found in the
source). Hypothesis draws a short run of the characters mail is made of, repeats it into a text,
and each pattern's time on the whole text is bounded against its time on a quarter of it, run the
way the code runs it. A linear pattern costs about 4x; a quadratic one 16x, a backtracking one more."""
from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import time
from pathlib import Path

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


def _inline() -> dict[str, tuple[re.Pattern[str], str]]:
    """Patterns written inline as `re.METHOD("literal", …, flags)`, and the method they are run by."""
    found: dict[str, tuple[re.Pattern[str], str]] = {}
    for module in _modules():
        source = Path(module.__file__ or "").read_text() if module.__file__ else ""
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                continue
            method = node.func.attr
            if method == "compile" and node.args[0].value in TIMED:
                continue  # a module-level pattern, timed as such
            flags = next((kw.value for kw in node.keywords if kw.arg == "flags"), None)
            positional = {"sub": 4, "subn": 4, "split": 4}.get(method, 3)
            if flags is None and len(node.args) >= positional:
                flags = node.args[positional - 1]
            value = eval(compile(ast.Expression(flags), "flags", "eval"), {"re": re}) if flags is not None else 0
            found[f"{module.__name__}:{node.lineno}"] = (re.compile(node.args[0].value, value), method)
    return found


PATTERNS = _patterns()
TIMED = {p.pattern for p in PATTERNS.values()}
INLINE = _inline()


def test_the_walk_finds_the_patterns_that_read_mail():
    names = set(PATTERNS)
    assert len(PATTERNS) > 50 and len(INLINE) > 20, (len(PATTERNS), len(INLINE))
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


def _runner(name: str) -> tuple[re.Pattern[str], object]:
    """The pattern, and how the code runs it: whole, from the start, or at every point (findall
    is the worst of search, sub, split and finditer)."""
    pattern, method = INLINE[name] if name in INLINE else (PATTERNS[name], "fullmatch" if name in FULLMATCH_ONLY
                                                           else "findall")
    return pattern, {"fullmatch": pattern.fullmatch, "match": pattern.match}.get(method, pattern.findall)


def _cpu(name: str, text: str) -> float:
    _, run = _runner(name)
    best = float("inf")
    for _ in range(2):  # the lesser of two: other work on the machine only adds
        started = time.process_time()
        run(text)
        best = min(best, time.process_time() - started)
    return best


_ALPHABET = st.sampled_from(list("aAzZéß0 .,;:!?()<>[]@\"'-/=_+*#%&\n\t\r") + ["Dana", "Lee", "de", "@x.example",
                                                                               "[[", "]]", "http://", "> ", "Re: "])


def _grows(name: str, text: str) -> bool:
    whole = _cpu(name, text)
    return whole > 0.25 or (whole > 0.01 and whole > 8 * _cpu(name, text[: len(text) // 4]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(_ALPHABET, min_size=1, max_size=6).map("".join))
def test_no_pattern_takes_more_than_linear_time_on_generated_text(unit):
    text = (unit * (8000 // len(unit) + 1))[:8000]
    slow = []
    for name in [*PATTERNS, *INLINE]:
        # A pattern is slow when it is so twice running: one measure can land on a busy moment.
        if all(_grows(name, text) for _ in range(2)):
            slow.append((name, _runner(name)[0].pattern[:60], round(_cpu(name, text), 4)))
    assert not slow, (repr(unit), slow)
