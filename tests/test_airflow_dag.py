"""The DAG as Airflow sees it: it imports cleanly, is wired as documented, and runs end to end."""

from __future__ import annotations

import shutil
from datetime import timedelta

import duckdb
import pytest

from pipeline.settings import PROJECT_ROOT
from tests.conftest import SAMPLES, settings_for


@pytest.fixture(scope="module")
def dag():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
    assert bag.import_errors == {}
    return bag.dags["annual_reports_nightly"]  # from the parsed files: no metadata DB needed


def test_dag_schedule_and_guards(dag) -> None:
    assert dag is not None
    assert dag.catchup is False and dag.max_active_runs == 1
    assert dag.timetable.expression == "0 2 * * *"
    ingest = dag.get_task("ingest")
    assert ingest.retries == 2 and ingest.retry_exponential_backoff
    assert ingest.retry_delay == timedelta(seconds=30)


def test_dag_wiring_follows_the_data_flow(dag) -> None:
    order = ["discover", "ingest", "build", "validate", "promote", "publish_reports"]
    for upstream, downstream in zip(order, order[1:], strict=False):
        assert downstream in dag.get_task(upstream).downstream_task_ids


def test_dag_file_does_no_io_at_import() -> None:
    source = (PROJECT_ROOT / "dags" / "annual_reports_nightly.py").read_text(encoding="utf-8")
    top_level = [ln for ln in source.splitlines() if ln.startswith(("import ", "from "))]
    assert all(ln.startswith(("from __future__", "from datetime", "from airflow")) for ln in top_level), top_level


@pytest.mark.slow
def test_dag_runs_end_to_end_through_airflow(tmp_path, monkeypatch) -> None:
    """`airflow dags test` in a temporary Airflow home (SQLite) over the samples, then assert the marts."""
    from pipeline.airflow_local import run_dag_once

    landing = tmp_path / "landing"
    shutil.copytree(SAMPLES, landing)
    settings = settings_for(tmp_path, landing)
    for key, value in (("LANDING_DIR", landing), ("WAREHOUSE_PATH", settings.warehouse_path),
                       ("REPORTS_DIR", settings.reports_dir), ("LAKE_DIR", settings.lake_dir)):
        monkeypatch.setenv(key, str(value))
    for key in ("SMTP_HOST", "AIRFLOW__CORE__DAGS_FOLDER"):
        monkeypatch.delenv(key, raising=False)
    # Airflow refuses to map a task over more items than max_map_length (1,024 by default): a first night
    # of 10,000 reports must still run. Five documents under a limit of 2 stand in for that.
    monkeypatch.setenv("AIRFLOW__CORE__MAX_MAP_LENGTH", "2")
    proc = run_dag_once(tmp_path / "airflow")
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert "state=success" in log, log[-3000:]
    assert "task_id=ingest map_index=1" in log and "task_id=ingest map_index=2" not in log  # two batches
    for task in ("discover", "ingest", "build", "validate", "promote", "publish_reports"):
        assert f"task_id={task}" in log
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from marts.dim_document").fetchone()[0] == 5
        assert con.execute("select count(*) from marts.fct_total_check where status = 'mismatch'").fetchone()[0] == 1
        checks = {r[0] for r in con.execute("select check_name from marts.fct_dq_finding").fetchall()}
    assert {"total_mismatch", "placeholder_number"} <= checks
    assert list((settings.reports_dir / "quality").glob("*/科技创新局数据专员.html"))

    # The next night nothing new has landed: build skips itself and everything after it; the file stays.
    before = settings.warehouse_path.stat()
    again = run_dag_once(tmp_path / "airflow", logical_date="2026-01-02T02:00:00+00:00")
    log = again.stdout + again.stderr
    assert again.returncode == 0, log[-3000:]
    assert "inputs unchanged since run" in log, log[-3000:]
    after = settings.warehouse_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
