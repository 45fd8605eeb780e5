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
from pipeline.stages import build_stage, candidate_path, generate_dbt_docs, run_all
from tests.conftest import SAMPLES, settings_for

# The marts an incremental build writes or derives; dim_document's loaded_at differs by design.
COMPARED = ["dim_document", "dim_report", "fct_metric", "fct_plan_target", "fct_total_check",
            "fct_growth_check", "fct_plan_attainment", "ingest_ledger"]
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
    assert first["outputs"]["build"]["mode"] == "full"
    assert first["outputs"]["validate"]["dbt_docs_kept"] is False
    docs_manifest = settings.reports_dir / "dbt_docs" / "manifest.json"
    first_docs = docs_manifest.read_bytes()

    shutil.copy(source / names[-1], landing / names[-1])  # a new file
    republished = [n for n in names[:-1] if n.endswith(".txt")][1]  # a path re-published with new bytes
    (landing / republished).write_bytes((source / republished).read_bytes() + "\n附：修订说明。\n".encode())
    pages = settings.reports_dir / "data_docs" / "validations"
    before = set(pages.rglob("*.html"))
    said: list[str] = []
    second = run_all(settings, "night-2", progress=said.append)
    new_pages = Counter(p.relative_to(pages).parts[0] for p in set(pages.rglob("*.html")) - before)
    assert new_pages == dict.fromkeys(new_pages, 1) and len(new_pages) == 5, new_pages  # one run per suite
    assert second["outputs"]["build"]["mode"] == "incremental"
    carried = second["outputs"]["validate"]["carried_forward"]
    assert set(carried) == {"fct_metric", "fct_total_check", "fct_growth_check", "fct_plan_attainment"}
    assert any(line.startswith("validate: only changes validated: fct_growth_check") and "fct_metric 2 documents "
               "(+1 removed)" in line for line in said), said
    assert all(carried[s]["validated_documents"] == 2 and carried[s]["removed_documents"] == 1
               for s in ("fct_metric", "fct_total_check"))
    if corpus == "generated":  # cross-document rows: only those that changed were validated, the rest carried
        with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
            targets = con.execute("select count(*) from marts.fct_plan_attainment").fetchone()[0]
        attainment = carried["fct_plan_attainment"]
        assert 0 < attainment["validated_rows"] < targets and attainment["removed_rows"] > 0
        assert attainment["carried_findings"] > 0
    # Same build code: the docs generated on night 1 still describe every model and column.
    assert second["outputs"]["validate"]["dbt_docs_kept"] is True
    assert docs_manifest.read_bytes() == first_docs
    page, kept = generate_dbt_docs(settings, settings.warehouse_path, "another build code")
    assert not kept and docs_manifest.read_bytes() != first_docs  # regenerated: a new invocation id at least

    # The same lake, built from scratch and validated whole.
    full = build_stage(settings, "night-2-full", force=True)
    assert full["mode"] == "full"
    full_file = tmp_path / "full.duckdb"
    shutil.move(candidate_path(settings), full_file)
    differences = _differences(settings.warehouse_path, full_file)
    assert differences["dim_document"][0] == len(names)
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
    fell_back = {s for s, c in distrusted.carried.items() if "validated_whole" in c}
    assert fell_back == {s for s in carried if any(r["suite"] == s and r["unexpected_count"] for r in night_1)}
    assert fell_back or corpus == "samples"  # the samples' first night has nothing to distrust
    assert counts(distrusted.results) == counts(whole.results)
    assert findings(distrusted.findings) == findings(whole.findings)
