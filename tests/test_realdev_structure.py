"""Real reports read right: boundaries, organisation, years, sections and plan flags of the realdev texts,
built by the real pipeline and scored by the shared structure scorer (issue 20's floors)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.settings import PROJECT_ROOT
from tests.conftest import BIN, SHARED, env_for, settings_for

SHARED_REALDEV = SHARED / "realdev"
COPY = PROJECT_ROOT / "tests" / "data" / "realdev"
# ../shared/realdev holds every labelled text (new gold appears there first); the copy keeps a guard on clones.
REALDEV = SHARED_REALDEV if (SHARED_REALDEV / "gold").is_dir() else COPY
SCORER = SHARED / "eval" / "score_structure.py"
if not SCORER.exists():
    SCORER = COPY / "score_structure.py"

FLOORS = {"report_count_exact": 1.0, "boundary_acc": 0.95, "org_acc": 0.95, "report_year_acc": 0.95,
          "plan_year_acc": 0.95, "section_acc": 0.93, "plan_flag_precision": 0.95}


@pytest.fixture(scope="module")
def realdev_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("realdev")
    landing = root / "landing"
    landing.mkdir()
    for text in sorted((REALDEV / "texts").glob("*.txt")):
        shutil.copy(text, landing / text.name)
    settings = settings_for(root, landing)
    proc = subprocess.run(
        [str(BIN / "warehouse"), "run", "--landing", str(landing), "--warehouse", str(settings.warehouse_path),
         "--reports", str(settings.reports_dir), "--lake", str(settings.lake_dir), "--quiet"],
        env=env_for(settings), capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return settings.warehouse_path


# Every labelled text where ../shared is here, and always the project's own copy (scored on the same build).
GOLD_DIRS = sorted({REALDEV / "gold", COPY / "gold"})


@pytest.mark.slow
@pytest.mark.parametrize("gold", GOLD_DIRS, ids=lambda p: p.parent.parent.name + "/" + p.parent.name)
def test_realdev_structure_holds_its_floors(realdev_warehouse: Path, gold: Path) -> None:
    scored = subprocess.run([sys.executable, str(SCORER), str(realdev_warehouse), str(gold), "--json"],
                            capture_output=True, text=True, check=True)
    score = json.loads(scored.stdout)
    assert score["files"] == len(list(gold.glob("*.structure.json")))
    below = {k: score[k] for k, floor in FLOORS.items() if not score[k] >= floor}
    assert not below, (below, score["details"][:20])



# Issue 21's floors on the labelled totals and parts, scored on the same build (fct_total_check).
RELATION_FLOORS = {"relations_found": 0.9, "relations_status_acc": 0.9, "relations_precision": 0.95}


@pytest.mark.slow
@pytest.mark.parametrize("gold", GOLD_DIRS, ids=lambda p: p.parent.parent.name + "/" + p.parent.name)
def test_realdev_relations_hold_their_floors(realdev_warehouse: Path, gold: Path) -> None:
    scored = subprocess.run([sys.executable, str(SCORER), str(realdev_warehouse), str(gold), "--json"],
                            capture_output=True, text=True, check=True)
    score = json.loads(scored.stdout)
    assert score["relations_gold"] > 0
    below = {k: score[k] for k, floor in RELATION_FLOORS.items() if not score[k] >= floor}
    assert not below, (below, [d for d in score["details"] if "relation" in d or "false alarm" in d])
    assert score["false_alarms"] == 0, [d for d in score["details"] if "false alarm" in d]
