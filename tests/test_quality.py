"""Every check fires where a case was planted and nowhere else; findings live on across runs."""

from __future__ import annotations

import shutil
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from pipeline.stages import run_all
from tests.conftest import settings_for

CHECKS_DIR = Path(__file__).parent / "data" / "checks"

EXPECTED = {
    "total_mismatch.txt": {"total_mismatch"},
    "subset_exceeds_total.txt": {"subset_exceeds_total"},
    "plan_year_title.txt": {"plan_year_not_after_report_year"},
    "year_contradicts.txt": {"year_contradicts_text"},
    "placeholders.txt": {"placeholder_year", "placeholder_number", "redacted_name"},
    "enumeration.txt": {"enumeration_gap"},
    "repeated.txt": {"repeated_metric_disagrees"},
    "share_and_units.txt": {"share_over_100", "unit_implausible_for_subject"},
    "attainment_2023.txt": {"plan_attainment_out_of_range"},
    "attainment_2024.txt": set(),
    "spaced_out.txt": {"spaced_out_text"},
    "metric_links.txt": set(),
}


@pytest.fixture(scope="module")
def checks_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("checks")
    landing = root / "landing"
    shutil.copytree(CHECKS_DIR, landing)
    settings = settings_for(root, landing)
    return settings, run_all(settings)


def findings_by_file(settings) -> dict[str, set[str]]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute("select source_file, check_name from marts.fct_dq_finding where status <> 'resolved'").fetchall()
    out: dict[str, set[str]] = defaultdict(set)
    for source_file, check in rows:
        out[source_file].add(check)
    return out


def test_each_check_fires_exactly_where_planted(checks_run) -> None:
    settings, _ = checks_run
    got = findings_by_file(settings)
    assert {f: got.get(f, set()) for f in EXPECTED} == EXPECTED


def test_findings_quote_their_source_and_say_what_was_expected(checks_run) -> None:
    settings, _ = checks_run
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = dict(con.execute("select check_name, expected || ' | ' || evidence from marts.fct_dq_finding "
                                "where check_name in ('total_mismatch', 'plan_attainment_out_of_range', 'share_over_100')"
                                ).fetchall())
    assert rows["total_mismatch"].startswith(
        "parts add up to 90场, total says 100场: off by -10场, rounding allows 0场 (the parts cover 90% of the total) | 全年举办科技活动100场")
    assert "actual 3" in rows["plan_attainment_out_of_range"]
    assert rows["share_over_100"].endswith("| 全区森林覆盖率达到120%，村集体经营收入3000人。")  # fetched for the failing row


def test_spaced_out_numbers_keep_spans_into_the_stored_text(checks_run) -> None:
    settings, _ = checks_run
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute("select m.number_text, m.value, substring(d.text, m.char_start + 1, m.char_end - m.char_start) "
                           "from marts.fct_metric m join marts.dim_document d using (document_id) "
                           "where m.source_file = 'spaced_out.txt' order by m.char_start").fetchall()
    assert rows == [("1 2 3 . 4  亿  元", 12_340_000_000.0, "1 2 3 . 4  亿  元"), ("5 . 2 %", 5.2, "5 . 2 %"),
                    ("12亿元", 1_200_000_000.0, "12亿元")]


def test_mentions_link_to_the_metric_their_subject_heads(checks_run) -> None:
    """The alias that ends the subject names the metric; a denominator or a source of funds does not."""
    settings, _ = checks_run
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        links = dict(con.execute("select number_text, metric_code from marts.fct_metric "
                                 "where source_file = 'metric_links.txt'").fetchall())
    assert links == {"213.5亿元": "general_budget_revenue", "12.3%": "general_budget_revenue",
                     "150亿元": "tax_revenue", "55%": None, "3%": "energy_intensity", "2.8%": "deficit_rate",
                     "30亿元": "land_sale_expenditure"}


def test_plan_target_without_actual_and_growth_inconsistency_on_the_samples(samples_run) -> None:
    settings, _ = samples_run
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute("select check_name, message from marts.fct_dq_finding where check_name in "
                           "('plan_target_without_actual', 'growth_rate_inconsistent') order by 1").fetchall()
    assert [r[0] for r in rows] == ["growth_rate_inconsistent", "plan_target_without_actual"]
    assert "9.5%" in rows[0][1] and "7.36%" in rows[0][1]  # 2310 → 2480 is 7.36%, the text says 9.5%


def test_a_corrected_republication_resolves_its_finding(tmp_path) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    shutil.copy(CHECKS_DIR / "total_mismatch.txt", landing / "report.txt")
    shutil.copy(CHECKS_DIR / "placeholders.txt", landing / "other.txt")
    settings = settings_for(tmp_path, landing)
    first = run_all(settings, run_id="run-1")
    assert {"total_mismatch", "placeholder_number"} <= {f.check for f in first.summary.findings}
    corrected = (landing / "report.txt").read_text(encoding="utf-8").replace("技术培训40场", "技术培训50场")
    (landing / "report.txt").write_text(corrected, encoding="utf-8")
    run_all(settings, run_id="run-2")
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        status = dict(con.execute("select check_name, status || '/' || first_seen_run from marts.fct_dq_finding "
                                  "where check_name in ('total_mismatch', 'placeholder_number')").fetchall())
        ledger = dict(con.execute("select status, count(*) from marts.ingest_ledger group by all").fetchall())
        by_owner = con.execute("select run_id, n_resolved from marts.agg_dq_by_owner where n_resolved > 0").fetchall()
    assert status == {"total_mismatch": "resolved/run-1", "placeholder_number": "open/run-1"}
    assert ledger == {"ingested": 2, "superseded": 1}
    assert by_owner == [("run-2", 1)]


def _quality_marts(database: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {t: con.execute(f"select * from marts.{t} order by all").fetchall()
                for t in ("fct_dq_finding", "agg_dq_by_owner")}


@pytest.mark.slow
def test_quality_marts_merge_each_run_into_the_published_ones_as_a_full_build_would(tmp_path) -> None:
    """The quality marts are incremental by run (macros/finding_history.sql). Nightly they merge one run into
    the published marts; built on an older warehouse (a night validated but did not publish) they catch up on
    every run since; either way they equal the marts built from the whole history, including an owner whose
    first finding came in a later run (a full build lists that owner, with zeros, in every earlier run)."""
    from pipeline.stages import DQ_SELECTOR, lake_of
    from pipeline.transform import run_dbt

    landing = tmp_path / "landing"
    landing.mkdir()
    shutil.copy(CHECKS_DIR / "total_mismatch.txt", landing / "report.txt")
    shutil.copy(CHECKS_DIR / "placeholders.txt", landing / "other.txt")
    settings = settings_for(tmp_path, landing)
    run_all(settings, run_id="run-1")
    stale = tmp_path / "stale.duckdb"
    shutil.copy(settings.warehouse_path, stale)  # its quality marts end at run-1
    corrected = (landing / "report.txt").read_text(encoding="utf-8").replace("技术培训40场", "技术培训50场")
    (landing / "report.txt").write_text(corrected, encoding="utf-8")
    run_all(settings, run_id="run-2")
    shutil.copy(CHECKS_DIR / "share_and_units.txt", landing / "farming.txt")  # the default owner's first finding
    third = run_all(settings, run_id="run-3")
    assert third.build.mode == "incremental"

    published = _quality_marts(settings.warehouse_path)
    run_dbt(["build", "--select", DQ_SELECTOR], settings.dbt_project_dir, stale, lake_of(settings))
    caught_up = _quality_marts(stale)
    run_dbt(["build", "--select", DQ_SELECTOR, "--full-refresh"], settings.dbt_project_dir, stale, lake_of(settings))
    assert published == caught_up == _quality_marts(stale)
    runs_per_owner = defaultdict(list)
    for owner, run_id, *_ in published["agg_dq_by_owner"]:
        runs_per_owner[owner].append(run_id)
    assert runs_per_owner["数据质量组"] == ["run-1", "run-2", "run-3"]
    statuses = {(f[2], f[-2]) for f in published["fct_dq_finding"]}
    assert {("total_mismatch", "resolved"), ("placeholder_number", "open"), ("share_over_100", "new")} <= statuses


def test_value_and_span_checks_fire_on_a_corrupted_warehouse(samples_run, tmp_path) -> None:
    """negative_count and span_mismatch guard against extractor bugs, which text cannot plant: corrupt a
    scratch copy of the samples' warehouse, read its spans again as the build does, and validate it with the
    real suites."""
    from expectations.validate import validate_warehouse

    settings, _ = samples_run
    scratch = tmp_path / "corrupt.duckdb"
    shutil.copy(settings.warehouse_path, scratch)
    with duckdb.connect(str(scratch)) as con:
        victim, other = [r[0] for r in con.execute(
            "select metric_id from marts.fct_metric where unit = 'count' order by metric_id limit 2").fetchall()]
        con.execute("update marts.fct_metric set value = -3 where metric_id = ?", [victim])
        con.execute("update marts.fct_metric set char_start = char_start + 1 where metric_id = ?", [other])
    _read_spans(settings, scratch)
    outcome = validate_warehouse(scratch, "corrupt-run")
    fired = {(f["check_name"], f["char_start"]) for f in outcome.findings}
    with duckdb.connect(str(scratch), read_only=True) as con:
        spans = dict(con.execute("select metric_id, char_start from marts.fct_metric where metric_id in (?, ?)",
                                 [victim, other]).fetchall())
    assert ("negative_count", spans[victim]) in fired
    assert ("span_mismatch", spans[other]) in fired
    assert {c for c, _ in fired} >= {"negative_count", "span_mismatch"}
    clean = validate_warehouse(settings.warehouse_path, "clean-run")
    assert not {f["check_name"] for f in clean.findings} & {"negative_count", "span_mismatch"}


def _read_spans(settings, warehouse) -> None:  # type: ignore[no-untyped-def]
    """Rebuild int_metric_spans (the spans both span checks read) from the warehouse's marts."""
    from pipeline.stages import lake_of
    from pipeline.transform import run_dbt

    run_dbt(["run", "--select", "int_metric_spans", "--full-refresh"], settings.dbt_project_dir, warehouse,
            lake_of(settings))


def test_validating_a_big_mart_in_batches_finds_exactly_what_one_batch_finds(checks_run, monkeypatch) -> None:
    """fct_metric is validated in batches of whole documents; batching must not lose or invent a finding."""
    from dataclasses import replace

    from expectations import validate

    settings, _ = checks_run
    whole = validate.validate_warehouse(settings.warehouse_path, "whole")
    suites = validate.load_suites()
    monkeypatch.setattr(validate, "load_suites", lambda: [replace(s, batch_rows=3) if s.name == "fct_metric" else s for s in suites])
    batched = validate.validate_warehouse(settings.warehouse_path, "batched")

    def key(f: dict) -> tuple:
        return (f["check_name"], f["source_file"], f["char_start"], f["message"], f["evidence"])

    assert sorted(map(key, batched.findings)) == sorted(map(key, whole.findings))
    assert {"share_over_100", "unit_implausible_for_subject"} <= {f["check_name"] for f in batched.findings}

    def counts(results: list[dict]) -> list[tuple]:
        return sorted((r["suite"], r["check_name"], r["success"], r["element_count"], r["unexpected_count"])
                      for r in results)

    assert counts(batched.results) == counts(whole.results)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        n_metrics = con.execute("select count(*) from marts.fct_metric").fetchone()[0]
    assert n_metrics > 3 * 2  # so batch_rows=3 really made several batches


def test_spans_of_a_big_document_are_read_from_pieces_and_an_offset_bug_is_still_caught(samples_run, tmp_path) -> None:
    """Spans are read from 100-character pieces of each text (a substring per span walked the text from its
    start: quadratic in a document's size). The pieces must neither invent a mismatch, on spans that cross a
    piece boundary or are too long for a piece too, nor hide one: the GX suite and the dbt test both still
    catch a shifted span in a big document."""
    from expectations.validate import validate_warehouse
    from ingest.document import parse_text
    from pipeline.stages import lake_of
    from pipeline.transform import run_dbt

    settings, _ = samples_run
    text = ("前言：全年投入资金123456789012345678901234567890123元。\n"
            + "".join(f"第{i}段：全年新增企业{i}家，完成投资{i}.5亿元，同比增长{i % 9}.2%。\n" for i in range(1500)))
    mentions = parse_text(text).mentions
    assert len(text) > 50_000 and len(mentions) > 3000
    assert any(m.char_end - m.char_start > 30 for m in mentions), "no span too long for a piece"
    crossing = [m for m in mentions if m.char_start // 100 != (m.char_end - 1) // 100]
    assert crossing, "no span crosses a piece boundary: the test would not cover the join of two pieces"
    scratch = tmp_path / "big.duckdb"
    shutil.copy(settings.warehouse_path, scratch)
    big_id = "b" * 64
    spans = [(f"big-m{m.char_start}", m.char_start, m.char_end, m.number_text) for m in mentions]
    with duckdb.connect(str(scratch)) as con:
        con.execute("""insert into marts.dim_document select * replace (? as document_id, ? as text, ? as n_chars,
                       (select max(loaded_at) from marts.dim_document) as loaded_at) from marts.dim_document limit 1""",
                    [big_id, text, len(text)])
        con.execute("create temp table spans (metric_id varchar, char_start int, char_end int, number_text varchar)")
        con.executemany("insert into spans values (?, ?, ?, ?)", spans)
        con.execute("""insert into marts.fct_metric select m.* replace (s.metric_id as metric_id, ? as document_id,
                       s.char_start as char_start, s.char_end as char_end, s.number_text as number_text)
                       from (select * from marts.fct_metric limit 1) as m cross join spans as s""", [big_id])

    def span_findings() -> set[int]:
        _read_spans(settings, scratch)
        outcome = validate_warehouse(scratch, "big-run")
        return {f["char_start"] for f in outcome.findings if f["check_name"] == "span_mismatch"}

    def dbt_span_test_passes() -> bool:
        result = run_dbt(["test", "--select", "assert_metric_span_matches_text"], settings.dbt_project_dir, scratch,
                         lake_of(settings), raise_on_failure=False)
        return not result.failures

    assert span_findings() == set()
    assert dbt_span_test_passes()
    shifted = crossing[len(crossing) // 2]
    with duckdb.connect(str(scratch)) as con:
        con.execute("update marts.fct_metric set char_start = char_start + 1 where metric_id = ?",
                    [f"big-m{shifted.char_start}"])
    assert span_findings() == {shifted.char_start + 1}
    assert not dbt_span_test_passes()
