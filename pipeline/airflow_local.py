"""`make run`: a project-local Airflow (SQLite metadata DB in .airflow/) that runs the DAG once.

Sets AIRFLOW_HOME and the few settings a laptop run needs, migrates the metadata DB (idempotent), runs
`airflow dags test annual_reports_nightly` and prints what the run built.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from pipeline.settings import PROJECT_ROOT, Settings
from pipeline.stages import format_summary, summarize

DAG_ID = "annual_reports_nightly"
# Task processes Airflow may run at once ([core] parallelism). Airflow's own default, 32, makes the
# LocalExecutor start 32 worker processes up front, gigabytes of memory for a DAG that runs one task at a time
# (docs/BENCHMARKS.md); AIRFLOW__CORE__PARALLELISM in the environment overrides this.
DEFAULT_PARALLELISM = 4


def airflow_env(airflow_home: Path) -> dict[str, str]:
    """Environment for a local Airflow on SQLite reading this project's dags/ folder."""
    settings = Settings.from_env()
    return {
        **os.environ,
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(airflow_home / "logs"),
        "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "120",
        "AIRFLOW__CORE__PARALLELISM": os.environ.get("AIRFLOW__CORE__PARALLELISM") or str(DEFAULT_PARALLELISM),
        "GX_ANALYTICS_ENABLED": "False",
        # The tasks read the same settings as the CLI; pass them resolved so relative paths cannot drift.
        "LANDING_DIR": str(settings.landing_dir),
        "WAREHOUSE_PATH": str(settings.warehouse_path),
        "REPORTS_DIR": str(settings.reports_dir),
        "LAKE_DIR": str(settings.lake_dir),
        "OWNERS_FILE": str(settings.owners_file),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
    }


def airflow_bin() -> str:
    candidate = Path(sys.executable).parent / "airflow"
    return str(candidate) if candidate.exists() else "airflow"


def run_dag_once(airflow_home: Path | None = None, logical_date: str | None = None) -> subprocess.CompletedProcess:
    """Migrate the metadata DB and run the DAG once through Airflow (`airflow dags test`)."""
    home = _airflow_home(airflow_home)
    home.mkdir(parents=True, exist_ok=True)
    env = airflow_env(home)
    subprocess.run([airflow_bin(), "db", "migrate"], env=env, check=True, capture_output=True, text=True)
    args = [airflow_bin(), "dags", "test", DAG_ID]
    if logical_date:
        args.append(logical_date)
    return subprocess.run(args, env=env, check=False, capture_output=True, text=True)


def _airflow_home(airflow_home: Path | None) -> Path:
    return airflow_home or Path(os.environ.get("AIRFLOW_HOME") or PROJECT_ROOT / ".airflow")


def task_states(airflow_home: Path | None = None) -> dict[tuple[str, int], str | None]:
    """The state of every task instance of the DAG's latest run, by (task_id, map_index), from the metadata DB."""
    with sqlite3.connect(_airflow_home(airflow_home) / "airflow.db") as db:
        rows = db.execute(
            "select ti.task_id, ti.map_index, ti.state from task_instance as ti "
            "where ti.dag_id = ? and ti.run_id = (select run_id from dag_run where dag_id = ? order by id desc limit 1)",
            [DAG_ID, DAG_ID]).fetchall()
    return {(task_id, map_index): state for task_id, map_index, state in rows}


def asset_events(asset_name: str, airflow_home: Path | None = None) -> int:
    """How many times the asset named `asset_name` was updated (events in the metadata DB)."""
    with sqlite3.connect(_airflow_home(airflow_home) / "airflow.db") as db:
        return db.execute("select count(*) from asset_event as e join asset as a on a.id = e.asset_id "
                          "where a.name = ?", [asset_name]).fetchone()[0]


def main() -> int:
    started = time.perf_counter()
    print(f"Running {DAG_ID} once through Airflow (AIRFLOW_HOME=.airflow, SQLite)…", flush=True)
    proc = run_dag_once()
    tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-15:])
    states = task_states() if proc.returncode == 0 else {}
    if proc.returncode != 0 or any(state not in ("success", "skipped") for state in states.values()):
        print(tail, file=sys.stderr)
        print(f"{DAG_ID} failed (exit {proc.returncode}); task logs under .airflow/logs", file=sys.stderr)
        return 1
    print(f"{DAG_ID} succeeded in {time.perf_counter() - started:.0f}s")
    if states.get(("build", -1)) == "skipped":
        print("Nothing new landed since the last build: the published warehouse was kept (build skipped).")
    print()
    print(format_summary(summarize(Settings.from_env())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
