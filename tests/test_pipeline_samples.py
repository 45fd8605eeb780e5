"""The whole pipeline on data/samples, asserted on the marts an analyst queries."""

from __future__ import annotations

import csv
import re

import duckdb
import pytest


def q(settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_sample_file_is_ingested(samples_run) -> None:
    settings, out = samples_run
    ledger = dict(q(settings, "select source_file, status from marts.ingest_ledger"))
    assert len(ledger) == 5 and set(ledger.values()) == {"ingested"}
    formats = dict(q(settings, "select source_file, format || '/' || encoding from marts.dim_document"))
    assert formats["2024_县老科协_工作总结_gb18030.txt"] == "txt/gb18030"
    assert formats["2024_区财政局_预算执行情况和预算草案的报告.docx"] == "docx/docx"


def test_two_reports_in_one_file_are_split(samples_run) -> None:
    settings, _ = samples_run
    rows = q(settings, "select report_seq, org_name, report_year, plan_year from marts.dim_report "
                       "where source_file like '%两份报告%' order by report_seq")
    # The second report is a summary without a plan part: it plans no year.
    assert rows == [(1, "县科协", 2024, 2025), (2, "县农业农村局", 2024, None)]


def test_gb18030_report_metrics_are_readable(samples_run) -> None:
    settings, _ = samples_run
    rows = q(settings, "select number_text, value from marts.fct_metric where source_file like '%gb18030%' "
                       "and number_text = '512人'")
    assert rows == [("512人", 512.0)]


def test_planted_mismatch_is_found_and_the_consistent_total_is_not_flagged(samples_run) -> None:
    settings, _ = samples_run
    checks = {(int(total), status) for total, status in q(
        settings, "select total_value, status from marts.fct_total_check where relation = 'total_parts'")}
    assert (119, "mismatch") in checks  # 58 + 39 + 12 = 109: one digit short (68 would add up)
    assert (860, "consistent") in checks  # 120 + 340 + 400
    findings = q(settings, "select expected, char_start from marts.fct_dq_finding where check_name = 'total_mismatch'")
    assert [f[0] for f in findings] == ["parts add up to 109场, total says 119场: off by -10场, rounding allows 0场 (the parts cover 92%; short by one digit: 58场 written as 68 would make it add up)"]
    consistent = q(settings, "select count(*) from marts.fct_dq_finding f join marts.fct_total_check c "
                             "on c.char_start = f.char_start and c.source_file = f.source_file "
                             "where c.status = 'consistent' and f.check_name = 'total_mismatch'")
    assert consistent == [(0,)]


def test_placeholder_number_is_flagged_with_its_span(samples_run) -> None:
    settings, _ = samples_run
    rows = q(settings, "select f.severity, substring(d.text, f.char_start + 1, f.char_end - f.char_start) "
                       "from marts.fct_dq_finding f join marts.dim_document d using (document_id) "
                       "where f.check_name = 'placeholder_number'")
    assert rows == [("error", "XX份")]


def test_plan_year_not_after_report_year_from_the_title(samples_run) -> None:
    settings, _ = samples_run
    rows = q(settings, "select count(*) from marts.fct_dq_finding where check_name = 'plan_year_not_after_report_year'")
    assert rows == [(0,)], "no sample title plans the year it reports on"


def test_plan_targets_carry_the_plan_year(samples_run) -> None:
    settings, _ = samples_run
    rows = q(settings, "select plan_year, value, approx from marts.fct_plan_target "
                       "where org_name = '示范区科技局' and number_text = '200名以上'")
    assert rows == [(2024, 200.0, "at_least")]


def test_plan_attainment_joins_two_years_of_one_organisation(samples_run) -> None:
    settings, _ = samples_run
    rows = dict(((s, u), (st, r)) for s, u, st, r in q(
        settings, "select subject, unit, status, attainment_ratio from marts.fct_plan_attainment"))
    assert rows[("国家高新技术企业", "count")] == ("met", pytest.approx(162 / 150))
    assert rows[("全社会研发投入", "CNY")] == ("missed", pytest.approx(41.2 / 45))


def test_metric_spans_point_at_their_number_text(samples_run) -> None:
    settings, _ = samples_run
    bad = q(settings, "select count(*) from marts.fct_metric m join marts.dim_document d using (document_id) "
                      "where substring(d.text, m.char_start + 1, m.char_end - m.char_start) <> m.number_text")
    assert bad == [(0,)]
    assert q(settings, "select count(*) from marts.fct_metric")[0][0] >= 80


def test_gx_results_are_stored_and_data_docs_built(samples_run) -> None:
    settings, _ = samples_run
    results = dict(((s, c), ok) for s, c, ok in q(
        settings, "select suite, check_name, success from marts.fct_gx_result"))
    assert results[("fct_total_check", "total_mismatch")] is False
    assert results[("fct_metric", "span_mismatch")] is True
    index = settings.reports_dir / "data_docs" / "index.html"
    assert "fct_total_check" in index.read_text(encoding="utf-8")
    pages = [p.read_text(encoding="utf-8") for p in (settings.reports_dir / "data_docs" / "validations").rglob("*.html")]
    for suite in ("dim_report", "fct_metric", "fct_total_check", "fct_growth_check", "fct_plan_attainment"):
        assert any(suite in page for page in pages), suite  # every suite's validation page, built once at the end


def test_owner_reports_hold_only_their_owners_findings(samples_run) -> None:
    settings, out = samples_run
    reports = {r.owner: r for r in out.publish.reports}
    tech = reports["科技创新局数据专员"]
    assert tech.counts["error"] == 2  # the mismatched total and the placeholder
    with open(tech.csv_path, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["check_name"] for r in rows} == {"total_mismatch", "placeholder_number", "growth_rate_inconsistent",
                                              "plan_target_without_actual"}
    assert all("示范区科技局" in r["source_file"] for r in rows)
    html = open(tech.html_path, encoding="utf-8").read()
    assert "parts add up to 109场, total says 119场" in html and "<mark>119场</mark>" in html
    kexie = reports["科协数据专员"]
    assert kexie.n_findings == 0
    assert "119场" not in open(kexie.html_path, encoding="utf-8").read()


def test_summary_lists_rows_per_mart_and_paths(samples_run) -> None:
    from pipeline.stages import format_summary

    settings, out = samples_run
    text = format_summary(out.summary)
    assert "marts.fct_metric" in text and str(settings.warehouse_path) in text
    assert "total_mismatch" in text


def test_every_parsed_lake_file_has_its_tables_schema(samples_run) -> None:
    """Every parsed file carries exactly its table's schema, and holds whole documents."""
    import pyarrow.parquet as pq

    from ingest.lake import PARSED_TABLES, SCHEMAS, Lake

    settings, _ = samples_run
    lake = Lake(settings.lake_dir)
    for table in PARSED_TABLES:
        files = sorted(lake.table_dir(table).glob("*.parquet"))
        for path in files:
            assert pq.read_schema(path).names == SCHEMAS[table].names, (table, path.name)
        ids = {i for p in files for i in pq.read_table(p, columns=["document_id"]).column(0).to_pylist()}
        if table in ("documents", "reports", "metrics"):  # every sample has reports and metrics
            assert len(ids) == 5, table


def test_the_lake_scans_are_planned_with_every_files_rows(samples_run) -> None:
    """DuckDB estimates a glob's rows from its first file unless it reads every footer (union_by_name); batches
    differ in size, and an estimate far off made the 10,000-report build hash the mentions instead of the
    links, nearly three times the memory (docs/BENCHMARKS.md). The staging views must plan with the true row
    count."""
    settings, _ = samples_run
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        for table in ("metrics", "reports", "documents"):
            rows = con.execute(f"select count(*) from staging.stg_lake__{table}").fetchone()[0]
            plan = con.execute(f"explain select * from staging.stg_lake__{table}").fetchall()[0][1]
            estimates = [int(m.replace(",", "")) for m in re.findall(r"~([\d,]+) rows", plan)]
            assert rows >= 5 and estimates and max(estimates) == rows, (table, rows, plan)
