"""Split a document's text into reports, headings, paragraphs and sentences, each with its section kind.

Offsets are code-point offsets into the stored text; nothing here changes the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.numbers import parse_chinese_integer
from ingest.patterns import one_of, one_of_then

# A report title: a short line naming a yearly report, not a numbered heading, not a sentence.
TITLE_RE = re.compile(
    r"(工作总结|工作计划|工作报告|政府工作报告|工作要点|预算执行情况|预算草案的报告|决算.{0,6}报告|述职报告"
    r"|统计公报|财政收支情况|经济运行情况|发展统计公报|预算执行.{0,6}分析|运行(?:情况)?分析)"
)
# Titles of releases that report a year's figures and plan nothing (statistical communiqués, fiscal releases).
STATISTICAL_TITLE_RE = re.compile(r"统计公报|收支情况$|运行(?:情况)?(?:分析)?$|统计快报|执行(?:情况)?(?:简要)?分析$")
GREETING_RE = re.compile(r"^\s*各位(代表|理事|委员|领导|同志)[们]?[：:，,]")
# A greeting that opens an address (a colon, not the `各位代表！` that punctuates a speech).
OPENING_GREETING_RE = re.compile(r"^\s*(?:各位(?:代表|理事|委员|领导|同志)[们]?|同志们)[：:]")

# The front matter of an address or release, before its body: the dateline (`——2016年3月5日在…会议上`),
# the speaker, the source and date lines of a portal, and the sentence that announces the report.
DATELINE_RE = re.compile(
    r"^[—–―\-－─━]{1,4}\s*[（(]?\s*[\d０-９一二三四五六七八九〇○零]{4}\s*年.{0,40}?(?:会议|大会|上|日)"
    r"|^[（(]?[\d０-９一二三四五六七八九〇○零]{4}\s*年.{0,12}日\s*在.{0,40}(?:会议|大会)")
METADATA_RE = re.compile(
    r"^(?:来\s*源|时\s*间|发布(?:日期|时间|机构)|信息来源|索\s*引\s*号|主题分类|名\s*称|文\s*号|分享|字\s*[号体]"
    r"|【?字体|作者|编辑|责任编辑|浏览次数|点击数)\s*[：:]?"
    r"|^.{0,60}(?:记者|摄影).{0,20}摄\s*$"  # a photo caption
    r"|^.{0,60}[。！]\s*\S{0,12}记者[\s　]*[\u4e00-\u9fff]{2,4}(?:[\s　、]+[\u4e00-\u9fff]{2,4})*\s*$"  # credited, no 摄
    r"|^\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?(?:\s+来源.*)?$")
# The sentence that announces the report: opening the line (`我代表…`, `受…委托`), or anywhere in it. Two patterns,
# as one with `^` in some alternatives would be tried at every character of every line.
OPENING_SENTENCE_START_RE = re.compile(r"(?:现在，?)?我代表.{0,40}(?:报告|作)|受.{0,20}委托")
OPENING_SENTENCE_ANYWHERE_RE = re.compile(r"现将.{0,80}报告如下|请予审议")
# A body paragraph is prose: a front-matter line is short and has no full stop.
FRONT_LINE_MAX = 40
PROSE_MIN_CHARS = 8

# Paragraphs with a purpose of their own inside the review: thanks and lessons (`other`), and the
# problems paragraph, often without a heading (`我们也清醒看到…困难和挑战`).
# Both are searched through every paragraph of the review: each alternative starts with a literal (their fast
# spelling, ingest/patterns.py), so the engine skips to the places where one can start.
THANKS = one_of(one_of_then(("表示", "致以"), "(?:最|由衷|衷心|诚挚|崇高)?(?:的)?(?:感谢|谢意|敬意)"),
                "衷心(?:的)?感谢", "深刻体会到", "深切体会到")
THANKS_RE = THANKS.compile()
PROBLEM_PARAGRAPH = one_of(
    "清醒(?:地|的)?(?:看到|认识到)", one_of_then(("问题", "风险", "挑战", "困难"), "[^。]{0,6}?(?:也|依然|仍然)不容忽视"),
    "更要看到[^。]{0,20}(?:困难|问题|挑战)", one_of_then(("看到", "肯定"), "成绩的同时"), "新挑战仍然不少",
    one_of_then(("困难", "问题"), "(?:和|与)(?:挑战|不足|风险)[^。]{0,6}(?:主要|突出|表现在)"))
PROBLEM_PARAGRAPH_RE = PROBLEM_PARAGRAPH.compile()
# The closing exhortation (`让我们…而努力奋斗！`) ends the work content; notes after the body are `other`.
# It may open on a sentence or two before 让我们 (`各位代表，新时代是奋斗者的时代！让我们…而不懈奋斗！`).
CLOSING_RE = re.compile(r"^(?:各位代表|同志们|各位委员)?[！!，,]?\s*(?:[^。！!？?]{0,40}[。！!，,]){0,3}?\s*让我们")
NOTE_RE = re.compile(r"^(?:注\s*[：:]|注\s*\d|需要说明的是|[\[［【][①-⑩\d]{1,2}[\]］】]|[①-⑩](?!\S{0,3}[、.])"
                     # a caveat on the figures
                     r"|(?:上述|以上)[^。]{0,40}(?:数据|数字)[^。]{0,40}(?:变动|调整|为准|快报))")
APPENDIX_RE = re.compile(r"^附\s*件\s*\d?\s*$")
APPENDIX_LINE_RE = re.compile(r"^附\s*(?:件|录|表)\s*\d*\s*(?:[：:]|$)")
# A block of notes or definitions closes the body (`注：`, `附：名词解释`, `四、名词解释`).
NOTES_BLOCK_RE = re.compile(
    r"^(?:\S{1,3}[、.．]\s*|附[：:]?\s*)?(?:(?:注|注释|注解|附注)\s*[：:]?\s*$|(?:相关|有关|主要)?名词解释)")

CN_ORD = "一二三四五六七八九十"
# Enumerators that open a heading or a list item, by level style.
ENUMERATOR_RES: list[tuple[str, re.Pattern[str]]] = [
    ("cn", re.compile(rf"^[{CN_ORD}]{{1,3}}[、.．]")),
    ("paren_cn", re.compile(rf"^[（(][{CN_ORD}]{{1,3}}[）)]")),
    ("arabic", re.compile(r"^\d{1,2}(?:[.．](?!\d)|[、])")),
    ("paren_arabic", re.compile(r"^[（(]\d{1,2}[）)]")),
    ("circled", re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩]")),
    ("dash", re.compile(r"^——")),
]
# All the styles in one anchored alternation, tried in list order as the loop over them was: one regex call
# per line instead of up to six (every line of every report is tested, paragraphs twice).
ENUMERATOR_RE = re.compile(
    "^(?:" + "|".join(f"(?P<{style}>{rx.pattern.removeprefix('^')})" for style, rx in ENUMERATOR_RES) + ")")
ORDINAL_WORD_RE = re.compile(rf"^(?:[（(])?([{CN_ORD}]{{1,3}}|\d{{1,2}})")

# Section kinds named by a heading (searched in the heading's first characters).
HEADING_KIND_RES: list[tuple[str, re.Pattern[str]]] = [
    ("problem", re.compile(r"存在的?(?:主要)?问题|问题[和与及](?:不足|挑战)|不足之处|困难[和与]问题|主要问题|差距[和与]不足"
                           r"|不足[和与]差距|短板|薄弱环节")),
    ("plan", re.compile(r"工作计划|工作思路|工作打算|工作安排|工作要点|工作设想|下一步|明年|今后|新的一年|预期目标"
                        r"|目标任务|主要任务|工作任务|工作重点|重点工作|总体要求|总体部署|预算草案|预算安排|工作的建议"
                        r"|政策取向|主要目标|重点任务|工作目标|主要措施")),
    ("result", re.compile(r"成效|成绩|回顾|主要工作|工作举措|完成情况|工作总结|主要做法|进展|执行情况|工作情况"
                          r"|成果|亮点|决算|成就|开展情况|落实情况")),
]
# Plan wording strong enough to turn a results part into the plan from a sub-heading; the weaker words
# (重点工作, 主要任务…) also title results (`（一）重点工作推进有力` under `一、2022年工作成效`).
PLAN_SUBHEADING_RE = re.compile(r"工作计划|工作思路|工作打算|工作安排|工作设想|下一步|明年|新的一年|预期目标|\d{4}年工作要点")
# A paragraph that states the coming year's overall idea right before a (re)numbered plan list.
PLAN_INTRO_RE = re.compile(r"总体思路|工作思路|总体要求|指导思想|主要预期目标|预期目标是|工作安排")
# Wording that opens a plan part whose heading was lost (checked at the start of a paragraph).
PLAN_OPENING_RE = re.compile(
    r"^(?:[\dXx]{2,4}年|明年|新的一年|下一步|今后|今年(?!以来))[^。]{0,12}?(?:工作安排|工作计划|工作思路|工作打算|工作重点|主要预期目标|的工作|要重点|将)"
    r"|^(?:下一步|新的一年|明年)"
)
PROBLEM_OPENING_RE = re.compile(
    r"(?:但|同时|然而|还|也)[^。]{0,40}?(?:存在[^。]{0,12}(?:问题|不足|差距)|问题和不足|不足之处)")
SENTENCE_END_RE = re.compile(r"[。！？；!?;]")


@dataclass(slots=True)  # ~160 per report: slots make them faster to build and to read
class Sentence:
    start: int
    end: int
    text: str
    section: str
    paragraph: int
    heading_path: str = ""  # the headings above the sentence, outermost first: `一、… > （二）… > 3.…`


@dataclass
class Heading:
    start: int
    end: int
    text: str
    style: str
    ordinal: str
    kind: str | None


@dataclass
class ReportSegment:
    seq: int
    start: int
    end: int
    title: str | None
    title_start: int | None
    sentences: list[Sentence] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)


def iter_lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, line) for every line, end excluding the newline."""
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past leading/trailing whitespace (incl. the full-width space); (end, end) when it
    is all whitespace. `str.strip` drops exactly the characters `isspace` names, in C."""
    if start < end and not text[start].isspace() and not text[end - 1].isspace():
        return start, end  # most spans: nothing to strip, no copy
    piece = text[start:end]
    left = piece.lstrip()
    if not left:
        return end, end
    start += len(piece) - len(left)
    return start, start + len(left.rstrip())


def _compact(line: str) -> str:
    """The line without any whitespace: `政 府 工 作 报 告` reads as the title it is."""
    return "".join(line.split())


def announces_report(line: str) -> bool:
    """Whether the line holds the sentence announcing the report (`现在，我代表国务院，向大会报告政府工作`)."""
    return bool(OPENING_SENTENCE_START_RE.match(line) or OPENING_SENTENCE_ANYWHERE_RE.search(line))


# A portal's navigation trail (`首页>政府信息公开>…>统计公报`): it names the page's section, not the document.
BREADCRUMB_RE = re.compile(r"[>›»＞]|^(?:首页|当前位置|您的位置|您现在的位置)")


def is_title_line(line: str, next_line: str) -> bool:
    if "。" in line:  # a sentence, as most lines are: tested before compacting the line (which keeps every 。)
        return False
    s = _compact(line)
    if not s or len(s) > 60 or heading_style(s) is not None or BREADCRUMB_RE.search(s):
        return False
    if TITLE_RE.search(s) and not s.endswith(("：", ":", "，")):
        return True
    return bool(GREETING_RE.match(next_line)) and len(s) <= 40 and ("报告" in s or "总结" in s)


def is_front_matter(line: str) -> bool:
    """A line of a report's front matter (dateline, speaker, source, date, chrome): short, no full stop."""
    s = line.strip()
    return (bool(DATELINE_RE.match(s) or METADATA_RE.match(s))
            or (len(s) <= FRONT_LINE_MAX and "。" not in s and not announces_report(s)))


def is_prose(line: str) -> bool:
    """A line of body text: a sentence, not chrome, a title or a heading."""
    s = line.strip()
    return "。" in s and len(s) >= PROSE_MIN_CHARS and not announces_report(s) and not METADATA_RE.match(s)


def heading_style(line: str) -> str | None:
    m = ENUMERATOR_RE.match(line)
    return m.lastgroup if m else None


# A problem word that is the object of a remedy (`全力补短板强基础`, `补齐民生短板`, `着力解决突出问题`): the heading
# names an action, not the difficulties.
REMEDIED_PROBLEM_RE = re.compile(
    r"(?:补|补齐|补上|补强|弥补|破解|解决|化解|克服|补足)[^，。、；]{0,8}?(?:短板|薄弱环节|问题|不足|差距|困难)")


def heading_kind(text: str) -> str | None:
    """The section a heading names. A heading's head noun comes last (`2023年工作目标完成情况` is a result,
    `“十三五”发展成就和“十四五”主要目标任务` a plan), so the last cue wins; problems win over plans in a
    heading naming both (`存在的问题和下一步打算` opens on the problems)."""
    head = REMEDIED_PROBLEM_RE.sub("", text[:24])
    found = {kind: max(m.end() for m in rx.finditer(head)) for kind, rx in HEADING_KIND_RES if rx.search(head)}
    if not found:
        return None
    if "problem" in found:
        return "problem"
    return max(found, key=lambda kind: found[kind])


def _is_heading_line(line: str) -> bool:
    """A numbered line that is a heading rather than a numbered paragraph: short or ends without a stop."""
    body = line.strip()
    first_stop = SENTENCE_END_RE.search(body)
    return len(body) <= 40 and (first_stop is None or first_stop.end() >= len(body) - 1)


# A title naming only the plan part of a summary (`2024年工作计划`) heads that part, not a new report.
PART_TITLE_RE = re.compile(r"^(?:[\dXx]{2,4}年(?:度)?)?(?:工作)?(?:计划|安排|要点|打算|思路|设想)$")
# How many non-blank lines after a title may hold the cues that open a new document.
OPENING_CUE_LINES = 8


def _what_follows(lines: list[tuple[int, int, str]], i: int) -> str | None:
    """What the next few lines after a title hold: `cue` (a dateline, source line, greeting or announcing
    sentence: a new document opens), `prose` (body text, no cue before it) or None (a list of links, chrome)."""
    seen = 0
    for _s, _e, ln in lines[i + 1:]:
        body = ln.strip()
        if not body:
            continue
        if (DATELINE_RE.match(body) or METADATA_RE.match(body) or OPENING_GREETING_RE.match(body)
                or announces_report(body)):
            return "cue"
        if is_prose(body):
            return "prose"
        seen += 1
        if seen >= OPENING_CUE_LINES:
            return None
    return None


def find_report_starts(text: str) -> list[tuple[int, str | None, int | None]]:
    """Start offset, title and title offset of every report in the file (the first starts at 0).

    A new report is a new document: a title line (or an opening greeting) after the current report has
    body text. Title lines inside the title block (a title repeated or broken over lines, the dateline,
    the speaker, portal chrome) never start one; nor does a title the current report already bears, or a
    part title (`2024年工作计划`) or a title in the appendices, unless the cues of a new document (dateline,
    greeting, source) follow it; another title starts one only where body text follows it.
    """
    lines = iter_lines(text)
    # The next non-blank line after each line, in one backward pass (a forward search per line was
    # quadratic on files of many lines).
    next_non_blank = [""] * len(lines)
    following = ""
    for i in range(len(lines) - 1, -1, -1):
        next_non_blank[i] = following
        if lines[i][2].strip():
            following = lines[i][2]
    starts: list[tuple[int, str | None, int | None]] = []
    has_body = False  # the current report has prose: a title now starts the next one
    current_title = ""
    in_appendix = False  # after `附件`: titles there head the report's appendices
    for i, (s, e, ln) in enumerate(lines):
        if not ln.strip():
            continue
        if is_title_line(ln, next_non_blank[i]):
            ts, te = strip_span(text, s, e)
            title = text[ts:te]
            compact = _compact(title)
            if not starts:
                starts.append((0, title, ts))
                current_title = compact
            elif not has_body:
                if starts[-1][1] is None:  # chrome before the first title: the title is still the report's
                    starts[-1] = (starts[-1][0], title, ts)
                    current_title = compact
            else:
                follows = _what_follows(lines, i)
                in_appendix = in_appendix or bool(APPENDIX_LINE_RE.match(compact))
                known = compact == current_title or bool(PART_TITLE_RE.match(compact)) or compact in current_title
                # A running header, a part title or an appendix's title needs the cues of a new document; another
                # title needs body text after it at least (a list of related articles' titles has none).
                if follows == "cue" or (follows == "prose" and not known and not in_appendix):
                    starts.append((s, title, ts))
                    current_title, has_body, in_appendix = compact, False, False
            continue
        if has_body and OPENING_GREETING_RE.match(ln) and starts and next_non_blank[i]:
            starts.append((_front_start(lines, i), None, None))
            current_title, has_body = "", False
            continue
        if not starts:
            starts.append((0, None, None))
        if is_prose(ln):
            has_body = True
        elif has_body and APPENDIX_LINE_RE.match(ln.strip()):
            in_appendix = True
    return starts or [(0, None, None)]


def _front_start(lines: list[tuple[int, int, str]], i: int) -> int:
    """Where a report opened by the greeting on line i starts: at the front matter right above it."""
    j = i
    while j > 0:
        body = lines[j - 1][2].strip()
        if body and not (DATELINE_RE.match(body) or METADATA_RE.match(body)):
            break
        j -= 1
    while j < i and not lines[j][2].strip():
        j += 1
    return lines[j][0]


def segment_report(text: str, seq: int, start: int, end: int, title: str | None,
                   title_start: int | None) -> ReportSegment:
    """Sentences and headings of one report, each sentence with its section kind.

    The report reads as front matter (title block, dateline, speaker, source lines, greeting and the
    sentence announcing the report: `other`), then the body, whose sections follow the heading tree with
    wording as a fallback, then the closing exhortation and what follows it (`other`, but an appendix of
    next year's targets is `plan`).
    """
    seg = ReportSegment(seq=seq, start=start, end=end, title=title, title_start=title_start)
    state = _SectionState(statistical=bool(title and STATISTICAL_TITLE_RE.search(_compact(title))))
    for ls, le, _line in iter_lines(text[start:end]):
        s, e = strip_span(text, ls + start, le + start)
        if s >= e:
            continue
        body = text[s:e]
        style = heading_style(body)
        heading = _as_heading(body, s, e, style)
        if state.front and ((title_start is not None and s == title_start) or _is_front_line(body, heading)
                            or _repeats_title(body, title)):
            if state.delivered_year is None and DATELINE_RE.match(body):
                state.delivered_year = _heading_year(body)
            seg.sentences.extend(Sentence(a, b, text[a:b], "other", state.paragraph, "")
                                 for a, b in bounded_spans(text, s, e))
            continue
        state.front = False
        if FILE_LINE_RE.search(body):
            state.closed = True
            seg.sentences.append(Sentence(s, e, body, "other", state.paragraph, ""))
            state.paragraph += 1
            continue
        if heading is not None:
            _enter_heading(state, heading, seg)
            seg.headings.append(heading)
            _push_heading(state, heading)
            path = _path(state)
            seg.sentences.extend(Sentence(a, b, text[a:b], state.section, state.paragraph, path)
                                 for a, b in bounded_spans(text, s, e))
        else:
            section = _enter_paragraph(state, body, seg, style)
            path = _path(state)
            seg.sentences.extend(Sentence(ss, se, text[ss:se], section, state.paragraph, path)
                                 for ss, se in split_sentences(text, s, e))
        state.paragraph += 1
    _close_on_address(seg)
    return seg


ADDRESS_RE = re.compile(r"^(?:各位代表|同志们|各位委员)[，,！!]")


# An address on a line of its own (`主任、各位副主任、秘书长、各位委员：`): in the body, it opens the closing words.
ADDRESS_LINE_RE = re.compile(r"^(?:主任、)?(?:各位副主任、)?(?:秘书长、)?(?:各位委员|各位代表|同志们)\s*[：:！!，,]?$")
# How many paragraphs from the end a lone address may stand to open the closing words; how many sentences a
# last paragraph opening on the address may hold to be the closing words without ending on `！`.
CLOSING_PARAGRAPHS = 3
CLOSING_SENTENCES = 4
# A line naming an attached file (`2025年预算公开目录.doc`): the attachments after the body.
FILE_LINE_RE = re.compile(r"\.(?:xlsx?|docx?|pdf|zip|rar|wps|et)\s*$", re.IGNORECASE)


def _close_on_address(seg: ReportSegment) -> None:
    """The last paragraph of the body, when it addresses the delegates and ends on an exclamation (`各位代表，
    2020年财政改革发展任务艰巨…做出新贡献！`), is the closing words even without 让我们; so is what follows a
    lone address line among the last paragraphs (a standing committee's `主任、…各位委员：`)."""
    body = [s for s in seg.sentences if s.section != "other"]
    if not body:
        return
    last_paragraph = body[-1].paragraph
    lone = next((s.paragraph for s in body if s.paragraph > last_paragraph - CLOSING_PARAGRAPHS
                 and ADDRESS_LINE_RE.match(s.text.strip())), None)
    if lone is not None:
        for sent in seg.sentences:
            if sent.paragraph >= lone:
                sent.section = "other"
        return
    last = [s for s in seg.sentences if s.paragraph == body[-1].paragraph]
    if ADDRESS_RE.match(last[0].text) and (last[-1].text.rstrip().endswith(("！", "!"))
                                           or len(last) <= CLOSING_SENTENCES):
        for sent in last:
            sent.section = "other"


def _repeats_title(body: str, title: str | None) -> bool:
    """A line of the title set again in the front matter, often broken over lines (`关于三门峡市2019年财政预算执行情况`
    / `和2020年财政预算（草案）的报告`): no heading of the body."""
    line = _compact(body)
    return bool(title) and len(line) >= 6 and line in _compact(title)  # type: ignore[arg-type]


def _is_front_line(body: str, heading: Heading | None) -> bool:
    """Still in the front matter: a short line that is no section heading, a greeting, or the sentence that
    announces the report (`现在，我代表国务院，向大会报告政府工作`)."""
    if DATELINE_RE.match(body):
        return True
    if heading is not None and (heading.kind is not None or heading.style != "plain"):
        return False
    return bool(GREETING_RE.match(body) or announces_report(body[:80]) or is_front_matter(body))


@dataclass
class _SectionState:
    statistical: bool = False  # a statistical or fiscal release: it reviews a year and plans nothing
    front: bool = True  # still in the front matter
    section: str = "result"
    paragraph: int = 0  # body paragraphs and headings seen
    top_style: str | None = None
    last_ordinal: dict[str, int] = field(default_factory=dict)
    closed: bool = False  # after the closing exhortation or the notes
    review_year: int | None = None  # the year a results heading names (`一、2014年工作回顾`)
    planned_year: int | None = None  # the year a plan heading names (`二、2015年工作总体部署`)
    delivered_year: int | None = None  # the year of the dateline (`——2026年1月…在…会议上`): the year planned
    appendix: bool = False  # an appendix after the closing words begins on the next line
    style_rank: dict[str, int] = field(default_factory=dict)  # heading styles in order of first use = depth
    stack: list[Heading] = field(default_factory=list)  # the open headings, outermost first
    # The last heading names the achievements as well as the targets (`二、“十三五”时期发展成就和“十四五”时期主要
    # 目标任务`): a paragraph under it that reviews the years past is a result.
    heading_names_review: bool = False


def _ordinal_number(ordinal: str) -> int:
    if ordinal.isdigit():
        return int(ordinal)
    try:
        return parse_chinese_integer(ordinal)
    except ValueError:
        return 0


# The enumerator before a heading's words (`一、`, `（二）`, `3.`).
ENUMERATOR_TEXT_RE = re.compile(r"^\S{0,4}?[、.．）)]")


def _as_heading(body: str, s: int, e: int, style: str | None) -> Heading | None:
    """The line as a heading (`style` is its enumerator style, `heading_style(body)`), or None."""
    if style is not None and _is_heading_line(body):
        m = ORDINAL_WORD_RE.match(body)
        ordinal = m.group(1) if m and style != "dash" else ""
        text = ENUMERATOR_TEXT_RE.sub("", body)
        return Heading(s, e, body, style, ordinal, heading_kind(text))
    if style is None and len(body) <= 24 and not SENTENCE_END_RE.search(body):
        kind = heading_kind(body)
        if kind is not None:
            return Heading(s, e, body, "plain", "", kind)
    return None


def _push_heading(state: _SectionState, h: Heading) -> None:
    """Headings form a tree: a style first used later sits deeper; a heading closes those at or below it."""
    rank = state.style_rank.setdefault(h.style, len(state.style_rank))
    while state.stack and state.style_rank[state.stack[-1].style] >= rank:
        state.stack.pop()
    state.stack.append(h)


def _path(state: _SectionState) -> str:
    return " > ".join(h.text[:40] for h in state.stack)


def _track_numbering(state: _SectionState, style: str, ordinal: str) -> bool:
    """Record an enumerator; True when the top-level numbering restarts at one after reaching two or more."""
    if state.top_style is None and style not in ("plain", "dash"):
        state.top_style = style
    number = _ordinal_number(ordinal) if ordinal else 0
    restarted = number == 1 and state.last_ordinal.get(style, 0) >= 2 and style == state.top_style
    if number:
        state.last_ordinal[style] = number
    if style == state.top_style:  # a new top-level item resets the numbering below it
        state.last_ordinal = {k: v for k, v in state.last_ordinal.items() if k == style}
    return restarted


RESULT_HEADING_RE = dict(HEADING_KIND_RES)["result"]


def _enter_heading(state: _SectionState, h: Heading, seg: ReportSegment) -> None:
    restarted = _track_numbering(state, h.style, h.ordinal)
    state.heading_names_review = h.kind == "plan" and RESULT_HEADING_RE.search(h.text[:24]) is not None
    if NOTES_BLOCK_RE.match(h.text):
        state.closed = True
    if state.closed:
        state.section = "other"
        return
    if state.statistical:
        state.section = "result"
        return
    year = _heading_year(h.text)
    if h.kind == "result" and _names_the_year_ahead(state, h.text, year):
        h.kind = "plan"  # `三、2026年主要工作`, `今年主要工作`: the work of the year planned, not a review
    if h.kind == "result" and year is not None and state.review_year is None:
        state.review_year = year
    if h.kind == "plan" and year is not None:
        state.planned_year = year
    if h.kind is not None and (h.style in (state.top_style, "plain") or h.kind != "result"):
        if not _weak_plan_subheading(state, h):
            state.section = h.kind
    elif (h.kind is None and h.style in (state.top_style, "plain") and year is not None
          and state.review_year is not None and year > state.review_year):
        state.section = "plan"  # a part named after the year after the one reviewed (`二、１９５６年的国家预算`)
    elif restarted and state.section in ("result", "problem"):
        state.section = "plan"  # numbering restarts after the results: the plan's heading was lost
        _relabel_plan_intro(seg)
    elif state.section == "other":
        state.section = "result"


HEADING_YEAR_RE = re.compile(r"((?:19|20|１９|２０)[\d０-９]{2})\s*年")
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


# A heading that names the coming year by word (`今年主要工作`, `明年重点工作`), after its enumerator.
YEAR_AHEAD_WORD_RE = re.compile(r"^(?:\S{0,4}?[、.．）)])?\s*(?:今年(?!以来|上半年|前)|明年|新的一年|来年)")
# A part of the year so far (`2025年上半年工作`, `今年以来`): reviewed in a mid-year report, not planned.
PART_OF_YEAR_RE = re.compile(r"上半年|前三季度|一季度|以来|1[-—~至]\d{1,2}月")


def _names_the_year_ahead(state: _SectionState, text: str, year: int | None) -> bool:
    """A results-worded heading about the year after the one reviewed, or about the year the report is delivered
    in when no heading named the year reviewed (a speech in January reviews the year before)."""
    if PART_OF_YEAR_RE.search(text[:24]):
        return False
    if YEAR_AHEAD_WORD_RE.match(text):
        return True
    if year is None:
        return False
    if state.review_year is not None:
        return year > state.review_year
    return state.delivered_year is not None and year >= state.delivered_year


def _heading_year(text: str) -> int | None:
    m = HEADING_YEAR_RE.search(text)
    return int(m.group(1).translate(FULL_WIDTH_DIGITS)) if m else None


def _weak_plan_subheading(state: _SectionState, h: Heading) -> bool:
    """A sub-heading inside the results whose plan wording is ambiguous keeps the results section."""
    return (h.kind == "plan" and state.section == "result" and h.style not in (state.top_style, "plain")
            and not PLAN_SUBHEADING_RE.search(h.text))


def _relabel_plan_intro(seg: ReportSegment) -> None:
    """The paragraph right before a restarted list that states the coming year's idea belongs to the plan."""
    if not seg.sentences:
        return
    last_par = seg.sentences[-1].paragraph
    par = [s for s in seg.sentences if s.paragraph == last_par]
    if any(PLAN_INTRO_RE.search(s.text) for s in par):
        for s in par:
            s.section = "plan"


def _enter_paragraph(state: _SectionState, body: str, seg: ReportSegment, style: str | None) -> str:
    """Move the section state on for a body paragraph; the paragraph's own section (a thanks paragraph or a
    note is `other` without changing the section around it)."""
    restarted = False
    if style is not None:  # a numbered paragraph counts in the numbering like a heading
        m = ORDINAL_WORD_RE.match(body)
        restarted = _track_numbering(state, style, m.group(1) if m and style != "dash" else "")
    if not state.closed and state.paragraph > 3 and APPENDIX_LINE_RE.match(body):
        state.closed = True  # `附件：1.…预算草案.pdf`: the list of attachments ends the body
    if state.closed:
        if APPENDIX_RE.match(body):
            state.closed, state.appendix, state.section = False, True, "other"
        return "other"
    if state.appendix:  # the appendix's first line says what it holds: next year's list, or notes
        state.appendix = False
        year = _heading_year(body)
        ahead = year is not None and (
            (state.review_year is not None and year > state.review_year)
            or (state.planned_year is not None and year >= state.planned_year))
        state.section = "plan" if ahead or heading_kind(body) == "plan" else "other"
        return state.section
    if NOTES_BLOCK_RE.match(body):
        state.closed = True
        return "other"
    if NOTE_RE.match(body):
        return "other"
    if state.statistical:
        return "result"
    if state.paragraph > 3 and CLOSING_RE.match(body):
        state.closed = True
        return "other"
    if state.section == "plan" and state.heading_names_review and REVIEW_RESUMES_RE.match(body):
        return "result"  # `过去五年，我国经济社会发展取得新的历史性成就…` under a heading naming both
    if state.section == "plan" and PROGRESS_SO_FAR_RE.search(body[:PROGRESS_OPENING_CHARS]):
        return "result"  # `在交通运输业方面，今年１——５月份铁道货运量…`: the plan year's outcome so far
    if restarted and state.section in ("result", "problem"):
        state.section = "plan"
        _relabel_plan_intro(seg)
    elif PLAN_OPENING_RE.search(body) and state.section != "plan":
        state.section = "plan"
    elif state.section in ("result", "problem") and THANKS_RE.search(body):
        return "other"
    elif state.section == "result" and (PROBLEM_PARAGRAPH_RE.search(body)
                                        or PROBLEM_OPENING_RE.search(REMEDIED_PROBLEM_RE.sub("", body[:300]))):
        state.section = "problem"
    elif state.section == "problem" and _resumes_review(state, body):
        state.section = "result"
    elif state.section == "other":
        state.section = "result"
    return state.section


# A paragraph in the plan part that opens on what the plan year has brought so far (`今年１——５月份`, `本年1至4月`,
# `到５月份为止`): an outcome, not a target. Only its opening is read: a plan paragraph may cite such a figure later.
PROGRESS_SO_FAR_RE = re.compile(
    r"(?:今年|本年)\s*[1１一]\s*(?:—|－|-|~|～|至|到)+\s*[\d０-９一二三四五六七八九十]{1,2}\s*月|到[\d０-９]{1,2}月份?为止"
    r"|^截至\s*(?:今年|本年|[\d０-９]{4}\s*年)\s*[\d０-９]{1,2}\s*月")
PROGRESS_OPENING_CHARS = 40

# A paragraph that opens on the reviewed year or the five years just past takes the review up again after
# a problems paragraph (`2015年是“十二五”收官之年。过去五年…`).
REVIEW_RESUMES_RE = re.compile(r"^(?:过去五年|五年来|这五年|回顾过去五年)")


def _resumes_review(state: _SectionState, body: str) -> bool:
    year = _heading_year(body[:6])
    return bool(REVIEW_RESUMES_RE.match(body)) or (year is not None and year == state.review_year
                                                     and body[4:6].translate(FULL_WIDTH_DIGITS) in ("年是", "年，"))


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of a paragraph, each ending after its stop mark (none longer than MAX_SENTENCE_CHARS)."""
    stops = [m.end() for m in SENTENCE_END_RE.finditer(text, start, end)]
    if not stops or stops[-1] < end:
        stops.append(end)  # the paragraph's end closes a sentence without a stop mark
    spans = []
    pos = start
    for stop in stops:
        a, b = strip_span(text, pos, stop)
        pos = stop
        if b - a > MAX_SENTENCE_CHARS:
            spans.extend(bounded_spans(text, a, b))
        elif a < b:
            spans.append((a, b))  # every real sentence: bounded already
    return spans


# Every mention row quotes its sentence, so a "sentence" with no stop mark in it (a flattened table of
# thousands of numbers) would be copied once per number into the lake: memory and disk quadratic in its
# length (docs/BENCHMARKS.md, "Documents of any shape"). Real sentences are under 500 characters; a longer run
# is cut after its last clause mark before this length, or at this length when it has none.
MAX_SENTENCE_CHARS = 1000
CLAUSE_MARK_RE = re.compile(r"[，,、：:）)]")


def bounded_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) as pieces of at most MAX_SENTENCE_CHARS, cut after a clause mark where there is one."""
    if end - start <= MAX_SENTENCE_CHARS:
        return [(start, end)]  # every real sentence
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = limit
        for m in CLAUSE_MARK_RE.finditer(text, start + MAX_SENTENCE_CHARS // 2, limit):
            cut = m.end()
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def segment_document(text: str) -> list[ReportSegment]:
    starts = find_report_starts(text)
    reports = []
    for i, (start, title, title_start) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        reports.append(segment_report(text, i + 1, start, end, title, title_start))
    return reports
