"""Shared fixtures: real pipeline runs on the samples and on the real seed, built once per test session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# Airflow reads its home at import: give the test session its own, never the user's ~/airflow.
os.environ.setdefault("AIRFLOW_HOME", str(Path(os.environ.get("TMPDIR", "/tmp")) / f"annual-reports-test-airflow-{os.getpid()}"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(Path(__file__).resolve().parents[1] / "dags"))

from pipeline.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from pipeline.stages import RunResult

SAMPLES = PROJECT_ROOT / "data" / "samples"
# The dev set (the real seed, its gold and the scorer): ../shared on development machines and in CI, where new
# gold appears first; else the copy in tests/data/dev (same layout), so the accuracy guard runs on every clone.
DEV_COPY = Path(__file__).parent / "data" / "dev"
SHARED = Path(os.environ.get("SHARED_DIR") or PROJECT_ROOT.parent / "shared")
DEV_SET = SHARED if (SHARED / "gold").is_dir() else DEV_COPY
SEED = DEV_SET / "seeds" / "000_2abdb026888d5356.txt"
GOLD = DEV_SET / "gold"
SCORER = DEV_SET / "eval" / "score.py"
BIN = Path(sys.executable).parent


def settings_for(root: Path, landing: Path) -> Settings:
    """Settings whose every output lives under `root` (tests never touch the project's own folders)."""
    return replace(
        Settings.from_env(),
        landing_dir=landing,
        warehouse_path=root / "warehouse" / "warehouse.duckdb",
        reports_dir=root / "reports",
        lake_dir=root / "lake",
        workers=2,
        smtp_host=None,
    )


def landing_with(root: Path, files: dict[str, str | bytes]) -> Settings:
    """A landing folder under `root` holding `files` (text written as UTF-8, bytes as they are), and the
    settings of a warehouse built from it under `root`."""
    landing = root / "landing"
    landing.mkdir()
    for name, content in files.items():
        if isinstance(content, bytes):
            (landing / name).write_bytes(content)
        else:
            (landing / name).write_text(content, encoding="utf-8")
    return settings_for(root, landing)


def warehouse_run(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    """`warehouse run` (the console script) on the landing folder, warehouse, reports and lake of `settings`."""
    return subprocess.run(
        [str(BIN / "warehouse"), "run", "--landing", str(settings.landing_dir), "--warehouse",
         str(settings.warehouse_path), "--reports", str(settings.reports_dir), "--lake", str(settings.lake_dir), *args],
        env=env_for(settings), capture_output=True, text=True, check=False)


def env_for(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "AIRFLOW"))}
    env.update({
        "LANDING_DIR": str(settings.landing_dir),
        "WAREHOUSE_PATH": str(settings.warehouse_path),
        "REPORTS_DIR": str(settings.reports_dir),
        "LAKE_DIR": str(settings.lake_dir),
        **extra,
    })
    return env


@pytest.fixture(scope="session")
def samples_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, RunResult]:
    """The whole pipeline (CLI stages, no Airflow) run once over data/samples."""
    from pipeline.stages import run_all

    root = tmp_path_factory.mktemp("samples_run")
    landing = root / "landing"
    shutil.copytree(SAMPLES, landing)
    settings = settings_for(root, landing)
    return settings, run_all(settings)


def warehouse_from_texts(root: Path, texts: list[Path]) -> Path:
    """`warehouse run` (the console script) on a landing folder holding copies of `texts`; the warehouse path."""
    settings = landing_with(root, {text.name: text.read_bytes() for text in texts})
    proc = warehouse_run(settings, "--quiet")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return settings.warehouse_path


@pytest.fixture(scope="session")
def seed_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real seed, built by the console script."""
    return warehouse_from_texts(tmp_path_factory.mktemp("seed_run"), [SEED])


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    """The browser the owner-report tests render with: $CHROMIUM, else chromium, chromium-browser or Chrome on
    PATH. A missing browser fails the test, with what to do, rather than skipping it."""
    path = os.environ.get("CHROMIUM") or next(
        (found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None)
    if path is None or shutil.which(path) is None:
        pytest.fail(f"no Chromium here (CHROMIUM={os.environ.get('CHROMIUM', '')!r}): `make test-tools` installs "
                    "Debian's package; elsewhere install Chromium or Chrome and set CHROMIUM to its executable")
    return path


def render(html_path: str, tmp_path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *extra,
                           f"file://{html_path}"], capture_output=True, text=True, timeout=120, check=False)


def assert_not_blank(html_path: str, tmp_path: Path) -> None:
    """Screenshot the page in headless Chromium and assert it shows something."""
    from PIL import Image

    shot = tmp_path / "page.png"
    proc = render(html_path, tmp_path, f"--screenshot={shot}", "--window-size=1200,900")
    assert proc.returncode == 0 and shot.exists(), proc.stderr[-2000:]
    pixels = Image.open(shot).convert("L")
    low, high = pixels.getextrema()
    assert high - low > 100, "the screenshot is blank"
    assert len(set(pixels.resize((120, 90)).getdata())) > 8
