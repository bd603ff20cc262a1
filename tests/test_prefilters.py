"""The analysis's shortcuts never change what it reads (issue 12's throughput).

Three shortcuts skip work that cannot find anything: the simple address reader stands in for the
strict parser on fields in the common shape, a fact row runs only when a word it cannot match
without occurs, and a cue row only when one of its words occurs in the scene. Each is checked
here against the slow way, on every shared fixture.
"""
from __future__ import annotations

import email
from email import policy

import pytest

from inbound.analysis import cues, facts
from inbound.analysis.addresses import canonical, simple_pairs
from inbound.analysis.literals import required
from inbound.analysis.parse import parse_bytes
from inbound.analysis.sentences import sentences
from tests.test_shared_fixtures import fixtures_dir


def _messages(*sets: str) -> list[bytes]:
    root = fixtures_dir()
    return [p.read_bytes() for s in sets for p in sorted((root / s).rglob("*")) if p.is_file()
            and p.suffix in (".eml", "") and p.name not in ("SOURCE.txt", "LICENSE.txt")]


@pytest.fixture(scope="module")
def corpus() -> list[bytes]:
    return _messages("handoffs", "enron", "varied", "real")


def _strict(name: str, value: str) -> tuple[list[tuple[str, str]], str]:
    header = policy.default.header_fetch_parse(name, value)
    return [(a.display_name, a.addr_spec) for g in header.groups for a in g.addresses], str(header)


def test_simple_address_fields_read_as_the_strict_parser_reads_them(corpus):
    read = 0
    for raw in corpus:
        try:
            msg = email.message_from_bytes(raw, policy=policy.compat32)
        except Exception:
            continue
        for name, value in msg.raw_items():
            if name.lower() not in ("from", "to", "cc", "reply-to", "sender"):
                continue
            pairs = simple_pairs(str(value))
            if pairs is None:
                continue
            read += 1
            assert (pairs, canonical(pairs)) == _strict(name, str(value)), value
    assert read > 1000  # the shape most mail uses: the test compares, it does not skip


@pytest.mark.parametrize("value", [
    '"Roe, Jane" <jane@x.example>', "=?utf-8?q?Ren=C3=A9e?= <renee@x.example>", "Jane.Roe <jane@x.example>",
    "Jane (work) <jane@x.example>", "jane@x.example,", "l..carson@x.example", "Jöhn <j@x.example>",
    "Jane\n\tRoe <jane@x.example>", "undisclosed-recipients:;", 'a@x.example, "b" <b@x.example>',
    "<jane@x.example> Jane", "Jane <jane@x.example> <other@y.example>",
])
def test_anything_else_goes_to_the_strict_parser(value):
    assert simple_pairs(value) is None


def test_simple_fields_that_need_no_strict_parser():
    assert simple_pairs("Jane Roe <jane@x.example>, bo@y.example,\r\n\t<cy@z.example>") == [
        ("Jane Roe", "jane@x.example"), ("", "bo@y.example"), ("", "cy@z.example")]
    assert canonical([("Jane Roe", "jane@x.example"), ("", "bo@y.example")]) == "Jane Roe <jane@x.example>, bo@y.example"


@pytest.mark.parametrize("pattern, words", [
    (r"looking for (?:a|an) (?:job|role)", ("looking for a",)),  # the parser takes the common "a" out
    (r"(?:resume|cv)\.pdf", (".pdf",)),
    (r"(?:intro|connect)(?:duce)? you", ("connect", "intro")),  # longer than " you"
    (r"(?:intro|meet)\w{1,40}", ("intro", "meet")),
    (r"(?:a|an) \w+", None),  # a space is no word worth testing
    (r"\d+k", None),  # may start anywhere, with any digit
    (r"(?:remote)?y", None),  # optional words are never required
    (r"(?i)salary", None),  # case folding is not a lower-cased substring test
])
def test_required_words_are_read_from_the_pattern(pattern, words):
    assert required(pattern) == words


def _all_rows() -> list[facts.Row]:
    return [r for rows in (*facts.ROWS.values(), facts.OPT_IN, facts.NOT_ASKED) for r in rows]


def test_a_fact_row_is_never_skipped_where_it_matches(corpus):
    rows = _all_rows()
    assert sum(r.needs is not None for r in rows) > len(rows) * 3 // 4  # most rows are prefiltered
    matched = 0
    for raw in corpus[:600]:
        for sentence in sentences(parse_bytes(raw).text)[:200]:
            lowered = sentence.lower()
            for r in rows:
                if r.pattern.search(sentence if r.cased else lowered):
                    matched += 1
                    assert r.may_match(lowered), (r.pattern.pattern[:80], sentence)
    assert matched > 200


def test_a_scene_wakes_the_cue_rows_the_whole_table_would(corpus):
    table = cues.rows_for(cues.LANGUAGES)
    woken = 0
    for raw in _messages("handoffs", "varied"):
        lines = sentences(parse_bytes(raw).text)[:200]
        scene = table.within("\n".join(lines))
        assert set(scene.by_word) <= set(table.by_word)
        for sentence in lines:
            every = [h.cue.name for h in cues.hits(sentence, table)]
            assert [h.cue.name for h in cues.hits(sentence, scene)] == every
            woken += len(every)
    assert woken > 100

