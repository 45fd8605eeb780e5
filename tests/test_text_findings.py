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


def test_the_same_item_of_another_scope_or_fund_is_no_repeated_value() -> None:
    text = ("南江市2019年预算执行情况的报告\n一、2019年预算执行情况\n（一）全市一般公共预算\n全市税收收入完成100.2亿元。\n"
            "（二）市级一般公共预算\n市级税收收入完成20.6亿元。\n（三）政府性基金预算\n当年收支结余13.1亿元。\n"
            "（四）社会保险基金预算\n当年收支结余4.9亿元。\n")
    assert _findings(text, "repeated_metric_disagrees") == []
    same = ("南江市2019年预算执行情况的报告\n一、2019年预算执行情况\n（一）全市一般公共预算\n全市税收收入完成100.2亿元。\n"
            "1.收入情况\n全市税收收入完成20.6亿元。\n")
    assert len(_findings(same, "repeated_metric_disagrees")) == 1


SPACED = ("区财政局2025年预算执行情况的报告\n一、2025年预算执行情况\n"
          "全 年 一 般 公 共 预 算 收 入 1 2 3 . 4  亿  元 ，同  比  增  长  5 . 2 % 。\n"
          "政府性基金收入12亿元。\n"
          "收 入 1 2 3    4 5 6 万 元\n")


def test_spaced_out_text_is_read_with_spans_into_the_stored_text() -> None:
    parsed = parse_text(SPACED)
    got = [(m.number_text, m.value, m.unit, m.kind, m.subject) for m in parsed.mentions]
    assert got[:3] == [
        ("1 2 3 . 4  亿  元", 12_340_000_000.0, "CNY", "level", "一般公共预算收入"),
        ("5 . 2 %", 5.2, "percent", "growth_rate", "一般公共预算收入"),
        ("12亿元", 1_200_000_000.0, "CNY", "level", "政府性基金收入"),
    ]
    assert got[3][:2] == ("4 5 6 万 元", 4_560_000.0)  # a wide gap between digits separates two numbers
    for m in parsed.mentions:
        assert SPACED[m.char_start:m.char_end] == m.number_text
        assert SPACED[m.sentence_start:m.sentence_start + len(m.sentence)] == m.sentence
    (seg, _meta), = parsed.reports
    assert (seg.start, seg.end) == (0, len(SPACED))


def test_spaced_out_text_is_a_finding_and_plain_text_is_not() -> None:
    findings = [f for f in parse_text(SPACED).findings if f.check_name == "spaced_out_text"]
    assert [f.message.split(" ", 1)[0] for f in findings] == ["2"]
    first_line = SPACED.splitlines()[2]
    assert SPACED[findings[0].char_start:findings[0].char_end] == first_line
    plain = SPACED.replace(" ", "")
    assert not [f for f in parse_text(plain).findings if f.check_name == "spaced_out_text"]


def test_a_letter_spaced_title_is_read_compacted_without_a_finding() -> None:
    text = "政 府 工 作 报 告\n一、2025年工作回顾\n全年一般公共预算收入12亿元。\n"
    parsed = parse_text(text)
    assert [f.check_name for f in parsed.findings if f.check_name == "spaced_out_text"] == []
    assert [m.number_text for m in parsed.mentions] == ["12亿元"]
