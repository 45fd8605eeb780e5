"""The Chinese number grammar: a table of sentences, a property test and a fuzz test."""

from __future__ import annotations

import math
from dataclasses import FrozenInstanceError
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.document import parse_text
from ingest.numbers import Quantity, parse_chinese_integer, parse_quantity, to_matching_text

TABLE = Path(__file__).parent / "data" / "number_grammar.tsv"


def _cases() -> list[tuple[str, str, float, str, str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        sentence, number_text, value, unit, approx, kind = line.split("\t")
        rows.append((sentence, number_text, float(value), unit, approx, kind))
    return rows


@pytest.mark.parametrize(("sentence", "number_text", "value", "unit", "approx", "kind"), _cases(),
                         ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None)
def test_sentence_yields_mention(sentence: str, number_text: str, value: float, unit: str, approx: str,
                                 kind: str) -> None:
    text = "一、工作成效\n" + sentence
    parsed = parse_text(text)
    found = [m for m in parsed.mentions if m.number_text == number_text]
    assert found, f"{number_text!r} not extracted from {sentence!r}: {[m.number_text for m in parsed.mentions]}"
    m = found[0]
    assert math.isclose(m.value, value, rel_tol=1e-9), (m.value, value)
    assert (m.unit, m.approx, m.kind) == (unit, approx, kind)
    assert text[m.char_start:m.char_end] == number_text


@pytest.mark.parametrize(("text", "not_metric"), [
    ("2023年全市经济运行稳中向好。", "2023年"),
    ("12月30日举行了开园仪式。", "12"),
    ("1-11月，产值增长5%。", "1-11"),
    ("高标准开展“十四五”规划编制。", "十四五"),
    ("成立5G产业技术联盟。", "5"),
    ("新增6家“党建引领1+6”服务站。", "1"),
    ("根据迪科发〔XX〕17号文件精神。", "17"),
    ("一是加强组织领导，二是强化服务。", "一"),
    ("认真学习党的十九届五中全会精神。", "十九届"),
    ("这是全国老科协参与的第一颗科普卫星。", "第一"),
    ("全年一般公共预算收入5525亿元[10]。", "10"),
    ("坚持“四个面向”，服务“三农”。", "四个"),
    ("在深入推进“七个一”工程中。", "七个"),
    ("一年来，区科技局严格按照部署开展工作。", "一年"),
    ("腾出的资金千方百计惠企裕民。", "千方"),
    ("中柬泰三方抚仙会晤顺利举行。", "三方"),
    ("特别是亿万人民克服多重困难。", "万人"),
    ("国内生产总值五年年均增长5.2%。", "五年"),
    ("过去五年，我们砥砺前行。", "五年"),
    ("市场主体总量是十年前的3倍。", "十年"),
    ("严格落实中央八项规定精神。", "八项"),
    ("更好统筹国内国际两个大局。", "两个"),
    ("企业研发投入保持两位数增长。", "两位"),
    ("2026年预算编制突出四个重点方面。", "四个"),
    ("全面清理盘活六类国有资源。", "六类"),
    ("推动四本预算与政府债务关键指标的动态平衡。", "四本"),
    ("云岭大地的每一处变化。", "一处"),
    ("完善一对夫妇可生育两个孩子政策。", "一对"),
    ("认真贯彻区委十四届五次全委扩大会议精神。", "五次"),
    ("加快推进万达广场二期工程建设。", "二期"),
    ("抓住新一轮科技革命和产业变革机遇。", "一轮"),
    ("推行政务服务一站式办理。", "一站"),
    ("汽车零部件产业产值增长12%。", "零部"),
    ("三次产业结构调整为5:40:55。", "三次"),
    ("深化“高效办成一件事”改革。", "一件"),
    ("坚定发展信心，一张蓝图干到底。", "一张"),
    ("开启一幅现代化城市新图景。", "一幅"),
    ("更好利用国内国际两个市场两种资源。", "两个"),
    ("更好利用国内国际两个市场两种资源。", "两种"),
    ("开工纳雍至六盘水铁路。", "六盘"),
    ("支持西江千户苗寨创建5A级景区。", "千户"),
    ("守护好万家灯火。", "万家"),
    ("我国60岁以上人口已达2.5亿。", "60岁以上"),
    ("控制婴儿和5岁以下儿童死亡率。", "5岁以下"),
])
def test_not_a_metric(text: str, not_metric: str) -> None:
    parsed = parse_text("一、工作成效\n" + text)
    assert not_metric not in {m.number_text for m in parsed.mentions}


def test_a_footnote_mark_is_no_word_of_a_subject() -> None:
    parsed = parse_text("一、工作成效\n四大主导产业［2］占GDP比重提高约14个百分点。\n")
    assert [m.subject for m in parsed.mentions] == ["四大主导产业占GDP比重"]


def test_sessions_of_a_training_course_and_flights_stay_counts() -> None:
    parsed = parse_text("一、工作成效\n举办培训班3期。旅客吞吐量233万人次，其中口岸出入境航班297架次。\n")
    assert {"3期", "297架次"} <= {m.number_text for m in parsed.mentions}
    assert parsed.relations == []  # flights are no part of a count of passengers


def test_full_width_forms_keep_offsets() -> None:
    text = "产值达到１２３．４５亿元，增长６．７％。"
    assert len(to_matching_text(text)) == len(text)
    parsed = parse_text(text)
    by_text = {m.number_text: m for m in parsed.mentions}
    assert by_text["１２３．４５亿元"].value == pytest.approx(12_345_000_000)
    assert by_text["６．７％"].kind == "growth_rate"


def _to_chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n == 0:
        return "零"

    def below_10000(x: int) -> str:
        out, zero = "", False
        for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = x // value % 10
            if d:
                if zero:
                    out += "零"
                out += digits[d] + unit
                zero = False
            elif out:
                zero = True
        return out

    parts = []
    for value, unit in ((100_000_000, "亿"), (10_000, "万"), (1, "")):
        group = n // value % 10_000 if value < 100_000_000 else n // value
        if group:
            prefix = "零" if parts and group < 1000 else ""
            parts.append(prefix + below_10000(group) + unit)
        elif parts and value == 1 and n % 10_000:
            parts.append("零")
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=99_999_999_999))
def test_any_integer_in_chinese_numerals_parses_back(n: int) -> None:
    assert parse_chinese_integer(_to_chinese(n)) == n


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789.%％，、。；一二三四五六七八九十百千万亿余多近约超以上左右元人家个年月日第其中共计新增累计 \n（）()—-XX**")),
               max_size=80))
def test_random_text_never_raises(text: str) -> None:
    parsed = parse_text(text)
    for m in parsed.mentions:
        assert text[m.char_start:m.char_end] == m.number_text
        assert math.isfinite(m.value)


@settings(max_examples=500, deadline=None)
@given(st.decimals(min_value=0, max_value=10**12, places=4, allow_nan=False),
       st.sampled_from(["万", "亿", "万亿", "千万", "百万", "十万"]))
def test_a_multiplied_value_is_the_exact_product_rounded_once(number: Decimal, multiplier: str) -> None:
    # The grammar multiplies by shifting the exponent, not in binary floating point: 68.9亿 must be
    # 6890000000 exactly, as the decimal product is, not 6889999999.999999.
    text = format(number, "f")
    exponent = {"万": 4, "亿": 8, "万亿": 12, "千万": 7, "百万": 6, "十万": 5}[multiplier]
    quantity = parse_quantity(f"{text}{multiplier}元")
    assert quantity is not None
    assert quantity.value == float(number.scaleb(exponent))


def test_written_decimals_times_a_multiplier_are_exact() -> None:
    assert parse_quantity("68.9亿元").value == 6_890_000_000.0
    assert parse_quantity("0.07万人").value == 700.0
    assert parse_quantity("三千五百万元").value == 35_000_000.0
    assert parse_quantity("1,234.5万元").value == 12_345_000.0


def test_parse_quantity_rejects_non_quantities() -> None:
    assert parse_quantity("工作") is None
    assert parse_quantity("5271.46亿元").value == pytest.approx(527_146_000_000)


@pytest.mark.parametrize(("text", "status"), [
    ("全年举办活动0场，其中讲座0场、培训0场。", "consistent"),  # zeros: no division by the written number
    ("产值306.85亿元，其中工业300亿元、服务业6.85亿元。", "consistent"),
    ("产值305.98亿元，其中工业300亿元、服务业6.85亿元。", "mismatch"),  # 0.87亿元 over: beyond the 0.505亿元 of rounding
    ("举办活动１００场，其中讲座５０场、培训５０场。", "consistent"),
])
def test_total_status_within_rounding(text: str, status: str) -> None:
    parsed = parse_text("一、工作成效\n" + text)
    assert [r.status for r in parsed.relations] == [status]


@pytest.mark.parametrize(("text", "subjects"), [
    ("一二三产增加值分别增长3.5%、6%、5%左右。", ["一产增加值", "二产增加值", "三产增加值"]),
    ("城镇和农村居民人均可支配收入分别增长5.1%、6.3%。", ["城镇居民人均可支配收入", "农村居民人均可支配收入"]),
    ("举办20场展会、29场“宝安发布”和49场配套活动。", ["展会", "宝安发布", "配套活动"]),
    ("气象教育等11个部门36名科技工作者参加。", ["部门", "科技工作者"]),
    ("县科协对25个专业技术协会进行指导。", ["专业技术协会"]),
    # a population without a unit word is named by the people it counts, not by the last sentence's subject
    ("城镇新增就业1314万人，年末城镇登记失业率4.02%。13亿多人口的发展中大国。", ["城镇新增就业", "年末城镇登记失业率", "人口"]),
    ("脱贫攻坚取得胜利，近1亿农村贫困人口实现脱贫。", ["农村贫困人口"]),
    ("国内生产总值增加到121万亿元，五年年均增长5.2%。", ["国内生产总值", "国内生产总值"]),
])
def test_subjects_of_lists_pairings_and_numbers_before_their_noun(text: str, subjects: list[str]) -> None:
    assert [m.subject for m in parse_text("一、工作成效\n" + text).mentions] == subjects


@pytest.mark.parametrize(("text", "subjects"), [
    # from … to …: the name is before 从/由, the second number shares it
    ("高速公路里程从13.6万公里增加到17.7万公里。", ["高速公路里程", "高速公路里程"]),
    ("关税总水平由9.8%降至7.4%，报销比例从50%提升至60%。", ["关税总水平", "关税总水平", "报销比例", "报销比例"]),
    ("优良天数比例达86.5%、上升4个百分点，居全国第1位。", ["优良天数比例", "优良天数比例", "优良天数比例"]),
    ("本外币贷款余额首次突破5万亿元，较上年可比增长6%。", ["本外币贷款余额", "本外币贷款余额"]),
    # a verb ending the phrase names what is counted after the number
    ("新设152个跨境电商综试区，布局建设76个国家区域医疗中心。", ["跨境电商综试区", "国家区域医疗中心"]),
    ("举办了为期五天的兰展。", ["兰展"]),
    # words that open the phrase without naming the metric
    ("加上上年结转7010万元，主要是东楚集团5880万元。", ["上年结转", "东楚集团"]),
    ("3. 教育支出30亿元，我市实现进出口总额1.4万亿元。", ["教育支出", "进出口总额"]),
    ("2024-2025年共退出平台23家。", ["退出平台"]),
    # a name before a bracketed aside
    ("应偿还到期政府债务本息（含外债）19.51亿元，增长90.7%。", ["应偿还到期政府债务本息", "应偿还到期政府债务本息"]),
    # a clause joined by 并 is no noun after the number; 居民 is a noun
    ("进出口总额增长8.6%，突破40万亿元并连续多年居世界首位。", ["进出口总额", "进出口总额"]),
    ("完成了55万平方米旧有平房征收，5000余户居民的住房条件得到改善。", ["旧有平房征收", "居民"]),
    # a date or per-head base before the number, and 年均/每年, are no words of the name
    ("常住人口城镇化率从2020年的53.2%提升至2025年的57.7%。", ["常住人口城镇化率", "常住人口城镇化率"]),
    ("规上工业增加值年均增长7%，粮食综合生产能力每年提高1%。", ["规上工业增加值", "粮食综合生产能力"]),
    ("城乡居民医保财政补助由每人每年380元提高到420元。", ["城乡居民医保财政补助", "城乡居民医保财政补助"]),
    # the base a change is measured from is no word of the name
    ("实有企业较“十三五”期末增长36.2%，死亡人数比2020年下降58.3%。", ["实有企业", "死亡人数"]),
    ("税收收入完成500亿元，比上年决算数增长8%。", ["税收收入", "税收收入"]),
])
def test_subjects_around_verbs_brackets_and_from_to(text: str, subjects: list[str]) -> None:
    assert [m.subject for m in parse_text("一、工作成效\n" + text).mentions] == subjects


@pytest.mark.parametrize(("text", "relations"), [
    ("一般公共预算支出100亿元（含上级补助20亿元），其中教育支出50亿元、卫生支出30亿元、社保支出20亿元。",
     [("100亿元", ["50亿元", "30亿元", "20亿元"], "consistent")]),
    ("全年举办活动100场，其中讲座60场（其中线上讲座20场、线下讲座40场）、培训40场。",
     [("100场", ["60场", "40场"], "consistent"), ("60场", ["20场", "40场"], "consistent")]),
    ("全年举办活动100场，其中讲座60场（其中线上讲座20场、线下讲座30场）、培训40场。",
     [("100场", ["60场", "40场"], "consistent"), ("60场", ["20场", "30场"], "mismatch")]),
])
def test_inclusion_notes_and_nested_breakdowns(text: str, relations: list) -> None:
    p = parse_text("一、工作成效\n" + text)
    got = [(p.mentions[r.total_index].number_text, [p.mentions[i].number_text for i in r.part_indexes], r.status)
           for r in p.relations]
    assert got == relations


def test_headings_form_a_tree_over_every_style() -> None:
    text = ("区科技局2024年工作总结\n2024年，区科技局开展工作。\n一、工作成效\n（一）企业培育\n1.国高企业\n新增国高企业30家。\n"
            "2.科技型企业\n新增科技型企业40家。\n（二）研发投入\n研发投入达到5亿元。\n——重点项目\n实施项目12项。\n"
            "二、明年计划\n力争新增国高企业50家。")
    got = [(m.number_text, m.heading_path, m.section) for m in parse_text(text).mentions]
    assert got == [
        ("30家", "一、工作成效 > （一）企业培育 > 1.国高企业", "result"),
        ("40家", "一、工作成效 > （一）企业培育 > 2.科技型企业", "result"),
        ("5亿元", "一、工作成效 > （二）研发投入", "result"),
        ("12项", "一、工作成效 > （二）研发投入 > ——重点项目", "result"),
        ("50家", "二、明年计划", "plan"),
    ]


@pytest.mark.parametrize(("subheading", "section"), [
    ("（一）重点工作推进有力", "result"),  # 重点工作 also titles results: the enclosing 成效 part wins
    ("（二）主要任务完成情况", "result"),
    ("（三）2025年工作计划", "plan"),  # unambiguous plan wording still opens the plan
])
def test_sub_headings_with_ambiguous_plan_words_stay_in_the_results(subheading: str, section: str) -> None:
    text = f"区科技局2024年工作总结\n2024年，区科技局开展工作。\n一、2024年工作成效\n{subheading}\n新增国高企业30家。"
    assert [m.section for m in parse_text(text).mentions] == [section]


def test_quantities_and_mentions_are_not_changed_once_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither is frozen (its cost: docs/BENCHMARKS.md), so this holds them to it: each field is set once, by
    __init__. The text takes every path that makes a changed copy (a minus sign, a fall as a negative amount,
    a population, a unit named before the number, a spaced-out line read from its compacted copy)."""
    def set_once(self: Quantity, name: str, value: object) -> None:
        try:
            getattr(self, name)
        except AttributeError:
            object.__setattr__(self, name, value)
            return
        raise FrozenInstanceError(f"{type(self).__name__}.{name} changed once made")

    monkeypatch.setattr(Quantity, "__setattr__", set_once)  # Mention inherits it
    text = ("区财政局2025年预算执行情况的报告\n一、2025年预算执行情况\n全年结余-1477万元，较上年减少55102万元。\n"
            "帮助近1亿农村贫困人口脱贫。接待游客人次492.4万。\n收 入 1 2 3 . 4  亿  元 。\n")
    got = {m.number_text: (m.value, m.unit) for m in parse_text(text).mentions}
    assert got["-1477万元"] == (-14_770_000.0, "CNY")
    assert got["55102万元"] == (-551_020_000.0, "CNY")
    assert got["近1亿"] == (100_000_000.0, "person")
    assert got["492.4万"] == (4_924_000.0, "person_time")
    assert got["1 2 3 . 4  亿  元"] == (12_340_000_000.0, "CNY")


def test_places_moved_in_a_ranking_are_no_persons() -> None:
    found = [(m.number_text, m.unit) for m in parse_text("区域创新能力全国排名提升4位，位次前移了3位，引进院士2位。").mentions]
    assert found == [("2位", "person")]


def test_an_age_and_amounts_per_unit_are_quantities() -> None:
    got = [(m.number_text, m.unit, m.classifier) for m in parse_text(
        "一、工作成效\n人均预期寿命提高到78岁，PM2.5平均浓度23微克/立方米，低保标准924元/人月。\n").mentions]
    assert got == [("78岁", "count", "岁"), ("23微克/立方米", "kg", "/立方米"), ("924元/人月", "CNY", "/人月")]


def test_bare_numbers_listed_before_the_one_with_their_unit_share_it() -> None:
    got = [(m.number_text, m.unit, m.value) for m in parse_text(
        "一、工作成效\n二产、三产比重分别下降0.1、0.3个百分点，三次产业分别拉动增长0.6、2.0和3.4个百分点。\n").mentions]
    assert got == [("0.1", "pp", -0.1), ("0.3个百分点", "pp", -0.3),
                   ("0.6", "pp", 0.6), ("2.0", "pp", 2.0), ("3.4个百分点", "pp", 3.4)]
    # years listed before the last one with 年 stay years
    assert parse_text("一、工作成效\n2023、2024年连续获评先进。\n").mentions == []


def test_change_verbs_of_output_spending_and_revenue_are_signed_changes_of_the_subject_before() -> None:
    got = [(m.number_text, m.kind, m.value, m.subject) for m in parse_text(
        "一、工作成效\n玉米产量914.41万吨，增产24.12万吨；大豆产量79.22万吨，减产6.61万吨，秋粮产量比上年增产7.6%。"
        "四城区完成6.2亿元，增支3.5亿元；税收减收2亿元，养老金调增19.6%。\n").mentions]
    assert got == [("914.41万吨", "level", 9144100000.0, "玉米产量"), ("24.12万吨", "increment", 241200000.0, "玉米产量"),
                   ("79.22万吨", "level", 792200000.0, "大豆产量"), ("6.61万吨", "increment", -66100000.0, "大豆产量"),
                   ("7.6%", "growth_rate", 7.6, "秋粮产量"),
                   ("6.2亿元", "level", 620000000.0, "四城区"), ("3.5亿元", "increment", 350000000.0, "四城区"),
                   ("2亿元", "increment", -200000000.0, "税收"), ("19.6%", "growth_rate", 19.6, "养老金")]
