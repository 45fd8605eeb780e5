"""Metric mentions, plan targets and totals-with-parts of one report, per the extraction contract."""

from __future__ import annotations

import csv
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from importlib import resources
from operator import attrgetter

from ingest.numbers import (
    CN_NUMERAL_CHARS,
    QUANTITY_SCAN_RE,
    Quantity,
    parse_chinese_integer,
    parse_match,
    parse_quantity,
    scan_numbers,
)
from ingest.patterns import not_after, one_of, repeated
from ingest.segment import ReportSegment, Sentence

# Words in the clause before a number that decide its kind; the nearest one wins. Each is searched in its fast
# spelling (ingest/patterns.py): every alternative starts with a literal character.
# `计` alone counts (`会员计2958人`), but not as the end of 统计/设计/会计/审计/估计/预计.
COUNTED = not_after("计", "[统设会审估预]")
CUMULATIVE_CUES = one_of("累计", "总量", "总数", "共计", "合计", "总计", "总规模", COUNTED + "(?=$)")
# `增加到121万亿元` states the level reached, not the increase: `到`/`至` after the verb makes it a level.
# `新增债券` is a kind of bond, `增加值` value added and `稳增长` a policy: names, not increments.
INCREMENT_CUES = one_of(
    "新增(?!政府债券|债券|专项债券|一般债券)", "新建", "新引进", "新发展", "新培育", "新设立?", "新认定", "新注册",
    "增加(?![到至值])", not_after("增长", "稳") + "(?![到至])", "增收", "增粮", "增产", "增支", "多收", "多支", "调增",
    "增(?=$)", "净增", "引进")
KIND_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("cumulative", CUMULATIVE_CUES.compile()),
    ("increment", INCREMENT_CUES.compile()),
]
# A fall stated as an amount right after its verb (`较上年减少55102万元`, `分别净减少10.6万、3.8万`): a
# negative increment. `减少到10类` is the level reached and stays a level.
DECREASE_AMOUNT_RE = re.compile(
    r"(?:减少|下降|降低|压减|缩减|削减|减产|减支|减收|少收|少支|缩小)了?[\d.,万亿千百多余约近、和及]*$")
# Growth cues anywhere in the clause before a percentage (`增长`, `涨幅控制在`); a fall is negative.
GROWTH_UP_RE = re.compile(r"增长|增幅|涨幅|提高|上升|增速|提升|增加|上涨|调增|增产|增支")
GROWTH_DOWN_RE = re.compile(r"下降|减少|降低|回落|下滑|减幅|降幅|压减|缩减|削减|压缩(?![到至])|调减|缩小(?![到至])|减产|减支|减收")
SHARE_CUES = one_of("占", "比重", "比例", "覆盖率", not_after("率", "完成", "增长"), "占比", "份额")
SHARE_RE = SHARE_CUES.compile()
# A rate a change starts from or reaches (`从2.1%提高到2.5%`, `由67.9%上升到87.9%`, `从9.8%降至7.4%`) is the
# level of a ratio, not a growth rate: these cues end after the verb's own cue, so they win when nearest.
RATE_REACHED_RE = re.compile(r"(?:提高|提升|上升|增加|增长|下降|减少|降低)(?:到|至)|[增降]至|降到|从|由")
PERCENT_CUES = ((GROWTH_DOWN_RE, ("growth_rate", -1.0)), (GROWTH_UP_RE, ("growth_rate", 1.0)), (SHARE_RE, ("share", 1.0)),
                (RATE_REACHED_RE, ("share", 1.0)))
# `为预算数的101.5%`, `70%以上用于民生`, `90%以上的政务服务`: a part of a whole, where no cue says otherwise.
SHARE_AFTER_WORDS = ("的", "用于")
# Matches wherever any kind cue does: a clause it does not match is a level.
ANY_KIND_CUES = one_of(CUMULATIVE_CUES, INCREMENT_CUES)
ANY_KIND_CUE_RE = ANY_KIND_CUES.compile()
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
    "所 个 批 支 些 项 种 次 年 道 起 份 家 条 段 部 位 场 系列 点 线 片 体 流 套 方面 级 对 回 列 处 张 幅 件").split())
LATIN_AROUND = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+＋/")
# 第3, [1], 〔2024〕, and the session after a congress's number (`十四届五次全委会`).
NOT_A_METRIC_BEFORE = LATIN_AROUND | {"第", "[", "〔", "届"}
CN_FIXED_AFTER = frozenset("”\"」』")
# The base a plan figure is compared with or raised from (`比上年执行数612959万元增长8%`, `由每人每月600元提高到`,
# `从50%提高到`): last year's figure, not a target.
BASELINE_BEFORE_RE = re.compile(
    r"(?:(?:比|较)(?:上年|去年|上一年|\d{4}年)?的?(?:执行数|完成数|预算数|决算数|实际数|预计数)"
    r"|(?:比|较)(?:上年|去年|上一年|\d{4}年)|(?:由|从)(?:\d{4}年的?)?(?:每人每月|每人每年|每人|每月|每年)?)$")
# A sentence stating where things stand at a date (`截至2020年4月底，市本级支出25.63亿元`): no targets in it.
SO_FAR_RE = re.compile(r"截至\s*(?:今年|本年|目前|[\d０-９]{4}\s*年)")
# The unit an amount is counted per (`645元/月`, `924元/人月`, `3.5元/公斤`, `23微克/立方米`).
PER_UNIT_RE = re.compile(r"/(?:人·?[月年天日]|[月年天日人户亩床次]|公斤|斤|吨|立方米|平方米|千瓦时|度|小时)(?![\u4e00-\u9fff]{0,1}[/\d])")
# A target outside the plan part counts only where the sentence looks ahead (`明年力争…`): a target quoted in
# the review (`预期目标是…，实际完成…`) is last year's, for plan attainment, not a plan target.
FORWARD_RE = re.compile(r"明年|下一步|新的一年|今后|来年|下一年")
# A count of years is a metric only as a stated duration (`连续2年`, `为期三年`, `经过八年持续努力`, `三年多来`)
# or as the value of a measure counted in years (`受教育年限从13.5年提高到14年`); elsewhere it is the period
# of the figure after it (`五年年均增长`, `十年增加近70万亿元`, `过去五年`, `五年前`), not a figure itself.
DURATION_CUE_WORDS = ("连续", "为期", "历时", "经过", "持续", "长达", "已", "坚持", "用", "用了", "期限", "满")
DURATION_AFTER_WORDS = ("多来", "多时间", "时间", "之久")
YEARS_AS_LEVEL_RE = re.compile(r"年限|寿命|年龄|工龄")
# `近1亿农村贫困人口`, `14亿多中国人`, `400余村民`: a 万/亿 or approximate number without a unit word before a noun
# naming people is a population (`person`); so is one after a subject counting people (`参保人数增加1.4亿`).
PERSON_NOUN_RE = re.compile(
    r"[\u4e00-\u9fff]{0,6}?(?:人口|人员|人民|群众|居民|农民工|农民|职工|学生|儿童|老人|老年人|残疾人|中国人|对象|劳动力"
    r"|党员|干部|毕业生|患者|青年|妇女|村民|市民|师生|教师|工人|志愿者)")
PERSON_SUBJECT_ENDS = ("人数", "人口")
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
    "净增|增|增收|增粮|等|增加到|增长到|提高到|提升到|增至|提高至|降至|降到|下降到|减少到|减至|压缩到|压缩至|稳定在|保持在|"
    "控制在|上升到|突破|提升至|上升至|下降至|首次超过|首次|可比|从|由|年均|年平均|每年|增支|减支|增产|减产|减收|多收|少收|调增|调减|缩小|改善"
).split("|")
VERB_TAIL = repeated(one_of(*VERB_TAIL_WORDS)) + "$"
VERB_TAIL_RE = VERB_TAIL.compile()
# The characters those words end with: a phrase ending in any other has no verb tail (a cheap test first).
VERB_TAIL_LAST_CHARS = frozenset(word[-1] for word in VERB_TAIL_WORDS)
LEADING_NOISE_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+是|力争|计划|预计|拟|其中|同时|此外|另外|全年|今年|去年|截至[^，。]{0,8}"
    r"|[\dXx]{2,4}(?:[-—至~][\dXx]{2,4})?年(?:度)?(?:初|底|末)?|\d{1,2}[.．]\s*|我[市省区县国州]|加上|实现|主要是|原因是"
    r"|\d{1,2}(?:[-—至]\d{1,2})?月(?:底|末|期间)?|共|累计|并|还|已|为|对|向|在(?![校读学岗职园])|使|让|和|与|及|新增|新建|新引进"
    r"|全[市区县省国]|每[月年周季]|[一二两三四五六七八九十\d]+年(?:来|以来)|(?:过去|这|近)?[一二两三四五六七八九十]{1,2}年(?:年均|平均)?"
    r"|积极|认真|先后|分别|持续)+"
)
# The base a change is measured from, inside the phrase before the number (`较“十三五”末`, `比2020年`, `较上年同期`).
COMPARED_WITH_RE = re.compile(r"(?:比|较)(?:上年同期|上年|去年同期|去年|同期|[\dXx]{4}年(?:底|末)?|“[^”]{1,8}”(?:时期|期)?末)"
                              r"(?:的?(?:决算数|预算数|执行数|完成数|实际数))?")
# A date or a per-head base right before the number (`从2020年的`, `增长到2025年的`, `2024年底`, `由每人每年`).
DATE_TAIL_RE = re.compile(r"(?:(?:[\dXx]{4}年(?:底|末|初)?|\d{1,2}月(?:底|末)?)的?|每[人生户亩](?:每[年月])?)$")
# Verbs that name the thing counted after the number only when they end the phrase before it (`新设152个跨境电商
# 综试区`, `为期五天的兰展`): inside a name they are part of it (`基础设施建设投资`).
FINAL_VERB_RE = re.compile(r"(?:新设|建设|支持|启动|布局|确定|新开工|开工|改造|认定|为期)$")
FINAL_VERB_LAST_CHARS = frozenset("设持动局定工造期")  # a cheap test before the pattern: this runs per mention
# Verbs whose object is the thing counted: `开展免费义诊活动20场次` → 免费义诊活动, `举办20场展会` → 展会.
ACTION_VERBS_RE = re.compile(
    r"开展|举办|组织|引进|引导|动员|安排|新发展|培育|建成|编印|发放|印发|收到|达成|提供|促成|诊治|召开|举行|设立|认定|评选|推荐|选派|"
    r"邀请|吸引|带动|帮助|帮扶|扶持|资助|表彰|接待|出版|发表|制作|录制|播放|发布|形成|报送|上报|征集|撰写|参加|走访|慰问|"
    r"受理|办理|培养|招收|建立|组建|设置|覆盖|惠及|联合|汇聚|聘请|吸纳|孵化|获得|获批|申报|入选|创建|打造|筹集|争取|拨付|"
    r"下达|抽派|派出|派|荣获|完成|宣讲|赴|深入"
)
NOUN_AFTER_RE = re.compile(
    r"^(?![并且而均已都]|居(?:全|世界))(?:“[^”]{1,12}”|[“”\"《》A-Za-z\u4e00-\u9fff·]){1,16}?"
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


@dataclass(slots=True)  # not frozen, and never changed: see Quantity
class Mention(Quantity):
    """A quantity read as a metric of its report: its value signed (a fall stated as an amount is negative), its
    kind and subject, and where the report states it."""

    report_seq: int
    kind: str
    subject: str
    section: str
    period: str | None
    is_plan_target: bool
    sentence: str
    sentence_start: int
    heading_path: str = ""


# A Quantity's field values in order: a Mention starts with them.
_quantity_values = attrgetter(*(f.name for f in fields(Quantity)))


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
@lru_cache(maxsize=1)
def set_phrases() -> dict[str, tuple[tuple[str, int], ...]]:
    """Fixed phrases holding a numeral that is no quantity (`八项规定`, `千方百计`; package data, extend it
    without code), by each numeral character they hold: (phrase, offset of that character)."""
    text = resources.files("ingest").joinpath("data/set_phrases.csv").read_text(encoding="utf-8")
    by_char: dict[str, list[tuple[str, int]]] = {}
    for row in csv.DictReader(text.splitlines()):
        phrase = row["phrase"]
        for offset, ch in enumerate(phrase):
            if ch in CN_NUMERAL_CHARS:
                by_char.setdefault(ch, []).append((phrase, offset))
    return {ch: tuple(hits) for ch, hits in by_char.items()}


def _in_set_phrase(matching: str, start: int, end: int) -> bool:
    """Whether a numeral character in matching[start:end] is part of a fixed phrase written around it."""
    phrases = set_phrases()
    for pos in range(start, end):
        for phrase, offset in phrases.get(matching[pos], ()):
            if pos >= offset and matching.startswith(phrase, pos - offset):
                return True
    return False


def _population(q: Quantity, text: str, sent: Sentence, clause: str) -> str | None:
    """For a 万/亿 number without a unit word: the noun after it naming the people it counts, '' when the
    subject before it counts people (`参保人数增加1.4亿`), None when it counts no people."""
    m = PERSON_NOUN_RE.match(text, q.char_end, min(sent.end, q.char_end + 12))
    if m is not None and not any(ch in CLAUSE_BREAK for ch in m.group(0)):
        return m.group(0)
    return "" if _strip_verb_tail(clause).endswith(PERSON_SUBJECT_ENDS) else None


PHASE_AFTER_WORDS = ("工程", "项目", "建设", "扩建", "改造", "厂房", "园区", "续建")


# A ranking's move (`区域创新能力全国排名提升4位`, `位次前移3位`): the number counts places.
RANK_MOVE_RE = re.compile(r"(?:排名|排位|位次|名次)[^，。；]{0,6}?(?:提升|上升|提高|前移|前进|跃升|下降|后退|下滑|后移)了?$")


def _is_not_a_metric(q: Quantity, text: str, matching: str, sent: Sentence) -> bool:
    before = matching[max(0, q.char_start - 2):q.char_start]
    after = matching[q.char_end:q.char_end + 4]
    if before[-1:] in NOT_A_METRIC_BEFORE:
        return True  # an ordinal (第3), a document number (〔2024〕), a model or code (GB/T 2260, 5G)
    if after and (after[0] in LATIN_AROUND or after[0].isdigit()) and not (
            q.unit != "count" and PER_UNIT_RE.match(matching, q.char_end)):
        return True  # but an amount per unit (`645元/月`, `23微克/立方米`) is a quantity
    if q.classifier == "岁" and (q.approx in ("at_least", "at_most") and "\u4e00" <= after[:1] <= "\u9fff" or
                                not YEARS_AS_LEVEL_RE.search(matching, max(sent.start, q.char_start - 24), q.char_start)):
        return True  # `60岁以上人口`: an age bracket names a group; `人均预期寿命78岁` is a level
    if (q.is_chinese or before.endswith("亿")) and _in_set_phrase(matching, max(0, q.char_start - 1), q.char_end):
        return True  # 八项规定, 两个大局, 千方百计, 亿万人民
    if q.unit == "year" and q.is_duration and not (
            matching.endswith(DURATION_CUE_WORDS, sent.start, q.char_start) or after.startswith(DURATION_AFTER_WORDS)
            or YEARS_AS_LEVEL_RE.search(text, max(sent.start, q.char_start - 24), q.char_start)):
        return True  # 五年年均增长, 过去五年, 十年前: the period of another figure
    if q.classifier and after.startswith(("方面", "重点方面", "主要方面", "大方面")) or (
            q.unit == "person" and q.number_text.endswith("位") and after.startswith("数")):
        return True  # 四个重点方面: an announced list; 两位数增长: digits, not persons
    if q.unit == "person" and q.number_text.endswith("位") and \
            RANK_MOVE_RE.search(matching, max(sent.start, q.char_start - 16), q.char_start):
        return True  # 排名提升4位: places moved in a ranking, not persons
    if q.is_chinese and (q.unit == "m3" and q.number_text.endswith("方") or q.classifier == "类"):
        return True  # 中柬泰三方: parties; 六类国有资源: categories
    if q.classifier == "期" and after.startswith(PHASE_AFTER_WORDS):
        return True  # 万达广场二期工程: the name of a phase, not a count of sessions (`举办培训班3期`)
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
    if q.unit == "count" and q.classifier in ("", "届") and after.startswith(DATE_AFTER_WORDS):
        return True
    if (q.classifier or q.unit == "year") and after.startswith(NAME_AFTER_WORDS):
        return True
    if q.is_chinese:
        core = q.number_text
        if core.startswith(ARTICLE_WORDS) and q.approx == "exact" and q.value < 10 or before.endswith("每"):
            return True  # 一个, 一批: an article; 每一处: every
        if after[:1] in CN_FIXED_AFTER or before.endswith(("“", "\"", "「")):
            return True  # “七个一”, “四服务”: a slogan's numeral
        if q.is_duration and core[0] in "百千万":
            return True  # 百年未有, 千年: idioms
        if q.unit == "year" and after.startswith("来"):
            return True
    return False


def _kind(q: Quantity, prefix: str, after: str = "") -> tuple[str, float]:
    """(kind, sign) from the clause before the number (and, for a percentage, the words right after it)."""
    if q.unit == "rank":
        return "rank", 1.0
    if q.is_duration:
        return ("level", 1.0) if q.unit == "year" and YEARS_AS_LEVEL_RE.search(prefix) else ("duration", 1.0)
    if q.unit not in ("percent", "pp") and ("减" in prefix or "降" in prefix) and DECREASE_AMOUNT_RE.search(prefix):
        return "increment", -1.0
    if q.unit in ("percent", "pp"):
        nearest_end, verdict = -1, None  # the cue ending last wins; on a tie the earlier in this list
        for rx, kind_and_sign in PERCENT_CUES:
            for m in rx.finditer(prefix):
                if m.end() > nearest_end:
                    nearest_end, verdict = m.end(), kind_and_sign
        if verdict is not None:  # a change in percentage points is an increment of the rate it changes
            return ("increment", verdict[1]) if q.unit == "pp" and verdict[0] == "growth_rate" else verdict
        if prefix.endswith("的") or after.startswith(SHARE_AFTER_WORDS):
            return "share", 1.0
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

# A phrase that only relates a number to another (`为预算的`, `占经济建设费总数的`, `比“十三五”`, `增产`): the
# number belongs to the subject named before it in the sentence.
REFERENCE_SUBJECT_RE = re.compile(
    r"(?:完成|为|占|达|是|相当于)?(?:年初|调整)?预算数?的$|占[^，。；]{0,16}(?:的|比重|比例)?$|比[^，。；]{0,8}$|实际(?:完成)?$"
    r"|(?:增产|减产|增长|下降|增加|减少|上升|提升|提高|降低)$|(?:支出|收入)?占比$|增速?(?:低于|高于|快于|慢于)[^，。；]{0,8}$"
    r"|^(?:位?居|排名|排在)(?:全国|全省|全市|全区|全州|世界|全球|同类|[^，。；]{0,4}第)[^，。；]{0,6}$")
# Phrases that set the scene rather than name the metric.
SCENE_RE = re.compile(r"^[^，。]{0,10}?(?:背景下|形势下|情况下|影响下)|比[^，。]{0,12}?(?:时|底|末|同期|上年|去年)")
MODIFIERS = ("各类", "各种", "各项", "系列", "多种", "一批", "多家")  # each two characters: see _unmodified
TITLE_END_RE = re.compile(r"^.*[》”]等?")
NOTE_MARK_RE = re.compile(r"[\[［]\d{1,2}[\]］]")


def _unmodified(phrase: str) -> str:
    """`各类活动` → `活动`: a leading modifier off (every modifier is two characters long)."""
    return phrase[2:] if phrase.startswith(MODIFIERS) else phrase


def _strip_verb_tail(phrase: str) -> str:
    """`产值共` → `产值`, `总量达` → `总量`: the copulas and cues right before a number."""
    return VERB_TAIL_RE.sub("", phrase) if phrase[-1:] in VERB_TAIL_LAST_CHARS else phrase


def _noun_after(after: str) -> str:
    """The counted noun opening the clause after the number (`20家媒体网络平台` → 媒体网络平台), or ''."""
    m = NOUN_AFTER_RE.match(after[1:] if after.startswith("的") else after)  # `为期五天的兰展`
    return _unmodified(m.group(0).replace("“", "").replace("”", "").replace('"', "")) if m else ""


def _subject(prefix: str, after: str, previous_subject: str) -> str:
    """The metric's name: the noun phrase before the number (`prefix`), or the counted noun in the clause
    after it (`after`). The noun after is read only on the paths that use it: most subjects are found before."""
    item = prefix[prefix.rfind("、") + 1:]  # the last item of a list (the whole phrase when there is none)
    if item.endswith("等"):
        noun_after = _noun_after(after)
        if len(noun_after) >= 2:
            return noun_after  # `中国青年报等20家媒体网络平台`: the category after 等 names the metric
    # The substring tests skip a regex that cannot match (each is the literal its pattern needs); this
    # function runs for every mention.
    if "年" in item[-4:] or "月" in item[-4:] or "每" in item[-4:]:
        item = DATE_TAIL_RE.sub("", item)  # `生产总值从2020年的3.68万亿元`: the date is the figure's, not its name
    if "］" in item or "]" in item:
        item = NOTE_MARK_RE.sub("", item)  # `四大主导产业［2］占GDP比重`: a footnote's mark is no word of the name
    if "较" in item or "比" in item:
        item = COMPARED_WITH_RE.sub("", item)  # `PM2.5年均浓度较“十三五”末改善`: the base is no word of the name
    if "》" in item or "”" in item:
        item = TITLE_END_RE.sub("", item) or item
    if "下" in item or "比" in item:
        item = SCENE_RE.sub("", item)
    unprefixed = LEADING_NOISE_RE.sub("", item)
    untailed = _strip_verb_tail(unprefixed)
    # Stripping the leading noise again is needed only when the tail went: it is idempotent (no lookbehind).
    cleaned = unprefixed if untailed is unprefixed else LEADING_NOISE_RE.sub("", untailed)
    if not cleaned or cleaned == previous_subject or _points_forward(unprefixed) or (
            cleaned[-1:] in FINAL_VERB_LAST_CHARS and FINAL_VERB_RE.search(cleaned)):
        noun_after = _noun_after(after)
        if len(noun_after) >= 2:
            return noun_after
    verbs = list(ACTION_VERBS_RE.finditer(cleaned)) if ACTION_VERBS_RE.search(cleaned) else None
    if verbs:
        obj = _unmodified(_strip_verb_tail(cleaned[verbs[-1].end():]).lstrip("了"))
        if obj.startswith("的"):  # `土地出让收入安排的支出`: the verb is inside the name
            return cleaned[-16:]
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
# whole sentence head for every number would be quadratic in a long comma-less sentence.
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
    if groups[_UNIT] or groups[_CUR] or groups[_INFIX] or groups[_INFIX2] or groups[_SUFFIX] or groups[_MULT]:
        return False  # a 万/亿 number may count people named after it (`近1亿农村贫困人口`)
    return not (start and matching[start - 1] == "第")


# `下降0.1、0.3个百分点`, `分别增长3.2、2.7和2.4个百分点`: bare numbers listed before the one that carries their unit.
LIST_JOINERS = ("、", "和")
LISTED_NUMBERS_RE = re.compile(r"(?:[、和](?:\d+(?:\.\d+)?))*[、和](?=\d)")
ARABIC_RE = re.compile(r"\d+(?:\.\d+)?")
# Units a listed number may share; never a year, month or day (`2023、2024年` are years).
SHARED_UNITS = frozenset({"percent", "pp", "CNY", "USD", "person", "person_time", "kg", "mu", "m2", "km", "kw", "kwh", "m3"})


def _listed_before_its_unit(start: int, end: int, matching: str, text: str, limit: int) -> Quantity | None:
    """A bare Arabic number listed before numbers whose last one carries the unit: the quantity in that unit."""
    if not ARABIC_RE.fullmatch(matching, start, end):
        return None
    chain = LISTED_NUMBERS_RE.match(matching, end, limit)
    if chain is None:
        return None
    last = QUANTITY_SCAN_RE.match(matching, chain.end(), limit)
    if last is None:
        return None
    shared = parse_quantity(matching[start:end] + matching[last.end("numeral"):last.end()])
    if shared is None or shared.unit not in SHARED_UNITS:
        return None
    return replace(shared, char_start=start, char_end=end, number_text=text[start:end])


CLAUSE_BREAK_RE = re.compile(f"[{re.escape(CLAUSE_BREAK)}]")


def _periods(text: str, sent: Sentence) -> list[re.Match[str]]:
    """Each period phrase of the sentence. Every phrase holds 年, 月, 季度, 截至 or 以来: two sentences in three
    with a number hold none, and five substring tests are cheaper than the scan."""
    s = sent.text
    if "以来" in s:
        return list(PERIOD_RE.finditer(text, sent.start, sent.end))
    if "年" in s or "月" in s or "季度" in s or "截至" in s:
        return list(PERIOD_WITHOUT_SINCE_RE.finditer(text, sent.start, sent.end))
    return []


@dataclass(slots=True)
class _SentenceContext:
    """What every mention of a sentence shares, computed at its first mention (most sentences have none)."""

    breaks: list[int]  # offsets of the clause breaks in the sentence: a clause is found by bisection
    period_ends: list[int]  # end offset of each period phrase, for bisection
    periods: list[str]  # the text of each period phrase
    is_plan_target: bool  # in the plan part, or a target cue in a sentence that looks ahead
    has_respectively: bool

    @classmethod
    def of(cls, text: str, sent: Sentence) -> _SentenceContext:
        periods = _periods(text, sent)
        return cls([b.start() for b in CLAUSE_BREAK_RE.finditer(text, sent.start, sent.end)],
                   [m.end() for m in periods], [m.group(0) for m in periods],
                   (sent.section == "plan" or bool(PLAN_CUE_RE.search(sent.text) and FORWARD_RE.search(sent.text)))
                   and not SO_FAR_RE.match(sent.text),
                   "分别" in sent.text)

    def period_before(self, pos: int) -> str | None:
        """The last period phrase ending at or before pos."""
        ending_by_pos = bisect_right(self.period_ends, pos)
        return self.periods[ending_by_pos - 1] if ending_by_pos else None


def extract_mentions(text: str, matching: str, report: ReportSegment) -> list[Mention]:
    """Every metric mention of one report, in text order."""
    out: list[Mention] = []
    for sent in report.sentences:
        sent_start, sent_end = sent.start, sent.end
        previous_subject = ""
        previous_end = previous_rate_end = sent_start
        context: _SentenceContext | None = None
        for start, end, prefix, groups in scan_numbers(matching, sent_start, sent_end):
            if _bare(groups, start, matching):
                q = _listed_before_its_unit(start, end, matching, text, sent_end) \
                    if matching[end:end + 1] in LIST_JOINERS else None
                if q is None:
                    continue
            else:
                q = parse_match(start, end, prefix, groups, text)
            population = None
            if q is not None and q.unit == "count" and not q.classifier and (groups[_MULT] or q.approx != "exact"):
                population = _population(q, text, sent, text[max(sent_start, q.char_start - 24):q.char_start])
                if population is not None:  # '' (the subject before counts people) is a population too
                    q = replace(q, unit="person")
            if q is not None and q.char_start and matching[q.char_start - 1] == "-" and not (
                    q.char_start > 1 and (matching[q.char_start - 2].isdigit() or matching[q.char_start - 2] in LATIN_AROUND)):
                q = _negated(q, text)  # `结余-1477万元`, `−3.2%`: a minus sign, not a range's dash (`1-11月`)
            if q is None or _is_not_a_metric(q, text, matching, sent):
                q = _rank(start, text, matching)
                if q is None:
                    continue
            if matching.startswith("/", q.char_end) and q.unit != "count":
                per = PER_UNIT_RE.match(matching, q.char_end)
                if per is not None:  # the span takes in what the amount is per
                    q = replace(q, char_end=per.end(), number_text=text[q.char_start:per.end()],
                                classifier=per.group(0))
            q_start, q_end, unit = q.char_start, q.char_end, q.unit
            if unit == "count" and not q.classifier and matching[q_start - 2:q_start] in UNIT_BEFORE:
                q = replace(q, unit=UNIT_BEFORE[matching[q_start - 2:q_start]])
                unit = q.unit
            if context is None:
                context = _SentenceContext.of(text, sent)
            # The clause around the number: from the clause break before it (or the sentence's start) to the one
            # after it (or the sentence's end), at most CLAUSE_WINDOW characters on either side.
            breaks = context.breaks
            before_break = bisect_left(breaks, q_start)
            clause_start = breaks[before_break - 1] + 1 if before_break else sent_start
            if clause_start < q_start - CLAUSE_WINDOW:
                clause_start = q_start - CLAUSE_WINDOW
            clause_end = q_start
            if clause_start == q_start and q_start > sent_start and text[q_start - 1] in "）)":
                # `应偿还到期政府债务本息（含外债）19.51亿元`: the name is the clause before the aside
                clause_end = max(text.rfind("（", sent_start, q_start), text.rfind("(", sent_start, q_start))
                if clause_end > sent_start:
                    before_open = bisect_left(breaks, clause_end)
                    clause_start = max(breaks[before_open - 1] + 1 if before_open else sent_start,
                                       clause_end - CLAUSE_WINDOW)
                else:
                    clause_end = q_start
            clause = text[clause_start:clause_end]
            after_break = bisect_left(breaks, q_end, before_break)
            after_end = breaks[after_break] if after_break < len(breaks) else sent_end
            after = text[q_end:min(after_end, q_end + CLAUSE_WINDOW)]
            prefix = text[previous_end:clause_end] if previous_end > clause_start else clause  # not reaching into the last number
            is_rate = unit == "percent" or unit == "pp"
            # A cue a rate before this number took (`收入增长6.3%、支出超过7000亿元`) is not this number's.
            kind, sign = _kind(q, clause if previous_rate_end <= clause_start or is_rate
                               else text[previous_rate_end:q_start], after)
            pairing = (_respectively(clause, text[max(sent_start, q_start - RESPECTIVELY_WINDOW):q_start])
                       if context.has_respectively else None)
            subject = pairing or population or _subject(prefix, after, previous_subject)
            if previous_subject and REFERENCE_SUBJECT_RE.match(subject):
                subject = previous_subject  # `…收入196.1亿元，为预算的101.3%`: the rate is the revenue's
            previous_subject = subject
            previous_end = q_end
            if is_rate:
                previous_rate_end = q_end
            if sign < 0:
                q = replace(q, value=-q.value, value_high=None if q.value_high is None else -q.value_high)
            out.append(Mention(  # positional: keywords cost more than the rest of the call here
                *_quantity_values(q), report.seq, kind, subject, sent.section, context.period_before(q_start),
                context.is_plan_target and not BASELINE_BEFORE_RE.search(clause[-16:]),
                sent.text, sent_start, sent.heading_path))
    return out


def _negated(q: Quantity, text: str) -> Quantity:
    """The quantity with the minus sign before it taken into its span and value."""
    return replace(q, char_start=q.char_start - 1, number_text=text[q.char_start - 1:q.char_end], value=-q.value,
                   value_high=None if q.value_high is None else -q.value_high)


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
    return Quantity(char_start=start, char_end=rm.end(), number_text=text[start:rm.end()], value=value, value_high=None,
                    unit="rank", classifier="", approx="exact", is_duration=False, is_chinese=not raw.isdigit())
