"""Findings seen in the text itself: list numbering and values repeated within a report."""

from __future__ import annotations

from ingest.document import parse_text


def _findings(text: str, check: str) -> list[str]:
    return [f.message for f in parse_text(text).findings if f.check_name == check]


def test_a_list_whose_items_open_paragraphs_has_no_gap() -> None:
    text = ("区财政局2025年预算执行情况的报告\n一、2025年预算执行情况\n2026年预算编制突出四个重点方面：\n\n"
            "一是加强财政资金资源统筹。\n\n二是推进零基预算改革。\n\n三是保障经济社会高质量发展。\n\n四是筑牢风险防线。\n")
    assert _findings(text, "enumeration_gap") == []


def test_a_skipped_item_is_still_a_gap() -> None:
    across = ("区财政局2025年预算执行情况的报告\n一、2025年预算执行情况\n一是加强统筹。\n\n二是推进改革。\n\n四是筑牢防线。\n")
    assert _findings(across, "enumeration_gap") == ["四是 follows 二是"]
    within = "区财政局2025年工作总结\n一、工作成效\n全年工作：一是加强统筹，三是推进改革。\n"
    assert _findings(within, "enumeration_gap") == ["三是 follows 一是"]


def test_a_change_within_one_sentence_is_no_repeated_value() -> None:
    text = ("区政府2025年工作报告\n一、工作回顾\n制造业贷款余额从16.3万亿元增加到27.4万亿元。\n"
            "普惠小微贷款余额从8.2万亿元增加到23.8万亿元。\n")
    assert _findings(text, "repeated_metric_disagrees") == []
