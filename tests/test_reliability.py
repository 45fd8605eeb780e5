"""The ledger tells the truth under faults (issue 23): each test breaks one promise on purpose — a lake
shared by two warehouses, duplicates whose original changes, bytes seen but never parsed, a rolled-back
warehouse, a hostile HTML file, a lake on another filesystem, a failed publish, a damaged lake file, a full
disk, a run killed before promotion."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from pipeline.settings import Settings
from pipeline.stages import RunLocked, run_lock
from tests.conftest import settings_for


def q(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_warehouse_given_without_a_lake_gets_its_own_lake_beside_it(tmp_path, monkeypatch) -> None:
    from pipeline.cli import _settings

    monkeypatch.delenv("LAKE_DIR", raising=False)
    monkeypatch.delenv("WAREHOUSE_PATH", raising=False)
    one = _settings(warehouse=tmp_path / "one.duckdb")
    two = _settings(warehouse=tmp_path / "sub" / "two.duckdb")
    assert one.lake_dir == (tmp_path / "one.lake").resolve()
    assert two.lake_dir == (tmp_path / "sub" / "two.lake").resolve()
    assert _settings(warehouse=tmp_path / "one.duckdb", lake=tmp_path / "mine").lake_dir == (tmp_path / "mine").resolve()
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "env.duckdb"))
    assert Settings.from_env().lake_dir == (tmp_path / "env.lake").resolve()
    monkeypatch.setenv("LAKE_DIR", str(tmp_path / "explicit"))
    assert Settings.from_env().lake_dir == (tmp_path / "explicit").resolve()


def test_the_run_lock_covers_the_lake_as_well_as_the_warehouse(tmp_path) -> None:
    first = settings_for(tmp_path / "a", tmp_path / "landing")
    other_warehouse_same_lake = replace(first, warehouse_path=tmp_path / "b" / "warehouse.duckdb")
    with run_lock(first):
        with pytest.raises(RunLocked, match="run.lock"):
            with run_lock(other_warehouse_same_lake):
                pass
    with run_lock(first, shared=True), run_lock(other_warehouse_same_lake, shared=True):
        pass  # Airflow's batches still parse side by side
