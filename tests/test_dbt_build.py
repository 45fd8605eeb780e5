"""dbt build with its tests, against a copy of the samples' lake: it passes, and its span test bites."""

from __future__ import annotations

import shutil

import pyarrow.parquet as pq
import pytest

from ingest.lake import Lake, write_atomic
from pipeline.settings import PROJECT_ROOT
from pipeline.transform import DbtFailed, run_dbt


@pytest.fixture()
def lake_copy(samples_run, tmp_path) -> Lake:
    settings, _ = samples_run
    shutil.copytree(settings.lake_dir, tmp_path / "lake")
    return Lake(tmp_path / "lake")


def test_dbt_build_passes_with_unit_and_data_tests(lake_copy, tmp_path) -> None:
    result = run_dbt(["build"], PROJECT_ROOT / "dbt_project", tmp_path / "wh.duckdb", lake_copy)
    assert result.failures == []
    models = {p.stem for p in (PROJECT_ROOT / "dbt_project" / "models").rglob("*.sql")}
    built = {uid.rsplit(".", 1)[1] for uid, status in result.nodes.items() if uid.startswith("model.") and status == "success"}
    assert built == models
    passed = {uid for uid, status in result.nodes.items() if status == "pass"}
    assert any("assert_metric_span_matches_text" in uid for uid in passed)
    assert any(uid.startswith("unit_test.") and "plan_attainment" in uid for uid in passed)
    assert any(uid.startswith("unit_test.") and "metric_by_org_year_takes_actuals" in uid for uid in passed)
    assert any(uid.startswith("test.") and "accepted_values_fct_metric_unit" in uid for uid in passed)


def test_a_span_that_does_not_hold_its_number_fails_the_build(lake_copy, tmp_path) -> None:
    metrics_file = next(p for p in lake_copy.table_dir("metrics").glob("*.parquet")
                        if p.name != "_empty.parquet" and pq.read_metadata(p).num_rows)
    table = pq.read_table(metrics_file)
    starts = table.column("char_start").to_pylist()
    starts[0] += 1  # shift one span by a character
    write_atomic(metrics_file, table.set_column(table.schema.get_field_index("char_start"), "char_start", [starts]))
    with pytest.raises(DbtFailed, match="assert_metric_span_matches_text"):
        run_dbt(["build", "--exclude", "tag:dq"], PROJECT_ROOT / "dbt_project", tmp_path / "wh.duckdb", lake_copy)
