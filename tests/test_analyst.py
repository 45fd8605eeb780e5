"""The analysts' warehouse: canonical metrics, example questions as one query each, export, docs, overview."""

from __future__ import annotations

import json
import subprocess

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline.settings import PROJECT_ROOT
from pipeline.transform import run_dbt
from tests.conftest import BIN, assert_not_blank, render


def q(settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_mentions_link_to_canonical_metrics_longest_alias_first(samples_run) -> None:
    settings, out = samples_run
    links = dict(q(settings, "select number_text, metric_code from marts.fct_metric "
                             "where source_file like '2023_示范区%' and number_text in ('38.6亿元', '3.1%', '1126家')"))
    assert links == {"38.6亿元": "rd_spending", "3.1%": "rd_intensity", "1126家": "high_tech_enterprises"}
    assert out.summary.linked_mentions == q(settings, "select count(metric_code) from marts.fct_metric")[0][0] > 0
    assert 0 < out.summary.linked_share < 1


@pytest.fixture(scope="module")
def compiled_analyses(samples_run, tmp_path_factory) -> dict[str, str]:
    """Every analysis compiled by one `dbt compile`, as SQL over the published warehouse."""
    from ingest.lake import Lake

    settings, _ = samples_run
    scratch = tmp_path_factory.mktemp("analyses") / "compile.duckdb"
    run_dbt(["compile", "--select", "path:analyses"], PROJECT_ROOT / "dbt_project", scratch, Lake(settings.lake_dir))
    compiled = scratch.parent / ".dbt" / "target" / "compiled"
    return {path.stem: path.read_text(encoding="utf-8").replace(f'"{scratch.stem}".', "")
            for path in compiled.rglob("analyses/*.sql")}


@pytest.mark.parametrize(("analysis", "check"), [
    ("rd_spending_by_district", lambda rows: [(r[0], r[1]) for r in rows] == [("示范区科技局", 2023), ("示范区科技局", 2024)]),
    ("plan_targets_met", lambda rows: {r[-1] for r in rows} == {"met", "missed", "no_actual_reported"}),
    ("disputed_numbers", lambda rows: {r[0] for r in rows} == {"total_mismatch", "growth_rate_inconsistent"}),
])
def test_example_questions_run_in_one_query_each(samples_run, compiled_analyses, analysis: str, check) -> None:
    settings, _ = samples_run
    rows = q(settings, compiled_analyses[analysis])
    assert rows and check(rows), rows


def test_export_writes_csv_and_parquet(samples_run, tmp_path) -> None:
    settings, _ = samples_run
    wh = str(settings.warehouse_path)
    for target in (tmp_path / "m.parquet", tmp_path / "m.csv"):
        proc = subprocess.run([str(BIN / "warehouse"), "export", "--table", "fct_metric", "--to", str(target),
                               "--warehouse", wh], capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
    n = q(settings, "select count(*) from marts.fct_metric")[0][0]
    assert pq.read_table(tmp_path / "m.parquet").num_rows == n
    assert len((tmp_path / "m.csv").read_text(encoding="utf-8").strip().splitlines()) == n + 1
    bad = subprocess.run([str(BIN / "warehouse"), "export", "--table", "x; drop table y", "--to", str(tmp_path / "x.csv"),
                          "--warehouse", wh], capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "no mart named" in bad.stderr


def test_dbt_docs_describe_every_mart_and_column(samples_run) -> None:
    settings, _ = samples_run
    docs = settings.reports_dir / "dbt_docs"
    assert (docs / "index.html").stat().st_size > 10_000
    manifest = json.loads((docs / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((docs / "catalog.json").read_text(encoding="utf-8"))
    marts = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["schema"] == "marts"]
    assert len(marts) >= 12
    for node in marts:
        assert node["description"], node["name"]
        built = catalog["nodes"][node["unique_id"]]["columns"]
        documented = {name for name, col in node["columns"].items() if col["description"]}
        assert {c.lower() for c in built} <= documented, (node["name"], set(built) - documented)


@pytest.mark.slow
def test_overview_renders_in_chromium(samples_run, tmp_path) -> None:
    settings, out = samples_run
    page = out.publish.overview
    dom = render(page, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") >= 5 and "高新技术企业" in dom.stdout and "示范区科技局" in dom.stdout
    assert_not_blank(page, tmp_path)
