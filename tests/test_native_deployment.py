"""The production topology, natively: PostgreSQL metadata DB, api-server + scheduler + dag-processor with
the LocalExecutor, then the CeleryExecutor with Redis and one worker. Triggered through the REST API."""

from __future__ import annotations

import shutil
import uuid

import duckdb
import psycopg2
import pytest

from pipeline.native_stack import NativeStack
from tests.conftest import SAMPLES, settings_for

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres"}


@pytest.fixture()
def database():
    name = f"annual_reports_test_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(**PG)
    admin.autocommit = True
    admin.cursor().execute(f'create database "{name}"')
    try:
        yield f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"
    finally:
        admin.cursor().execute(f'drop database if exists "{name}" with (force)')
        admin.close()


def _pipeline_env(tmp_path) -> tuple[dict[str, str], object]:
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLES, landing)
    settings = settings_for(tmp_path, landing)
    env = {"LANDING_DIR": str(landing), "WAREHOUSE_PATH": str(settings.warehouse_path),
           "REPORTS_DIR": str(settings.reports_dir), "LAKE_DIR": str(settings.lake_dir), "SMTP_HOST": ""}
    return env, settings


def _assert_built(settings) -> None:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from marts.dim_document").fetchone()[0] == 5
        assert con.execute("select count(*) from marts.fct_total_check where status = 'mismatch'").fetchone()[0] == 1


def _assert_runs(result: dict) -> None:
    """Every run succeeded, the triggered one among them, and each sample was parsed exactly once."""
    assert {r["state"] for r in result["runs"]} == {"success"}, result
    assert result["triggered"] in {r["dag_run_id"] for r in result["runs"]}
    ingest = [ti for r in result["runs"] for ti in r["ingest"]]
    assert len(ingest) == 5 and {ti["state"] for ti in ingest} == {"success"}


@pytest.mark.slow
def test_local_executor_on_postgres(tmp_path, database) -> None:
    env, settings = _pipeline_env(tmp_path)
    stack = NativeStack(home=tmp_path / "airflow", database_url=database, extra_env=env)
    try:
        stack.start()
        stack.wait_healthy()
        result = stack.trigger_and_wait()
    finally:
        stack.stop()
    _assert_runs(result)
    assert all(proc.poll() is not None for _, proc in stack.processes)
    _assert_built(settings)


@pytest.mark.slow
def test_celery_executor_with_redis_and_a_worker(tmp_path, database) -> None:
    env, settings = _pipeline_env(tmp_path)
    broker_db = 5 + uuid.uuid4().int % 10
    stack = NativeStack(home=tmp_path / "airflow", database_url=database, executor="CeleryExecutor",
                        broker_url=f"redis://127.0.0.1:6379/{broker_db}", extra_env=env)
    try:
        stack.start(celery_worker=True)
        stack.wait_healthy()
        result = stack.trigger_and_wait()
    finally:
        stack.stop()
    _assert_runs(result)
    worker_log = (stack.home / "worker.log").read_text(encoding="utf-8", errors="replace")
    assert "ingest" in worker_log, "the mapped ingest tasks did not run on the Celery worker"
    _assert_built(settings)
