"""`warehouse run` shows its progress; `warehouse sql` / `schema`: read-only access with readable output."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import BIN


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "warehouse"), *args], capture_output=True, text=True, check=False)


def test_sql_prints_aligned_table_csv_and_json(samples_run) -> None:
    settings, _ = samples_run
    wh = str(settings.warehouse_path)
    table = run_cli("sql", "select org_name, report_year from marts.dim_report order by 1, 2 limit 2", "--warehouse", wh)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].startswith("org_name") and lines[-1] == "(2 rows)"
    as_json = run_cli("sql", "select count(*) as n from marts.dim_report", "--warehouse", wh, "--format", "json")
    assert json.loads(as_json.stdout) == [{"n": 6}]
    as_csv = run_cli("sql", "select 1 as a, 'x' as b", "--warehouse", wh, "--format", "csv")
    assert as_csv.stdout.splitlines() == ["a,b", "1,x"]


@pytest.mark.parametrize("statement", [
    "drop table marts.fct_metric",
    "insert into marts.dim_report (report_id) values ('x')",
    "copy marts.fct_metric to '/tmp/stolen.csv'",
    "attach '/tmp/other.duckdb' as other",
    "install httpfs",
    "select * from read_csv_auto('/etc/passwd')",
    "set enable_external_access = true",
])
def test_sql_refuses_writes_and_file_access(samples_run, statement: str) -> None:
    settings, _ = samples_run
    proc = run_cli("sql", statement, "--warehouse", str(settings.warehouse_path))
    assert proc.returncode != 0
    assert "refused" in proc.stderr


def test_schema_lists_marts_and_columns(samples_run) -> None:
    settings, _ = samples_run
    proc = run_cli("schema", "--warehouse", str(settings.warehouse_path))
    assert "marts.fct_metric" in proc.stdout and "number_text" in proc.stdout


def test_missing_warehouse_is_a_clear_error(tmp_path) -> None:
    proc = run_cli("sql", "select 1", "--warehouse", str(tmp_path / "none.duckdb"))
    assert proc.returncode == 2 and "no warehouse at" in proc.stderr


def test_run_shows_the_parsing_progress_against_the_documents_to_parse(tmp_path) -> None:
    landing = tmp_path / "landing"
    landing.mkdir()
    for i, org in enumerate(("东城区科协", "西城区科协", "南城区科协")):
        (landing / f"{i}.txt").write_text(f"{org}2024年工作总结\n一、工作成效\n全年举办科普讲座{30 + i}场。\n",
                                          encoding="utf-8")
    proc = run_cli("run", "--landing", str(landing), "--warehouse", str(tmp_path / "wh" / "w.duckdb"),
                   "--reports", str(tmp_path / "reports"), "--lake", str(tmp_path / "lake"), "--workers", "2")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "discover: 3 new document(s) to parse" in proc.stderr
    assert "parsing: 100%" in proc.stderr and "3/3" in proc.stderr  # a bar with its total, to the end
    assert "parsed 3 document(s)" in proc.stdout
