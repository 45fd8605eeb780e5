"""Data-quality findings that extraction sees directly in the text, and the registry of every check."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ingest.extract import Mention
from ingest.metadata import WRITTEN_YEAR, ReportMeta
from ingest.numbers import CLASSIFIERS, UNITS, parse_chinese_integer
from ingest.patterns import capture, repeated
from ingest.segment import ReportSegment


@dataclass(frozen=True)
class Check:
    name: str
    severity: str  # error | warning | info
    stage: str  # extract | gx
    description: str


# Every check the pipeline runs: its stable name (a finding's check_name), severity, where it is found (the
# text at ingest, or a GX suite) and the message a finding carries when its suite writes none. The README's
# Checks table describes the same checks with an example each.
CHECKS: dict[str, Check] = {c.name: c for c in [
    Check("total_mismatch", "error", "gx", "a stated total whose parts do not add up to it"),
    Check("subset_exceeds_total", "error", "gx", "a part (其中…) larger than its whole"),
    Check("plan_year_not_after_report_year", "warning", "gx", "the plan year is not after the report year"),
    Check("year_contradicts_text", "warning", "extract", "the title's year disagrees with dated events in the text"),
    Check("placeholder_year", "warning", "extract", "a year written as a placeholder"),
    Check("placeholder_number", "error", "extract", "a placeholder where a number should be"),
    Check("redacted_name", "info", "extract", "a name redacted with asterisks"),
    Check("enumeration_gap", "info", "extract", "list numbering skips or repeats"),
    Check("spaced_out_text", "warning", "extract",
          "lines whose characters are separated by spaces (a PDF's text layer), read with the spaces removed"),
    Check("repeated_metric_disagrees", "warning", "extract",
          "one report gives the same subject and period two different values"),
    Check("growth_rate_inconsistent", "warning", "gx", "a growth rate that does not match the two levels it relates"),
    Check("plan_target_without_actual", "info", "gx",
          "a plan target with no matching actual in the next year's report of the same organisation"),
    Check("plan_attainment_out_of_range", "warning", "gx",
          "attainment outside the range of the dbt vars attainment_min_ratio and attainment_max_ratio"),
    Check("unit_implausible_for_subject", "warning", "gx", "a unit that cannot belong to the subject"),
    Check("share_over_100", "error", "gx", "a share or rate above 100%"),
    Check("negative_count", "error", "gx", "a negative count of things or people"),
    Check("text_cut_off", "warning", "extract",
          "the file ends inside a character (a truncated copy): the text before the cut was read"),
    Check("span_mismatch", "error", "gx", "a metric's span does not hold its number text in the stored text"),
]}

PLACEHOLDER_UNIT_ALT = "|".join(re.escape(u) for u in sorted(list(UNITS) + CLASSIFIERS, key=len, reverse=True))
PLACEHOLDER_NUMBER_RE = re.compile(rf"(?<![A-Za-z])[Xx×＊]{{2,4}}(?P<q>[余多])?(?:万|亿)?(?:{PLACEHOLDER_UNIT_ALT})")
PLACEHOLDER_YEAR_RE = re.compile(r"(?<![A-Za-z])[Xx]{2,4}(?:年|届)")
REDACTED_RE = re.compile(r"[*＊]{2,}(?=[\u4e00-\u9fff])")
PAREN_ENUM_RE = re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)]")
SHI_ENUM = capture(repeated("[一二三四五六七八九十]", 1, 2)) + "是"
SHI_ENUM_RE = SHI_ENUM.compile()


@dataclass(frozen=True)
class Finding:
    check_name: str
    report_seq: int
    char_start: int
    char_end: int
    message: str
    evidence: str  # the source sentence

    @property
    def severity(self) -> str:
        return CHECKS[self.check_name].severity


def _sentence_of(report: ReportSegment, pos: int) -> str:
    for s in report.sentences:
        if s.start <= pos < s.end:
            return s.text
    return ""


# Every placeholder or redaction holds one of these: sentences without any skip the three scans below.
_PLACEHOLDER_CHARS_RE = re.compile(r"[Xx×＊*]")


def placeholder_findings(text: str, report: ReportSegment) -> list[Finding]:
    out: list[Finding] = []
    if _PLACEHOLDER_CHARS_RE.search(text, report.start, report.end) is None:
        return out  # most reports: one scan of the report instead of one per sentence
    for s in report.sentences:
        if not _PLACEHOLDER_CHARS_RE.search(s.text):
            continue
        for m in PLACEHOLDER_NUMBER_RE.finditer(s.text):
            if PLACEHOLDER_YEAR_RE.match(s.text, m.start()):
                continue
            start = s.start + m.start()
            out.append(Finding("placeholder_number", report.seq, start, s.start + m.end(),
                               f"placeholder {m.group(0)!r} where a number should be", s.text))
        for m in PLACEHOLDER_YEAR_RE.finditer(s.text):
            out.append(Finding("placeholder_year", report.seq, s.start + m.start(), s.start + m.end(),
                               f"year written as placeholder {m.group(0)!r}", s.text))
        for m in REDACTED_RE.finditer(s.text):
            out.append(Finding("redacted_name", report.seq, s.start + m.start(), s.start + m.end() + 1,
                               f"redacted name {s.text[m.start():m.end() + 2]!r}", s.text))
    return out


def enumeration_findings(report: ReportSegment) -> list[Finding]:
    """`（四）` twice in a row of headings, or `一是` followed by `三是` in one paragraph."""
    out = []
    previous: int | None = None
    for h in report.headings:
        m = PAREN_ENUM_RE.match(h.text)
        if not m:
            continue
        n = parse_chinese_integer(m.group(1))
        if previous is not None and n != 1 and n != previous + 1:
            out.append(Finding("enumeration_gap", report.seq, h.start, h.end,
                               f"heading （{m.group(1)}） follows （{_cn(previous)}）", h.text))
        previous = n
    paragraphs: dict[int, list] = defaultdict(list)
    for s in report.sentences:
        paragraphs[s.paragraph].append(s)
    # A list whose items each open a paragraph (`一是…` and `二是…` two lines above `三是…`) continues from the
    # last item of the paragraph before: a paragraph's first item may follow it.
    carried = 0
    for sents in paragraphs.values():
        last = 0
        for s in sents:
            if "是" not in s.text:
                continue  # no enumerator, so nothing to compare (`last` only changes at one)
            for m in SHI_ENUM_RE.finditer(s.text):
                if m.start() > 0 and s.text[m.start() - 1] not in "，。；：、 \u3000":
                    continue
                n = parse_chinese_integer(m.group(1))
                if not last and carried and n > 2:
                    last = carried  # a paragraph opening past 二是 goes on with the list above it
                if last and n not in (last + 1, 1) or (not last and n > 2):
                    out.append(Finding("enumeration_gap", report.seq, s.start + m.start(), s.start + m.end(),
                                       f"{m.group(0)} follows {_cn(last) + '是' if last else 'no 一是'}", s.text))
                last = n
        if last:
            carried = last
    return out


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n - 10] if n > 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


# A written year in a sentence: before 年 or another word.
WRITTEN_YEAR_BEFORE_WORD = WRITTEN_YEAR + r"(?=年|[\u4e00-\u9fff])"
WRITTEN_YEAR_RE = WRITTEN_YEAR_BEFORE_WORD.compile()


# Evidence in which a document dates itself; a year judged without any of it rests on events alone, and the
# years written in the text are then suspect.
SELF_DATING_SOURCES = ("title", "dateline", "session", "heading", "publication_date")
# A year named as a target or a deadline (`到2035年`, `2025年前`) or the end of a range looks forward, not back.
FORWARD_YEAR_RE = re.compile(r"(?:到|至|于|迈向|展望|力争|确保|争取|预计|[-—～~－])\s*$")
FORWARD_AFTER_RE = re.compile(r"^年?(?:前|底前|以前|之前|左右)")


def year_findings(report: ReportSegment, meta: ReportMeta) -> list[Finding]:
    """Years the report's own evidence overrules: a title, a year stated for an event that happened in another
    year (`2023年是建党一百周年`), and, where only events date the report, years written after its plan year."""
    out = []
    if report.title is not None and report.title_start is not None:
        span = (report.title_start, report.title_start + len(report.title))
        if meta.title_report_year and meta.report_year and meta.title_report_year != meta.report_year:
            out.append(Finding("year_contradicts_text", report.seq, *span,
                               f"title says {meta.title_report_year}, the text dates the report to {meta.report_year} "
                               f"({meta.year_evidence.split(';')[0]})", report.title))
    for e in meta.evidence:
        if e.source != "stated_event":
            continue
        sentence = _sentence_of(report, e.char_start)
        m = WRITTEN_YEAR_RE.match(sentence.lstrip())
        if m and int(m.group(0)) != e.year:
            out.append(Finding("year_contradicts_text", report.seq, e.char_start, e.char_end,
                               f"{m.group(0)} written for {e.quote}, which is {e.year}", sentence))
        elif e in meta.overruled:
            said = meta.report_year if e.role == "report" else meta.plan_year
            out.append(Finding("year_contradicts_text", report.seq, e.char_start, e.char_end,
                               f"the text says {e.quote} ({e.year}) happens in the {e.role} year, "
                               f"judged {said} ({meta.year_evidence.split(';')[0]})", sentence))
    self_dated = any(e.source in SELF_DATING_SOURCES and e.weight >= 1 and e not in meta.overruled
                     for e in meta.evidence)
    if self_dated or meta.plan_year is None:
        return out
    for s in report.sentences:
        if s.start == report.title_start or s.section == "plan":
            continue
        for m in WRITTEN_YEAR_RE.finditer(s.text):
            year = int(m.group(0))
            if (year > meta.plan_year and not FORWARD_YEAR_RE.search(s.text[max(0, m.start() - 3):m.start()])
                    and not FORWARD_AFTER_RE.match(s.text[m.end() - 1:])):
                out.append(Finding("year_contradicts_text", report.seq, s.start + m.start(), s.start + m.end(),
                                   f"{year} written in a report whose dated events put it in {meta.report_year}",
                                   s.text))
    return out


def _near(a: Mention, b: Mention) -> bool:
    """Do two values agree within their approximation (`492.4万` and `492万余` do; 643 and 634 do not)?"""
    lo, hi = (b, a) if b.value < a.value else (a, b)  # what sorted() by value gives, without its call
    if lo.value == hi.value:
        return True
    if lo.approx in ("more_than", "at_least", "about", "nearly") or hi.approx in ("nearly", "about", "at_most"):
        return hi.value <= lo.value * 1.1 + 1e-9
    return abs(hi.value - lo.value) <= 1e-6 * max(1.0, abs(hi.value))


ACTOR_RE = re.compile(r"[\u4e00-\u9fff]{1,6}?(?:省|市|县|区|州|乡|镇|村|分会|老科协|科协|协会|学会|局)")


def _actor(sentence: str, seen: dict[str, str | None]) -> str | None:
    """The first place or body the sentence names, looked up once per sentence (`seen` holds the answers)."""
    if sentence not in seen:
        m = ACTOR_RE.search(sentence)
        seen[sentence] = m.group(0) if m else None
    return seen[sentence]


def _same_actor(a: Mention, b: Mention, seen: dict[str, str | None]) -> bool:
    """Both sentences speak of the same place or body (or neither names one)."""
    ta, tb = _actor(a.sentence, seen), _actor(b.sentence, seen)
    return ta is None or tb is None or ta == tb


# The level of government or area a figure is for (`全市` and `市级` in one budget report are two totals).
SCOPE_RE = re.compile(r"全国|中央|全省|省级|省本级|省直|全市|市级|市本级|市直|全县|县级|县本级|全区|区级|区本级|本级|乡镇")


def _scopes(m: Mention) -> set[str]:
    """The scopes the mention's innermost heading naming one, and its sentence, speak of."""
    heading = next((h for h in reversed(m.heading_path.split(" > ")) if SCOPE_RE.search(h)), "")
    return set(SCOPE_RE.findall(heading)) | set(SCOPE_RE.findall(m.sentence))


def _same_scope(a: Mention, b: Mention) -> bool:
    """The same scope, and the same part of the report: in a budget report each part (一般公共预算, 政府性基金,
    社会保险基金…) repeats the same items (`支出预算调整为…`, `当年收支结余…`) for another fund."""
    sa, sb = _scopes(a), _scopes(b)
    part_a = a.heading_path.split(" > ")[:2] if a.heading_path else []
    part_b = b.heading_path.split(" > ")[:2] if b.heading_path else []
    shorter = min(len(part_a), len(part_b))
    return (not sa or not sb or bool(sa & sb)) and part_a[:shorter] == part_b[:shorter]


def repeated_metric_findings(mentions: list[Mention]) -> list[Finding]:
    """The same subject, period, unit and kind given two different values in one report."""
    groups: dict[tuple, list[Mention]] = defaultdict(list)
    for m in mentions:
        if len(m.subject) >= 4 and m.kind in ("level", "cumulative") and m.section == "result":
            groups[(m.report_seq, m.subject, m.period, m.unit, m.classifier, m.kind)].append(m)
    out = []
    actors: dict[str, str | None] = {}  # a report's sentences are compared many times over
    for ms in groups.values():
        a = ms[0]
        for b in ms[1:]:
            if b.sentence_start == a.sentence_start:
                continue  # one sentence giving a subject two values states a change (`从16.3万亿元增加到27.4万亿元`)
            if not _near(a, b) and _same_actor(a, b, actors) and _same_scope(a, b):
                out.append(Finding("repeated_metric_disagrees", b.report_seq, b.char_start, b.char_end,
                                   f"{b.subject}: {b.number_text} here, {a.number_text} earlier", b.sentence))
    return out
