"""What people read: numbers in their units, charts with tables, the landing report, offline Data Docs, and the
operator's CLI (one line per stage, readable tables, refusals told from errors)."""

from __future__ import annotations

import csv
import json
import re
import subprocess
from pathlib import Path

import duckdb
import pytest

from ingest.limits import Limits
from ingest.readers import UTF8_CUT, read_document
from publish.charts import cjk_family, line_chart
from publish.display import readable
from tests.conftest import BIN, assert_not_blank, landing_with, render, warehouse_run


@pytest.mark.parametrize(("value", "unit", "classifier", "shown"), [
    (5.27e12, "CNY", None, "5.27万亿元"),
    (4.06e12, "CNY", None, "4.06万亿元"),
    (1.4212e10, "CNY", None, "142.12亿元"),
    (7.342e9, "CNY", None, "73.42亿元"),
    (3.86e7, "CNY", None, "3,860万元"),
    (32012.0, "CNY", None, "32,012元"),
    (-1.477e7, "CNY", None, "-1,477万元"),
    (1892.0, "person_time", None, "1,892人次"),
    (1.312e7, "person", None, "1,312万人"),
    (6.5, "percent", None, "6.5%"),
    (0.3, "pp", None, "0.3个百分点"),
    (1.28e8, "kg", None, "12.8万吨"),
    (126.0, "count", "场", "126场"),
    (1288.0, "count", None, "1,288"),
    (None, "CNY", None, "—"),
])
def test_numbers_are_written_in_the_units_people_read(value, unit, classifier, shown) -> None:
    assert readable(value, unit, classifier) == shown


def test_a_line_chart_is_svg_with_chinese_labels_as_text_and_readable_axis() -> None:
    svg = line_chart({"示范区科技局": [("2024", 1.7023e11), ("2023", 1.5805e11)], "$区$财政局": [("2024", 1.1e11)]},
                     unit="CNY", label="高新技术产业产值", targets={"示范区科技局": [("2025", 1.8e11)]})
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert svg.startswith("<svg") and "<script" not in svg
    assert "示范区科技局" in texts and "$区$财政局" in texts  # a `$` is text, not mathtext
    assert ["2023", "2024", "2025"] == [t for t in texts if re.fullmatch(r"20\d\d", t)]  # years in order
    ticks = [t for t in texts if t.endswith("元")]
    assert ticks and all(re.fullmatch(r"[\d,.]+(万亿|亿|万)?元", t) for t in ticks), ticks
    assert "e+" not in svg.split("</metadata>")[-1].lower().replace("stroke", "")
    assert "Noto Sans CJK SC" in svg and "sans-serif" in svg  # the browser's CJK fonts, in order
    assert 'stroke-dasharray' in svg  # the target is drawn dashed


def test_matplotlib_lays_out_chinese_with_the_machines_cjk_font() -> None:
    from matplotlib import font_manager

    assert any(re.search(r"cjk|wqy|sourcehan", p, re.I) for p in font_manager.findSystemFonts()), \
        "no CJK font on this machine: `make test-tools` installs fonts-noto-cjk"
    assert cjk_family() is not None


def test_a_utf8_file_cut_inside_its_last_character_is_read_up_to_the_cut() -> None:
    whole = "县科协2024年工作总结\n一、工作成效\n全年举办科普讲座12场。".encode()
    decoded = read_document(whole[:-2], "cut.txt", Limits())
    assert decoded.encoding == UTF8_CUT and decoded.text.endswith("全年举办科普讲座12场")
    assert read_document(whole, "whole.txt", Limits()).encoding == "utf_8"


# --- a run of the CLI on a landing folder made for these tests -------------------------------------------

TOTAL_AND_PARTS = ("县科协2024年工作总结\n一、工作成效\n全年举办科技活动119场。其中科普讲座58场、技术培训39场、"
                   "创新创业大赛12场。全年培训会员1892人次。\n")
CUT = "县农业农村局2024年工作总结\n一、工作成效\n全年新建高标准农田2.3万亩，粮食总产量12.8万吨。\n".encode()[:-2]


@pytest.fixture(scope="module")
def views_run(tmp_path_factory):
    settings = landing_with(tmp_path_factory.mktemp("views"), {
        "2024_县科协_工作总结.txt": TOTAL_AND_PARTS, "2024_县农业农村局_工作总结.txt": CUT,
        "2024_县科协_扫描件.txt": b"\x00\x01\x02binary\x00" * 50, "unknown.txt": b""})
    proc = warehouse_run(settings, "--workers", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    return settings, proc


def test_each_stage_has_one_line_and_the_parsing_bar_closes_when_parsing_ends(views_run) -> None:
    _, proc = views_run
    lines = re.split(r"[\r\n]", proc.stderr)
    ingest = next(i for i, line in enumerate(lines) if line.startswith("ingest:"))
    assert any("parsing: 100%" in line for line in lines[:ingest])
    assert not any("parsing" in line for line in lines[ingest:]), lines[ingest:]
    for stage in ("build", "validate", "promote", "publish"):
        assert sum(line.startswith(f"{stage}: ") and " done " in line for line in lines) == 1, stage


def test_quarantined_files_are_named_in_the_summary_and_reach_their_owners(views_run) -> None:
    settings, proc = views_run
    assert "2 quarantined" in proc.stdout
    assert re.search(r"^  2024_县科协_扫描件\.txt: binary content", proc.stdout, re.M), proc.stdout
    assert re.search(r"^  unknown\.txt: empty file", proc.stdout, re.M)
    pages = {p.stem: p.read_text(encoding="utf-8") for p in (settings.reports_dir / "quality").rglob("*.html")}
    default, kexie, tech = pages["数据质量组"], pages["科协数据专员"], pages["科技创新局数据专员"]
    assert "2024_县科协_扫描件.txt" in default and "unknown.txt" in default  # the default owner gets every one
    assert "2024_县科协_扫描件.txt" in kexie and "unknown.txt" not in kexie  # 科协 is in the file's name
    assert "扫描件" not in tech


def test_the_landing_report_renders_and_reaches_the_owner_by_mail(views_run, tmp_path) -> None:
    from publish.delivery import subject_line
    from publish.owner_reports import write_owner_reports

    settings, _ = views_run
    reports = {r.owner: r for r in write_owner_reports(settings.warehouse_path, tmp_path / "reports", "test")}
    assert reports["数据质量组"].n_quarantined == 2 and reports["科协数据专员"].n_quarantined == 1
    assert subject_line(reports["数据质量组"]).endswith(", 2 file(s) quarantined")
    dom = render(reports["数据质量组"].html_path, tmp_path, "--dump-dom")
    assert dom.stdout.count('class="quarantined"') == 2 and "binary content" in dom.stdout


def test_a_total_that_does_not_add_up_reads_in_units_with_the_parts_own_sentence(views_run, tmp_path) -> None:
    settings, _ = views_run
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        found = con.execute("select expected, owner from marts.fct_dq_finding where check_name = 'total_mismatch'"
                            ).fetchall()
    assert [expected for expected, _ in found] == ["parts add up to 109场, total says 119场: off by -10场, rounding allows 0场 (the parts cover 92%; short by one digit: 58场 written as 68 would make it add up)"]
    page = next((settings.reports_dir / "quality").rglob(f"{found[0][1]}.html"))
    dom = render(str(page), tmp_path, "--dump-dom")
    assert "parts add up to 109场, total says 119场" in dom.stdout
    assert re.search(r'class="part-sentence">parts 分项: 其中科普讲座58场、技术培训39场、创新创业大赛12场。', dom.stdout)


def test_the_cut_file_is_read_and_its_owner_told(views_run) -> None:
    settings, _ = views_run
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        ledger = dict(con.execute("select source_file, status from marts.ingest_ledger").fetchall())
        cut = con.execute("select message, evidence from marts.fct_dq_finding where check_name = 'text_cut_off'"
                          ).fetchall()
        grain = con.execute("select value from marts.fct_metric where subject like '%粮食总产量%'").fetchall()
    assert ledger["2024_县农业农村局_工作总结.txt"] == "ingested"
    assert len(cut) == 1 and "ends inside a UTF-8 character" in cut[0][0]
    assert cut[0][1].startswith("全年新建高标准农田")
    assert grain == [(1.28e8,)]


def test_data_docs_index_works_with_no_network(views_run, tmp_path) -> None:
    settings, _ = views_run
    docs = settings.reports_dir / "data_docs"
    for page in docs.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        loads = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html)
        assert loads == [], (page, loads)
    # every host unresolvable: the page must render its table from the project's own copies
    dom = render(str(docs / "index.html"), tmp_path, "--dump-dom", "--host-resolver-rules=MAP * ~NOTFOUND")
    assert 'class="bootstrap-table' in dom.stdout, dom.stderr[-2000:]
    assert dom.stdout.count("data-index=") >= 3  # one row per suite validated


# --- the overview on the samples ------------------------------------------------------------------------

def test_overview_shows_series_across_years_plan_against_actual_and_a_table_per_chart(samples_run) -> None:
    settings, out = samples_run
    page = Path(out.publish.overview)
    html = page.read_text(encoding="utf-8")
    charts = re.findall(r'<div class="chart metric" data-metric="([^"]+)">(.*?)</div>', html, re.S)
    assert charts and all("<svg" in body and '<table class="values">' in body for _, body in charts)
    output = dict(charts)["high_tech_output"]
    assert "1,580.5亿元" in output and "1,702.3亿元" in output  # 2023 and 2024 of one organisation
    assert re.search(r"e\+\d", re.sub(r"<svg.*?</svg>", "", html, flags=re.S)) is None
    plan = html.split('id="plan-vs-actual"')[1]
    assert re.search(r"<td>示范区科技局</td><td>研发投入</td><td>2024</td><td class=\"num\">45亿元</td>"
                     r"<td class=\"num\">41.2亿元</td><td class=\"num\">91.56%</td><td class=\"status-missed\">", plan)
    # a target whose plan year has no report yet is shown, not "no data yet"
    assert re.search(r"<td>[^<]*</td><td>一般公共预算支出</td><td>2025</td><td class=\"num\">115亿元</td>"
                     r"<td class=\"num\">—</td>", plan)
    with open(page.with_name("metrics.csv"), encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r["metric_code"] == "rd_spending" and r["year"] == "2024")
    assert float(row["value"]) == 4.12e9 and row["value_display"] == "41.2亿元"


@pytest.mark.slow
def test_overview_screenshot_is_drawn(samples_run, tmp_path) -> None:
    _, out = samples_run
    assert_not_blank(out.publish.overview, tmp_path)


# --- warehouse sql ----------------------------------------------------------------------------------------

def run_sql(settings, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "warehouse"), "sql", *args, "--warehouse", str(settings.warehouse_path)],
                          capture_output=True, text=True, check=False)


def test_sql_cuts_long_cells_in_tables_only(samples_run) -> None:
    settings, _ = samples_run
    query = "select document_id, text from dim_document order by document_id limit 1"
    table = run_sql(settings, query)
    assert table.returncode == 0, table.stderr
    rows = table.stdout.splitlines()
    assert len(rows) == 4 and rows[2].rstrip().endswith("…") and len(rows[2]) < 140
    text = json.loads(run_sql(settings, query, "--format", "json").stdout)[0]["text"]
    assert len(text) > 150 and "…" not in text
    assert run_sql(settings, query, "--max-width", "0").stdout.splitlines()[2].rstrip().endswith(
        " ".join(text.split("\n")).rstrip())


def test_sql_tells_a_mistake_from_a_refusal_and_reads_marts_by_default(samples_run) -> None:
    settings, _ = samples_run
    plain = run_sql(settings, "select count(*) as n from dim_report")
    assert plain.returncode == 0 and plain.stdout.splitlines()[2] == "6"
    typo = run_sql(settings, "select count(*) from dim_reprt")
    assert typo.returncode == 1 and typo.stderr.startswith("error: Catalog Error") and "refused" not in typo.stderr
    refused = run_sql(settings, "drop table fct_metric")
    assert refused.returncode == 3 and refused.stderr.startswith("refused:")


# --- Airflow's size ---------------------------------------------------------------------------------------

def test_the_project_airflow_runs_four_task_processes_unless_told_otherwise(tmp_path, monkeypatch) -> None:
    from pipeline.airflow_local import airflow_bin, airflow_env

    def parallelism() -> str:
        proc = subprocess.run([airflow_bin(), "config", "get-value", "core", "parallelism"],
                              env=airflow_env(tmp_path / "airflow"), capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr[-2000:]
        return proc.stdout.strip()

    monkeypatch.delenv("AIRFLOW__CORE__PARALLELISM", raising=False)
    assert parallelism() == "4"
    monkeypatch.setenv("AIRFLOW__CORE__PARALLELISM", "2")
    assert parallelism() == "2"
