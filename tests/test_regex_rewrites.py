"""The hot patterns run in a fast spelling derived from their readable definition: each must match what the
definition says.

A pattern whose every alternative starts with a literal character lets the regex engine jump in C to the next
place a match can start; a lookbehind, a repeated group or an alternation of classes in front makes it try the
whole pattern at every character. `ingest/patterns.py` derives the fast spelling from the parts as written and
keeps the plain one beside it; these tests hold the compiled pattern each module runs to the plain spelling of
its definition, and each builder to its own plain spelling, on random text over the characters that matter.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.regex_prefixes import has_fast_start
from ingest import extract, findings, metadata, numbers, segment, spacing
from ingest.patterns import (
    Rx,
    capture,
    not_after,
    one_of,
    one_of_by_first_character,
    one_of_then,
    only_after,
    repeated,
)

# The pattern each module runs, and the definition it was derived from.
DERIVED: dict[str, tuple[re.Pattern[str], Rx]] = {
    "cumulative cue": (extract.KIND_CUES[0][1], extract.CUMULATIVE_CUES),
    "increment cue": (extract.KIND_CUES[1][1], extract.INCREMENT_CUES),
    "share cue": (extract.SHARE_RE, extract.SHARE_CUES),
    "any kind cue": (extract.ANY_KIND_CUE_RE, extract.ANY_KIND_CUES),
    "verb tail": (extract.VERB_TAIL_RE, extract.VERB_TAIL),
    "thousands comma": (numbers._THOUSANDS_COMMA_RE, numbers.THOUSANDS_COMMA),
    "quantity scan": (numbers.QUANTITY_SCAN_RE, numbers.QUANTITY_SCAN),
    "一是 enumerator": (findings.SHI_ENUM_RE, findings.SHI_ENUM),
    "written year (findings)": (findings.WRITTEN_YEAR_RE, findings.WRITTEN_YEAR_BEFORE_WORD),
    "written year (metadata)": (metadata.WRITTEN_YEAR_RE, metadata.WRITTEN_YEAR_AND_NIAN),
    "thanks paragraph": (segment.THANKS_RE, segment.THANKS),
    "problems paragraph": (segment.PROBLEM_PARAGRAPH_RE, segment.PROBLEM_PARAGRAPH),
    "spaced-out run": (spacing._SPACED_RUN_RE, spacing._SPACED_RUN),
}

# Characters the patterns turn on, plus filler and clause marks; and words in which a guard decides (a random
# string over the characters alone would seldom spell one).
ALPHABET = "0123456789,，.统设会审估预计累总量数共合规模完成增长率占比重例覆盖份额新建加已达为是一二三十百千万亿第年代" \
           "稳到至值债券引进净收粮月日约近超过上不少于多余来个家人口元%以下左右-的和，。"
WORDS = ("完成率", "增长率", "覆盖率", "稳增长", "增长到", "增加到", "增加值", "统计", "设计", "审计", "预计", "合计",
         "新增债券", "新增一般债券", "新设立", "十一是", "第2023年", "2023年代", "12023年", "1，234", "1,234，5678",
         "3万多亿元", "13亿多人口", "不超过5人", "上万人次", "4416.6亿元支持", "3亿元至5亿元", "二〇一五年",
         "表示", "致以", "衷心的感谢", "谢意", "问题和", "困难与", "挑战", "主要", " ", "\u3000", "\t")
TEXTS = st.lists(st.one_of(st.sampled_from(ALPHABET), st.sampled_from(WORDS)), max_size=16).map("".join)


def _found(rx: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in rx.finditer(text)]


def _same(fast: re.Pattern[str], plain: str, text: str) -> bool:
    return _found(fast, text) == _found(re.compile(plain), text) and fast.sub("", text) == re.sub(plain, "", text)


@settings(max_examples=600, deadline=None)
@given(TEXTS)
def test_patterns_run_match_their_definitions(text: str) -> None:
    for name, (running, definition) in DERIVED.items():
        assert _same(running, definition.plain, text), name


def test_derived_patterns_start_fast_where_their_plain_spelling_cannot() -> None:
    """What the derived spelling is for: the engine can skip to a possible start; the plain one cannot."""
    for name, (running, definition) in DERIVED.items():
        assert has_fast_start(running), name
        assert not has_fast_start(re.compile(definition.plain)), name


# The builders, on fragments of their own (overlapping classes, guards of different lengths, bounded repeats).
BUILT = {
    "not after, guards of two lengths": not_after("c", "a", "bb") + "d?",
    "not after a class, a word of two": not_after("cd", "[ab]"),
    "only after": only_after("[cd]", "a") + "b?",
    "one or more": repeated(one_of("ab", "a", "c")) + "$",
    "one or two": capture(repeated("[abc]", 1, 2)) + "d",
    "two or more": repeated(one_of("a", "bc"), 2),
    "two to three": repeated("[ab]", 2, 3) + "c",
    "exactly two": repeated("a", 2, 2),
    "by first character": capture(one_of_by_first_character(("ab", "[ab]*c"), ("bc", "d+"), ("a", "")), "x") + "b?",
    "flat alternatives of alternatives": one_of(one_of("a", not_after("b", "a")), "c"),
    "one of, then": one_of(one_of_then(("ab", "a", "b"), "b?c"), "d"),
}


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="abcd", max_size=16))
def test_builders_match_their_plain_spelling(text: str) -> None:
    for name, built in BUILT.items():
        assert _same(built.compile(), built.plain, text), name


def test_builders_give_the_fast_spelling() -> None:
    assert not_after("率", "完成", "增长").fast == "率(?<!完成率)(?<!增长率)"
    assert only_after("[，,]", r"\d").fast == r"[，,](?<=\d[，,])"
    assert repeated(one_of("a", "b")).fast == "(?:a|b)(?:a|b)*"
    assert repeated("[ab]", 1, 2).fast == "[ab][ab]?"
    assert one_of_by_first_character(("a", "x"), ("b", "")).fast == "[ab](?:(?<=[a])x|(?<=[b]))"
    assert one_of_then(("表示", "致以"), "的?感谢").fast == "表示的?感谢|致以的?感谢"
    assert all(has_fast_start(built.compile()) for built in BUILT.values())
    with pytest.raises(ValueError):
        repeated("a", 0)


@settings(max_examples=600, deadline=None)
@given(TEXTS, st.integers(0, 10), st.integers(0, 10))
def test_number_scan_is_number_re_finditer(text: str, cut_start: int, cut_end: int) -> None:
    """scan_numbers finds the prefix by looking back from each core: the same matches as NUMBER_RE."""
    pos, endpos = min(cut_start, len(text)), max(min(cut_start, len(text)), len(text) - cut_end)
    expected = [(m.start(), m.end(), m.group("prefix"), m.groups()[1:])
                for m in numbers.NUMBER_RE.finditer(text, pos, endpos)]
    assert list(numbers.scan_numbers(text, pos, endpos)) == expected


def test_number_scan_takes_the_longest_prefix_after_the_previous_number() -> None:
    text = "不超过5人，大约3家，5个近10人"
    assert [(text[s:e], prefix) for s, e, prefix, _g in numbers.scan_numbers(text, 0, len(text))] == [
        ("不超过5人", "不超过"), ("大约3家", "大约"), ("5个", None), ("近10人", "近")]
    # a prefix may not reach back into the number before it: `5个上` ends a match, `上10人` does not start one
    text = "5人以上10人"
    assert [text[s:e] for s, e, _p, _g in numbers.scan_numbers(text, 0, len(text))] == ["5人以上", "10人"]


EVENT_PATTERNS = [event.pattern for event in metadata.dated_events()]
OTHER_PATTERNS = [re.compile(p) for p in (r"ab+c", r"a(?:b|c)d|ef", r"(x)yz", r"(?:喜迎|胜利召开)[^。]{0,4}党的二十大")]


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_every_match_holds_one_of_its_required_literals(data: st.DataObject) -> None:
    """The dated events are skipped in a report holding none of their guards: no match may lack one."""
    for pattern in EVENT_PATTERNS + OTHER_PATTERNS:
        guards = metadata.required_literals(pattern)
        if guards is None:
            continue
        text = data.draw(st.from_regex(pattern, fullmatch=True))
        assert any(g in text for g in guards), (pattern.pattern, text, guards)


def test_required_literals_of_alternatives_and_groups() -> None:
    assert metadata.required_literals(re.compile(r"十四五[^。]{0,6}开局")) == ("十四五",)
    assert metadata.required_literals(re.compile(r"a(?:b|c)d|ef")) == ("a", "ef")
    assert metadata.required_literals(re.compile(r"x?|y")) is None  # an alternative without a literal
    assert metadata.required_literals(re.compile(r"(?i)abc")) is None
    assert all(event.guards for event in metadata.dated_events())  # every event of the table is guarded


@settings(max_examples=300, deadline=None)
@given(st.from_regex(extract.PERIOD_RE, fullmatch=True))
def test_every_period_phrase_holds_a_word_the_sentence_test_looks_for(phrase: str) -> None:
    """A sentence without 年, 月, 季度, 截至 or 以来 is not scanned for period phrases: none may lack them all."""
    assert any(word in phrase for word in ("年", "月", "季度", "截至", "以来")), phrase
