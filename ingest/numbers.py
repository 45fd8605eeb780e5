"""The Chinese number grammar: numerals, approx qualifiers, units and classifiers.

Everything here works on a *matching copy* of the stored text in which full-width digits and signs are
replaced one-for-one by their ASCII forms (`to_matching_text`), so every offset found in the copy is also an
offset into the stored text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from ingest.patterns import capture, one_of_by_first_character, only_after

# One-for-one replacements: the matching copy has exactly the stored text's length.
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９％．＋－～−", "0123456789%.+-~-"
)
# str.translate looks up every character of a CJK text (a sixth of the parse time); most texts have no
# full-width character at all, and those that do have few, so only the hits are replaced.
_FULLWIDTH_RE = re.compile("[０１２３４５６７８９％．＋－～−]")


# A full-width comma between a digit and exactly three more is a thousands separator (`1，234万元`); elsewhere
# it separates clauses and stays.
THOUSANDS_COMMA = only_after("[，,]", r"\d") + r"(?=\d{3}(?!\d))"
_THOUSANDS_COMMA_RE = THOUSANDS_COMMA.compile()


def to_matching_text(text: str) -> str:
    """Return a same-length copy of `text` with full-width digits, `％`, `．` and thousands `，` made ASCII."""
    narrowed = _FULLWIDTH_RE.sub(lambda m: m.group(0).translate(_FULLWIDTH), text)
    return _THOUSANDS_COMMA_RE.sub(",", narrowed)


CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
# The characters of a Chinese numeral below 万, then with 万 and 亿.
CN_SMALL_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS)
CN_NUMERAL_CHARS = CN_SMALL_NUMERAL_CHARS + "".join(CN_BIG_UNITS)


def parse_chinese_integer(text: str) -> int:
    """Parse a Chinese numeral such as `二十三`, `一万二千`, `三亿零五百万` or `十` into an int.

    Raises ValueError on anything that is not a well-formed numeral.
    """
    if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total = 0  # completed 万/亿 groups
    section = 0  # the group below the current 万/亿
    digit: int | None = None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * CN_SMALL_UNITS[ch]
            digit = None
        elif ch == "亿":
            total = (total + section + (digit or 0) or 1) * 100_000_000
            section, digit = 0, None
        else:  # 万
            total += (section + (digit or 0) or 1) * 10_000
            section, digit = 0, None
    return total + section + (digit or 0)


@dataclass(frozen=True)
class UnitSpec:
    """How a written unit maps onto the contract: its code, the multiplier to base units, its kind hint."""

    code: str
    factor: float = 1.0
    classifier: str = ""
    duration: bool = False


# Longest first when compiled. Multipliers such as 万/亿 in front of these are handled by the grammar.
UNITS: dict[str, UnitSpec] = {
    "元": UnitSpec("CNY"),
    "块钱": UnitSpec("CNY"),
    "%": UnitSpec("percent"),
    "个百分点": UnitSpec("pp"),
    "百分点": UnitSpec("pp"),
    "人次": UnitSpec("person_time"),
    "人": UnitSpec("person"),
    "名": UnitSpec("person"),
    "位": UnitSpec("person"),
    "公斤": UnitSpec("kg"),
    "千克": UnitSpec("kg"),
    "kg": UnitSpec("kg"),
    "斤": UnitSpec("kg", 0.5),
    "吨": UnitSpec("kg", 1000.0),
    "千公顷": UnitSpec("m2", 10_000_000.0),
    "亩": UnitSpec("mu"),
    "微克": UnitSpec("kg", 1e-9),
    "平方米": UnitSpec("m2"),
    "平米": UnitSpec("m2"),
    "平方公里": UnitSpec("m2", 1_000_000.0),
    "公顷": UnitSpec("m2", 10_000.0),
    "公里": UnitSpec("km"),
    "千米": UnitSpec("km"),
    "千瓦时": UnitSpec("kwh"),
    "千瓦": UnitSpec("kw"),
    "美元": UnitSpec("USD"),
    "立方米": UnitSpec("m3"),
    "方": UnitSpec("m3"),
    "个多小时": UnitSpec("hour", duration=True),
    "个小时": UnitSpec("hour", duration=True),
    "小时": UnitSpec("hour", duration=True),
    "个多月": UnitSpec("month", duration=True),
    "个月": UnitSpec("month", duration=True),
    "个工作日": UnitSpec("day", duration=True),
    "工作日": UnitSpec("day", duration=True),
    "天": UnitSpec("day", duration=True),
    "星期": UnitSpec("day", 7.0, duration=True),
    "年": UnitSpec("year", duration=True),
}

# Measure words of counts (unit `count`, the word kept as `classifier`). Two-character ones first.
CLASSIFIERS = (
    "场次 批次 余家 架次 户次 台套 "
    "家 个 场 次 期 份 项 篇 户 只 头 件 批 套 本 册 幅 支 单 讲 例 所 座 条 部 台 辆 艘 处 间 株 棵 "
    "匹 枚 张 盘 片 栋 种 类 门 课 节 轮 组 队 团 站 乡 镇 县 宗 关 起 笔 颗 箱 袋 吨次 项次 人份 床 孔 列 回 对 岁"
).split()

# Qualifiers. The grammar reads: [prefix] number [多|余] [万|亿] [多|余] [unit] [suffix]
APPROX_PREFIXES = {"将近": "nearly", "接近": "nearly", "近": "nearly", "约": "about", "大约": "about",
                   "超过": "more_than", "超": "more_than", "逾": "more_than", "上": "at_least",
                   "不少于": "at_least", "不低于": "at_least", "至少": "at_least", "不超过": "at_most",
                   "不高于": "at_most", "最多": "at_most"}
APPROX_INFIX = {"余": "more_than", "多": "more_than", "来": "about"}
APPROX_SUFFIXES = {"以上": "at_least", "及以上": "at_least", "左右": "about", "上下": "about",
                   "以下": "at_most", "以内": "at_most", "之多": "more_than"}

# Numerals, each as (the characters it may start with, the rest): `12,345.67` and `二十三`.
_ARABIC = (r"\d", r"\d*(?:,\d{3})*(?:\.\d+)?")
_CHINESE = (CN_SMALL_NUMERAL_CHARS, f"[{CN_SMALL_NUMERAL_CHARS}]*")
# Longest first: `4.06万亿元` is 4.06 x 10^12, not `4.06万` followed by a stray `亿元`.
_MULT = "万亿|千万|百万|十万|[万亿]"

# `13亿多人口`: 人 there begins the noun 人口, it is not the unit word.
_UNIT_NOT_BEFORE = {"人": "口"}
_units_alt = "|".join(re.escape(u) + (f"(?!{_UNIT_NOT_BEFORE[u]})" if u in _UNIT_NOT_BEFORE else "")
                      for u in sorted(UNITS, key=len, reverse=True))
_cls_alt = "|".join(re.escape(c) for c in sorted(CLASSIFIERS, key=len, reverse=True))
# Longest first: the regex alternation and the scan's look-back both take the longest prefix that fits.
_PREFIXES_LONGEST_FIRST = tuple(sorted(APPROX_PREFIXES, key=len, reverse=True))
_prefix_alt = "|".join(_PREFIXES_LONGEST_FIRST)
_suffix_alt = "|".join(sorted(APPROX_SUFFIXES, key=len, reverse=True))

# One quantity: [prefix] numeral [rest]. The numeral is an arabic or a Chinese one, or a bare 万 (`上万人次`; a
# bare 百 or 千 reads as a Chinese numeral, whose rest is all optional, so only 万 is ever bare).
NUMERAL = capture(one_of_by_first_character(_ARABIC, _CHINESE, ("万", "")), "numeral")
_AFTER_NUMERAL = (
    rf"(?P<infix>[余多来])?"
    rf"(?P<mult>{_MULT})?"
    rf"(?P<infix2>[余多])?"
    rf"(?P<mult_tail>(?<=万[余多])亿)?"  # `3万多亿元`: more than 3万亿, the approx word inside the multiplier
    rf"(?P<cur>元)?"
    rf"(?:%?(?P<range_sep>[-—–~～至到]|－－|——)(?P<high>{one_of_by_first_character(_ARABIC, _CHINESE).plain})"
    rf"(?P<high_mult>{_MULT})?)?"
    rf"(?:(?<!元)(?P<unit>{_units_alt}|{_cls_alt}))?"  # `4416.6亿元支持`: no measure word after 元
    rf"(?P<suffix>{_suffix_alt})?"
)
# A quantity without its prefix. Its fast spelling starts with one class (any numeral's first character), so
# the engine jumps from numeral to numeral; `scan_numbers` finds the prefix by looking back.
QUANTITY_SCAN = NUMERAL + _AFTER_NUMERAL
QUANTITY_SCAN_RE = QUANTITY_SCAN.compile()
# The whole grammar as written, prefix included (it starts with an optional group: no fast start). It reads
# one quantity whole (`parse_quantity`) and is what `scan_numbers` must find.
NUMBER_RE = re.compile(rf"(?P<prefix>{_prefix_alt})?{QUANTITY_SCAN.plain}")
_PREFIX_LAST_CHARS = frozenset(p[-1] for p in APPROX_PREFIXES)


def scan_numbers(matching: str, pos: int, endpos: int) -> Iterator[tuple[int, int, str | None, tuple[str | None, ...]]]:
    """(start, end, prefix, groups) of every NUMBER_RE match in `matching[pos:endpos]`, as `NUMBER_RE.finditer`
    finds them; `groups` are NUMBER_RE's after the prefix (QUANTITY_SCAN_RE's).

    No prefix holds a digit or numeral, so NUMBER_RE's leftmost match is the leftmost numeral with the longest
    prefix that ends right before it (and after the previous match) in front; the prefix is looked for only
    where the character before the numeral ends one."""
    previous_end = pos
    for m in QUANTITY_SCAN_RE.finditer(matching, pos, endpos):
        start, end = m.span()
        prefix = None
        if start > previous_end and matching[start - 1] in _PREFIX_LAST_CHARS:
            for word in _PREFIXES_LONGEST_FIRST:
                if matching.endswith(word, previous_end, start):
                    prefix = word
                    start -= len(word)
                    break
        previous_end = end
        yield start, end, prefix, m.groups()


# Powers of ten of the multipliers. `float("68.9e8")` is the double nearest 6890000000 exactly, as the decimal
# product would be, without Decimal's cost (a 万/亿 is on a third of all mentions).
MULTIPLIER_EXPONENT = {"万": 4, "亿": 8, "万亿": 12, "千万": 7, "百万": 6, "十万": 5}


def _numeral_value(text: str, multiplier: str | None = None) -> float:
    """The numeral times its 万/亿 multiplier, exactly rounded once (68.9亿 is 6890000000 exactly)."""
    if text[0].isdigit():
        digits = text.replace(",", "")
        return float(f"{digits}e{MULTIPLIER_EXPONENT[multiplier]}") if multiplier else float(digits)
    value = parse_chinese_integer(text)
    return float(value * 10 ** MULTIPLIER_EXPONENT[multiplier]) if multiplier else float(value)


# Not frozen: a frozen dataclass's __init__ sets each field through object.__setattr__, a cost paid for every
# number (docs/BENCHMARKS.md). Immutable all the same: no code changes a Quantity or Mention once made (a test
# checks), a changed copy comes from dataclasses.replace.
@dataclass(slots=True)
class Quantity:
    """A parsed quantity: the contract's value/unit/classifier/approx fields plus its span in the text."""

    char_start: int
    char_end: int
    number_text: str
    value: float
    value_high: float | None
    unit: str
    classifier: str
    approx: str
    is_duration: bool
    is_chinese: bool


def parse_match(start: int, end: int, prefix: str | None, groups: tuple[str | None, ...], text: str) -> Quantity | None:
    """Turn a number the scan found (its span, prefix and QUANTITY_SCAN_RE groups) into a Quantity, or None
    when it is not a quantity at all."""
    # One tuple instead of a dict or a call per group: this runs for every number in the corpus.
    numeral, infix, mult, infix2, mult_tail, cur, _range_sep, high_text, high_mult, unit_word, suffix = groups
    if mult_tail:
        mult = "万亿"
    if cur:
        if unit_word and unit_word != "元":  # `3亿元至5亿元` is a range in 元; `5元/人`-like tails are not units
            return None
        unit_word = "元"
    is_arabic = numeral[0].isdigit()  # type: ignore[index]
    bare_mult = numeral == "万"  # 万 alone; a bare 百 or 千 reads as a Chinese numeral
    if bare_mult:
        # a bare `万` only counts as `上万人次`, `万名` style with a unit following
        if not unit_word:
            return None
        if (UNITS.get(unit_word) or UnitSpec("count")).duration:
            return None  # 万年: an idiom, not a duration
        numeral = "一万"
    try:
        value = _numeral_value(numeral, mult)  # type: ignore[arg-type]
    except (ValueError, KeyError):
        return None
    approx = APPROX_PREFIXES[prefix] if prefix else "exact"
    if infix2 or infix:
        approx = APPROX_INFIX[infix2 or infix]  # type: ignore[index]  # one of them is set
    if unit_word and "多" in unit_word:  # 2个多小时, 一个多月
        approx = "more_than"
    if suffix:
        approx = APPROX_SUFFIXES[suffix]
    if bare_mult and prefix == "上":
        approx = "at_least"
    high = None
    if high_text:
        try:
            high = _numeral_value(high_text, high_mult or mult)
        except (ValueError, KeyError):
            return None
        approx = "at_least"
    spec = UNITS.get(unit_word or "")
    if spec is not None:
        unit, classifier, factor, duration = spec.code, "", spec.factor, spec.duration
    elif unit_word:
        unit, classifier, factor, duration = "count", unit_word, 1.0, False
    else:
        unit, classifier, factor, duration = "count", "", 1.0, False
    if factor != 1.0:
        value = float(Decimal(str(value)) * Decimal(str(factor)))
        high = None if high is None else float(Decimal(str(high)) * Decimal(str(factor)))
    return Quantity(start, end, text[start:end], value, high, unit, classifier, approx, duration, not is_arabic)


def parse_quantity(text: str) -> Quantity | None:
    """Parse a whole string as one quantity (`5271.46亿元`, `二十多个`); None when it is not one."""
    matching = to_matching_text(text)
    m = NUMBER_RE.fullmatch(matching)
    if m is None:
        return None
    prefix, *groups = m.groups()
    return parse_match(*m.span(), prefix, tuple(groups), text)
