"""Ingest writes documents in batches, one lake file per table per batch: planning the batches, what a batch
holds, what a killed batch leaves behind, and how batches share the lake with other runs."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import duckdb
import pyarrow.parquet as pq
import pytest

from ingest.lake import PARSED_TABLES, Lake
from ingest.stage import batch_name, discover, ingest_batch
from pipeline.stages import (
    BATCH_MAX_BYTES,
    BATCH_MAX_DOCUMENTS,
    discover_stage,
    ingest_all,
    ingest_stage,
    plan_batches,
    run_all,
    run_lock,
)
from tests.conftest import settings_for
from tests.test_resilience import land_samples


def _docs(n: int, size: int = 1000) -> list[dict]:
    return [{"source_file": f"f{i}.txt", "sha256": f"{i:064x}", "size_bytes": size} for i in range(n)]


@pytest.mark.parametrize(("n", "workers", "max_batches"), [
    (1, 2, None), (5, 2, None), (33, 2, None), (10_000, 2, None), (10_000, 2, 1024), (3000, 8, 7), (5, 4, 2)])
def test_batches_keep_every_document_once_in_order_within_the_limits(n, workers, max_batches) -> None:
    batches = plan_batches(_docs(n), workers, max_batches)
    assert [d for b in batches for d in b] == _docs(n)  # nothing lost, nothing twice, order kept
    assert all(batches)
    if max_batches is not None:
        assert len(batches) <= max_batches
    else:
        assert max(map(len, batches)) <= BATCH_MAX_DOCUMENTS
        assert len(batches) >= min(n, workers * 4)  # every worker has several batches to take


def test_a_batch_stops_at_the_byte_limit_and_a_huge_document_goes_alone() -> None:
    docs = _docs(40, size=BATCH_MAX_BYTES // 3)  # 10 documents per batch by count, 3 by bytes
    docs[3]["size_bytes"] = BATCH_MAX_BYTES * 2
    batches = [[int(d["sha256"], 16) for d in b] for b in plan_batches(docs, workers=1)]
    assert batches[:3] == [[0, 1, 2], [3], [4, 5, 6]]


def test_documents_are_written_a_batch_per_file(tmp_path) -> None:
    landing = tmp_path / "landing"
    land_samples(landing, copies=3)  # 13 documents (the docx and pdf copies are duplicates of the first)
    settings = settings_for(tmp_path, landing)
    todo = discover_stage(settings, "run-1")
    lake = Lake(settings.lake_dir)
    results = ingest_all(settings, todo, workers=1)
    assert len(results) == len(todo) == 13
    for table in PARSED_TABLES:
        files = [p for p in lake.table_dir(table).glob("*.parquet") if p.name != "_empty.parquet"]
        assert len(files) == len(plan_batches(todo, workers=1)) == 5  # 13 // 4 = 3 documents per batch
        ids = [i for p in files for i in pq.read_table(p, columns=["document_id"]).column(0).to_pylist()]
        if table == "documents":
            assert sorted(ids) == sorted(d["sha256"] for d in todo)  # every document in exactly one batch
            assert {r["batch"] for r in results} == {p.stem for p in files}
        else:  # the rows of each batch's documents, in that batch's file
            assert set(ids) <= {d["sha256"] for d in todo}
    assert lake.parsed_document_ids() == {d["sha256"] for d in todo}
    assert {f.status for f in discover(landing, lake, "run-2")} == {"unchanged", "duplicate"}


def test_a_batch_killed_before_its_documents_file_is_dropped_and_parsed_again(tmp_path) -> None:
    landing = tmp_path / "landing"
    land_samples(landing)
    settings = settings_for(tmp_path, landing)
    lake = Lake(settings.lake_dir)
    todo = discover_stage(settings, "run-1")
    ingest_batch(landing, lake, todo[:2])
    # what a kill between the data files and the documents file leaves: a batch with no documents file
    orphan = batch_name([d["sha256"] for d in todo[2:]])
    for table in ("reports", "metrics"):
        lake.write_rows(table, orphan, [])
    (lake.table_dir("metrics") / f".{orphan}.parquet.x1.tmp").write_bytes(b"half")
    again = {f.sha256: f.status for f in discover(landing, lake, "run-2")}
    assert not any(orphan in p.name for t in PARSED_TABLES for p in lake.table_dir(t).iterdir())
    assert [again[d["sha256"]] for d in todo] == ["unchanged"] * 2 + ["new"] * (len(todo) - 2)
    assert len(list(lake.table_dir("metrics").glob("batch-*.parquet"))) == 1  # the committed batch stays


def test_a_batch_that_fails_while_writing_is_not_committed(tmp_path, monkeypatch) -> None:
    landing = tmp_path / "landing"
    land_samples(landing)
    settings = settings_for(tmp_path, landing)
    lake = Lake(settings.lake_dir)
    todo = discover_stage(settings, "run-1")
    import ingest.lake

    real = ingest.lake.write_bytes_atomic

    def disk_full_at_findings(path, data):  # type: ignore[no-untyped-def]
        if path.parent.name == "findings":
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(ingest.lake, "write_bytes_atomic", disk_full_at_findings)
    with pytest.raises(OSError):
        ingest_batch(landing, lake, todo)
    monkeypatch.undo()
    assert lake.committed_batches() == set() and lake.parsed_document_ids() == set()
    assert {f.status for f in discover(landing, lake, "run-2")} == {"new"}


def test_a_retried_batch_writes_nothing_twice(tmp_path) -> None:
    landing = tmp_path / "landing"
    land_samples(landing)
    settings = settings_for(tmp_path, landing)
    todo = discover_stage(settings, "run-1")
    first = ingest_stage(settings, todo)
    files = {p: p.stat().st_mtime_ns for p in Lake(settings.lake_dir).table_dir("metrics").iterdir()}
    assert len(first) == len(todo) and ingest_stage(settings, todo) == []
    assert {p: p.stat().st_mtime_ns for p in Lake(settings.lake_dir).table_dir("metrics").iterdir()} == files


def test_a_mapped_batch_waits_while_a_run_holds_the_lake(tmp_path) -> None:
    """Airflow's batches hold the run lock shared: a CLI run (exclusive) and a batch never write together."""
    landing = tmp_path / "landing"
    land_samples(landing)
    settings = settings_for(tmp_path, landing)
    todo = discover_stage(settings, "run-1")
    lake = Lake(settings.lake_dir)
    out: list[list[dict]] = []
    with run_lock(settings):
        worker = threading.Thread(target=lambda: out.append(ingest_stage(settings, todo)))
        worker.start()
        time.sleep(1.5)
        assert worker.is_alive() and lake.committed_batches() == set()
    worker.join(timeout=120)
    assert len(out[0]) == len(todo) and len(lake.committed_batches()) == 1
    with run_lock(settings, shared=True), run_lock(settings, shared=True):
        pass  # batches of one run share the lock with each other


@pytest.mark.slow
def test_a_document_back_in_its_batch_adds_only_its_own_rows(tmp_path) -> None:
    """A path re-published, then put back to its first bytes: that document is current again, and its batch
    also holds documents the warehouse has all along. The incremental night must add its rows alone."""
    landing = tmp_path / "landing"
    land_samples(landing, copies=2)  # 9 documents: batches of 2 with one worker
    settings = replace(settings_for(tmp_path, landing), workers=1)
    run_all(settings, "night-1")
    lake = Lake(settings.lake_dir)
    batch_of = {}
    for path in lake.table_dir("documents").glob("batch-*.parquet"):
        for row in pq.read_table(path, columns=["document_id", "source_file"]).to_pylist():
            batch_of[row["source_file"]] = path.stem
    shared = next(f for f in sorted(batch_of) if f.endswith(".txt")
                  and sum(b == batch_of[f] for b in batch_of.values()) > 1)
    query = "select * from marts.fct_metric order by metric_id"
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        night_1 = con.execute(query).fetchall()
    original = (landing / shared).read_bytes()
    (landing / shared).write_bytes(original + "\n附：修订说明。\n".encode())
    assert run_all(settings, "night-2").build.mode == "incremental"
    (landing / shared).write_bytes(original)
    night_3 = run_all(settings, "night-3")
    assert night_3.parsed == 0 and night_3.build.mode == "incremental"
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute(query).fetchall() == night_1
