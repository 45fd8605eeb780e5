"""Report structure in the Chinese report grammar: where a report starts, its organisation, its years and the
section of each line. Each case is a general pattern of real reports, written small."""

from __future__ import annotations

import pytest

from ingest.document import ParsedDocument, parse_text
from ingest.segment import find_report_starts

GWR = """下载
打印
【字号：
加大
】
2026年江南省政府工作报告
——2026年1月27日在江南省第十四届人民代表大会第五次会议上
来源：江南日报
时间：2026-02-01
省长 张三
各位代表：
现在，我代表省政府，向大会报告工作，请予审议。
一、工作回顾
2025年是“十四五”收官之年。全省地区生产总值增长5.2%，新增城镇就业30万人。
各位代表！这些成绩的取得，是全省人民共同奋斗的结果。在此，我代表省人民政府，向全省人民表示衷心感谢！
我们也清醒地认识到，发展中还存在不少困难和问题，财政收入下降3.1%。
二、2026年工作安排
今年是“十五五”开局之年。主要预期目标是：地区生产总值增长5%左右，城镇新增就业28万人以上。
（一）扩大有效需求。全年新开工项目500个。
各位代表！让我们紧密团结，为实现全年目标任务而努力奋斗！
附件
2026年十件民生实事
1.新建学校20所。
"""


def _sentence_sections(parsed: ParsedDocument) -> dict[str, str]:
    """The section of every sentence, mentions or not, by the sentence's first six characters."""
    return {s.text[:6]: s.section for seg, _ in parsed.reports for s in seg.sentences}


def _sections(text: str) -> dict[str, str]:
    """The section of the first sentence of each line that holds a mention, by the line's first words."""
    parsed = parse_text(text)
    out = {}
    for m in parsed.mentions:
        line = text[text.rfind("\n", 0, m.char_start) + 1:].split("\n", 1)[0]
        out.setdefault(line[:8], m.section)
    return out


def test_a_government_work_report_is_one_report_whatever_its_title_block_holds() -> None:
    starts = find_report_starts(GWR)
    assert len(starts) == 1 and starts[0][0] == 0 and starts[0][1] == "2026年江南省政府工作报告"


def test_a_title_repeated_or_broken_over_two_lines_does_not_start_a_report() -> None:
    text = ("关于江城市2025年预算执行情况和2026年预算草案的报告\n来源：江城市财政局\n"
            "关于江城市2025年预算执行情况\n和2026年预算草案的报告\n——2026年1月15日在江城市第十五届人民代表大会第五次会议上\n"
            "江城市财政局\n各位代表：\n受市人民政府委托，现将预算执行情况报告如下，请予审议。\n"
            "一、2025年财政预算执行情况\n全市一般公共预算收入120亿元，增长3%。\n")
    assert len(find_report_starts(text)) == 1


def test_a_new_title_after_body_text_starts_the_next_report_and_a_part_title_does_not() -> None:
    first = "2016年财政收支情况\n2017年1月23日 来源：国库司\n一、收入情况\n全国一般公共预算收入159552亿元，同比增长4.5%。\n"
    second = "2017年财政收支情况\n2018年1月25日 来源：国库司\n一、收入情况\n全国一般公共预算收入172567亿元，同比增长7.4%。\n"
    starts = find_report_starts(first + second)
    assert [t for _, t, _ in starts] == ["2016年财政收支情况", "2017年财政收支情况"]
    summary = "2023年工作总结\n一年来，我局新增企业12家，完成投资3亿元。\n2024年工作计划\n明年新增企业15家。\n"
    assert len(find_report_starts(summary)) == 1
    # The same title again, followed by a greeting, is a second report (two years' reports in one file).
    assert len(find_report_starts(summary + "2023年工作总结\n各位理事：\n一年来，我局新增企业9家。\n")) == 2


def test_an_opening_greeting_after_body_text_starts_a_report() -> None:
    one = "——2024年3月5日在第十四届全国人民代表大会第二次会议上\n各位代表：\n现在，我代表国务院，向大会报告政府工作。\n一、2023年工作回顾\n国内生产总值增长5.2%。\n"
    two = one.replace("2024年3月5日", "2025年3月5日").replace("第二次", "第三次").replace("2023年", "2024年")
    starts = find_report_starts(one + two)
    assert len(starts) == 2 and (one + two)[starts[1][0]:].startswith("——2025年3月5日")


def test_a_government_work_report_reviews_the_year_before_the_one_it_is_delivered_in() -> None:
    (seg, meta), = parse_text(GWR).reports
    assert (meta.report_year, meta.plan_year) == (2025, 2026)
    assert "title" in meta.year_evidence and "dateline" in meta.year_evidence
    assert meta.org_name == "江南省人民政府"  # `省政府` in the opening sentence, qualified by the title's place


def test_an_event_in_the_plan_part_names_the_plan_year_not_the_report_year() -> None:
    # No title, no dateline: the review heading and a plan-part event phrase are the only evidence.
    text = ("各位代表：\n现在，我代表国务院，向大会报告政府工作。\n一、2015年工作回顾\n国内生产总值增长6.9%。\n"
            "二、2016年重点工作\n今年是“十三五”开局之年，要决胜全面建成小康社会。国内生产总值增长6.5%至7%。\n")
    (_, meta), = parse_text(text).reports
    assert (meta.report_year, meta.plan_year) == (2015, 2016)


def test_a_statistical_release_has_no_plan_year_and_no_plan_section() -> None:
    text = ("2025年江城市国民经济和社会发展统计公报\n发布日期：2026-04-20\n江城市统计局\n"
            "一、综合\n全年地区生产总值5000亿元，增长5.1%。今年以来，新增市场主体3万户。\n注：\n1.本公报数据为初步统计数。\n")
    (_, meta), = parse_text(text).reports
    assert (meta.report_year, meta.plan_year, meta.org_name) == (2025, None, "江城市统计局")
    assert {m.section for m in parse_text(text).mentions if "5000亿元" in m.number_text or "3万户" in m.number_text} == {"result"}


def test_sections_follow_headings_and_the_purpose_of_each_paragraph() -> None:
    sections = _sections(GWR)
    assert sections["2025年是“十"] == "result"
    assert sections["我们也清醒地认识"] == "problem"
    assert sections["今年是“十五五”"] == "plan"
    assert sections["（一）扩大有效需"] == "plan"
    assert sections["1.新建学校20"] == "plan"  # an appendix of next year's targets after the closing words
    assert all(s != "result" for line, s in sections.items() if line.startswith("各位代表"))


def test_only_targets_of_the_plan_year_are_plan_targets() -> None:
    parsed = parse_text(GWR)
    flagged = {m.number_text for m in parsed.mentions if m.is_plan_target}
    assert {"5%左右", "28万人以上", "500个"} <= flagged
    assert not flagged & {"5.2%", "30万人"}
    review = parse_text("2025年工作总结\n一、工作成效\n年初预期目标是新增企业10家，实际新增12家。\n")
    assert not any(m.is_plan_target for m in review.mentions)


def test_a_title_overruled_by_the_text_is_a_finding_and_a_future_target_year_is_not() -> None:
    text = ("科协2023年工作总结及2023年工作计划\n各位理事：\nXX年是新中国成立60周年的大庆之年，新增会员120人。\n"
            "到2035年，会员达到5000人。\n")
    parsed = parse_text(text)
    (_, meta), = parsed.reports
    assert meta.report_year == 2009
    contradictions = [f for f in parsed.findings if f.check_name == "year_contradicts_text"]
    assert any("title says 2023" in f.message for f in contradictions)
    assert not any("2035" in f.message for f in contradictions)
    dated = parse_text(GWR.replace("今年是“十五五”开局之年。", "到2035年基本实现现代化。"))
    assert not [f for f in dated.findings if f.check_name == "year_contradicts_text"]


def test_a_dateline_in_chinese_numerals_dates_an_untitled_report_and_is_no_metric() -> None:
    text = ("政府工作报告\n——二〇一五年一月十五日在东山区第十六届人民代表大会第五次会议上\n东山区区长　李四\n各位代表：\n"
            "现在，我代表区人民政府，向大会报告工作，请予审议。\n一、过去一年工作回顾\n过去一年，地区生产总值完成120.5亿元。\n"
            "二、今年工作安排\n今年的主要预期目标是：地区生产总值增长7%左右。\n")
    parsed = parse_text(text)
    (_, meta), = parsed.reports
    assert (meta.report_year, meta.plan_year, meta.org_name) == (2014, 2015, "东山区人民政府")
    assert [m.number_text for m in parsed.mentions] == ["120.5亿元", "7%左右"]


def test_a_bureau_summary_with_its_plan_reads_its_parts_from_the_headings() -> None:
    text = ("东江市财政局2023年工作总结和2024年工作计划\n"
            "2023年，市财政局在市委、市政府的坚强领导下，较好完成了全年各项目标任务。\n"
            "一、2023年工作开展情况\n（一）财政收入稳步增长。全市一般公共预算收入完成85.6亿元。\n今年以来，累计争取上级资金32.4亿元。\n"
            "二、存在的问题\n一是财政收支矛盾突出，刚性支出增长12.3%。\n"
            "三、2024年工作计划\n（一）抓好收入组织。力争一般公共预算收入增长5%。\n")
    parsed = parse_text(text)
    (_, meta), = parsed.reports
    assert (meta.report_year, meta.plan_year, meta.org_name) == (2023, 2024, "东江市财政局")
    assert [(m.number_text, m.section, m.is_plan_target) for m in parsed.mentions] == [
        ("85.6亿元", "result", False), ("32.4亿元", "result", False), ("12.3%", "problem", False),
        ("5%", "plan", True)]


def test_a_definitions_block_after_the_plan_is_other() -> None:
    text = ("关于南江市2023年预算执行情况和2024年预算草案的报告\n南江市财政局局长　王五\n各位代表：\n"
            "受市人民政府委托，现将预算草案提请审议。\n一、2023年预算执行情况\n全市一般公共预算收入完成85.6亿元。\n"
            "二、2024年预算草案\n全市一般公共预算收入预计增长5%。\n三、名词解释\n1.一般公共预算：以税收为主体的财政收入，占比达80%。\n")
    parsed = parse_text(text)
    (_, meta), = parsed.reports
    assert (meta.report_year, meta.plan_year, meta.org_name) == (2023, 2024, "南江市财政局")
    assert [(m.number_text, m.section) for m in parsed.mentions] == [
        ("85.6亿元", "result"), ("5%", "plan"), ("80%", "other")]


def test_a_standing_committee_reports_for_itself() -> None:
    text = ("北江省人民代表大会常务委员会工作报告\n——2024年1月22日在北江省第十四届人民代表大会第二次会议上\n"
            "北江省人大常委会主任　赵六\n各位代表：\n现在，我代表省人民代表大会常务委员会向大会报告工作，请予审议。\n"
            "一、2023年主要工作\n一年来，通过地方性法规25件。\n二、2024年主要任务\n今年，计划安排立法项目20件。\n")
    (_, meta), = parse_text(text).reports
    assert (meta.org_name, meta.report_year, meta.plan_year) == ("北江省人民代表大会常务委员会", 2023, 2024)


def test_a_budget_title_names_its_years_through_qualifying_words() -> None:
    from ingest.metadata import title_years

    assert title_years("关于2019年全市和市本级预算执行情况与2020年全市和市本级预算草案的报告")[:2] == (2019, 2020)
    assert title_years("关于南阳市2019年预算执行情况和2020年市级预算草案的报告")[:2] == (2019, 2020)
    assert title_years("科协2023年工作总结及2023年工作计划")[:2] == (2023, 2023)


def test_related_article_titles_and_appendix_titles_after_a_report_start_no_report() -> None:
    links = "相关报道：\n2026年江南省政府工作报告全文解读\n图解：2026年江南省政府工作报告\n"
    assert len(find_report_starts(GWR + links)) == 1
    appendix = "附件：2026年重点工作计划\n全年新开工项目500个，完成投资1200亿元。\n"
    assert len(find_report_starts(GWR + appendix)) == 1
    # Another report's title followed by its body is a second report (outside the appendices).
    without_appendix = GWR.split("附件")[0]
    assert len(find_report_starts(without_appendix + "2026年北岭市政府工作报告\n过去一年，全市地区生产总值增长5.1%。\n")) == 2


def test_a_finance_bureau_reporting_for_its_government_is_the_organisation() -> None:
    text = ("关于2024年预算执行情况和2025年预算草案的报告\n各位代表：\n"
            "受区人民政府委托，区财政局向大会报告2024年全区预算执行情况和2025年预算草案，请予审议。\n"
            "一、2024年预算执行情况\n全区一般公共预算收入完成86.4亿元。\n二、2025年预算草案\n安排一般公共预算支出115亿元。\n")
    (_, meta), = parse_text(text).reports
    assert (meta.org_name, meta.report_year, meta.plan_year) == ("区财政局", 2024, 2025)


def test_a_plan_heading_that_remedies_a_weakness_stays_in_the_plan() -> None:
    text = ("2019年区政府工作报告\n各位代表：\n一、2018年工作回顾\n地区生产总值增长6%。\n二、2019年工作安排\n"
            "（一）扩大有效投资。全年计划投资8.6亿元。\n（二）围绕提升城市品质，全力补短板强基础\n完成800户的改造任务。\n"
            "三、加强政府自身建设\n全年办结建议120件。\n")
    sections = _sections(text)
    assert sections["完成800户的改"] == "plan"  # 补短板 is a task of the plan, not a problems heading
    assert sections["全年办结建议12"] == "plan"
    assert _sections(text.replace("全力补短板强基础", "存在的主要问题"))["完成800户的改"] == "problem"


def test_closing_words_after_a_lead_sentence_and_a_notes_block_with_full_width_markers_are_other() -> None:
    text = ("2026年政府工作报告\n各位代表：\n一、2025年工作回顾\n地区生产总值增长5%。\n二、2026年工作安排\n"
            "新建学校20所。\n改造老旧小区300个。\n各位代表，新时代是奋斗者的时代！让我们紧密团结，为完成全年10项民生实事而努力奋斗！\n")
    sections = _sections(text)
    assert sections["改造老旧小区30"] == "plan"
    assert sections["各位代表，新时代"] == "other"
    notes = ("2026年政府工作报告\n各位代表：\n一、2025年工作回顾\n地区生产总值增长5%。\n二、2026年工作安排\n"
             "新建学校20所。\n注释\n［1］三张清单：正面清单、负面清单和5类特殊商品清单。\n")
    assert _sections(notes)["［1］三张清单："] == "other"


BUDGET = """关于南江市2019年财政预算执行情况和2020年财政预算（草案）的报告
发布时间：2020-06-17 10:16
关于南江市2019年财政预算执行情况
和2020年财政预算（草案）的报告
——2020年5月14日在南江市第七届人民代表大会第五次会议上南江市财政局局长  宋  东
各位代表：
受市政府委托，现将2019年预算执行情况和2020年预算草案提请审议，并请各位政协委员提出意见。
一、2019年预算执行情况
全市一般公共预算收入85.6亿元，增长5%。
上述财政收支数据在办理年终结算后还会有所变动，决算结果届时报市人大常委会审批，涉及资金12亿元。
二、2020年预算草案
全市一般公共预算收入预计增长5%。
各位代表，2020年财政改革发展任务艰巨。我们将更好发挥财政职能作用，为完成全年10项重点任务做出新贡献！
"""


def test_a_budget_report_title_set_again_in_its_front_matter_is_no_heading_and_its_speaker_follows_the_dateline() -> None:
    parsed = parse_text(BUDGET)
    (seg, meta), = parsed.reports
    assert meta.org_name == "南江市财政局"
    assert (meta.report_year, meta.plan_year) == (2019, 2020)
    assert not any(h.text.startswith(("关于", "和2020")) for h in seg.headings)
    sections = _sections(BUDGET)
    assert sections["全市一般公共预算"] == "result"
    assert sections["上述财政收支数据"] == "other"  # a caveat on the figures
    assert sections["各位代表，202"] == "other"  # closing words: an address ending on an exclamation


def test_an_organisation_is_never_cut_out_of_running_prose() -> None:
    text = "湛江奋勇高新区2022年财政决算情况报告\n2022年，奋勇高新区在市委、市政府的正确领导下，全区收入增长5%。\n"
    (_, meta), = parse_text(text).reports
    assert meta.org_name is None or "在" not in meta.org_name


def test_a_portal_breadcrumb_is_no_title_and_a_remedy_is_no_problem_statement() -> None:
    text = ("首页>政府信息公开>法定主动公开内容>统计公报\n分享：\n2021年南江国民经济和社会发展统计公报\n"
            "2021年全市地区生产总值增长8%。\n")
    (seg, _), = parse_text(text).reports
    assert seg.title == "2021年南江国民经济和社会发展统计公报"
    work = ("2022年南江区财政决算情况报告\n一、2022年财政收支执行情况\n全年收入增长5%。\n"
            "同时查找税收征管中薄弱环节，及时解决征管中存在的问题，全年入库税款12亿元。\n（二）全力组织财政收入\n全年组织收入30亿元。\n")
    sections = _sections(work)
    assert sections["同时查找税收征管"] == "result"
    assert sections["全年组织收入30"] == "result"


def test_a_review_under_a_heading_naming_achievements_and_targets_is_a_result() -> None:
    text = ("2021年政府工作报告\n各位代表：\n一、2020年工作回顾\n国内生产总值增长2.3%。\n"
            "二、“十三五”时期发展成就和“十四五”时期主要目标任务\n过去五年，城镇新增就业超过6000万人。\n"
            "“十四五”时期，城镇调查失业率控制在5.5%以内。\n三、2021年重点工作\n城镇新增就业1100万人以上。\n")
    sections = _sections(text)
    assert sections["过去五年，城镇新"] == "result"
    assert sections["“十四五”时期，"] == "plan"


def test_the_plan_years_outcome_so_far_in_the_plan_part_is_a_result() -> None:
    text = ("关于南江市2019年预算执行情况和2020年预算草案的报告\n各位代表：\n一、2019年预算执行情况\n全市收入85.6亿元。\n"
            "二、2020年预算草案\n全市收入预计增长5%。\n在交通运输方面，今年１——５月份铁道货运量完成计划的105%。\n"
            "全年安排支出120亿元，截至4月底已支出40亿元。\n")
    sections = _sections(text)
    assert sections["在交通运输方面，"] == "result"
    assert sections["全年安排支出12"] == "plan"  # a figure so far cited later in a plan paragraph stays plan


def test_a_photo_caption_credited_without_she_is_no_body_text() -> None:
    text = ("2026年江南省政府工作报告\n——二〇二六年一月二十七日在江南省第十四届人民代表大会第五次会议上\n"
            "1月27日，省长张三作政府工作报告。江南日报记者 李四\n各位代表：\n现在，我代表省人民政府，向大会报告工作。\n"
            "一、2025年工作回顾\n全省地区生产总值增长5.2%。\n")
    (_, meta), = parse_text(text).reports
    assert (meta.report_year, meta.plan_year) == (2025, 2026)


@pytest.mark.parametrize("plan_heading", ["二、2026年主要工作", "二、今年主要工作"])
def test_a_results_worded_heading_about_the_year_delivered_in_opens_the_plan(plan_heading: str) -> None:
    text = ("2026年江北省政府工作报告\n——2026年1月20日在江北省第十四届人民代表大会第五次会议上\n各位代表：\n"
            "一、过去一年工作回顾\n全省生产总值增长5.4%。\n" + plan_heading + "\n主要预期目标是：城镇新增就业86万人。\n")
    sections = _sections(text)
    assert sections["全省生产总值增长"] == "result"
    assert sections["主要预期目标是："] == "plan"


def test_a_mid_year_review_named_after_the_year_delivered_in_stays_a_result() -> None:
    text = ("江北市科技局2025年上半年工作总结\n——2025年7月10日在全市科技工作会议上\n同志们：\n"
            "一、2025年上半年主要工作\n引进人才120人。\n二、下半年工作打算\n再引进人才100人。\n")
    sections = _sections(text)
    assert sections["引进人才120人"] == "result"
    assert sections["再引进人才100"] == "plan"


def test_closing_words_before_an_attachment_list_and_a_glossary_are_other() -> None:
    text = ("关于江北市2022年预算执行情况和2023年预算草案的报告\n各位代表：\n一、2022年预算执行情况\n全市收入85.6亿元。\n"
            "二、2023年预算草案\n全市收入预计增长5%。\n各位代表，2023年我们将锐意进取，为全市发展作出积极贡献！\n"
            "附件： 1.江北市2022年一般公共预算执行情况和2023年一般公共预算草案.pdf\n2.江北市2022年地方政府债务情况表.pdf\n"
            "相关名词解释\n1.再融资债券：用于偿还部分到期债券本金的债券，规模为100亿元。\n")
    parsed = parse_text(text)
    by_line = _sentence_sections(parsed)
    assert by_line["全市收入预计"] == "plan"
    assert by_line["各位代表，2"] == by_line["附件： 1."] == by_line["相关名词解释"] == by_line["1.再融资债"] == "other"
    assert not any(m.is_plan_target for m in parsed.mentions if m.number_text == "100亿元")


def test_a_lone_standing_committee_address_opens_the_closing_words() -> None:
    text = ("关于江北市2024年市级决算的报告\n主任、各位副主任、秘书长、各位委员：\n一、2024年决算情况\n全市收入85.6亿元。\n"
            "加强暂付款管理，严控增量。\n主任、各位副主任、秘书长、各位委员：\n征途漫漫从头越，奋楫扬帆启新程。\n")
    by_line = _sentence_sections(parse_text(text))
    assert by_line["加强暂付款管"] == "result"
    assert by_line["征途漫漫从头"] == "other"


def test_the_base_a_plan_figure_is_compared_with_or_raised_from_is_no_target() -> None:
    text = ("关于江北市2022年预算执行情况和2023年预算草案的报告\n一、2022年预算执行情况\n收入50亿元。\n二、2023年预算草案\n"
            "一般公共预算收入662000万元，比上年执行数612959万元增长8%。孤儿养育标准由每人每月600元提高到1000元。"
            "报销比例从50%提高到60%。全年安排资金比上年增长5%。\n")
    flags = {m.number_text: m.is_plan_target for m in parse_text(text).mentions if m.section == "plan"}
    assert flags == {"662000万元": True, "612959万元": False, "8%": True, "600元": False, "1000元": True,
                     "50%": False, "60%": True, "5%": True}


@pytest.mark.parametrize("problem", [
    "在看到成绩的同时，我们也认识到老问题、新挑战仍然不少，主要是经济回升基础还不牢固。",
    "在看到成绩的同时，也面临一些突出问题。一方面，财政收入挖潜增收难度加大。",
    "今年以来财政运行总体平稳，但面临的风险和挑战依然不容忽视。",
])
def test_problem_paragraphs_in_other_words(problem: str) -> None:
    text = ("关于江北市2024年财政决算的报告\n一、2024年决算情况\n全市收入85.6亿元。\n" + problem + "\n"
            "二、下一步工作安排\n全年收入增长5%。\n")
    by_line = _sentence_sections(parse_text(text))
    assert by_line[problem[:6]] == "problem"
    assert by_line["全市收入85"] == "result"


def test_figures_so_far_in_the_plan_part_are_no_targets() -> None:
    text = ("关于江北市2019年预算执行情况和2020年预算草案的报告\n一、2019年预算执行情况\n收入50亿元。\n二、2020年预算草案\n"
            "全年安排支出120亿元。根据预算法规定，预算草案批准前可以安排必须支付的支出。截至2020年4月底，市本级支出25.63亿元。\n"
            "截至2020年4月底，已发行债券30亿元。\n")
    parsed = parse_text(text)
    flags = {m.number_text: (m.section, m.is_plan_target) for m in parsed.mentions}
    assert flags["120亿元"] == ("plan", True)
    assert flags["25.63亿元"] == ("plan", False)  # the line is the plan's: its figure so far is no target
    assert flags["30亿元"] == ("result", False)  # a line opening on where things stand is an outcome


def test_closing_words_ending_on_a_full_stop_and_attached_file_names_are_other() -> None:
    text = ("关于江北市2024年预算执行情况和2025年预算草案的报告\n各位代表：\n一、2024年预算执行情况\n全市收入85.6亿元。\n"
            "二、2025年预算草案\n全市收入预计增长5%。\n各位代表，做好2025年财政工作任务艰巨、责任重大。我们将锐意进取，贡献财政力量。\n"
            "2025年江北市政府预算公开表.xlsx\n2025年财政收支预算草案说明.doc\n")
    parsed = parse_text(text)
    (seg, _), = parsed.reports
    by_line = _sentence_sections(parsed)
    assert by_line["全市收入预计"] == "plan"
    assert by_line["各位代表，做"] == by_line["我们将锐意进"] == by_line["2025年江"] == by_line["2025年财"] == "other"
    assert all(h.kind != "plan" or "预算草案" in h.text and h.text.startswith("二") for h in seg.headings)


def test_a_monthly_budget_execution_analysis_is_titled_and_dated_by_its_title() -> None:
    text = ("2025年1月财政预算执行简要分析\n\n2025-02-24\n\n来源：国库科\n\n"
            "1月份，全市一般公共预算收入完成16.8亿元，同比增长5.1%。\n")
    (seg, meta), = parse_text(text).reports
    assert seg.title == "2025年1月财政预算执行简要分析"
    assert (meta.report_year, meta.plan_year) == (2025, None)
