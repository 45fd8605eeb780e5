"""Metric mentions, plan targets and totals-with-parts of one report, per the extraction contract."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from operator import itemgetter

from ingest.numbers import (
    QUANTITY_SCAN_RE,
    Quantity,
    parse_chinese_integer,
    parse_match,
    scan_numbers,
)
from ingest.segment import ReportSegment, Sentence

# Words in the clause before a number that decide its kind; the nearest one wins.
# Every alternative of a pattern that is searched starts with a literal character (a lookbehind goes after
# the character it guards: `计(?<!统计)`, not `(?<!统)计`): then the regex engine jumps in C to the next
# character that can start a match instead of trying the whole pattern at every character. For the
# kind cues that made the search 6.7x faster (`bench/regex_prefixes.py` lists the patterns without).
KIND_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("cumulative", re.compile(r"累计|总量|总数|共计|合计|总计|总规模|计(?<![统设会审估预]计)(?=$)")),
    ("increment", re.compile(r"新增|新建|新引进|新发展|新培育|新设立?|新认定|新注册|增加|增长|增收|增粮|增(?=$)|净增|引进")),
]
# Growth cues anywhere in the clause before a percentage (`增长`, `涨幅控制在`); a fall is negative.
GROWTH_UP_RE = re.compile(r"增长|增幅|涨幅|提高|上升|增速|提升|增加")
GROWTH_DOWN_RE = re.compile(r"下降|减少|降低|回落|下滑|减幅|降幅")
SHARE_RE = re.compile(r"占|比重|比例|覆盖率|率(?<!完成率|增长率)|占比|份额")
PERCENT_CUES = ((GROWTH_DOWN_RE, ("growth_rate", -1.0)), (GROWTH_UP_RE, ("growth_rate", 1.0)), (SHARE_RE, ("share", 1.0)))
# Matches wherever any kind cue does: a clause it does not match is a level.
# (One flat alternation: wrapping each kind's pattern in a group would hide their first characters.)
ANY_KIND_CUE_RE = re.compile("|".join(rx.pattern for _, rx in KIND_CUES))
RANK_RE = re.compile(r"(?:全[国省市区县]|排名|位居|位列|居|均为)[^，。；的]{0,4}第$")

# Things that look like numbers but are not metrics.
# Word lists tested with str.startswith (one C call) instead of an anchored regex: these run for every number.
DATE_AFTER_WORDS = ("月", "日", "号", "时", "点", "分", "季度", "世纪", "年代", "届", "大", "中全会", "次全会")
# After a counted word: the numeral is part of a name (五年规划, 三年级, 四次全会, 七台河).
NAME_AFTER_WORDS = ("规划", "计划", "行动", "纲要", "级", "全会", "会议", "代表大会", "河", "峡", "盘水", "堰", "指山")
# `人次492.4万`: a number written after its noun, the noun giving the unit.
UNIT_BEFORE = {"人次": "person_time", "人数": "person"}
# 一个、一批: the article "a", not a count.
ARTICLE_WORDS = tuple("一" + w for w in (
    "所 个 批 支 些 项 种 次 年 道 起 份 家 条 段 部 位 场 系列 点 线 片 体 流 套 方面 级").split())
LATIN_AROUND = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+＋/")
NOT_A_METRIC_BEFORE = LATIN_AROUND | {"第", "[", "〔"}
CN_FIXED_AFTER = frozenset("”\"」』")
# A target outside the plan part counts only where the sentence looks ahead (`明年力争…`): a target quoted in
# the review (`预期目标是…，实际完成…`) is last year's, for plan attainment, not a plan target.
FORWARD_RE = re.compile(r"明年|下一步|新的一年|今后|来年|下一年")
PLAN_CUE_RE = re.compile(r"力争|预计|目标是|目标为|拟(?=[新增完成建设培训举办开展实现达到引进])|计划(?=[新增完成建设培训举办开展实现达到引进])")

# Clause boundaries for subjects and cues.
CLAUSE_BREAK = "，,；;。：:！？!?（）()\n"
# The most of a clause read on either side of a number (kind cues, subject, totals). Real clauses are a few
# dozen characters (NOUN_AFTER_RE reads at most 16 units, 224 characters); without a bound, a long run of
# numbers with no clause break (a flattened table) cost quadratic time.
CLAUSE_WINDOW = 256
# A copula or cue right before the number: `产值共`, `总量达`, `同比增长` (stripped off the subject).
VERB_TAIL_WORDS = (
    "已经|已|均|都|共|累计|总量|总数|总计|合计|共计|计|达到|达|为|是|实现|完成|超过|超|约|近|将近|接近|有|在|增长|增加|"
    "提高|下降|减少|同比|比上年|比去年|较上年|初步审核通过|突破|逾|了|全年|分别|其中|约为|高达|仅|再|又|新增|新建|新引进|"
    "净增|增|增收|增粮|等"
).split("|")
# `(?:w)(?:w)*$`, which is `(?:w)+$`, written so that it starts with a word's first character (see KIND_CUES).
VERB_TAIL_RE = re.compile(f"(?:{'|'.join(VERB_TAIL_WORDS)})(?:{'|'.join(VERB_TAIL_WORDS)})*$")
# The characters those words end with: a phrase ending in any other has no verb tail (a cheap test first).
VERB_TAIL_LAST_CHARS = frozenset(word[-1] for word in VERB_TAIL_WORDS)
LEADING_NOISE_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+是|力争|计划|预计|拟|其中|同时|此外|另外|全年|今年|去年|截至[^，。]{0,8}|[\dXx]{2,4}年(?:度)?(?:初|底|末)?"
    r"|\d{1,2}(?:[-—至]\d{1,2})?月(?:底|末|期间)?|共|累计|并|还|已|为|对|向|在|使|让|和|与|及|新增|新建|新引进"
    r"|全[市区县省国]|每[月年周季]|[一二两三四五六七八九十\d]+年(?:来|以来)|积极|认真|先后|分别|持续)+"
)
# Verbs whose object is the thing counted: `开展免费义诊活动20场次` → 免费义诊活动, `举办20场展会` → 展会.
ACTION_VERBS_RE = re.compile(
    r"开展|举办|组织|引进|引导|动员|安排|新发展|培育|建成|编印|发放|印发|收到|达成|提供|促成|诊治|召开|举行|设立|认定|评选|推荐|选派|"
    r"邀请|吸引|带动|帮助|帮扶|扶持|资助|表彰|接待|出版|发表|制作|录制|播放|发布|形成|报送|上报|征集|撰写|参加|走访|慰问|"
    r"受理|办理|培养|招收|建立|组建|设置|覆盖|惠及|联合|汇聚|聘请|吸纳|孵化|获得|获批|申报|入选|创建|打造|筹集|争取|拨付|"
    r"下达|抽派|派出|派|荣获|完成|宣讲|赴|深入"
)
NOUN_AFTER_RE = re.compile(
    r"^(?:“[^”]{1,12}”|[“”\"《》A-Za-z\u4e00-\u9fff·]){1,16}?"
    r"(?=[，,、；;。：:（(和及与等的0-9一二三四五六七八九十两]|$|参展|参加|参与|受益|获得|宣讲|开展|举办|进行|提供|实施|完成|得到|"
    r"通过|亮相|授予|荣获|成立|组成|出席|到场|观看|听取|报名|上岗|入驻|促成|受到|受|被|获)"
)
PERIOD_PHRASES = (
    r"\d{1,2}[-—至~]\d{1,2}月|截至[^，。；]{1,10}?(?:底|末|止)|截至目前|全年|上半年|下半年|前三季度|一季度|"
    r"[\dXx]{2,4}年(?:度)?(?:初|底|末|\d{1,2}月(?:\d{1,2}日)?)?"
)
SINCE_PHRASE = r"自?[^，。；]{0,6}以来"  # may start anywhere: tried at every character, so only where 以来 occurs
PERIOD_RE = re.compile(f"(?:{PERIOD_PHRASES}|{SINCE_PHRASE})")
PERIOD_WITHOUT_SINCE_RE = re.compile(f"(?:{PERIOD_PHRASES})")


@dataclass  # not frozen: a frozen dataclass's __init__ goes through object.__setattr__ (17 fields, 240 per report)
class Mention:
    report_seq: int
    char_start: int
    char_end: int
    number_text: str
    value: float
    value_high: float | None
    unit: str
    classifier: str
    approx: str
    kind: str
    subject: str
    section: str
    period: str | None
    is_plan_target: bool
    sentence: str
    sentence_start: int
    heading_path: str = ""


def _clause_before(text: str, sent_start: int, pos: int) -> str:
    """The clause ending at pos (at most CLAUSE_WINDOW characters of it)."""
    i = pos
    floor = max(sent_start, pos - CLAUSE_WINDOW)
    while i > floor and text[i - 1] not in CLAUSE_BREAK:
        i -= 1
    return text[i:pos]


def _clause_after(text: str, pos: int, sent_end: int) -> str:
    j = pos
    while j < sent_end and text[j] not in CLAUSE_BREAK:
        j += 1
    return text[pos:j]


# A year written digit by digit in Chinese numerals (`二〇一五年`), not a duration of years.
CHINESE_CALENDAR_YEAR_RE = re.compile(r"^[一二][〇○零一二三四五六七八九]{3}年$")


def _is_not_a_metric(q: Quantity, text: str, matching: str, sent: Sentence) -> bool:
    before = matching[max(0, q.start - 2):q.start]
    after = matching[q.end:q.end + 4]
    if before[-1:] in NOT_A_METRIC_BEFORE:
        return True  # an ordinal (第3), a document number (〔2024〕), a model or code (GB/T 2260, 5G)
    if after and (after[0] in LATIN_AROUND or after[0].isdigit()):
        return True
    raw_unit_text = q.number_text
    if q.unit == "year" and raw_unit_text.endswith("年") and (
            (not q.is_chinese and 1900 <= q.value <= 2100) or CHINESE_CALENDAR_YEAR_RE.match(raw_unit_text)):
        return True  # a calendar year (`2015年`, `二〇一五年`)
    if q.unit == "count" and not q.classifier and before in UNIT_BEFORE:
        return False
    if q.unit == "count" and not q.classifier:
        # a bare number: only `40余企业` style (an approx count right before its noun) is a quantity
        if q.approx not in ("more_than",) or after.startswith(DATE_AFTER_WORDS) or not after[:1].strip():
            return True
        if not ("\u4e00" <= after[0] <= "\u9fff"):
            return True
    if after.startswith(DATE_AFTER_WORDS) and q.unit == "count" and q.classifier in ("", "届"):
        return True
    if (q.classifier or q.unit == "year") and after.startswith(NAME_AFTER_WORDS):
        return True
    if q.is_chinese:
        core = q.number_text
        if core.startswith(ARTICLE_WORDS) and q.approx == "exact" and q.value < 10:
            return True
        if after[:1] in CN_FIXED_AFTER or before.endswith(("“", "\"", "「")):
            return True  # “七个一”, “四服务”: a slogan's numeral
        if q.is_duration and core[0] in "百千万":
            return True  # 百年未有, 千年: idioms
        if q.unit == "year" and after.startswith("来"):
            return True
    return False


def _kind(q: Quantity, prefix: str) -> tuple[str, float]:
    """(kind, sign) from the clause before the number."""
    if q.unit == "rank":
        return "rank", 1.0
    if q.is_duration:
        return "duration", 1.0
    if q.unit in ("percent", "pp"):
        nearest_end, verdict = -1, None  # the cue ending last wins; on a tie the earlier in this list
        for rx, kind_and_sign in PERCENT_CUES:
            m = rx.search(prefix)
            if m is not None and m.end() > nearest_end:
                nearest_end, verdict = m.end(), kind_and_sign
        if verdict is not None:
            return verdict
    if ANY_KIND_CUE_RE.search(prefix) is None:  # most clauses: one scan instead of one per kind
        return "level", 1.0
    best_end, best_kind = -1, "level"
    for kind, rx in KIND_CUES:
        for m in rx.finditer(prefix):
            if m.end() > best_end:
                best_end, best_kind = m.end(), kind
    return best_kind, 1.0


# The clause before the number names the thing counted after it: `对25个专业技术协会`, `种植的300亩美国红提`,
# `已有10个县市`, `组织和14名会员`, `在全国20余个省区市`, `山西省老科协建立8个…`.
POINTS_FORWARD_WORDS = ("的|和|与|及|对|向|给|把|将|已有|共有|其中有|有|"
                        "科协|协会|学会|委员会|政府|部门|局|厅|委|办|分会|单位").split("|")
POINTS_FORWARD_RE = re.compile(rf"(?:{'|'.join(POINTS_FORWARD_WORDS)}|在[\u4e00-\u9fff]{{1,4}})$")
POINTS_FORWARD_LAST_CHARS = frozenset(word[-1] for word in POINTS_FORWARD_WORDS)


def _points_forward(phrase: str) -> bool:
    """Whether the phrase ends in a word that points at the noun after the number. A phrase can only match
    if it ends with one of the words' last characters or has 在 in its last five: tested first, cheaply."""
    if phrase[-1:] not in POINTS_FORWARD_LAST_CHARS and "在" not in phrase[-5:]:
        return False
    return POINTS_FORWARD_RE.search(phrase) is not None

# Phrases that set the scene rather than name the metric.
SCENE_RE = re.compile(r"^[^，。]{0,10}?(?:背景下|形势下|情况下|影响下)|比[^，。]{0,12}?(?:时|底|末|同期|上年|去年)")
MODIFIERS = ("各类", "各种", "各项", "系列", "多种", "一批", "多家")  # each two characters: see _unmodified
TITLE_END_RE = re.compile(r"^.*[》”]等?")


def _unmodified(phrase: str) -> str:
    """`各类活动` → `活动`: a leading modifier off (every modifier is two characters long)."""
    return phrase[2:] if phrase.startswith(MODIFIERS) else phrase


def _strip_verb_tail(phrase: str) -> str:
    """`产值共` → `产值`, `总量达` → `总量`: the copulas and cues right before a number."""
    return VERB_TAIL_RE.sub("", phrase) if phrase[-1:] in VERB_TAIL_LAST_CHARS else phrase


def _noun_after(after: str) -> str:
    """The counted noun opening the clause after the number (`20家媒体网络平台` → 媒体网络平台), or ''."""
    m = NOUN_AFTER_RE.match(after)
    return _unmodified(m.group(0).replace("“", "").replace("”", "").replace('"', "")) if m else ""


def _subject(prefix: str, after: str, previous_subject: str) -> str:
    """The metric's name: the noun phrase before the number (`prefix`), or the counted noun in the clause
    after it (`after`). The noun after is read only on the paths that use it: most subjects are found before."""
    item = prefix.rsplit("、", 1)[-1]
    if item.endswith("等"):
        noun_after = _noun_after(after)
        if len(noun_after) >= 2:
            return noun_after  # `中国青年报等20家媒体网络平台`: the category after 等 names the metric
    # The substring tests skip a regex that cannot match (each is the literal its pattern needs); this
    # function runs for every mention.
    if "》" in item or "”" in item:
        item = TITLE_END_RE.sub("", item) or item
    if "下" in item or "比" in item:
        item = SCENE_RE.sub("", item)
    unprefixed = LEADING_NOISE_RE.sub("", item)
    untailed = _strip_verb_tail(unprefixed)
    # Stripping the leading noise again is needed only when the tail went: it is idempotent (no lookbehind).
    cleaned = unprefixed if untailed is unprefixed else LEADING_NOISE_RE.sub("", untailed)
    if not cleaned or cleaned == previous_subject or _points_forward(unprefixed):
        noun_after = _noun_after(after)
        if len(noun_after) >= 2:
            return noun_after
    verbs = list(ACTION_VERBS_RE.finditer(cleaned)) if ACTION_VERBS_RE.search(cleaned) else None
    if verbs:
        obj = _unmodified(_strip_verb_tail(cleaned[verbs[-1].end():]).lstrip("了"))
        if len(obj) >= 2:
            return obj[-16:]
        noun_after = _noun_after(after)
        if len(noun_after) >= 2:
            return noun_after
        before_verb = cleaned[:verbs[-1].start()]
        return before_verb[-16:] if len(before_verb) >= 2 else previous_subject
    cleaned = _unmodified(cleaned)
    if len(cleaned) >= 2:
        return cleaned[-16:]
    noun_after = _noun_after(after)
    if len(noun_after) >= 2:
        return noun_after
    return previous_subject


RESPECTIVELY_RE = re.compile(r"([^，,；;。：:]*?)分别[^，,；;。]*$")
# How far before a number 分别 and its list are looked for. A real list is a few dozen characters; searching the
# whole sentence head for every number was quadratic in a long comma-less sentence (8,000 numbers: 22 s).
RESPECTIVELY_WINDOW = 400
CN_ORDINALS = "一二三四五六七八九十"


def _respectively(clause: str, sentence_head: str) -> str | None:
    """`一二三产增加值分别增长3.5%、6%、5%左右`, `城镇和农村居民收入分别增长5%、6%`: the i-th number after 分别
    belongs to the i-th item before it."""
    m = RESPECTIVELY_RE.search(sentence_head)
    if m is None or "分别" not in clause and "、" not in clause:
        return None
    head = LEADING_NOISE_RE.sub("", m.group(1))
    after = sentence_head[m.end(1):]
    index = len(re.findall(r"[、和及]", after[after.find("分别"):]))  # numbers already listed after 分别
    run = re.match(rf"[{CN_ORDINALS}]{{2,}}", head)
    if run:  # 一二三产增加值 → 一产增加值, 二产增加值, 三产增加值
        items = [ch + head[run.end():] for ch in run.group(0)]
    else:
        items = [i for i in re.split(r"[、和及与]", head) if i]
    if len(items) < 2 or index >= len(items):
        return None
    item, last = items[index], items[-1]
    if len(item) <= 3 < len(last) and index < len(items) - 1:
        return item + last[len(item):]  # 城镇和农村居民收入 → 城镇居民收入: the shared head noun
    return item


# Positions in the scan's groups of those that make a numeral a quantity, taken from the pattern's own group
# names rather than restating its group order.
_UNIT, _CUR, _INFIX, _INFIX2, _SUFFIX, _MULT = (
    QUANTITY_SCAN_RE.groupindex[name] - 1 for name in ("unit", "cur", "infix", "infix2", "suffix", "mult"))


def _bare(groups: tuple[str | None, ...], start: int, matching: str) -> bool:
    """A numeral with nothing around it that could make it a quantity (统一, 进一步, a year in a name):
    skipped before the costly parse. Ranks (第一) and `人次492.4万` keep going."""
    if groups[_UNIT] or groups[_CUR] or groups[_INFIX] or groups[_INFIX2] or groups[_SUFFIX]:
        return False
    if start and matching[start - 1] == "第":
        return False
    return not (groups[_MULT] and matching[max(0, start - 2):start] in UNIT_BEFORE)


CLAUSE_BREAK_RE = re.compile(f"[{re.escape(CLAUSE_BREAK)}]")


def _periods(text: str, sent: Sentence) -> list[tuple[int, str]]:
    """(end offset, text) of each period phrase of the sentence. Every phrase holds 年, 月, 季度, 截至 or 以来:
    two sentences in three with a number hold none, and five substring tests are cheaper than the scan."""
    s = sent.text
    if "以来" in s:
        return [(m.end(), m.group(0)) for m in PERIOD_RE.finditer(text, sent.start, sent.end)]
    if "年" in s or "月" in s or "季度" in s or "截至" in s:
        return [(m.end(), m.group(0)) for m in PERIOD_WITHOUT_SINCE_RE.finditer(text, sent.start, sent.end)]
    return []


@dataclass(slots=True)
class _SentenceContext:
    """What every mention of a sentence shares, computed at its first mention (most sentences have none)."""

    breaks: list[int]  # offsets of the clause breaks in the sentence: a clause is found by bisection
    periods: list[tuple[int, str]]  # (end offset, text) of each period phrase
    plan_cue: bool  # a target cue in a sentence that looks ahead
    has_respectively: bool

    @classmethod
    def of(cls, text: str, sent: Sentence) -> _SentenceContext:
        return cls([b.start() for b in CLAUSE_BREAK_RE.finditer(text, sent.start, sent.end)],
                   _periods(text, sent), bool(PLAN_CUE_RE.search(sent.text) and FORWARD_RE.search(sent.text)),
                   "分别" in sent.text)

    def period_before(self, pos: int) -> str | None:
        """The last period phrase ending at or before pos."""
        ending_by_pos = bisect_right(self.periods, pos, key=itemgetter(0))
        return self.periods[ending_by_pos - 1][1] if ending_by_pos else None


def extract_mentions(text: str, matching: str, report: ReportSegment) -> list[Mention]:
    """Every metric mention of one report, in text order."""
    out: list[Mention] = []
    for sent in report.sentences:
        previous_subject = ""
        previous_end = sent.start
        context: _SentenceContext | None = None
        for start, end, prefix, groups in scan_numbers(matching, sent.start, sent.end):
            if _bare(groups, start, matching):
                continue
            q = parse_match(start, end, prefix, groups, text)
            if q is None or _is_not_a_metric(q, text, matching, sent):
                q = _rank(start, text, matching)
                if q is None:
                    continue
            if q.unit == "count" and not q.classifier and matching[q.start - 2:q.start] in UNIT_BEFORE:
                q.unit = UNIT_BEFORE[matching[q.start - 2:q.start]]
            if context is None:
                context = _SentenceContext.of(text, sent)
            breaks = context.breaks
            before_break = bisect_left(breaks, q.start)
            clause_start = max(breaks[before_break - 1] + 1 if before_break else sent.start, q.start - CLAUSE_WINDOW)
            clause = text[clause_start:q.start]
            after_break = bisect_left(breaks, q.end, before_break)
            after = text[q.end:min(breaks[after_break] if after_break < len(breaks) else sent.end,
                                   q.end + CLAUSE_WINDOW)]
            prefix = text[max(clause_start, previous_end):q.start]  # not reaching into the last number
            kind, sign = _kind(q, clause)
            pairing = (_respectively(clause, text[max(sent.start, q.start - RESPECTIVELY_WINDOW):q.start])
                       if context.has_respectively else None)
            subject = pairing or _subject(prefix, after, previous_subject)
            previous_subject = subject
            previous_end = q.end
            out.append(Mention(
                report.seq, q.start, q.end, q.number_text, q.value * sign,
                None if q.value_high is None else q.value_high * sign, q.unit, q.classifier, q.approx, kind,
                subject, sent.section, context.period_before(q.start), sent.section == "plan" or context.plan_cue,
                sent.text, sent.start, sent.heading_path,
            ))
    return out


_RANK_RE = re.compile(r"第([一二三四五六七八九十]{1,3}|\d{1,3})名?")


def _rank(number_start: int, text: str, matching: str) -> Quantity | None:
    """`全市第一`, `排名第3`: a rank metric; other ordinals are not metrics."""
    start = number_start - 1
    if start < 0 or matching[start] != "第":
        return None
    rm = _RANK_RE.match(matching, start)
    if rm is None or not RANK_RE.search(matching[max(0, start - 12):start + 1]):
        return None
    raw = rm.group(1)
    value = float(raw) if raw.isdigit() else float(parse_chinese_integer(raw))
    return Quantity(start=start, end=rm.end(), number_text=text[start:rm.end()], value=value, value_high=None,
                    unit="rank", classifier="", approx="exact", is_duration=False, is_chinese=not raw.isdigit())
