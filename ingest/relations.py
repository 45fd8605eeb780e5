"""Totals with parts and subsets of one report: which stated numbers break a total down, and whether they add up.

A relation is found by the report's own structure, never by looking for numbers that happen to add up:
- a breakdown cue after the total: `其中`, `主要是`, `分中央和地方看`, `按区域划分`, `从…看`, `收入分项情况：`,
  `…如下：` with its enumerated items (`（一）…（五）`, `一是…`, `1.…`), or the total named again (`X中，`, `X中的`);
- parts before the total: `A，加上B，总计C`, `本年收入共为A，上年结转B，收入总数共为C`;
- an increment before a cumulative (`新增14家，总量达88家`) and a whole right before its part (`专报15篇，12篇…`).
The total a cue refers to is the amount it names, or the paragraph's topic amount; an increment or a comparison
(`比上年增加5600亿元`, `比预算数…少…`) is never a total. Whether the parts should cover the total decides the
status: `mismatch` only where the arithmetic fails beyond the rounding of the written numbers (or the parts fall
short by exactly one digit of one part: a mistyped digit), `unclear` where a breakdown given as complete plainly
misses most of its total; a list given as the main items may fall short. Each relation keeps its `reading`: why.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from ingest.extract import COUNTED, LEADING_NOISE_RE, Mention
from ingest.numbers import to_matching_text
from ingest.patterns import one_of


@dataclass(frozen=True)
class Relation:
    report_seq: int
    relation: str  # total_parts | subset
    total_index: int  # index into the report's mention list
    part_indexes: tuple[int, ...]
    parts_sum: float  # signed: a subtracted part (出口退税 in a list of taxes) counts negative
    status: str  # consistent | mismatch | unclear
    cue: str  # the words that linked the parts to the total, as written (`其中`, `分中央和地方看`, `合计`)
    tolerance: float  # how far the parts may miss the total from the rounding of the written numbers alone
    reading: str  # why the status is what it is (`the parts cover 62%: read as the main items`)


# --- what a number is ----------------------------------------------------------------------------------

NOT_AMOUNT_KINDS = frozenset({"growth_rate", "share", "duration", "rank"})
NOT_AMOUNT_UNITS = frozenset({"percent", "pp", "rank"})
COUNT_FAMILY = frozenset({"count", "person", "person_time"})
# Clause breaks: a number's name runs back to the last of these (brackets are skipped whole).
NAME_BREAKS = "，,；;。：:！？!?\n"
NAME_BREAK_RE = re.compile(f"[{re.escape(NAME_BREAKS)}]")
# How far back a number's name is read (characters).
NAME_WINDOW = 80
# A number that states a difference (`比上年增加5600亿元`, `较上年减少55102万元`, `比预算数…少支4.7亿元`,
# `只差38亿元`) or the base of one (`比预算数28,049,780,000元少…`) is never the total of a breakdown.
DIFFERENCE_RE = re.compile(
    r"(?:比|较|同比|相比|与[^，。；]{0,20}相比)[^，。；]{0,30}?"
    r"(?:增加|减少|增长|下降|多|少|超过?|节约|节省|增收|减收|提高|降低|上升|回落|减|增)[了出支收用]?(?:额度|金额|数额)?"
    r"(?:约|近|将近)?$"
    r"|(?:只差|相差|差距|缺口|少支|多支|少收|多收|超支|减收|增收|节约|节省)(?:了|约|近)?$"
    r"|^(?:同比|比上年|较上年)?(?:增加|减少|净增|净减|增长|下降|多|少)了?(?:约|近|将近)?$")
BASE_BEFORE_RE = re.compile(r"(?:比|较)(?![重例较])[^，。；]{0,20}$")
DIFFERENCE_AFTER = ("多", "少", "增", "减", "高", "低", "超", "差", "下降", "提高", "上升", "降低", "回落")
# Words in front of a number that are not part of its name (`共为`, `完成`, `收到`, `规定…为`).
NAME_TAIL_RE = re.compile(
    r"(?:共|合计|总计|累计|共计|总共|完成|实现|达到|达|为|是|收到|共收到|规定|安排|拟安排|下达|发行|注入|"
    r"投入|增加到|增加|达成|约|近|将近|超过|有|了|的)+$")
# What turns the name of a number into the name of its total (`收入总数` → `收入`).
TOTAL_WORDS_RE = re.compile(r"(?:总数|总计|合计|总额|总量|共计|总规模|总共|本级|相关|执行(?:初步)?统计数|初步统计数|执行数)+$")
NORMALIZE_RE = re.compile(r"[（(][^）)]*[）)]|\d{2,4}年(?:度)?|[0-9０-９]+[-—至]?[0-9０-９]*月(?:累计)?|各项|各类|各种|全部|所有|主要|“|”")


def is_amount(m: Mention) -> bool:
    """A level, increment or cumulative in some unit: what can be a total or a part (not a rate or a share)."""
    return m.kind not in NOT_AMOUNT_KINDS and m.unit not in NOT_AMOUNT_UNITS


# Measure words that count the same things in one list (`牛、羊、猪分别出栏14.42万头、25.68万只、2.72万头`;
# `医院32家、卫生院82个、妇幼保健院13所`).
CLASSIFIER_FAMILIES = ({"头", "只"}, {"家", "个", "所"})


def _same_family(a: str, b: str) -> bool:
    return any(a in family and b in family for family in CLASSIFIER_FAMILIES)


def compatible(a: Mention, b: Mention, loose: bool = False) -> bool:
    """Whether two mentions count the same kind of thing (CNY with CNY, 家 with 家, 人 with 人次); an amount per
    unit (`645元/月`) only with one per the same unit."""
    if a.classifier.startswith("/") or b.classifier.startswith("/"):
        return a.unit == b.unit and a.classifier == b.classifier
    if a.unit == b.unit and (a.unit != "count" or not a.classifier or not b.classifier
                             or a.classifier == b.classifier or loose or _same_family(a.classifier, b.classifier)):
        return True
    if {a.unit, b.unit} <= {"person", "person_time"}:
        return True
    if "person_time" in (a.unit, b.unit) and (a.classifier.endswith("次") or b.classifier.endswith("次")):
        return False  # 旅客233万人次 and 航班297架次: trips of people and of aircraft
    return loose and a.unit in COUNT_FAMILY and b.unit in COUNT_FAMILY


class Doc:
    """The report's text, its mentions in text order and where its paragraphs (lines) start."""

    def __init__(self, text: str, mentions: list[Mention]) -> None:
        self.text = text
        self.ms = mentions
        self.starts = [m.char_start for m in mentions]
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        # Where clauses break in the report's span: a number's clause is found by bisection, not by walking back.
        lo = max(0, mentions[0].char_start - NAME_WINDOW) if mentions else 0
        hi = mentions[-1].char_start if mentions else 0
        self.name_breaks = [m.start() for m in NAME_BREAK_RE.finditer(text, lo, hi)]
        self._eligible: dict[int, bool] = {}
        self._names: dict[int, str] = {}

    def line_of(self, pos: int) -> tuple[int, int]:
        """(start, end) of the paragraph (line) holding pos."""
        k = bisect_right(self.newlines, pos - 1)  # newlines before pos
        start = self.newlines[k - 1] + 1 if k else 0
        end = self.newlines[k] if k < len(self.newlines) else len(self.text)
        return start, end

    def previous_line(self, pos: int) -> tuple[int, int] | None:
        """The nearest non-empty paragraph before the one holding pos."""
        a, _ = self.line_of(pos)
        while a > 0:
            a2, b2 = self.line_of(a - 1)
            if self.text[a2:b2].strip():
                return a2, b2
            a = a2
        return None

    def between(self, start: int, end: int) -> range:
        """Indexes of the mentions starting in [start, end)."""
        return range(bisect_right(self.starts, start - 1), bisect_right(self.starts, end - 1))

    def clause_before(self, i: int) -> str:
        """The text of the clause before mention i, up to the number (brackets kept), at most NAME_WINDOW long."""
        start = self.ms[i].char_start
        k = bisect_right(self.name_breaks, start - 1)  # clause breaks before the number
        j = max(self.name_breaks[k - 1] + 1 if k else 0, start - NAME_WINDOW)
        return self.text[j:start]

    def name(self, i: int) -> str:
        """What the number is of, as written before it in its clause: `中央一般公共预算本级支出`,
        `地方预算支出` (a bracketed note skipped), `收入总数` (the copula `共为` off). Asked many times: kept."""
        known = self._names.get(i)
        if known is None:
            known = self._names[i] = self._name(i)
        return known

    def _name(self, i: int) -> str:
        m = self.ms[i]
        text, j, floor = self.text, m.char_start, max(0, m.char_start - NAME_WINDOW)
        out: list[str] = []
        depth = 0
        while j > floor:
            ch = text[j - 1]
            if ch in "）)":
                depth += 1
            elif ch in "（(":
                depth = max(0, depth - 1)
            elif depth == 0:
                if ch in NAME_BREAKS or ch.isdigit() or "０" <= ch <= "９":
                    break
                out.append(ch)
            j -= 1
        raw = "".join(reversed(out))
        raw = re.sub(r"^(?:[一二三四五六七八九十]+是|[一二三四五六七八九十]+、|\d+[.．、])", "", raw)
        raw = LEADING_NOISE_RE.sub("", raw)
        return NAME_TAIL_RE.sub("", raw)

    def is_difference(self, i: int) -> bool:
        """`比上年增加5600亿元`, `较上年减少55102万元` (a difference) or `比预算数X元少…` (its base)."""
        clause = self.clause_before(i)
        if DIFFERENCE_RE.search(clause):
            return True
        m = self.ms[i]
        return bool(BASE_BEFORE_RE.search(clause)) and self.text.startswith(DIFFERENCE_AFTER, m.char_end)

    def in_note(self, i: int) -> bool:
        """`支出100亿元（含上级补助20亿元）`: a number inside a 含/包括 note explains its total, it is not a part."""
        m, text = self.ms[i], self.text
        opened = max(text.rfind("（", max(0, m.char_start - 20), m.char_start),
                     text.rfind("(", max(0, m.char_start - 20), m.char_start))
        if opened < 0 or "）" in text[opened:m.char_start] or ")" in text[opened:m.char_start]:
            return False
        return text[opened + 1:opened + 3].startswith(("含", "包括", "包含"))

    def eligible(self, i: int) -> bool:
        """Whether mention i can be a total or a part at all (not a rate, a difference, a note, nor a piece
        of a longer number the grammar cut: `1306.08千公顷`). Asked many times per mention: kept."""
        known = self._eligible.get(i)
        if known is None:
            known = self._eligible[i] = self._is_eligible(i)
        return known

    def _is_eligible(self, i: int) -> bool:
        m = self.ms[i]
        before = self.text[m.char_start - 1:m.char_start] if m.char_start else ""
        if before.isdigit() or before in (".", "．"):
            return False
        return is_amount(m) and not self.is_difference(i) and not self.in_note(i)


def normalize_name(name: str) -> str:
    """A name without years, brackets and the modifiers that do not change what is counted (`各项税收` → `税收`)."""
    return TOTAL_WORDS_RE.sub("", NORMALIZE_RE.sub("", name))


def names_match(named: str, name: str) -> bool:
    """Whether `named` (a total named again: `地方预算支出中`) is the name of a number (`地方预算支出`)."""
    a, b = normalize_name(named), normalize_name(name)
    if len(a) < 2 or len(b) < 2:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 4 and long_.endswith(short)


def _without_amount_tail(name: str) -> str:
    """`零售额` → `零售` (it heads like `零售总额`), `存款余额` → `存款`: an amount word after the head noun."""
    if name.endswith("额") and len(name) > 2:
        return name[:-2] if name.endswith("余额") and len(name) > 3 else name[:-1]
    return name


def head(name: str) -> str:
    """The head noun of a name, its last two characters: `收入`, `支出`, `零售` (of `城镇消费品零售额`)."""
    return _without_amount_tail(normalize_name(name))[-2:]


# --- tolerance and status ------------------------------------------------------------------------------

APPROX_WIDE = frozenset({"about", "nearly"})


def tolerance(m: Mention) -> float:
    """How far a written number may be from the value it rounds, in base units: half a unit of its last written
    digit (`306.85亿元` → 0.005亿元, `7800亿元` → 0.5亿元), a whole unit for `约`/`近` (rounded once more, and to
    its last non-zero digit: `约500人` → 100人); none for a whole number written out in full (`126场`,
    `27,203,319,000元`), which is exact."""
    written = _written(m)
    if written is None:  # a Chinese numeral (a whole number), or nought
        return 0.5 if m.approx in APPROX_WIDE else 0.0
    integer, scale, decimals = written
    approximate = m.approx in APPROX_WIDE
    if decimals == 0 and scale <= 1.0 and not approximate:
        return 0.0
    unit = 10.0 ** -decimals * max(scale, 1.0)
    if approximate and decimals == 0:
        unit *= 10.0 ** (len(integer) - len(integer.rstrip("0")))
    return unit if approximate else 0.5 * unit


# Parts that add up to less than this share of their total, with nothing saying that they make up the whole,
# are read as a list of the main items only (`支出115亿元，其中教育24亿元、社保19亿元`).
PARTIAL_LIST_SHARE = 0.8
# Parts of a breakdown that should be complete but cover less than this share of their total plainly miss
# some of it (a part in a unit not read, a list cut by the layout): not an arithmetic error to report.
PLAINLY_SHORT_SHARE = 0.5

# How sure the text is that the parts make up the whole.
COMPLETE = "complete"  # 分中央和地方看, 按…划分, 如下 (not 主要), 加上…总计, shares adding up to 100%
UNKNOWN = "unknown"  # a plain 其中 list
PARTIAL = "partial"  # 主要, 等, 包括: the main items only
PARTIAL_SHARES = "partial_shares"  # each part's share of the total given, adding up to clearly less than 100%


class Judgement(NamedTuple):
    relation: str  # total_parts | subset
    status: str  # consistent | mismatch | unclear
    parts_sum: float
    tolerance: float
    reading: str  # why this status, in words (kept with the relation as its evidence)


def judge(total: Mention, parts: list[Mention], signs: list[int], completeness: str) -> Judgement:
    """Whether the parts make up the total, a part of it, or neither, and why."""
    parts_sum = sum(s * p.value for s, p in zip(signs, parts, strict=True))
    tol = tolerance(total) + sum(tolerance(p) for p in parts)
    slack = tol + 1e-9 * max(1.0, abs(total.value))  # float sums of exact decimals are off in the last bits
    exceeds = parts_sum > total.value + slack

    def verdict(relation: str, status: str, reading: str) -> Judgement:
        return Judgement(relation, status, parts_sum, tol, reading)

    if len(parts) == 1:
        if exceeds:
            return verdict("subset", "mismatch", "the part is larger than its whole")
        return verdict("subset", "consistent", "the part fits within its whole")
    if exceeds:
        return verdict("total_parts", "mismatch", "the parts add up to more than the total")
    if abs(parts_sum - total.value) <= slack:
        return verdict("total_parts", "consistent", "the parts add up to the total within rounding")
    # The parts fall short of the total beyond rounding.
    if total.approx != "exact" or any(p.approx != "exact" for p in parts):
        return verdict("total_parts", "consistent", "short, but 多/余/约 numbers may fall short")
    share = parts_sum / total.value if total.value else 0.0
    typo = one_digit_off(total, parts, signs, total.value - parts_sum, slack=slack) \
        if completeness != PARTIAL_SHARES and share >= PLAINLY_SHORT_SHARE else None
    if typo is not None:
        return verdict("total_parts", "mismatch", typo)
    if completeness == COMPLETE:
        if share >= PLAINLY_SHORT_SHARE:
            return verdict("total_parts", "mismatch", "short of a breakdown the text gives as complete")
        return verdict("total_parts", "unclear", f"a breakdown given as complete covers only {share:.0%}: "
                       "a part was not read")
    if completeness == PARTIAL_SHARES:
        return verdict("subset", "consistent", "the parts' shares add up to less than 100%: the main items")
    if completeness == PARTIAL:
        return verdict("subset", "consistent", f"the text names the main items (主要/等/各项), covering {share:.0%}")
    if share < PARTIAL_LIST_SHARE:
        return verdict("subset", "consistent", f"the parts cover {share:.0%}: read as the main items")
    steps = finest_digit_steps(total, parts, total.value - parts_sum)
    if steps is None or steps < NEAR_LIST_TYPO_PRECISION:
        return verdict("total_parts", "mismatch", f"the parts cover {share:.0%} of the total")
    typo = one_digit_off(total, parts, signs, total.value - parts_sum, NEAR_LIST_TYPO_PRECISION, slack)
    if typo is not None:
        return verdict("total_parts", "mismatch", f"the parts cover {share:.0%}; {typo}")
    return verdict("subset", "consistent", f"the parts cover {share:.0%} and no one digit explains the rest: "
                   "read as the main items")


def _written(m: Mention) -> tuple[str, float, int] | None:
    """(digits as written, value per written unit, decimals) of a number in Arabic digits; None otherwise."""
    digits = re.search(r"\d+(?:\.\d+)?", to_matching_text(m.number_text).replace(",", ""))
    if digits is None or not float(digits.group(0)):
        return None
    written = digits.group(0)
    return written, abs(m.value / float(written)), len(written.partition(".")[2])


def last_digit_unit(m: Mention) -> float | None:
    """The value, in base units, of the last non-zero digit written in the number (`234256万元` → 1万,
    `32.27亿元` → 0.01亿, `860人` → 10); None for a Chinese numeral."""
    written = _written(m)
    if written is None:
        return None
    digits, per_unit, decimals = written
    plain = digits.replace(".", "")
    trailing_zeros = len(plain) - len(plain.rstrip("0"))
    return 10.0 ** (trailing_zeros - decimals) * per_unit


# A shortfall that one mistyped digit of one part explains stands for an error, not for items left out, when it
# is this many times the finest digit written: by chance a list of main items misses its total by such a round
# amount about once in a thousand. (Round counts like `300场` are common; a coarser precision would mistake a
# left-out round item for a typo.)
TYPO_PRECISION = 1000
# A plain `其中` list covering most of its total (PARTIAL_LIST_SHARE or more) but not all: real lists of this kind
# name the largest items (`国内消费税7872亿元，其中卷烟3949亿元、成品油2811亿元`: 86%) and leave a remainder of any
# shape; one digit of one part written too low leaves a remainder of one digit. Such a remainder at ten times the
# finest digit or more is read as the error, any other remainder of that size as the items left out; a remainder
# of a few finest digits (`发行股票8只，其中…7只`) says too little to tell, and stays a mismatch.
NEAR_LIST_TYPO_PRECISION = 10


def finest_digit_steps(total: Mention, parts: list[Mention], shortfall: float) -> float | None:
    """The shortfall in units of the finest digit written in the total or its parts; None where a number is written
    in Chinese numerals."""
    units = [last_digit_unit(m) for m in (total, *parts)]
    if any(u is None for u in units):
        return None
    return shortfall / min(u for u in units if u is not None)


def one_digit_off(total: Mention, parts: list[Mention], signs: list[int], shortfall: float,
                  precision: int = TYPO_PRECISION, slack: float = 0.0) -> str | None:
    """When one digit of one part, written higher, makes the parts add up (`市级专项债券357508万元，其中：
    市直134256万元…`: 134256 → 234256) within the rounding `slack`, and that digit is at least `precision` times the
    finest digit written: what that part would have to read. None otherwise."""
    exact_steps = finest_digit_steps(total, parts, shortfall)
    if shortfall <= 0 or exact_steps is None:
        return None
    unit = shortfall / exact_steps
    place = 10 ** (len(str(max(1, round(exact_steps)))) - 1)
    steps = round(exact_steps / place) * place  # the one-digit amount nearest the shortfall
    if steps == 0 or abs(exact_steps - steps) > slack / unit + 1e-6 * max(1.0, exact_steps):
        return None  # more than one digit
    place = 10 ** (len(str(steps)) - 1)
    if steps < precision:
        return None  # too fine to tell from chance
    for part, sign in zip(parts, signs, strict=True):
        count = round(part.value / unit)
        written = _written(part)
        if sign > 0 and written is not None and count >= place and (count // place) % 10 + steps // place <= 9:
            _, per_unit, decimals = written
            corrected = f"{(part.value + steps * unit) / per_unit:.{decimals}f}"
            return f"short by one digit: {part.number_text} written as {corrected} would make it add up"
    return None


# --- the finders -----------------------------------------------------------------------------------------

@dataclass
class _Found:
    total: int
    parts: list[int]
    signs: list[int]
    completeness: str
    cue: str


SHARE_OF_TOTAL_RE = re.compile(r"占[^，。；]{0,24}?(?:总数|总额|总量|总计|合计)")


def _shares_completeness(doc: Doc, total: int, parts: list[int]) -> str | None:
    """When every part is followed by its share of the total (`占地方预算支出总数的35.84%`), whether the
    shares add up to the whole (complete) or clearly less (partial); None when the shares are not given."""
    if len(parts) < 2:
        return None
    total_name = normalize_name(doc.name(total))
    shares = 0.0
    for p in parts:
        nxt = p + 1
        if nxt >= len(doc.ms) or doc.ms[nxt].kind != "share" or doc.ms[nxt].unit != "percent":
            return None
        gap = doc.text[doc.ms[p].char_end:doc.ms[nxt].char_start]
        if len(gap) > 30 or "。" in gap or "；" in gap:
            return None
        if not (SHARE_OF_TOTAL_RE.search(gap) or (len(total_name) >= 2 and total_name in gap)):
            return None
        shares += doc.ms[nxt].value
    if 99.0 <= shares <= 101.0:
        return COMPLETE
    return PARTIAL_SHARES if shares < 99.0 else None


SUB_BREAKDOWN_RE = re.compile(r"其中|主要是|主要为|主要有|主要包括|包括|中有|主要项目(?:有|为)")
SUB_BREAKDOWN_AFTER_RE = re.compile(r"[，,]?\s*(?:其中|主要是|主要包括)")
# 等 right after a part closes its list (`主要是A 2.7亿元、B 0.9亿元等，县区24.1亿元`).
LIST_CLOSED_RE = re.compile(r"\s*等[，,；;。]")
# Words that end a list of parts: an aside, or a clause adding to the whole the list breaks down (`加上…总计`).
ASIDE_RE = re.compile(r"此外|另外|另有|同时|[，,；;]\s*加上")


def _sub_breakdown_end(doc: Doc, cue_pos: int, limit: int) -> int:
    """Where a nested breakdown of a part (`，其中…`, `。其中…`, `，主要是…`) ends: at the full stop, or at
    the next semicolon when no amount stands before it (`，其中改征增值税增长2.7倍；营业税…`)."""
    text = doc.text
    semicolon = cue_pos
    while semicolon < limit and text[semicolon] not in "；;。\n":
        semicolon += 1
    if semicolon >= limit or text[semicolon] in "。\n":
        return semicolon
    if not any(doc.eligible(i) for i in doc.between(cue_pos, semicolon)):
        return semicolon
    return min(limit, _sentence_end(text, cue_pos))


def _collect_parts(doc: Doc, total: int, first: int, end: int, *, same_head_as: str | None = None) -> list[int]:
    """The parts from mention `first` up to offset `end`: every amount of the total's kind, skipping rates,
    differences, notes and nested breakdowns of a part (`，其中…`), stopping at an aside (`此外`) or at an
    amount of another kind."""
    text, ms = doc.text, doc.ms
    parts: list[int] = []
    skip_until = -1
    prev_end = ms[first].char_start
    depth = 0  # brackets opened since the first part: `税收减免32.27亿元（中央级15.35亿元，地方级16.92亿元）`
    for i in doc.between(ms[first].char_start, end):
        m = ms[i]
        gap = text[prev_end:m.char_start]
        depth += gap.count("（") + gap.count("(") - gap.count("）") - gap.count(")")
        if depth < 0:
            break  # the bracket the list was opened in has closed: `(其中返还性收入107万元、…)，加上上年结余811万元`
        if depth > 0:
            prev_end = m.char_end
            continue
        if parts and LIST_CLOSED_RE.match(gap):
            break  # `…0.9亿元等，县区24.1亿元`: 等 closed the list
        if parts and m.char_start >= skip_until:
            sub = SUB_BREAKDOWN_RE.search(gap)
            if sub is not None:
                skip_until = _sub_breakdown_end(doc, prev_end + sub.start(), end)
            elif ASIDE_RE.search(gap):
                break
        prev_end = m.char_end
        if m.char_start < skip_until or not doc.eligible(i):
            continue
        # Of the total's kind, or of the first part's; the first part itself may count loosely alike
        # (`获奖者206个，其中突出贡献奖10人、…先进集体奖20个`: 人 and 个).
        if not (compatible(ms[total], m) or (parts and compatible(ms[parts[0]], m))
                or (i == first and compatible(ms[total], m, loose=True))):
            if parts:
                break
            continue
        # The other side of a known split is a part whatever its head (`商品零售额…；餐饮收入额…`).
        head_differs = same_head_as is not None and head(doc.name(i)) != same_head_as
        after_semicolon = bool(parts) and ("；" in gap or ";" in gap)
        other_side = bool(parts) and (head_differs or after_semicolon) and _complementary(
            [doc.name(parts[-1]), doc.name(i)])
        if head_differs and not other_side:
            if parts:
                break
            continue
        if after_semicolon and (
                not (other_side or _parallel(doc, i, (parts[0],))) or SUB_BREAKDOWN_AFTER_RE.match(text, m.char_end)):
            break  # the next clause is about something else (`…693个；苏联设计的156个项目中…`), or is the next
            # total with its own breakdown (`…149932万元；市县政府债务限额1071957万元，其中：…`)
        if parts and SUMMED_TOTAL_RE.search(doc.clause_before(i)):
            break  # `…，全区一般公共预算支出总计406,907万元`: the whole of a list, never one of its parts
        parts.append(i)
    return parts


def _parallel(doc: Doc, i: int, others: tuple[int, ...]) -> bool:
    """Whether mention i names the same kind of thing as one of the others: the same last character of the
    name (`工商税`/`农业税`, `税收收入`/`非税收入`, `教育支出`/`国防费支出`)."""
    last = _without_amount_tail(normalize_name(doc.name(i)))[-1:]
    return bool(last) and any(_without_amount_tail(normalize_name(doc.name(o)))[-1:] == last for o in others)


ADJUSTMENT_RE = re.compile(r"(?:调增|调减|净增|净减|增加|减少)(?:了|约)?$")
CUT_RE = re.compile(r"(?:调减|净减|减少)(?:了|约)?$")
RELIEF_RE = re.compile(r"退税|减税|降费|缓税")


def _signs(doc: Doc, total: int, parts: list[int]) -> list[int]:
    """-1 for a part the total subtracts: export tax rebates in a list of tax revenues (`出口退税`), not in a total
    of relief itself (`退税减税降费2.1亿元，其中留抵退税1.7亿元`); a cut in a net change (`调增26.18亿元，其中…
    一般公共预算收入调减5.7亿元`)."""
    total_name = doc.name(total)
    revenue = ("税" in total_name or "收入" in total_name) and not RELIEF_RE.search(total_name)
    net_change = ADJUSTMENT_RE.search(doc.clause_before(total)) is not None
    return [-1 if (revenue and doc.name(p).endswith("退税")) or (net_change and CUT_RE.search(doc.clause_before(p)))
            else 1 for p in parts]


QIZHONG_RE = re.compile(r"其中[：:，,]?")
# How far before a 其中 its total is looked for (characters): the sentence before, at most.
TOTAL_LOOKBACK_CHARS = 400


def _qizhong(doc: Doc) -> list[_Found]:
    """`X，其中A、B、C` and `X。其中：A；B`: the parts after 其中 against the nearest amount before it that
    counts the same thing and is not a difference (`比上年增加5600亿元，其中…` is not a breakdown of 5600)."""
    text, ms = doc.text, doc.ms
    out: list[_Found] = []
    if not ms:
        return out
    lo, hi = ms[0].char_start, ms[-1].char_end
    for cue in QIZHONG_RE.finditer(text, lo, hi):
        pos = cue.start()
        first = bisect_right(doc.starts, cue.end() - 1)
        if first >= len(ms) or ms[first].char_start - cue.end() > 40:
            continue
        between = text[cue.end():ms[first].char_start]
        if "。" in between or "；" in between:
            continue
        first_ok = next((i for i in range(first, min(first + 4, len(ms))) if doc.eligible(i)
                         and not any(ch in text[cue.end():ms[i].char_start] for ch in "。；;")), None)
        if first_ok is None:
            continue
        bracket = text.rfind("（", max(0, pos - 3), pos)
        opens_sentence = text[max(0, pos - 1):pos] in ("。", "\n") or text[max(0, pos - 2):pos].strip() == ""
        total = _total_before(doc, pos, first_ok, opens_sentence)
        if total is None:
            continue
        limit = _sentence_end(text, pos) if bracket < 0 else text.find("）", pos)
        parts = _collect_parts(doc, total, first_ok, limit if limit > 0 else _sentence_end(text, pos))
        parts = _in_category(doc, total, _of_its_measure(doc, total, parts))
        if not parts:
            continue
        parts += _included_later(doc, total, parts)
        out.append(_Found(total, parts, _signs(doc, total, parts), _list_completeness(doc, cue.end(), total, parts),
                          "其中"))
    return out


def _of_its_measure(doc: Doc, total: int, parts: list[int]) -> list[int]:
    """`总收入361.16亿元，总支出352.54亿元。其中，养老保险基金收入186.64亿元，支出184.03亿元；…`: when the total's
    sentence states other measures before it, the parts named after those measures break them down, not it."""
    mine = head(doc.name(total))
    sentence_start = _sentence_start(doc.text, doc.ms[total].char_start)
    others = {head(doc.name(j)) for j in doc.between(sentence_start, doc.ms[total].char_start)
              if doc.eligible(j) and compatible(doc.ms[j], doc.ms[total])} - {mine}
    if not others or not any(head(doc.name(p)) == mine for p in parts):
        return parts
    return [p for p in parts if head(doc.name(p)) not in others]


# The members of a category a total may name (`肉类总产量…其中，猪肉…；禽蛋产量…` ends before the eggs): a list of
# its parts ends at the first part of none of them.
CATEGORY_MEMBERS = {
    "粮食": ("粮", "谷", "稻", "麦", "玉米", "豆", "薯"),
    "肉类": ("肉",),
    "蔬菜": ("菜", "菌", "瓜"),
}


def _in_category(doc: Doc, total: int, parts: list[int]) -> list[int]:
    total_name = doc.name(total)
    for category, members in CATEGORY_MEMBERS.items():
        if category in total_name:
            inside = [any(word in doc.name(p) for word in members) for p in parts]
            return parts[:inside.index(False)] if False in inside else parts
    return parts


# Pairs of words that split a whole in two (`中央`/`地方`, `税收收入`/`非税收入`): parts named by both sides
# make up the whole.
COMPLEMENTS = (("中央", "地方"), ("财产险", "人身险"), ("第一产业", "第二产业"), ("第二产业", "第三产业"), ("预期性", "约束性"), ("一般", "专项"), ("城镇", "农村"), ("城市", "农村"), ("男", "女"), ("本金", "利息"), ("本金", "付息"),
               ("还本", "付息"), ("公办", "民办"), ("境内", "境外"), ("国内", "国外"), ("线上", "线下"),
               ("直接", "间接"), ("本级", "下级"), ("市级", "县级"), ("本年开始", "继续"), ("新建", "续建"),
               ("进口", "出口"), ("流入", "流出"), ("城镇", "乡村"), ("商品零售", "餐饮收入"))
REST_NAME_RE = re.compile(r"^(?:其他|其它|其余|剩余|另外)")
COLLECTION_NAME_RE = re.compile(r"^(?:各项|各类|各种|多种|多项|全部|所有)")


def _list_completeness(doc: Doc, cue_end: int, total: int, parts: list[int]) -> str:
    """How sure a 其中 list is to make up its total. Complete: its parts' shares add up to 100%, it names the
    two sides of a split (`中央…地方…`, `税收收入…非税收入…`), or it ends with the rest (`其他…`). Partial:
    `等` after it, `主要`/`包括`/`如` opening it, shares adding up to less, or a total named as a collection
    of kinds (`各项税收`, `各项存款余额`) of which the list names some. Otherwise unknown."""
    text, ms = doc.text, doc.ms
    by_shares = _shares_completeness(doc, total, parts)
    if by_shares is not None:
        return by_shares
    tail = text[ms[parts[-1]].char_end:ms[parts[-1]].char_end + 3]
    if tail.startswith("等") or re.match(r"(?:主要|包括|如|重点)", text[cue_end:cue_end + 4]):
        return COMPLETE if _ends_with_the_rest(doc, parts) else PARTIAL
    names = [doc.name(p) for p in parts]
    if len(parts) >= 2 and (_complementary(names) or _ends_with_the_rest(doc, parts)):
        return COMPLETE
    if COLLECTION_NAME_RE.match(_raw_name(doc, total)):
        return PARTIAL
    return UNKNOWN


def _ends_with_the_rest(doc: Doc, parts: list[int]) -> bool:
    """Whether the last of two or more parts is the rest (`其他…`): a list that names the rest is the whole,
    even one opened by 主要是."""
    if len(parts) < 2:
        return False
    between = doc.text[doc.ms[parts[-2]].char_end:doc.ms[parts[-1]].char_start]
    return REST_NAME_RE.match(between.lstrip("、，,；;：: \u3000")) is not None


def _complementary(names: list[str]) -> bool:
    """Whether the names cover both sides of a split: `中央…`/`地方…`, `税收收入`/`非税收入`."""
    for negated in (n for n in names if n.startswith("非") and len(n) >= 3):
        if any(n != negated and n.startswith(negated[1:3]) for n in names):
            return True  # `税收收入`/`非税收入`, `国有企业`/`非国有企业`
    common = len(os.path.commonprefix(names))
    sides = [n[common:] for n in names] if common < min(len(n) for n in names) else names  # 债务本金/债务利息
    return any(any(n.startswith(a) for n in sides) and any(n.startswith(b) for n in sides) for a, b in COMPLEMENTS)


def _raw_name(doc: Doc, i: int) -> str:
    """The name of mention i before leading noise and modifiers are stripped."""
    clause = doc.clause_before(i)
    return NAME_TAIL_RE.sub("", re.sub(r"^[^，。]*?(?=各项|各类|各种|多种|多项|全部|所有)", "", clause))


# A sentence is read at most this far from a position (a flattened table has no full stop for pages: every
# look-up stays bounded, so a document of any shape costs linear time).
SENTENCE_WINDOW = 1000
SENTENCE_END_RE = re.compile(r"[。！？\n]")


def _sentence_end(text: str, pos: int) -> int:
    """The offset of the full stop (or line end) ending the sentence at pos, at most SENTENCE_WINDOW on."""
    m = SENTENCE_END_RE.search(text, pos, pos + SENTENCE_WINDOW)
    return m.start() if m else min(len(text), pos + SENTENCE_WINDOW)


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding pos starts, at most SENTENCE_WINDOW back."""
    floor = max(0, pos - SENTENCE_WINDOW)
    return max(text.rfind(stop, floor, pos) for stop in "。！？\n") + 1 if pos > floor else floor


def _total_before(doc: Doc, pos: int, first: int, opens_sentence: bool) -> int | None:
    """The total a breakdown cue at pos refers to: the nearest eligible amount before it in the same
    sentence (or in the sentence before, when the cue opens a sentence) counting the same thing as the first
    part; failing that, the nearest loosely compatible one."""
    text = doc.text
    floor = _sentence_start(text, pos)
    if opens_sentence:
        floor = _sentence_start(text, max(0, floor - 1))
        line_start, _ = doc.line_of(pos)
        floor = max(floor, line_start)
    floor = max(floor, pos - TOTAL_LOOKBACK_CHARS)
    nearest = None
    for i in reversed(doc.between(floor, pos)):
        if doc.ms[i].char_end > pos or not doc.eligible(i) or _closed_bracket_between(text, doc.ms[i].char_end, pos):
            continue  # an amount in an aside closed before the cue (`（…转移支付收入9.86亿元…）`) is no total of it
        if compatible(doc.ms[i], doc.ms[first]):
            return i
        if nearest is None:
            nearest = i
    return nearest if nearest is not None and compatible(doc.ms[nearest], doc.ms[first], loose=True) else None


def _closed_bracket_between(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] closes a bracket it did not open."""
    between = text[start:end]
    return between.count("）") + between.count(")") > between.count("（") + between.count("(")


INCLUDED_RE = re.compile(r"^[，,]?(?:这|其|均|都)?(?:也|亦)?(?:已)?(?:包括|包含|计入|列入|算在)")


def _included_later(doc: Doc, total: int, parts: list[int]) -> list[int]:
    """A part stated in a following sentence of the same paragraph with `这也包括在X以内`: `…还向国家上缴
    200,000,000元，这也包括在国营企业收入以内`."""
    text, ms = doc.text, doc.ms
    start = ms[parts[-1]].char_end
    _, line_end = doc.line_of(start)
    limit = min(line_end, start + 300)
    out = []
    for i in doc.between(start, limit):
        after = text[ms[i].char_end:ms[i].char_end + 24]
        if doc.eligible(i) and compatible(ms[total], ms[i]) and INCLUDED_RE.search(after):
            out.append(i)
    return out


PRINCIPALLY_RE = re.compile(r"[，,；;]\s*主要(?:是|为|有|包括)[：:]?")


def _principally(doc: Doc) -> list[_Found]:
    """`利润收入13500万元，主要是东楚集团5880万元、城发集团4900万元…`: the amount right before 主要是 and
    the amounts it lists (the main items: they may cover it only in part)."""
    text, ms = doc.text, doc.ms
    out: list[_Found] = []
    if not ms:
        return out
    for cue in PRINCIPALLY_RE.finditer(text, ms[0].char_start, ms[-1].char_end):
        total = bisect_right(doc.starts, cue.start() - 1) - 1
        if total < 0 or cue.start() - ms[total].char_end > 2 or not doc.eligible(total):
            continue  # `下降68.79%，主要是…`: the reasons for a change, not a breakdown
        first = bisect_right(doc.starts, cue.end() - 1)
        if first >= len(ms) or ms[first].char_start - cue.end() > 40:
            continue
        end = cue.end()
        while end < len(text) and text[end] not in "；;。\n":
            end += 1
        parts = _collect_parts(doc, total, first, end)
        if parts:
            completeness = COMPLETE if _ends_with_the_rest(doc, parts) else PARTIAL
            out.append(_Found(total, parts, _signs(doc, total, parts), completeness, "主要是"))
    return out


def _phrase_cues(text: str, lo: int, hi: int, end_re: re.Pattern[str], max_len: int, opening: str,
                 inner: str = "") -> list[tuple[int, int, str, str]]:
    """(start, end, phrase, cue as written) of each phrase that opens after one of `opening` (or the text start),
    runs at most `max_len` characters without any of `inner`, and ends in a match of `end_re`: the literal end
    is searched first, then the phrase read back from it (a pattern led by the phrase was tried at every
    character)."""
    out = []
    for m in end_re.finditer(text, lo, hi):
        j, floor = m.start(), max(0, m.start() - max_len)
        while j > floor and text[j - 1] not in opening and text[j - 1] not in inner:
            j -= 1
        if j > 0 and text[j - 1] not in opening:
            continue  # the phrase runs over a comma, or is longer than max_len
        phrase = text[j:m.start()].strip()
        out.append((j, m.end(), phrase, phrase + m.group(0)))
    return out


NAMED_END_RE = re.compile(r"中(?:的|[，,：:])")
NAMED_LOOKBACK_CHARS = 800
NAMED_FOLLOWING_SENTENCES = 4


def _named_total(doc: Doc) -> list[_Found]:
    """`地方预算支出中，经济建设费为A…`, `全国一般公共预算收入中的税收收入A；非税收入B`, `各项税收中，…此外，…`:
    the total named again (not repeated) and broken down in what follows."""
    text, ms = doc.text, doc.ms
    out: list[_Found] = []
    if not ms:
        return out
    for start, cue_end, phrase, written in _phrase_cues(text, ms[0].char_start, ms[-1].char_end, NAMED_END_RE, 25,
                                                        "，,。；;：:\n"):
        named = phrase.removeprefix("在")
        if not 2 <= len(named) <= 24 or named.endswith("其") or re.search(r"[\d０-９]", named) or len(
                normalize_name(named)) < 2:
            continue
        total = _total_by_name(doc, named, start)
        if total is None:
            continue
        first = bisect_right(doc.starts, cue_end - 1)
        if first >= len(ms):
            continue
        end = _sentence_end(text, cue_end)
        parts = _collect_parts(doc, total, first, end)
        parts += _following_parts(doc, total, end, normalize_name(named)[-2:])
        if not parts:
            continue
        completeness = _shares_completeness(doc, total, parts) or UNKNOWN
        out.append(_Found(total, parts, _signs(doc, total, parts), completeness, written.strip("，,。；;：: \n")))
    return out


def _total_by_name(doc: Doc, named: str, pos: int) -> int | None:
    """The nearest amount before pos (in its paragraph or the two before) whose name is `named`."""
    floor = pos
    line = doc.line_of(pos)
    for _ in range(3):
        floor = line[0]
        prev = doc.previous_line(line[0])
        if prev is None:
            break
        line = prev
    floor = max(floor, pos - NAMED_LOOKBACK_CHARS)
    matches = [i for i in reversed(doc.between(floor, pos))
               if doc.ms[i].char_end <= pos and doc.eligible(i) and names_match(named, doc.name(i))]
    # `财政收入中的…`: the whole, not the nearer `地方财政收入（本级）`, one side of a split of it.
    whole = next((i for i in matches if not _one_side(normalize_name(doc.name(i)), normalize_name(named))), None)
    return whole if whole is not None else next(iter(matches), None)


SPLIT_SIDES = frozenset(side for pair in COMPLEMENTS for side in pair)


def _one_side(name: str, named: str) -> bool:
    """Whether `name` is `named` qualified by one side of a split (`地方财政收入` of `财政收入`)."""
    qualifier = name.removesuffix(named)
    return qualifier != name and any(side in qualifier for side in SPLIT_SIDES)


SENTENCE_OPENS_ASIDE_RE = re.compile(r"^\s*(?:此外|另外|还有|同时)[，,]?")


def _following_parts(doc: Doc, total: int, start: int, head_word: str) -> list[int]:
    """Parts in the next sentences of the same paragraph (`各项税收中，工商税收…。农业税收入…。此外，关税、
    盐税收入共为…`): a sentence's first amount of the total's kind is a part when its name holds the
    total's head word or the sentence opens with 此外/另外; the first sentence that has such an amount
    otherwise ends the list."""
    text, ms = doc.text, doc.ms
    _, line_end = doc.line_of(start)
    out: list[int] = []
    pos = start + 1
    for _ in range(NAMED_FOLLOWING_SENTENCES):
        if pos >= line_end:
            break
        end = min(_sentence_end(text, pos), line_end)
        sentence = text[pos:end]
        first = next((i for i in doc.between(pos, end) if doc.eligible(i) and compatible(ms[total], ms[i])), None)
        if first is not None:
            name = doc.name(first)
            if len(head_word) == 2 and head_word in name or SENTENCE_OPENS_ASIDE_RE.match(sentence):
                out.append(first)
            else:
                break
        pos = end + 1
    return out


# Cues that open a breakdown of the paragraph's topic amount.
SPLIT_END_RE = re.compile(r"(?:看|划分|区分|统计|分)[，,：:]")
SPLIT_PHRASE_RE = re.compile(r"^(?:(?:分|按)(?P<by>.{1,16}?)(?:的区别)?来?(?:看|划分|区分|统计|分)|从(?P<from>.{1,16}?)来?看)$")
# A split of one item's amount inside an enumerated list (`４．企业所得税19654亿元…分行业看，…`).
ITEM_SPLIT_RE = re.compile(r"(?:分|按)[^，。；]{1,12}?(?:看|划分|区分|分)[，,：:]")
LIST_END_RE = re.compile(r"(?:分项情况|构成情况|情况如下|数额如下|如下|包括)[：:]")
ITEM_MARK_RE = re.compile(r"（([一二三四五六七八九十]{1,3})）|([一二三四五六七八九十]{1,3})是|(\d{1,2})[.．、](?!\d)|([①②③④⑤⑥⑦⑧⑨⑩])")
CN_ORDER = "一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
LIST_WORDS_RE = re.compile(r"按[^，。]{0,8}?(?:划分|分)|主要|各类|各项|项目|科目|情况|的|数额|分项|安排")


def _topic_breakdowns(doc: Doc) -> list[_Found]:
    """`分中央和地方看，中央…；地方…`, `按区域划分：…`, `从主要支出项目情况看：…`, `收入分项情况：…`,
    `各类经济建设支出的数额如下：（一）…（五）…`: a breakdown of the amount the cue names, or else of the
    paragraph's topic amount (its first amount; the previous paragraph's when the cue opens the paragraph)."""
    text, ms = doc.text, doc.ms
    out: list[_Found] = []
    if not ms:
        return out
    lo, hi = ms[0].char_start, ms[-1].char_end
    cues = [(start, end, what, written, "list", "")
            for start, end, what, written in _phrase_cues(text, lo, hi, LIST_END_RE, 31, "。；;\n", "，,：:")]
    for start, end, _phrase, written in _phrase_cues(text, lo, hi, SPLIT_END_RE, 24, "。；;\n", "，,：:"):
        split = SPLIT_PHRASE_RE.match(written.rstrip("，,：:"))
        if split is not None:
            cues.append((start, end, split.group("from") or "", written, "split", split.group("by") or ""))
    for cue_start, cue_end, what, written, style, by in sorted(cues):
        partial = "主要" in what or "主要" in by
        subject = LIST_WORDS_RE.sub("", what)
        items = _items_after(doc, cue_end)
        total = None
        if len(normalize_name(subject)) >= 3:
            total = _total_by_name(doc, subject, cue_start)
        if total is None:
            total = _topic(doc, cue_start, normalize_name(subject)[-2:] if subject else "")
        if total is None:
            continue
        if items:
            parts, signs = _item_parts(doc, total, items)
        else:
            end = _sentence_end(text, cue_end)
            first = bisect_right(doc.starts, cue_end - 1)
            if first >= len(ms) or ms[first].char_start >= end:
                continue
            parts = _collect_parts(doc, total, first, end,
                                   same_head_as=head(doc.name(total)) if style == "split" else None)
            signs = _signs(doc, total, parts)
        if len(parts) < 2:
            continue
        completeness = _shares_completeness(doc, total, parts) or (
            PARTIAL if partial else _split_completeness(doc, parts) if style == "split" else COMPLETE)
        out.append(_Found(total, parts, signs, completeness, written.strip("，,。；;：: \n")))
    return out


def _split_completeness(doc: Doc, parts: list[int]) -> str:
    """A split names every side when its sides are the two of a known split (`分中央和地方看`, `按常住地分`) or it
    ends with the rest; a split by a many-valued dimension (`分行业看`, `分地区看`) may name the main ones only."""
    names = [doc.name(p) for p in parts]
    return COMPLETE if _complementary(names) or _ends_with_the_rest(doc, parts) else UNKNOWN


def _topic(doc: Doc, pos: int, head_word: str) -> int | None:
    """The paragraph's topic amount before pos: its first eligible amount (with the head word `收入`/`支出`
    when the cue names one), or the previous paragraph's when pos opens its paragraph."""
    line_start, _ = doc.line_of(pos)
    spans = [(line_start, pos)]
    prev = doc.previous_line(pos)
    if prev is not None:
        spans.append(prev)
    for a, b in spans:
        for i in doc.between(a, b):
            if doc.ms[i].char_end <= pos and doc.eligible(i) and (not head_word or head(doc.name(i)) == head_word):
                return i
        if any(doc.ms[i].char_end <= pos for i in doc.between(a, b)):
            return None  # the paragraph has amounts, none of them the topic
    return None


def _item_marks(doc: Doc, start: int, end: int) -> list[tuple[int, int, str, int]]:
    """(start, end, style, ordinal) of the enumerators in [start, end) that open an item: at a paragraph
    start, after a full stop or a colon, or (for 一是/二是) after a semicolon."""
    out = []
    for m in ITEM_MARK_RE.finditer(doc.text, start, end):
        before = doc.text[max(0, m.start() - 1):m.start()]
        if m.group(1):
            style, n = "paren", CN_ORDER.index(m.group(1)[-1]) + 1 + (10 if len(m.group(1)) > 1 else 0)
        elif m.group(2):
            style, n = "shi", CN_ORDER.index(m.group(2)[-1]) + 1 + (10 if len(m.group(2)) > 1 else 0)
        elif m.group(3):
            style, n = "arabic", int(m.group(3))
        else:
            style, n = "circled", CIRCLED.index(m.group(4)) + 1
        opener = before in ("", "\n", "。", "：", ":") or before.isspace() or (style == "shi" and before in "；;，,")
        if opener:
            out.append((m.start(), m.end(), style, n))
    return out


# How far an enumerated list after its cue may run (characters): a few paragraphs.
ITEM_LIST_CHARS = 3000


def _items_after(doc: Doc, pos: int) -> list[tuple[int, int]]:
    """The (start, end) spans of the enumerated items right after a list cue: `（一）…（二）…` in the same
    paragraph, or paragraphs opening `1.`, `2.`, …; an item runs to the next item or the end of its
    paragraph. Empty when no item 1 follows the cue."""
    text = doc.text
    marks = _item_marks(doc, pos, min(len(text), pos + ITEM_LIST_CHARS))
    if not marks or marks[0][3] != 1 or text[pos:marks[0][0]].strip():
        return []
    style = marks[0][2]
    chain = [marks[0]]
    for mk in marks[1:]:
        if mk[2] != style or mk[3] != chain[-1][3] + 1:
            continue
        # The next item is in the same paragraph, or opens the paragraph right after the last item's.
        _, last_end = doc.line_of(chain[-1][0])
        if mk[0] > last_end and (text[last_end:mk[0]].strip() or text[doc.line_of(mk[0])[0]:mk[0]].strip()):
            break
        chain.append(mk)
    spans = []
    for k, mk in enumerate(chain):
        _, line_end = doc.line_of(mk[0])
        end = chain[k + 1][0] if k + 1 < len(chain) else line_end
        spans.append((mk[1], min(end, line_end) if k + 1 >= len(chain) or chain[k + 1][0] > line_end else end))
    return spans


def _item_parts(doc: Doc, total: int, items: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """The parts of an enumerated list: in each item, its amounts of the total's kind (a nested breakdown,
    `其中…`/`主要是…`, left out; one after 此外/另外 only when it names the same kind of thing as the item's
    first part: `另外，房产税…` yes, `此外，农业贷款…` of a spending item no)."""
    parts: list[int] = []
    for a, b in items:
        first = next((i for i in doc.between(a, b) if doc.eligible(i) and compatible(doc.ms[total], doc.ms[i])), None)
        if first is None:
            continue
        item_parts = [first]
        first_head = normalize_name(doc.name(first))[-1:]
        skip_until = -1
        prev_end = doc.ms[first].char_end
        for i in doc.between(doc.ms[first].char_end, b):
            m = doc.ms[i]
            gap = doc.text[prev_end:m.char_start]
            if m.char_start >= skip_until:
                sub = SUB_BREAKDOWN_RE.search(gap)
                if sub is not None:
                    skip_until = _sub_breakdown_end(doc, prev_end + sub.start(), b)
                elif ITEM_SPLIT_RE.search(gap):
                    skip_until = b  # `分行业看，银行业企业所得税…`: the item's own amount split, to the item's end
            prev_end = m.char_end
            if m.char_start < skip_until or not doc.eligible(i) or not compatible(doc.ms[total], m):
                continue
            if normalize_name(doc.name(i))[-1:] != first_head:
                continue
            item_parts.append(i)
        parts.extend(item_parts)
    return parts, _signs(doc, total, parts)


TOTAL_CUE_RE = re.compile(r"(?:合计|总计|总数|共计|总额|总共|总规模)(?:共|为|是|达到|达)*$")
# The words that sum what came before (`总额`, `总数` also name a part: `进口总额`, `城镇消费品零售总额`).
SUMMED_TOTAL_RE = re.compile(r"(?:合计|总计|共计|总共)(?:共|为|是|达到|达)*$")


def _is_named_total(doc: Doc, i: int) -> bool:
    return TOTAL_CUE_RE.search(doc.clause_before(i)) is not None


def _parts_then_total(doc: Doc) -> list[_Found]:
    """`A，加上…B、C，收入总计为T` (A the first amount before 加上, or of the sentence before when 加上 opens
    its sentence) and `本年收入共为A，上年结转收入B，收入总数共为T` (the amounts of its kind before a total named
    合计/总计/总数 in its sentence, back to an earlier total; at least two of them sharing the total's head noun)."""
    text, ms = doc.text, doc.ms
    out: list[_Found] = []
    for t in range(len(ms)):
        before = text[max(0, ms[t].char_start - 6):ms[t].char_start]
        if "计" not in before and "总" not in before:
            continue  # every total word has 计 or 总 (a cheap test first: this runs for every mention)
        if not doc.eligible(t) or not _is_named_total(doc, t):
            continue
        sent_start = _sentence_start(text, ms[t].char_start)
        join = text.rfind("加上", sent_start, ms[t].char_start)
        if join >= 0:
            found = _joined_parts(doc, t, sent_start, join)
        else:
            found = _listed_parts(doc, t, sent_start)
        if found is not None:
            out.append(found)
    return out


def _joined_parts(doc: Doc, t: int, sent_start: int, join: int) -> _Found | None:
    text, ms = doc.text, doc.ms
    added = [i for i in _outside_brackets(doc, join, doc.between(join, ms[t].char_start))
             if doc.eligible(i) and compatible(ms[t], ms[i])]
    floor = sent_start
    for i in doc.between(sent_start, join):
        if _is_named_total(doc, i):
            floor = ms[i].char_end  # `…总计T1；支出A，加上B，支出总计为T2`: T2 starts after T1
    if not text[floor:join].strip("，,；; \u3000"):
        line_start, _ = doc.line_of(join)
        floor = max(line_start, _sentence_start(text, max(0, floor - 1)))
        while floor > line_start and QIZHONG_RE.match(text, floor):
            floor = max(line_start, _sentence_start(text, floor - 1))  # `X。其中，A；B。加上…`: the base is X
    base = next((i for i in _outside_brackets(doc, floor, doc.between(floor, join)) if doc.eligible(i)
                 and compatible(ms[t], ms[i]) and ms[i].kind != "increment"), None)
    if base is None or not added:
        return None
    cue = TOTAL_CUE_RE.search(doc.clause_before(t))
    return _Found(t, [base, *added], [1] * (1 + len(added)), COMPLETE, "加上…" + (cue.group(0) if cue else ""))


def _outside_brackets(doc: Doc, start: int, indexes: range) -> list[int]:
    """The mentions of `indexes` not inside a bracket opened after `start` (`412.2亿元（其中返还性收入18.15亿元…）`:
    the bracket breaks its amount down)."""
    out, depth, pos = [], 0, start
    for i in indexes:
        gap = doc.text[pos:doc.ms[i].char_start]
        depth = max(0, depth + gap.count("（") + gap.count("(") - gap.count("）") - gap.count(")"))
        pos = doc.ms[i].char_end
        if depth == 0:
            out.append(i)
    return out


# Weaker words for a total after its parts (`听讲师生达1892人次`, `协会会员计2958人`): only for the last amount of a
# sentence whose head word the parts repeat.
WEAK_TOTAL_CUE_RE = re.compile(f"(?:{one_of('累计', '总量', '共', COUNTED, '达').fast})(?:到|为|了)?$")


def _weak_listed_parts(doc: Doc) -> list[_Found]:
    """`白济汛中学473名师生，…一中721名师生，拖枝中学698名师生，听讲师生达1892人次`: the last amount of a
    sentence after `达`/`计`/`共`, and the amounts of its kind before it whose clause repeats its head word."""
    text, ms = doc.text, doc.ms
    out: list[_Found] = []
    for t in range(len(ms)):
        if t + 1 < len(ms) and ms[t + 1].char_start < _sentence_end(text, ms[t].char_end):
            continue  # not the sentence's last number (`人均纯收入达到16892元，同比增长18%`: a level, no total)
        clause = doc.clause_before(t)
        cue = WEAK_TOTAL_CUE_RE.search(clause)
        if cue is None or TOTAL_CUE_RE.search(clause) or not doc.eligible(t):
            continue
        word = normalize_name(clause[:cue.start()])[-2:]
        if len(word) < 2:
            continue
        parts = [i for i in doc.between(_sentence_start(text, ms[t].char_start), ms[t].char_start)
                 if doc.eligible(i) and compatible(ms[t], ms[i]) and ms[i].kind != "increment"]
        if any(WEAK_TOTAL_CUE_RE.search(doc.clause_before(i)) or TOTAL_CUE_RE.search(doc.clause_before(i))
               for i in parts):
            continue  # parallel statements, each with its own 达 (`…产值达到800亿元，…产值达到100亿元`): no list
        if len(parts) >= 2 and sum(_repeats(doc, i, word) for i in parts) >= 2:
            out.append(_Found(t, parts, [1] * len(parts), UNKNOWN, cue.group(0)))
    return out


def _repeats(doc: Doc, i: int, word: str) -> bool:
    """Whether the clause of mention i (before or right after the number) holds `word`."""
    m = doc.ms[i]
    after = doc.text[m.char_end:m.char_end + 8]
    after = re.split(r"[，,。；;：:\n]", after, maxsplit=1)[0]
    return word in after or word in doc.clause_before(i)


def _listed_parts(doc: Doc, t: int, sent_start: int) -> _Found | None:
    ms = doc.ms
    parts: list[int] = []
    outside = set(_outside_brackets(doc, sent_start, doc.between(sent_start, ms[t].char_start)))
    for i in reversed(doc.between(sent_start, ms[t].char_start)):
        if not doc.eligible(i) or ms[i].kind == "increment" or i not in outside:
            continue
        if _is_named_total(doc, i):
            break  # an earlier total of the same sentence closes its own parts
        if compatible(ms[t], ms[i]):
            parts.append(i)
    parts.reverse()
    total_head = head(doc.name(t))
    if len(parts) < 2 or sum(head(doc.name(p)) == total_head for p in parts) < 2:
        return None
    cue = TOTAL_CUE_RE.search(doc.clause_before(t))
    return _Found(t, parts, [1] * len(parts), COMPLETE, cue.group(0) if cue else "")


NEW_CUMULATIVE_GAP = 40


def _new_then_cumulative(doc: Doc) -> list[_Found]:
    """`新增14家，总量达88家`: an increment followed closely by the cumulative of the same thing is a subset."""
    ms = doc.ms
    out: list[_Found] = []
    for k, part in enumerate(ms):
        if part.kind != "increment" or doc.is_difference(k):
            continue
        for t in range(k + 1, min(k + 3, len(ms))):
            total = ms[t]
            if total.char_start - part.char_end > NEW_CUMULATIVE_GAP:
                break
            if total.kind == "cumulative" and compatible(total, part) and total.sentence_start == part.sentence_start:
                out.append(_Found(t, [k], [1], UNKNOWN, "新增…累计"))
                break
    return out


# Between a whole and a part of it that follows: `专报15篇，12篇通过…`, `所辖12个县市区已有10个县市`.
ADJACENT_SUBSET_GAP_RE = re.compile(r"^(?:，|,)$|(?:已有|其中有|内有|中有|共有)$")


def _adjacent_subset(doc: Doc) -> list[_Found]:
    """A count right after a count of the same thing, opening its clause or after 已有: a subset of it."""
    ms = doc.ms
    out: list[_Found] = []
    for a in range(len(ms) - 1):
        total, part = ms[a], ms[a + 1]
        if total.unit != part.unit or total.classifier[:1] != part.classifier[:1] or total.unit not in COUNT_FAMILY:
            continue
        gap = doc.text[total.char_end:part.char_start]
        if len(gap) > 12 or not ADJACENT_SUBSET_GAP_RE.search(gap) or part.approx != "exact":
            continue
        out.append(_Found(a, [a + 1], [1], UNKNOWN, gap.strip("，,") or "，"))
    return out


AVERAGE_RE = re.compile(r"人均|平均|户均|均价")


def _averages_of_groups(doc: Doc, f: _Found) -> bool:
    """`居民人均可支配收入32270.6元…城镇居民人均可支配收入39518元…农村居民…23294元`: the same average for each group
    of a population, which do not add up to the whole's (its parts by source of income do)."""
    total_name = normalize_name(doc.name(f.total))
    if not AVERAGE_RE.search(total_name):
        return False
    measure = total_name[-4:]
    return any(normalize_name(doc.name(p)).endswith(measure) for p in f.parts)


# How far a bracket breaking an amount down may run (characters).
BRACKET_CHARS = 120
BRACKET_OPENERS_TO_LEAVE = ("其中", "含", "包括", "包含", "主要", "比", "较", "同比", "增长", "下降", "占")


def _bracketed(doc: Doc) -> list[_Found]:
    """`债务限额943.09亿元（一般债务274.21亿元、专项债务668.88亿元）`, `还本付息131138万元（还本83951万元，付息47187万元）`:
    a bracket right after an amount holding two or more amounts of its kind and nothing else breaks it down (a
    bracket opening 其中/含/比… is read by the other finders or is a note)."""
    text, ms = doc.text, doc.ms
    out: list[_Found] = []
    for t, m in enumerate(ms):
        if text[m.char_end:m.char_end + 1] not in ("（", "("):
            continue
        close = min((c for c in (text.find("）", m.char_end, m.char_end + BRACKET_CHARS),
                                 text.find(")", m.char_end, m.char_end + BRACKET_CHARS)) if c > 0), default=-1)
        inner = text[m.char_end + 1:close] if close > 0 else ""
        if not inner or inner.startswith(BRACKET_OPENERS_TO_LEAVE) or not doc.eligible(t):
            continue
        inside = list(doc.between(m.char_end + 1, close))
        if len(inside) < 2 or not all(doc.eligible(i) and compatible(m, ms[i]) for i in inside):
            continue  # a rate, a difference or another unit inside: an aside, not a breakdown
        names = [doc.name(i) for i in inside]
        completeness = COMPLETE if _complementary(names) or _ends_with_the_rest(doc, inside) else UNKNOWN
        out.append(_Found(t, inside, _signs(doc, t, inside), completeness, "（…）"))
    return out


# In this order a set of parts goes to the first finder that claims it.
FINDERS = (_parts_then_total, _qizhong, _principally, _named_total, _topic_breakdowns, _weak_listed_parts, _bracketed)
# These read a whole and one part without a breakdown cue: only where the whole is no other relation's total.
WEAK_FINDERS = (_new_then_cumulative, _adjacent_subset)


# How close a run of parts must come to the part it breaks down, as a share of that part; and how many
# significant digits that part must be written with for the match to be no chance.
NESTED_SUM_SHARE = 0.005
NESTED_MIN_DIGITS = 3


def _significant_digits(m: Mention) -> int:
    digits = "".join(ch for ch in m.number_text if ch.isdigit()).lstrip("0")
    return len(digits.rstrip("0")) if "." not in m.number_text else len(digits)


def _nested_by_sum(mentions: list[Mention], f: _Found) -> list[_Found]:
    """A list that overshoots its total because a run of its parts breaks down the part before them (`其中：新增债券
    331446万元，市本级留用90000万元，转贷县241446万元`: 90000 + 241446 = 331446): the run is that part's
    breakdown, the rest the total's. The run must add up to the part within rounding; otherwise the list as read."""
    if len(f.parts) < 3:
        return [f]
    ms = [mentions[p] for p in f.parts]
    parts_sum, total = sum(s * m.value for s, m in zip(f.signs, ms, strict=True)), mentions[f.total]
    if parts_sum <= total.value or parts_sum <= total.value + tolerance(total) + sum(tolerance(m) for m in ms):
        return [f]
    for j in range(len(ms) - 2):
        if _significant_digits(ms[j]) < NESTED_MIN_DIGITS:
            continue  # 28 = 21 + 7 among small counts is chance, not a breakdown
        run, slack = 0.0, tolerance(ms[j])
        for k in range(j + 1, len(ms)):
            run += f.signs[k] * ms[k].value
            slack += tolerance(ms[k])
            # within rounding, and close: many short parts rounded to one decimal may pass for any sum near them
            if k - j >= 2 and abs(run - ms[j].value) <= min(slack, NESTED_SUM_SHARE * abs(ms[j].value)) \
                    + 1e-9 * max(1.0, abs(ms[j].value)):
                outer = list(range(j + 1)) + list(range(k + 1, len(ms)))
                inner = list(range(j + 1, k + 1))
                return [_Found(f.total, [f.parts[i] for i in outer], [f.signs[i] for i in outer], f.completeness, f.cue),
                        _Found(f.parts[j], [f.parts[i] for i in inner], [f.signs[i] for i in inner], COMPLETE, f.cue)]
    return [f]


def extract_relations(text: str, mentions: list[Mention]) -> list[Relation]:
    """The totals-with-parts and subsets of one report's mentions (indexes into `mentions`)."""
    doc = Doc(text, mentions)
    relations: list[Relation] = []
    claimed_with: dict[int, list[frozenset[int]]] = {}  # part → the claimed lists holding it
    totals: set[int] = set()
    for finder in FINDERS + WEAK_FINDERS:
        for f in finder(doc):
            key = frozenset(f.parts)
            if f.total in key or any(key <= c for c in claimed_with.get(f.parts[0], ())) or (
                    finder in WEAK_FINDERS and f.total in totals):
                continue  # a list already read (or part of one) is not read again against another total
            if _averages_of_groups(doc, f):
                continue
            for p in key:
                claimed_with.setdefault(p, []).append(key)
            totals.add(f.total)
            for found in _nested_by_sum(mentions, f):
                total = mentions[found.total]
                parts = [mentions[p] for p in found.parts]
                judged = judge(total, parts, found.signs, found.completeness)
                relations.append(Relation(total.report_seq, judged.relation, found.total, tuple(found.parts),
                                          judged.parts_sum, judged.status, found.cue, judged.tolerance, judged.reading))
    relations.sort(key=lambda r: (mentions[r.total_index].char_start, r.part_indexes))
    return relations
