"""A night with new and re-published files builds incrementally on a copy of the published warehouse, and
publishes exactly what a full rebuild and a full validation of the same lake would."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from bench.generate import generate
from expectations.validate import Baseline, extraction_findings, validate_warehouse
from ingest.document import parse_text
from ingest.limits import Limits
from ingest.readers import read_document
from pipeline.stages import DQ_SELECTOR, build_stage, candidate_path, generate_dbt_docs, lake_of, run_all
from pipeline.transform import run_dbt
from tests.conftest import SAMPLES, settings_for

# The marts an incremental build writes or derives; dim_document's loaded_at differs by design.
COMPARED = ["dim_document", "dim_report", "fct_metric", "fct_plan_target", "fct_total_check",
            "fct_growth_check", "fct_plan_attainment", "ingest_ledger", "fct_dq_finding", "agg_dq_by_owner"]
FINDING_FIELDS = ("check_name", "document_id", "report_id", "char_start", "char_end", "message", "evidence",
                  "expected", "org_name", "report_year", "owner_name")


def _differences(incremental: Path, full: Path) -> dict[str, tuple[int, int, int]]:
    """Per mart: (rows, rows only in the incremental build, rows only in the full one)."""
    con = duckdb.connect()
    con.execute(f"attach '{incremental}' as inc (read_only)")
    con.execute(f"attach '{full}' as full_build (read_only)")
    out = {}
    for table in COMPARED:
        columns = [c for (c,) in con.execute(
            "select column_name from duckdb_columns() where database_name = 'inc' and schema_name = 'marts' "
            "and table_name = ? and column_name <> 'loaded_at' order by column_index", [table]).fetchall()]
        cols = ", ".join(f'"{c}"' for c in columns)
        a, b = f"select {cols} from inc.marts.{table}", f"select {cols} from full_build.marts.{table}"
        out[table] = (con.execute(f"select count(*) from inc.marts.{table}").fetchone()[0],
                      con.execute(f"select count(*) from ({a} except all {b})").fetchone()[0],
                      con.execute(f"select count(*) from ({b} except all {a})").fetchone()[0])
    con.close()
    return out


def _organisations(path: Path) -> list[str]:
    """The organisations a file's reports are of, as the extractor reads them."""
    text = read_document(path.read_bytes(), path.name, Limits()).text
    return [meta.org_name for _, meta in parse_text(text).reports if meta.org_name]


def _referenced_by_other_documents(warehouse: Path, touched: list[str]) -> list[str]:
    """Files holding a mention that a growth check or a plan attainment of another document points at (last
    year's level; the plan year's report), of none of the `touched` organisations (those of the files new or
    re-published tonight): the organisation-scoped marts must see that such a document left without a
    replacement and recompute the rows that pointed at it."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("create temp table touched as select unnest(?::varchar[]) as org_name", [touched])
        growth = con.execute(
            "select min(previous.source_file) from marts.fct_growth_check as checks "
            "join marts.fct_metric as previous on previous.metric_id = checks.previous_metric_id "
            "where previous.document_id <> checks.document_id "
            "and checks.org_name not in (select org_name from touched)").fetchone()[0]
        attainment = con.execute(
            "select reports.source_file from marts.fct_plan_attainment as attainment "
            "join marts.fct_plan_target as targets on targets.metric_id = attainment.target_metric_id "
            "join marts.dim_report as reports "
            "on reports.org_name = attainment.org_name and reports.report_year = attainment.plan_year "
            "where reports.source_file <> targets.source_file and reports.source_file <> ? "
            "and attainment.org_name not in (select org_name from touched) "
            # a target with no actual points at no mention of that report: only its year ties the row to it
            "order by attainment.actual_metric_id is null desc, 1 limit 1", [growth]).fetchone()[0]
    assert growth and attainment, "the generated corpus should relate documents across years"
    return [growth, attainment]


def _corpus(kind: str, root: Path) -> Path:
    """The samples, or a small generated corpus (organisations reporting consecutive years, so growth and
    plan-attainment rows exist across documents)."""
    if kind == "samples":
        return SAMPLES
    generate(15, 11, root / "corpus")
    return root / "corpus"


@pytest.mark.slow
@pytest.mark.parametrize("corpus", ["samples", "generated"])
def test_incremental_night_publishes_what_a_full_rebuild_would(tmp_path, corpus) -> None:
    source = _corpus(corpus, tmp_path)
    names = sorted(p.name for p in source.iterdir())
    landing = tmp_path / "landing"
    landing.mkdir()
    for name in names[:-1]:
        shutil.copy(source / name, landing / name)
    settings = settings_for(tmp_path, landing)
    first = run_all(settings, "night-1")
    assert first.build.mode == "full"
    assert first.validate.dbt_docs_kept is False
    docs_manifest = settings.reports_dir / "dbt_docs" / "manifest.json"
    first_docs = docs_manifest.read_bytes()

    shutil.copy(source / names[-1], landing / names[-1])  # a new file
    republished = [n for n in names[:-1] if n.endswith(".txt")][1]  # a path re-published with new bytes
    (landing / republished).write_bytes((source / republished).read_bytes() + "\n附：修订说明。\n".encode())
    broken = [] if corpus == "samples" else _referenced_by_other_documents(
        settings.warehouse_path, _organisations(landing / names[-1]) + _organisations(landing / republished))
    for name in broken:  # re-published as junk: quarantined, so its document leaves with no replacement
        (landing / name).write_bytes(b"\0" * 64)
    removed = 1 + len(broken)
    pages = settings.reports_dir / "data_docs" / "validations"
    before = set(pages.rglob("*.html"))
    said: list[str] = []
    second = run_all(settings, "night-2", progress=said.append)
    new_pages = Counter(p.relative_to(pages).parts[0] for p in set(pages.rglob("*.html")) - before)
    assert new_pages == dict.fromkeys(new_pages, 1) and len(new_pages) == 5, new_pages  # one run per suite
    assert second.build.mode == "incremental"
    carried = second.validate.carried_forward
    assert set(carried) == {"fct_metric", "fct_total_check", "fct_growth_check", "fct_plan_attainment"}
    assert any(line.startswith("validate: only changes validated: fct_growth_check") and "fct_metric 2 documents "
               f"(+{removed} removed)" in line for line in said), said
    assert all(carried[s].unit == "documents" and carried[s].validated == 2 and carried[s].removed == removed
               for s in ("fct_metric", "fct_total_check"))
    if corpus == "generated":  # cross-document rows: only those that changed were validated, the rest carried
        with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
            targets = con.execute("select count(*) from marts.fct_plan_attainment").fetchone()[0]
        attainment = carried["fct_plan_attainment"]
        assert attainment.unit == "rows" and 0 < attainment.validated < targets and attainment.removed > 0
        assert attainment.carried_findings > 0
    # Same build code: the docs generated on night 1 still describe every model and column.
    assert second.validate.dbt_docs_kept is True
    assert docs_manifest.read_bytes() == first_docs
    page, kept = generate_dbt_docs(settings, settings.warehouse_path, "another build code")
    assert not kept and docs_manifest.read_bytes() != first_docs  # regenerated: a new invocation id at least

    # The same lake, built from scratch and validated whole.
    full = build_stage(settings, "night-2-full", force=True)
    assert full.mode == "full"
    full_file = tmp_path / "full.duckdb"
    shutil.move(candidate_path(settings), full_file)
    # the quality marts from the whole finding history (the published ones merged night 2 into night 1's)
    run_dbt(["build", "--select", DQ_SELECTOR], settings.dbt_project_dir, full_file, lake_of(settings))
    differences = _differences(settings.warehouse_path, full_file)
    assert differences["dim_document"][0] == len(names) - len(broken)
    assert all(only_inc == only_full == 0 for _, only_inc, only_full in differences.values()), differences

    whole = validate_warehouse(full_file, "whole")
    lake = settings.lake_dir / "quality"
    stored = pq.read_table(lake / "gx_results" / "night-2.parquet").to_pylist()

    def counts(rows: list[dict]) -> dict:
        return {(r["suite"], r["check_name"], r["column_name"]): (r["success"], r["element_count"],
                                                                  r["unexpected_count"]) for r in rows}

    assert counts(stored) == counts(whole.results)
    history = pq.read_table(lake / "finding_history" / "night-2.parquet").to_pylist()

    def findings(rows: list[dict]) -> Counter:
        return Counter(tuple(str(r.get(k)) for k in FINDING_FIELDS) for r in rows)

    assert findings(history) == findings(whole.findings + extraction_findings(full_file))
    assert any(r["check_name"] in ("total_mismatch", "subset_exceeds_total") for r in history)

    # A published run whose findings do not add up to its counts is not carried from: each scoped suite is
    # validated whole, with the same outcome.
    previous = settings.warehouse_path.with_name("warehouse.previous.duckdb")
    night_1 = pq.read_table(lake / "gx_results" / "night-1.parquet").to_pylist()
    distrusted = validate_warehouse(settings.warehouse_path, "distrusted", baseline=Baseline(previous, night_1, []))
    fell_back = {s for s, c in distrusted.carried.items() if c.validated_whole is not None}
    assert fell_back == {s for s in carried if any(r["suite"] == s and r["unexpected_count"] for r in night_1)}
    assert fell_back or corpus == "samples"  # the samples' first night has nothing to distrust
    assert counts(distrusted.results) == counts(whole.results)
    assert findings(distrusted.findings) == findings(whole.findings)


@pytest.mark.slow
def test_a_target_leaves_attainment_when_its_plan_year_report_leaves(tmp_path) -> None:
    """A target is compared once its organisation has a report on the plan year. When that report leaves
    (re-published as junk: quarantined) and none of its mentions was a target's actual, no attainment row
    points at it: the organisation must still be recomputed (plan_attainment_also), as a full build would."""
    landing = tmp_path / "landing"
    landing.mkdir()
    shutil.copy(Path(__file__).parent / "data" / "checks" / "attainment_2023.txt", landing / "plan.txt")
    unrelated = "北川区科协2024年工作总结\n　　2024年，北川区科协扎实开展科普工作。\n　　一、工作成效\n　　全年培训会员120人次。\n"
    (landing / "results.txt").write_text(unrelated, encoding="utf-8")
    settings = settings_for(tmp_path, landing)
    run_all(settings, "night-1")

    def attainment() -> list[tuple]:
        with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
            return con.execute("select plan_year, subject, status from marts.fct_plan_attainment order by all").fetchall()

    assert [status for *_, status in attainment()] == ["no_actual_reported", "no_actual_reported"]
    (landing / "results.txt").write_bytes(b"\0" * 64)
    second = run_all(settings, "night-2")
    assert second.build.mode == "incremental"
    assert attainment() == []
