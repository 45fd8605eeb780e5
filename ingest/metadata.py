"""A report's organisation, report year and plan year, each with the evidence it came from."""

from __future__ import annotations

import bisect
import csv
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ingest.numbers import parse_chinese_integer
from ingest.patterns import capture, not_after
from ingest.segment import (
    DATELINE_RE,
    FULL_WIDTH_DIGITS,
    HEADING_YEAR_RE,
    METADATA_RE,
    ReportSegment,
    Sentence,
)

ORG_SUFFIX = (
    r"(?:人民政府|政府|科学技术协会|科协|老科协|科技创新局|局|委员会|办公室|协会|学会|联合会|研究会|促进会|中心|厅|委|办|院|所|站|馆)"
)
ORG_RE = re.compile(rf"[\u4e00-\u9fff*＊]{{1,16}}?{ORG_SUFFIX}(?:（[^）]{{1,20}}）|\([^)]{{1,20}}\))?")
# Phrases that put the organisation right after them: `我代表市人民政府`, `报告2023年老科协的工作`.
ORG_ANCHORS = [
    re.compile(rf"代表(?P<org>[\u4e00-\u9fff*]{{1,16}}?{ORG_SUFFIX})"),
    re.compile(rf"报告(?:[\dXx]{{2,4}}年(?:度)?)?(?P<org>[\u4e00-\u9fff*]{{1,16}}?{ORG_SUFFIX})的?工作"),
    # `受区人民政府委托，区财政局向大会报告…`: the body that reports, for the one that entrusted it
    re.compile(rf"委托[，,]\s*(?P<org>[\u4e00-\u9fff*]{{1,16}}?{ORG_SUFFIX})向"),
]
CLAUSE_LEAD_RE = re.compile(r"^(?:一年来|过去的?一年(?:里|来|中)?|在过去的一年里|[\dXx]{2,4}年(?:以来|来|中|里)?|今年以来|近年来|全年)[，,]?")
# A subject running on into its sentence (`奋勇高新区在市委…`): no organisation's name.
ORG_CUT_FROM_PROSE_RE = re.compile(r"[在的和与及]")
NOT_ORG_START = ("在", "按照", "根据", "围绕", "坚持", "受", "经", "由", "对", "为", "我", "以", "向", "并", "请")

TITLE_YEAR_RE = re.compile(r"(?P<y>\d{4}|[Xx]{2,4})年(?:度)?")
# Up to a few words may qualify the year's subject (`2019年全市和市本级预算执行情况`, `2020年市级预算草案`).
TITLE_REPORT_RE = re.compile(r"(?P<y>\d{4}|[Xx]{2,4})年(?:度)?(?:[^\d年]{0,8}?)(?:工作总结|工作报告|工作回顾|述职|预算执行情况|决算)")
TITLE_PLAN_RE = re.compile(r"(?P<y>\d{4}|[Xx]{2,4})年(?:度)?(?:[^\d年]{0,8}?)(?:工作计划|工作安排|工作要点|工作打算|工作思路|预算草案|预算(?!执行))")
GOV_TITLE_RE = re.compile(r"(?P<y>\d{4})年.{0,10}政府工作报告|政府工作报告")
WEEKDAY = r"(?:星期|周|礼拜)(?P<w>[一二三四五六日天])"
WEEKDAY_DATE_RE = re.compile(rf"(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})日(?:[（(]?){WEEKDAY}")
# A date pattern opening on digits is tried at every digit of the report; the weekday it ends with starts with a
# literal, and most reports name none.
WEEKDAY_RE = re.compile(WEEKDAY)
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
DATED_SENTENCE_START_RE = re.compile(r"\s*(?P<y>(?:19|20)\d{2})年(?:是|，)")  # `2023年是…`, `2023年，…`
# A year written in digits, not part of a longer number or an ordinal (第2023).
WRITTEN_YEAR = not_after(r"(?:19|20)\d{2}", r"[\d第]")
WRITTEN_YEAR_AND_NIAN = capture(WRITTEN_YEAR, "y") + "年(?!代)"
WRITTEN_YEAR_RE = WRITTEN_YEAR_AND_NIAN.compile()


@dataclass(frozen=True)
class DatedEvent:
    pattern: re.Pattern[str]
    year: int | None
    ordinal_base: int | None
    note: str
    guards: tuple[str, ...] | None = None  # required_literals(pattern)

    def year_of(self, m: re.Match[str]) -> int | None:
        if self.ordinal_base is None:
            return self.year
        raw = m.group(1)
        n = int(raw) if raw.isdigit() else parse_chinese_integer(raw)
        return self.ordinal_base + n


@lru_cache(maxsize=1)
def dated_events() -> tuple[DatedEvent, ...]:
    """The table of events with a known year (package data, extend it without code)."""
    text = resources.files("ingest").joinpath("data/dated_events.csv").read_text(encoding="utf-8")
    out = []
    for row in csv.DictReader(text.splitlines()):
        pattern = re.compile(row["pattern"])
        out.append(DatedEvent(
            pattern=pattern,
            year=int(row["year"]) if row["year"] else None,
            ordinal_base=int(row["ordinal_base"]) if row["ordinal_base"] else None,
            note=row["note"],
            guards=required_literals(pattern),
        ))
    return tuple(out)


QUANTIFIERS = "?*+{"
INLINE_FLAGS_RE = re.compile(r"\(\?[aiLmsux]+[):]")


def _top_level_characters(source: str) -> Iterator[tuple[int, str]]:
    """(index, character) of each character of a pattern that stands at its top level: not escaped, not the
    bracket of a group or class, not inside a group, a class or a `{m,n}` quantifier."""
    depth, in_class, in_braces, escaped = 0, False, False, False
    for i, ch in enumerate(source):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif in_braces:
            in_braces = ch != "}"
        elif ch in "[{(":
            in_class, in_braces, depth = ch == "[" or in_class, ch == "{" or in_braces, depth + (ch == "(")
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            yield i, ch


def _top_level_alternatives(source: str) -> list[str]:
    """The alternatives of a pattern's top-level `A|B`."""
    cuts = [i for i, ch in _top_level_characters(source) if ch == "|"]
    return [source[a + 1:b] for a, b in zip([-1, *cuts], [*cuts, len(source)], strict=True)]


def _longest_plain_run(source: str) -> str:
    """The longest run of plain characters that every match of `source` (one alternative) holds: top-level
    characters that are no operator and are not made optional or repeatable by a quantifier after them."""
    best = run = ""
    last = -2
    for i, ch in _top_level_characters(source):
        plain = ch not in ".^$|" + QUANTIFIERS and source[i + 1:i + 2] not in tuple(QUANTIFIERS)
        run = run + ch if plain and i == last + 1 else (ch if plain else "")
        last = i
        best = max(best, run, key=len)
    return best


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literals one of which every match of `pattern` contains: the longest run of plain characters of each
    top-level alternative, read off the pattern's own text; None where an alternative has none (or the
    pattern ignores case). A report holding none of them cannot match, and `str.find` says so far faster
    than a regex pass (most reports name no event at all)."""
    if pattern.flags & re.IGNORECASE or INLINE_FLAGS_RE.match(pattern.pattern):
        return None
    runs = tuple(_longest_plain_run(alternative) for alternative in _top_level_alternatives(pattern.pattern))
    return runs if all(runs) else None


@dataclass(frozen=True)
class YearEvidence:
    year: int  # the year this evidence gives for its role
    role: str  # report | plan
    source: str  # title | dateline | session | heading | event | dated_sentence | weekday | written_years
    quote: str
    char_start: int
    char_end: int
    weight: float


@dataclass(frozen=True)
class ReportMeta:
    org_name: str | None
    report_year: int | None
    plan_year: int | None
    year_evidence: str
    title_report_year: int | None
    title_plan_year: int | None
    title_has_placeholder_year: bool
    evidence: tuple[YearEvidence, ...]
    # Evidence that named another year than the one judged (a title overruled, an event restated).
    overruled: tuple[YearEvidence, ...] = ()


# How much each kind of evidence weighs in the judgement of a report's year. The title and the dateline are
# what the document says of itself; the session ordinal and the part headings (`一、2014年工作回顾`) are
# nearly as strong; a sentence that dates the year (`2015年是“十二五”收官之年`, `今年是…开局之年`) counts once
# each; an event phrase counts fully only where the sentence says it happens in that year, barely otherwise
# (goals, anniversaries and five-year periods name other years all the time).
WEIGHTS = {"title": 6.0, "dateline": 5.0, "session": 4.0, "heading": 4.0, "stated_event": 3.0, "weekday": 3.0,
           "publication_date": 2.0, "dated_sentence": 1.0, "event": 0.5, "untrusted_title": 1.0}
# Dated sentences are many in a long report: together they weigh at most this much per year.
DATED_SENTENCE_CAP = 3.0
def _year(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


def title_years(title: str | None) -> tuple[int | None, int | None, bool]:
    """(report year, plan year, placeholder?) as the title writes them."""
    if not title:
        return None, None, False
    placeholder = bool(re.search(r"[Xx]{2,4}年", title))
    m_gov = GOV_TITLE_RE.search(title)
    if m_gov and m_gov.group("y"):
        y = int(m_gov.group("y"))
        return y - 1, y, placeholder
    m_r, m_p = TITLE_REPORT_RE.search(title), TITLE_PLAN_RE.search(title)
    report = _year(m_r.group("y")) if m_r else None
    plan = _year(m_p.group("y")) if m_p else None
    if report is None and plan is None:
        years = [_year(m.group("y")) for m in TITLE_YEAR_RE.finditer(title)]
        years = [y for y in years if y]
        if years:
            report = years[0]
    return report, plan, placeholder


# The front matter's speaker or issuer line: `南阳市财政局局长  赵鹏`, `国务院总理`, `黄石市财政局`.
SPEAKER_RE = re.compile(
    rf"^(?P<org>[\u4e00-\u9fff]{{1,20}}?{ORG_SUFFIX})(?:代?(?:总理|省长|市长|区长|县长|州长|主席|局长|厅长|主任|部长|司长"
    rf"|理事长|会长|秘书长)|\s|$)")
SOURCE_ORG_RE = re.compile(r"^(?:来\s*源|发布机构|信息来源)\s*[：:]?\s*(?P<org>[\u4e00-\u9fff]{2,20}(?:司|局|厅|部|委|办|院|政府|中心))\s*$")
# A place that qualifies a bare `省人民政府`: from the title or the dateline (`在云南省第十四届人民代表大会`).
PLACE_RE = re.compile(r"(?P<place>[\u4e00-\u9fff]{1,10}?(?:自治区|自治州|自治县|省|市|区|县|州|旗|盟))")
DATELINE_PLACE_RE = re.compile(r"在(?P<place>[\u4e00-\u9fff]{1,10}?(?:自治区|自治州|自治县|省|市|区|县|州|旗|盟))第")
BARE_LEVEL_RE = re.compile(r"^(?:自治区|自治州|自治县|省|市|区|县|州|旗|盟)")
YEAR_PREFIX_RE = re.compile(r"^(?:关于)?(?:[\d０-９]{4}|[Xx]{2,4})?年?(?:度)?")


def _front(report: ReportSegment) -> list[Sentence]:
    """The report's front matter: the lines before its body (title block, dateline, speaker, source)."""
    out = []
    for sent in report.sentences:
        if sent.section != "other" or sent.paragraph > 0:
            break
        out.append(sent)
    return out


def _place(report: ReportSegment, front: list[Sentence]) -> str | None:
    for sent in front:
        m = DATELINE_PLACE_RE.search(sent.text)
        if m and DATELINE_RE.match(sent.text):
            return m.group("place")
    if report.title:
        m = PLACE_RE.match(YEAR_PREFIX_RE.sub("", report.title))
        if m and not BARE_LEVEL_RE.match(m.group("place")):
            return m.group("place")
    return None


def _qualified(org: str, place: str | None) -> str:
    """`省政府` of a report whose dateline or title names 吉林省 is 吉林省人民政府."""
    if place and BARE_LEVEL_RE.match(org):
        level = BARE_LEVEL_RE.match(org).group(0)  # type: ignore[union-attr]
        if place.endswith(level):
            org = place + org[len(level):]
    return re.sub(r"(?<=[省市区县州旗盟])政府$", "人民政府", org)


def find_org(report: ReportSegment) -> str | None:
    """The organisation: the speaker or issuer in the front matter, else the one the opening sentence speaks
    for (`我代表省人民政府`), else the title's, else the first sentence's subject (`区科技创新局…严格按照…`);
    a bare `省政府` is qualified with the place the title or dateline names."""
    front = _front(report)
    place = _place(report, front)
    for sent in front:
        if sent.start == report.title_start:
            continue
        line = sent.text.strip()
        m = SOURCE_ORG_RE.search(line[line.find("来源"):] if "来源" in line else line)
        if m is None and DATELINE_RE.match(line) and "会议上" in line:
            m = SPEAKER_RE.match(line.split("会议上", 1)[1].strip())  # `——…在…会议上三门峡市财政局局长  宋东`
        elif m is None and len(line) <= 40:
            m = SPEAKER_RE.match(line)
        if m:
            return _qualified(m.group("org"), place)
    body = [s for s in report.sentences[len(front):len(front) + 6]]
    for sent in front + body:
        if sent.start == report.title_start or DATELINE_RE.match(sent.text):
            continue  # `人民代表大会` in a title or dateline is no organisation speaking
        for rx in ORG_ANCHORS:
            m = rx.search(sent.text)
            if m:
                return _qualified(m.group("org"), place)
    if report.title:
        m = re.match(rf"^(?P<org>.{{1,20}}?{ORG_SUFFIX})", YEAR_PREFIX_RE.sub("", report.title))
        if m:
            return _qualified(m.group("org"), place)
    for sent in body:
        clauses = (CLAUSE_LEAD_RE.sub("", c.strip()) for c in re.split(r"[，,。；：]", sent.text))
        subject = next((c for c in clauses if c), "")  # the sentence's subject opens its first clause
        if not subject or subject.startswith(NOT_ORG_START):
            continue
        m = ORG_RE.match(subject)
        if m and len(m.group(0)) >= 2 and not ORG_CUT_FROM_PROSE_RE.search(m.group(0)):
            return _qualified(m.group(0), place)
    return None


def _sentence_at(report: ReportSegment, starts: list[int], pos: int) -> Sentence | None:
    i = bisect.bisect_right(starts, pos) - 1
    return report.sentences[i] if i >= 0 else None


def _role(sent: Sentence) -> str:
    return "plan" if sent.section == "plan" else "report"


# A sentence that says an event happens in the year it speaks of (`今年是“十五五”开局之年`, `2021年是建党一百周年`).
THIS_YEAR_RE = re.compile(r"(?:今年|本年|这一年|是年|过去一年|过去的一年|刚刚过去的一年|(?:19|20)\d{2}年|[Xx]{2,4}年)[，,]?(?:是|为|正值|恰逢|适逢)")


def _events(text: str, report: ReportSegment, starts: list[int]) -> list[YearEvidence]:
    """Dated events anywhere in the report (one pass per event over the report's text)."""
    out = []
    body_start = report.start
    if report.title_start is not None:
        body_start = report.title_start + len(report.title or "")
    for ev in dated_events():
        if ev.guards is not None and all(text.find(g, body_start, report.end) < 0 for g in ev.guards):
            continue
        for m in ev.pattern.finditer(text, body_start, report.end):
            sent = _sentence_at(report, starts, m.start())
            year = ev.year_of(m)
            if sent is None or not year or m.end() > sent.end:
                continue
            stated = THIS_YEAR_RE.search(text, sent.start, m.start()) is not None
            out.append(YearEvidence(year, _role(sent), "stated_event" if stated else "event", m.group(0),
                                    m.start(), m.end(), WEIGHTS["stated_event" if stated else "event"]))
    out.sort(key=lambda e: e.char_start)
    return out


def _dated_sentences(report: ReportSegment, events: list[YearEvidence]) -> list[YearEvidence]:
    """`2015年是…`, `2015年，…`: the year a sentence opens with, unless an event stated in the same sentence
    names another (`2023年是中国共产党建党一百周年` is 2021 written wrong)."""
    stated = [e for e in events if e.source == "stated_event"]
    out = []
    for sent in report.sentences:
        if sent.start == report.title_start or sent.section == "other":
            continue
        m = DATED_SENTENCE_START_RE.match(sent.text)
        if m:
            year = int(m.group("y"))
            if any(sent.start <= e.char_start < sent.end and e.year != year for e in stated):
                continue
            out.append(YearEvidence(year, _role(sent), "dated_sentence", sent.text[:30],
                                    sent.start + m.start("y"), sent.start + m.end(), WEIGHTS["dated_sentence"]))
    return out


DATE_IN_LINE_RE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*(?:年|[-/.])\s*(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])\s*(?:月|[-/.])")
# `二〇一五年一月`: a year written digit by digit in Chinese numerals.
CHINESE_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
CHINESE_YEAR_RE = re.compile(r"[〇○零一二三四五六七八九]{4}(?=\s*年)")
# `第十二届全国人民代表大会第四次会议`: the national congress's term began in a known year, one session a year.
NPC_SESSION_RE = re.compile(r"第(?P<term>[一二三四五六七八九十]{1,3})届全国人民代表大会第(?P<session>[一二三四五六七八九十]{1,2})次会议")
NPC_TERM_START = {1: 1954, 2: 1959, 3: 1964, 4: 1975, 5: 1978, 6: 1983, 7: 1988, 8: 1993, 9: 1998, 10: 2003,
                  11: 2008, 12: 2013, 13: 2018, 14: 2023, 15: 2028}
# Reports delivered or published in the first half of a year review the year before it.
EARLY_MONTHS = 6


def _delivery_evidence(report: ReportSegment) -> list[YearEvidence]:
    """The dateline (`——2016年3月5日在…会议上`), a publication date, the congress session: when the report was
    delivered, hence which year it reviews."""
    out: list[YearEvidence] = []
    for sent in report.sentences:
        if sent.section != "other" and sent.paragraph > 0:
            break  # the front matter only
        line = CHINESE_YEAR_RE.sub(lambda y: y.group(0).translate(CHINESE_DIGITS), sent.text.translate(FULL_WIDTH_DIGITS))
        source = ("dateline" if DATELINE_RE.match(line) else
                  "publication_date" if METADATA_RE.match(line) else None)
        m = DATE_IN_LINE_RE.search(line) if source else None
        if m:
            year = int(m.group("y"))
            month = int(m.group("m")) if m.group("m").isdigit() else parse_chinese_integer(m.group("m"))
            reviewed = year - 1 if month <= EARLY_MONTHS else year
            out.append(YearEvidence(reviewed, "report", source, sent.text[:40], sent.start, sent.end,  # type: ignore[arg-type]
                                    WEIGHTS[source]))  # type: ignore[index]
        s = NPC_SESSION_RE.search(line)
        if s:
            term = parse_chinese_integer(s.group("term"))
            if term in NPC_TERM_START:
                delivered = NPC_TERM_START[term] + parse_chinese_integer(s.group("session")) - 1
                out.append(YearEvidence(delivered - 1, "report", "session", s.group(0), sent.start + s.start(),
                                        sent.start + s.end(), WEIGHTS["session"]))
    return out


def _heading_evidence(report: ReportSegment, starts: list[int]) -> list[YearEvidence]:
    """A part heading that names its year: `一、2014年工作回顾` (report), `二、2015年工作总体部署` (plan)."""
    out = []
    for h in report.headings:
        sent = _sentence_at(report, starts, h.start)
        m = HEADING_YEAR_RE.search(h.text)
        if sent is None or m is None or sent.section not in ("result", "plan"):
            continue
        out.append(YearEvidence(int(m.group(1).translate(FULL_WIDTH_DIGITS)), _role(sent), "heading", h.text[:30],
                                h.start + m.start(), h.start + m.end(), WEIGHTS["heading"]))
    return out


def _title_evidence(report: ReportSegment) -> list[YearEvidence]:
    t_report, t_plan, placeholder = title_years(report.title)
    if report.title is None or report.title_start is None or placeholder:
        return []
    # A title whose plan year is not after its report year contradicts itself: it counts, but little.
    trusted = t_report is None or t_plan is None or t_plan > t_report
    weight = WEIGHTS["title" if trusted else "untrusted_title"]
    span = (report.title_start, report.title_start + len(report.title))
    out = []
    if t_report is not None:
        out.append(YearEvidence(t_report, "report", "title", report.title, *span, weight))
    if t_plan is not None:
        out.append(YearEvidence(t_plan, "plan", "title", report.title, *span, weight))
    return out


def _weekday_evidence(text: str, report: ReportSegment, starts: list[int]) -> list[YearEvidence]:
    """`10月14日星期四`: the one year near the others in which that date falls on that weekday."""
    out: list[YearEvidence] = []
    if WEEKDAY_RE.search(text, report.start, report.end) is None:
        return out
    for m in WEEKDAY_DATE_RE.finditer(text, report.start, report.end):
        sent = _sentence_at(report, starts, m.start())
        fits = weekday_years(m.group(0))
        if sent is not None and fits and len(fits) <= 6:
            out.extend(YearEvidence(y, _role(sent), "weekday", m.group(0), m.start(), m.end(),
                                    WEIGHTS["weekday"] / len(fits)) for y in fits)
    return out


def weekday_years(text: str, lo: int = 1990, hi: int = 2035) -> set[int] | None:
    """Years in [lo, hi] in which every `10月14日星期四` of the text falls on its weekday (None: no such date)."""
    import datetime as dt

    years: set[int] | None = None
    for m in WEEKDAY_DATE_RE.finditer(text):
        month, day, weekday = int(m.group("m")), int(m.group("d")), WEEKDAYS[m.group("w")]
        fits = set()
        for y in range(lo, hi + 1):
            try:
                if dt.date(y, month, day).weekday() == weekday:
                    fits.add(y)
            except ValueError:
                continue
        years = fits if years is None else years & fits
    return years


def _reviewed_year_scores(evidence: list[YearEvidence]) -> dict[int, float]:
    """The weight of evidence for each candidate reviewed year (a plan year y speaks for y - 1)."""
    scores: dict[int, float] = {}
    dated: Counter[int] = Counter()
    for e in evidence:
        year = e.year if e.role == "report" else e.year - 1
        weight = e.weight
        if e.source == "dated_sentence":
            weight = min(weight, DATED_SENTENCE_CAP - dated[year])
            dated[year] += weight
        scores[year] = scores.get(year, 0.0) + max(weight, 0.0)
    return scores


def _describe(e: YearEvidence) -> str:
    return f"{e.source} {e.year} ({e.quote[:30]})"


def infer_years(text: str, report: ReportSegment) -> ReportMeta:
    """Report and plan year as a weighed judgement over all the evidence the report gives (WEIGHTS); the
    evidence, the winner and what disagreed are kept in `year_evidence`."""
    t_report, t_plan, placeholder = title_years(report.title)
    starts = [s.start for s in report.sentences]  # for finding the sentence at an offset
    events = _events(text, report, starts)
    evidence = (_title_evidence(report) + _delivery_evidence(report) + _heading_evidence(report, starts)
                + events + _dated_sentences(report, events) + _weekday_evidence(text, report, starts))
    scores = _reviewed_year_scores(evidence)
    report_year: int | None = None
    notes: list[str] = []
    if scores:
        report_year = max(scores, key=lambda y: (scores[y], y == t_report))
        support = [e for e in evidence if (e.year if e.role == "report" else e.year - 1) == report_year]
        notes.append(f"report_year {report_year} (weight {scores[report_year]:g}): "
                     + ", ".join(_describe(e) for e in support[:5]))
    else:
        written = Counter(int(m.group("y")) for s in report.sentences if s.section != "plan" and s.start != report.title_start
                          for m in WRITTEN_YEAR_RE.finditer(s.text))
        if written:
            report_year = written.most_common(1)[0][0]
            notes.append(f"report_year {report_year} from the most written year ({written[report_year]}x)")
    has_plan = any(s.section == "plan" for s in report.sentences)
    plan_year = report_year + 1 if report_year is not None and (has_plan or t_plan is not None) else None
    if plan_year is not None:
        notes.append(f"plan_year {plan_year} = report_year + 1 (" + ("the report has a plan part)" if has_plan
                                                                    else "the title names a plan year)"))
    elif report_year is not None:
        notes.append("no plan_year: the report has no plan part")
    overruled = tuple(e for e in evidence if e.source != "dated_sentence" and e.weight >= WEIGHTS["dated_sentence"]
                      and (e.year if e.role == "report" else e.year - 1) != report_year)
    if overruled:
        notes.append("disagreed: " + ", ".join(_describe(e) for e in overruled[:5]))
    return ReportMeta(
        org_name=find_org(report),
        report_year=report_year,
        plan_year=plan_year,
        year_evidence="; ".join(notes),
        title_report_year=t_report,
        title_plan_year=t_plan,
        title_has_placeholder_year=placeholder,
        evidence=tuple(evidence),
        overruled=overruled,
    )
