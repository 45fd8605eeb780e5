"""A report's organisation, report year and plan year, each with the evidence it came from."""

from __future__ import annotations

import bisect
import csv
import re

# Private, but stable on the pinned Python 3.11: a pattern's parse tree (typeshed has no stubs for them).
import re._constants as sre_constants  # type: ignore[import-not-found]
import re._parser as sre_parse  # type: ignore[import-not-found]
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ingest.numbers import parse_chinese_integer
from ingest.segment import ReportSegment

ORG_SUFFIX = (
    r"(?:人民政府|政府|科学技术协会|科协|老科协|科技创新局|局|委员会|办公室|协会|学会|联合会|研究会|促进会|中心|厅|委|办|院|所|站|馆)"
)
ORG_RE = re.compile(rf"[\u4e00-\u9fff*＊]{{1,16}}?{ORG_SUFFIX}(?:（[^）]{{1,20}}）|\([^)]{{1,20}}\))?")
# Phrases that put the organisation right after them: `我代表市人民政府`, `报告2023年老科协的工作`.
ORG_ANCHORS = [
    re.compile(rf"代表(?P<org>[\u4e00-\u9fff*]{{1,16}}?{ORG_SUFFIX})"),
    re.compile(rf"报告(?:[\dXx]{{2,4}}年(?:度)?)?(?P<org>[\u4e00-\u9fff*]{{1,16}}?{ORG_SUFFIX})的?工作"),
]
CLAUSE_LEAD_RE = re.compile(r"^(?:一年来|过去的?一年(?:里|来|中)?|在过去的一年里|[\dXx]{2,4}年(?:以来|来|中|里)?|今年以来|近年来|全年)[，,]?")
NOT_ORG_START = ("在", "按照", "根据", "围绕", "坚持", "受", "经", "由", "对", "为", "我", "以", "向")

TITLE_YEAR_RE = re.compile(r"(?P<y>\d{4}|[Xx]{2,4})年(?:度)?")
TITLE_REPORT_RE = re.compile(r"(?P<y>\d{4}|[Xx]{2,4})年(?:度)?(?:上半年)?(?:工作总结|工作报告|工作回顾|述职|预算执行情况|决算)")
TITLE_PLAN_RE = re.compile(r"(?P<y>\d{4}|[Xx]{2,4})年(?:度)?(?:工作计划|工作安排|工作要点|工作打算|工作思路|预算草案|预算(?!执行))")
GOV_TITLE_RE = re.compile(r"(?P<y>\d{4})年.{0,10}政府工作报告|政府工作报告")
WEEKDAY_DATE_RE = re.compile(r"(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?:[（(]?)(?:星期|周|礼拜)(?P<w>[一二三四五六日天])")
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
DATED_SENTENCE_RE = re.compile(r"(?:^|[。！；\n])\s*(?P<y>(?:19|20)\d{2})年(?:，|是|以来|来)")
DATED_SENTENCE_START_RE = re.compile(r"\s*(?P<y>(?:19|20)\d{2})年(?:是|，)")  # `2023年是…`, `2023年，…`
WRITTEN_YEAR_RE = re.compile(r"(?P<y>(?:19|20)\d{2})(?<![\d第]\d{4})年(?!代)")  # not after a digit or 第


@dataclass(frozen=True)
class DatedEvent:
    pattern: re.Pattern[str]
    year: int | None
    ordinal_base: int | None
    note: str
    # Literals one of which every match contains (None: no such literal): a report holding none of them
    # cannot match, and `str.find` says so far faster than a regex pass (most reports name no event at all).
    guards: tuple[str, ...] | None = None

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


def _longest_literal_run(items: list[tuple[object, object]]) -> str:
    best = run = ""
    for op, arg in items:
        run = run + chr(arg) if op is sre_constants.LITERAL else ""  # type: ignore[arg-type]
        best = max(best, run, key=len)
    return best


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Literals one of which every match of `pattern` contains: the longest run of plain characters of its
    top-level sequence, or one such run per alternative of a top-level `A|B`; None where an alternative has
    none (or the pattern ignores case)."""
    if pattern.flags & re.IGNORECASE:
        return None
    items = list(sre_parse.parse(pattern.pattern, pattern.flags))
    if len(items) == 1 and items[0][0] is sre_constants.BRANCH:
        runs = tuple(_longest_literal_run(list(alternative)) for alternative in items[0][1][1])  # type: ignore[index]
        return runs if all(runs) else None
    run = _longest_literal_run(items)
    return (run,) if run else None


@dataclass(frozen=True)
class YearEvidence:
    year: int
    role: str  # report | plan
    source: str  # title | event | dated_sentence | written_years
    quote: str
    char_start: int
    char_end: int


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


def find_org(text: str, report: ReportSegment) -> str | None:
    """The organisation, from the first sentences (`区科技创新局（区科学技术协会）严格按照…`) or the title."""
    body = [s for s in report.sentences if s.start != report.title_start][:6]
    for sent in body:
        for rx in ORG_ANCHORS:
            m = rx.search(sent.text)
            if m:
                return m.group("org")
    for sent in body:
        for clause in re.split(r"[，,。；：]", sent.text):
            clause = CLAUSE_LEAD_RE.sub("", clause.strip())
            if not clause or clause.startswith(NOT_ORG_START):
                continue
            m = ORG_RE.match(clause)
            if m and len(m.group(0)) >= 2:
                return m.group(0)
    if report.title:
        m = re.match(rf"^(?P<org>.{{1,20}}?{ORG_SUFFIX})", re.sub(r"^关于", "", report.title))
        if m:
            return m.group("org")
    return None


def _sentence_at(report: ReportSegment, starts: list[int], pos: int):  # type: ignore[no-untyped-def]
    i = bisect.bisect_right(starts, pos) - 1
    return report.sentences[i] if i >= 0 else None


def _events(text: str, report: ReportSegment) -> list[YearEvidence]:
    """Dated events anywhere in the report (one pass per event over the report's text)."""
    out = []
    starts = [s.start for s in report.sentences]
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
            role = "plan" if sent.section == "plan" else "report"
            out.append(YearEvidence(year, role, "event", m.group(0), m.start(), m.end()))
    out.sort(key=lambda e: e.char_start)
    return out


def _dated_sentences(report: ReportSegment) -> list[YearEvidence]:
    out = []
    for sent in report.sentences:
        if sent.start == report.title_start:
            continue
        m = DATED_SENTENCE_START_RE.match(sent.text)
        if m:
            role = "plan" if sent.section == "plan" else "report"
            out.append(YearEvidence(int(m.group("y")), role, "dated_sentence", sent.text[:30],
                                    sent.start + m.start("y"), sent.start + m.end()))
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


def _vote(evidence: list[YearEvidence], role: str) -> int | None:
    years = Counter(e.year for e in evidence if e.role == role)
    if not years:
        return None
    return years.most_common(1)[0][0]


def infer_years(text: str, report: ReportSegment) -> ReportMeta:
    """Report and plan year: dated events beat dated sentences, which beat the title; the rest is inferred."""
    t_report, t_plan, placeholder = title_years(report.title)
    events = _events(text, report)
    dated = _dated_sentences(report)
    report_year = plan_year = None
    sources: list[str] = []
    for evidence, name in ((events, "event"), (dated, "dated_sentence")):
        r, p = _vote(evidence, "report"), _vote(evidence, "plan")
        if report_year is None and r is not None:
            report_year = r
            sources.append(f"report_year from {name}: " + next(e.quote for e in evidence if e.role == "report" and e.year == r))
        if plan_year is None and p is not None:
            plan_year = p
            sources.append(f"plan_year from {name}: " + next(e.quote for e in evidence if e.role == "plan" and e.year == p))
    title_credible = (report_year is None or t_report in (None, report_year)) and (
        plan_year is None or t_plan in (None, plan_year))
    if not title_credible:
        sources.append(f"title not credible: {report.title}")
    elif report_year is None and t_report is not None and (plan_year is None or t_report < plan_year):
        report_year = t_report
        sources.append(f"report_year from title: {report.title}")
    if title_credible and plan_year is None and t_plan is not None and (report_year is None or t_plan > report_year):
        plan_year = t_plan
        sources.append(f"plan_year from title: {report.title}")
    if report_year is None:
        body = "\n".join(s.text for s in report.sentences if s.section != "plan")
        fits = weekday_years(body)
        near = sorted(y for y in (fits or ()) if t_report is None or abs(y - t_report) <= 6)
        if len(near) == 1:
            report_year = near[0]
            sources.append(f"report_year from weekday and date (only {near[0]} fits)")
    if report_year is None:
        written = Counter(int(m.group("y")) for s in report.sentences if s.section != "plan" and s.start != report.title_start
                          for m in WRITTEN_YEAR_RE.finditer(s.text))
        if written:
            report_year = written.most_common(1)[0][0]
            sources.append(f"report_year from the most written year ({written[report_year]}×)")
    if report_year is None and plan_year is not None:
        report_year = plan_year - 1
        sources.append("report_year = plan_year - 1")
    if plan_year is None and report_year is not None:
        plan_year = report_year + 1
        sources.append("plan_year = report_year + 1")
    return ReportMeta(
        org_name=find_org(text, report),
        report_year=report_year,
        plan_year=plan_year,
        year_evidence="; ".join(sources),
        title_report_year=t_report,
        title_plan_year=t_plan,
        title_has_placeholder_year=placeholder,
        evidence=tuple(events + dated),
    )
