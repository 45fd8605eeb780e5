"""The DAG as Airflow sees it: it imports cleanly, is wired as documented, and runs end to end."""

from __future__ import annotations

import shutil
import subprocess
import sys
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
    assert dag.catchup is False and dag.max_active_runs == 1
    assert dag.timetable.expression == "0 2 * * *"
    ingest = dag.get_task("ingest")
    assert ingest.retries == 2 and ingest.retry_exponential_backoff
    assert ingest.retry_delay == timedelta(seconds=30)


def test_dag_wiring_follows_the_data_flow(dag) -> None:
    order = ["discover", "ingest", "build", "validate", "promote", "publish_reports"]
    for upstream, downstream in zip(order, order[1:], strict=False):
        assert downstream in dag.get_task(upstream).downstream_task_ids


def test_dag_file_imports_no_project_code_at_parse_time() -> None:
    """The scheduler parses the file every few seconds: the stages, dbt and GX load inside the tasks only."""
    probe = ("import runpy, sys; runpy.run_path(sys.argv[1]); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('pipeline', 'ingest', 'expectations', 'publish', 'dbt', 'great_expectations', 'duckdb')))")
    out = subprocess.run([sys.executable, "-c", probe, str(PROJECT_ROOT / "dags" / "annual_reports_nightly.py")],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


@pytest.mark.slow
def test_dag_runs_end_to_end_through_airflow(tmp_path, monkeypatch) -> None:
    """`airflow dags test` in a temporary Airflow home (SQLite) over the samples, then assert the marts."""
    from pipeline.airflow_local import asset_events, run_dag_once, task_states

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
    home = tmp_path / "airflow"
    proc = run_dag_once(home)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    states = task_states(home)
    assert states == {("discover", -1): "success", ("ingest", 0): "success", ("ingest", 1): "success",  # 2 batches
                      ("build", -1): "success", ("validate", -1): "success", ("promote", -1): "success",
                      ("publish_reports", -1): "success"}, states
    assert asset_events("annual_reports_warehouse", home) == 1  # promote published the warehouse
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from marts.dim_document").fetchone()[0] == 5
        assert con.execute("select count(*) from marts.fct_total_check where status = 'mismatch'").fetchone()[0] == 1
        checks = {r[0] for r in con.execute("select check_name from marts.fct_dq_finding").fetchall()}
    assert {"total_mismatch", "placeholder_number"} <= checks
    assert list((settings.reports_dir / "quality").glob("*/科技创新局数据专员.html"))

    # The next night nothing new has landed: build skips itself and the stages after it; the file stays.
    before = settings.warehouse_path.stat()
    again = run_dag_once(home, logical_date="2026-01-02T02:00:00+00:00")
    assert again.returncode == 0, (again.stdout + again.stderr)[-3000:]
    states = task_states(home)
    assert states[("discover", -1)] == "success"
    assert {task for (task, _), state in states.items() if state == "skipped"} >= {
        "ingest", "build", "validate", "promote"}, states
    # publish_reports runs after a skipped build (none_failed: it finishes what an earlier night left undone)
    assert states[("publish_reports", -1)] in ("success", "skipped"), states
    assert asset_events("annual_reports_warehouse", home) == 1  # nothing was published again
    after = settings.warehouse_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
