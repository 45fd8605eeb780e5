"""lake → warehouse: run dbt (the only writer of the warehouse) against a candidate file.

dbt runs as a child process: dbt-duckdb keeps its connection open for the life of the process, and the
next stage must open the same file read-only. The lake paths and the target file reach the profile and the
sources through environment variables; results come from dbt's run_results.json.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ingest.lake import Lake


class DbtFailed(RuntimeError):
    """dbt build/test failed; the message lists the failing nodes."""


class NoSpaceLeft(OSError):
    """A write failed because the filesystem is full; says which folder's filesystem."""


def no_space_left(folder: Path, what: str) -> NoSpaceLeft:
    return NoSpaceLeft(errno.ENOSPC, f"no space left on the filesystem of {folder} ({what}); free space and run again")


def _disk_full(folder: Path, output: str) -> bool:
    """Whether a failed write in `folder` was for lack of space: the error says so, or under 1 MB is free."""
    if "No space left on device" in output:
        return True
    try:
        return shutil.disk_usage(folder).free < 1 << 20
    except OSError:
        return False


@dataclass(frozen=True)
class DbtResult:
    command: str
    seconds: float
    statuses: dict[str, int]
    failures: list[str]
    nodes: dict[str, str]  # unique_id → status


def dbt_env(database: Path, lake: Lake) -> dict[str, str]:
    return {
        "DBT_DUCKDB_PATH": str(database),
        "LAKE_DIR": str(lake.root.resolve()),
        "LAKE_PARSED_DIR": str(lake.parsed_dir.resolve()),
    }


def dbt_executable() -> str:
    """The dbt installed beside this interpreter (the project's .venv), not whatever is on PATH."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(args: list[str], project_dir: Path, database: Path, lake: Lake, raise_on_failure: bool = True) -> DbtResult:
    """Run one dbt command (`build`, `docs generate` …) against `database`."""
    work = database.parent / ".dbt"
    target = work / "target"
    full = [dbt_executable(), *args, "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
            "--target-path", str(target), "--log-path", str(work / "logs")]
    env = {**os.environ, **dbt_env(database, lake), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    started = time.perf_counter()
    proc = subprocess.run(full, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    statuses: dict[str, int] = {}
    failures: list[str] = []
    nodes: dict[str, str] = {}
    results_file = target / "run_results.json"
    output = proc.stdout[-4000:] + proc.stderr[-4000:]
    if proc.returncode != 0 and _disk_full(database.parent, output):
        raise no_space_left(database.parent, f"dbt {args[0]} into {database.name}")
    results: list[dict] = []
    if results_file.exists() and results_file.stat().st_mtime >= time.time() - seconds - 1:
        try:
            results = json.loads(results_file.read_text(encoding="utf-8")).get("results", [])
        except ValueError as exc:  # dbt could not finish writing it
            if _disk_full(target, output):
                raise no_space_left(target, "dbt's run_results.json") from exc
            raise DbtFailed(f"dbt {' '.join(args)} left an unreadable run_results.json: {exc}\n{output}") from exc
        for r in results:
            status = str(r.get("status"))
            statuses[status] = statuses.get(status, 0) + 1
            nodes[str(r.get("unique_id"))] = status
            if status in ("error", "fail", "runtime error"):
                failures.append(f"{r.get('unique_id')}: {status}: {(r.get('message') or '')[:300]}")
    if proc.returncode != 0 and not failures:
        failures.append((proc.stdout[-2000:] + proc.stderr[-2000:]).strip() or f"dbt exited with {proc.returncode}")
    result = DbtResult(" ".join(args), seconds, statuses, failures, nodes)
    if raise_on_failure and proc.returncode != 0:
        raise DbtFailed(f"dbt {' '.join(args)} failed:\n" + "\n".join(failures))
    return result
