"""The hot patterns are written for speed: each must find exactly what its plain form finds.

A pattern whose every alternative starts with a literal character lets the regex engine jump in C to the next
place a match can start; a lookbehind or an optional group in front makes it try the whole pattern at every
character. So lookbehinds follow the character they guard, and the number scan looks for the prefix itself.
These tests hold each rewritten pattern to its plain form on random text over the characters that matter.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.regex_prefixes import has_fast_start
from ingest import extract, findings, metadata, numbers

# The plain forms, as they were written before the rewrite.
PLAIN = {
    "cumulative cue": (extract.KIND_CUES[0][1], r"累计|总量|总数|共计|合计|总计|总规模|(?<![统设会审估预])计(?=$)"),
    "share cue": (extract.SHARE_RE, r"占|比重|比例|覆盖率|(?<!完成|增长)率|占比|份额"),
    "any kind cue": (extract.ANY_KIND_CUE_RE,
                     "|".join(f"(?:{p})" for p in (r"累计|总量|总数|共计|合计|总计|总规模|(?<![统设会审估预])计(?=$)",
                                                   extract.KIND_CUES[1][1].pattern))),
    "verb tail": (extract.VERB_TAIL_RE, f"(?:{'|'.join(extract.VERB_TAIL_WORDS)})+$"),
    "thousands comma": (numbers._THOUSANDS_COMMA_RE, r"(?<=\d)[，,](?=\d{3}(?!\d))"),
    "一是 enumerator": (findings.SHI_ENUM_RE, r"([一二三四五六七八九十]{1,2})是"),
    "written year (findings)": (findings.WRITTEN_YEAR_RE, r"(?<![\d第])(?:19|20)\d{2}(?=年|[\u4e00-\u9fff])"),
    "written year (metadata)": (metadata.WRITTEN_YEAR_RE, r"(?<![\d第])(?P<y>(?:19|20)\d{2})年(?!代)"),
}

# Characters the patterns turn on, plus filler and clause marks.
ALPHABET = "0123456789,，.统设会审估预计累总量数共合规模完成增长率占比重例覆盖份额新建加已达为是一二三十百千万亿第年代" \
           "月日约近超过上不少于多余个家人元%以下左右至-的和，。"
TEXTS = st.text(alphabet=ALPHABET, max_size=40)


def _found(rx: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in rx.finditer(text)]


@settings(max_examples=600, deadline=None)
@given(TEXTS)
def test_rewritten_patterns_match_their_plain_forms(text: str) -> None:
    for name, (fast, plain) in PLAIN.items():
        assert _found(fast, text) == _found(re.compile(plain), text), name
        assert fast.sub("", text) == re.sub(plain, "", text), name


def test_rewritten_patterns_start_fast() -> None:
    """What the rewrite is for: the engine can skip to a possible start (the plain forms could not)."""
    for name, (fast, _plain) in PLAIN.items():
        assert has_fast_start(fast), name
    assert not has_fast_start(re.compile(PLAIN["any kind cue"][1]))


@settings(max_examples=600, deadline=None)
@given(TEXTS, st.integers(0, 10), st.integers(0, 10))
def test_number_scan_is_number_re_finditer(text: str, cut_start: int, cut_end: int) -> None:
    """scan_numbers finds the prefix by looking back from each core: the same matches as NUMBER_RE."""
    pos, endpos = min(cut_start, len(text)), max(min(cut_start, len(text)), len(text) - cut_end)
    expected = [(m.start(), m.end(), m.group("prefix"), m.group("arabic") or m.group("cn") or m.group("bare_mult"),
                 m.groups()[4:]) for m in numbers.NUMBER_RE.finditer(text, pos, endpos)]
    found = [(start, end, prefix, groups[0], groups[1:])
             for start, end, prefix, groups in numbers.scan_numbers(text, pos, endpos)]
    assert found == expected


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
