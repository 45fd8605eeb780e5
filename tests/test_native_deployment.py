"""The production topology, natively: PostgreSQL metadata DB, api-server + scheduler + dag-processor with
the LocalExecutor, then the CeleryExecutor with Redis and one worker. Triggered through the REST API.

TEST_PG_URL and TEST_REDIS_URL say where the servers are (by default the machine's own, on their standard
ports); where none listens there, throwaway ones are started for this file and stopped after it."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import duckdb
import psycopg2
import pytest
import redis
from sqlalchemy.engine import make_url

from tests.conftest import SAMPLES, settings_for
from tests.native_stack import NativeStack, free_port, listening, postgres_server, redis_server

PG_URL = os.environ.get("TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    with postgres_server(PG_URL) as url:
        yield url


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server(REDIS_URL) as url:
        yield url


@pytest.fixture()
def database(postgres: str) -> Iterator[str]:
    """A new database on the server, as the SQLAlchemy URL Airflow takes; dropped afterwards."""
    name = f"annual_reports_test_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(postgres)
    admin.autocommit = True
    admin.cursor().execute(f'create database "{name}"')
    try:
        yield make_url(postgres).set(drivername="postgresql+psycopg2", database=name).render_as_string(False)
    finally:
        admin.cursor().execute(f'drop database if exists "{name}" with (force)')
        admin.close()


def test_a_missing_postgres_is_started_and_stopped() -> None:
    """Where nothing listens, a real PostgreSQL runs for the block and is gone after it."""
    with postgres_server(f"postgresql://postgres@127.0.0.1:{free_port()}/postgres") as url:
        with psycopg2.connect(url) as con, con.cursor() as cur:
            cur.execute("select version()")
            assert cur.fetchone()[0].startswith("PostgreSQL")
        socket_dir = urlsplit(url).query.removeprefix("host=")
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(url, connect_timeout=3)
    assert not os.path.exists(socket_dir)


def test_a_missing_redis_is_started_at_its_address_and_stopped() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    with redis_server(url) as started:
        assert started == url
        client = redis.Redis.from_url(url)
        assert client.ping() and client.set("k", "v") and client.get("k") == b"v"
        client.close()
    assert not listening("127.0.0.1", urlsplit(url).port)


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
def test_celery_executor_with_redis_and_a_worker(tmp_path, database, redis_url) -> None:
    env, settings = _pipeline_env(tmp_path)
    broker_db = 5 + uuid.uuid4().int % 10
    broker = urlsplit(redis_url)._replace(path=f"/{broker_db}").geturl()
    stack = NativeStack(home=tmp_path / "airflow", database_url=database, executor="CeleryExecutor",
                        broker_url=broker, extra_env=env)
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
