"""`make run`: a project-local Airflow (SQLite metadata DB in .airflow/) that runs the DAG once.

Sets AIRFLOW_HOME and the few settings a laptop run needs, migrates the metadata DB (idempotent), runs
`airflow dags test annual_reports_nightly` and prints what the run built.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from pipeline.settings import PROJECT_ROOT, Settings
from pipeline.stages import UNCHANGED_REASON, format_summary, summarize

DAG_ID = "annual_reports_nightly"
# Task processes Airflow may run at once ([core] parallelism). Airflow's own default, 32, makes the
# LocalExecutor start 32 worker processes up front (4-5 GB on a 2-core machine) for a DAG that runs one task at
# a time; AIRFLOW__CORE__PARALLELISM in the environment overrides this.
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
    home = airflow_home or Path(os.environ.get("AIRFLOW_HOME") or PROJECT_ROOT / ".airflow")
    home.mkdir(parents=True, exist_ok=True)
    env = airflow_env(home)
    subprocess.run([airflow_bin(), "db", "migrate"], env=env, check=True, capture_output=True, text=True)
    args = [airflow_bin(), "dags", "test", DAG_ID]
    if logical_date:
        args.append(logical_date)
    return subprocess.run(args, env=env, check=False, capture_output=True, text=True)


def main() -> int:
    started = time.perf_counter()
    print(f"Running {DAG_ID} once through Airflow (AIRFLOW_HOME=.airflow, SQLite)…", flush=True)
    proc = run_dag_once()
    tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-15:])
    if proc.returncode != 0 or "state=failed" in proc.stdout + proc.stderr:
        print(tail, file=sys.stderr)
        print(f"{DAG_ID} failed (exit {proc.returncode}); task logs under .airflow/logs", file=sys.stderr)
        return 1
    print(f"{DAG_ID} succeeded in {time.perf_counter() - started:.0f}s")
    if UNCHANGED_REASON in proc.stdout + proc.stderr:
        print("Nothing new landed since the last build: the published warehouse was kept (build skipped).")
    print()
    print(format_summary(summarize(Settings.from_env())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
