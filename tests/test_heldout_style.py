"""Reports in the styles the project is judged on (government work report, budget report), written and
labelled for this project: they ingest without errors and the labelled mentions come out right."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from ingest.document import parse_text
from ingest.limits import Limits
from ingest.readers import read_document
from ingest.segment import find_report_starts

HELDOUT = Path(__file__).parent / "data" / "heldout"
LABELS = json.loads((HELDOUT / "labels.json").read_text(encoding="utf-8"))


def _parsed(name: str):
    data = (HELDOUT / name).read_bytes()
    return parse_text(read_document(data, name, Limits()).text)


@pytest.mark.parametrize("name", sorted(LABELS))
def test_report_metadata(name: str) -> None:
    parsed = _parsed(name)
    assert len(parsed.reports) == 1
    _seg, meta = parsed.reports[0]
    want = LABELS[name]["report"]
    assert (meta.report_year, meta.plan_year) == (want["report_year"], want["plan_year"])
    if want["org_name"]:
        assert meta.org_name == want["org_name"]


@pytest.mark.parametrize(("name", "label"), [(n, m) for n in sorted(LABELS) for m in LABELS[n]["mentions"]],
                         ids=lambda v: v[0] if isinstance(v, list) else v)
def test_labelled_mentions(name: str, label: list) -> None:
    number_text, value, unit, approx, kind, section, is_plan = label
    found = [m for m in _parsed(name).mentions if m.number_text == number_text]
    assert found, f"{number_text} not found"
    m = found[0]
    assert math.isclose(m.value, value, rel_tol=1e-9)
    assert (m.unit, m.approx, m.kind, m.section, m.is_plan_target) == (unit, approx, kind, section, is_plan)


@pytest.mark.parametrize("name", sorted(LABELS))
def test_not_metrics_and_relations(name: str) -> None:
    parsed = _parsed(name)
    texts = {m.number_text for m in parsed.mentions}
    assert not texts & set(LABELS[name]["not_metrics"])
    got = {(parsed.mentions[r.total_index].number_text, r.relation, r.status) for r in parsed.relations}
    for total, relation, status in LABELS[name]["relations"]:
        assert (total, relation, status) in got, got


def test_a_title_is_recognised_by_the_greeting_on_the_next_non_blank_line() -> None:
    # A short line with 报告 is a title only when the next non-blank line addresses an audience; blank lines
    # between them do not matter, the greeting must be the *next* non-blank line.
    text = ("前言部分，新增企业5家。\n关于全县经济运行情况的报告\n\n\n各位代表：\n今年新增企业12家。\n"
            "关于报告的说明\n\n今年新增项目3个。\n各位代表：\n")
    starts = find_report_starts(text)
    assert [title for _, title, _ in starts] == [None, "关于全县经济运行情况的报告"]
    assert text[starts[1][0]:].startswith("关于全县经济运行情况的报告")


@pytest.mark.parametrize("opening", ["", "各位代表：", "一、"])
def test_a_sentence_without_stop_marks_is_quoted_in_bounded_pieces(opening: str) -> None:
    # A flattened table is one "sentence" of thousands of numbers; each mention quotes its sentence, so an
    # unbounded one would be copied once per number (quadratic in the line's length).
    from ingest.segment import MAX_SENTENCE_CHARS
    line = opening + "".join(f"新增企业{i}家、" for i in range(3000)) + "。"
    parsed = parse_text("前言。\n" + line)
    sentences = {(m.sentence_start, m.sentence) for m in parsed.mentions}
    assert len(parsed.mentions) == 3000
    assert max(len(s) for _, s in sentences) <= MAX_SENTENCE_CHARS < len(line) // 10
    pieces = sorted(sentences)
    assert "".join(s for _, s in pieces) == line  # contiguous: nothing lost or repeated
    assert all(s.endswith("、") for _, s in pieces[:-1])  # cut after a clause mark, not inside a number
    for m in parsed.mentions:
        assert m.sentence[m.char_start - m.sentence_start:m.char_end - m.sentence_start] == m.number_text
