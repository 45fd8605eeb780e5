"""Promises of the nightly run, each broken on purpose: bad input, no-op runs, readers during a run,
failed builds, concurrent runs, and SIGKILL in the middle of ingest and of dbt."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from ingest.lake import Lake
from pipeline.stages import (
    build_stage,
    discover_stage,
    ingest_all,
    plan_batches,
    promote_stage,
    publish_stage,
    run_all,
    run_lock,
    validate_stage,
)
from tests.conftest import BIN, SAMPLES, env_for, settings_for


def q(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def land_samples(landing: Path, copies: int = 1) -> None:
    landing.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        for f in SAMPLES.iterdir():
            data = f.read_bytes()
            if copies > 1 and f.suffix == ".txt":  # distinct bytes per copy: another document, not a duplicate
                data += f"\n备注：第{i}份。\n".encode("gb18030" if "gb18030" in f.name else "utf-8")
            (landing / f"{i:03d}_{f.name}").write_bytes(data)


def test_bad_input_never_stops_the_run_and_nothing_is_lost(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("INGEST_MAX_BYTES", "1000000")  # every sample is far smaller
    landing = tmp_path / "landing"
    land_samples(landing)
    (landing / "empty.txt").write_bytes(b"")
    (landing / "junk.bin").write_bytes(os.urandom(4096))
    (landing / "really_text.pdf").write_text("县科协2024年工作总结\n全年举办科普讲座30场。\n", encoding="utf-8")
    docx_bytes = (SAMPLES / "2024_区财政局_预算执行情况和预算草案的报告.docx").read_bytes()
    (landing / "truncated.docx").write_bytes(docx_bytes[: len(docx_bytes) // 2])
    (landing / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    (landing / "huge.txt").write_bytes(("全年举办科普讲座30场。" * 1000 + "\n").encode() * 40)  # 1.3 MB
    shutil.copy(landing / "000_2024_县老科协_工作总结_gb18030.txt", landing / "copy_of_gb18030.txt")
    (landing / "vanishing.txt").write_text("县科协2024年工作总结\n全年举办讲座3场。\n", encoding="utf-8")
    settings = settings_for(tmp_path, landing)
    todo = discover_stage(settings, "run-1")
    (landing / "vanishing.txt").unlink()  # disappears between discover and ingest
    ingest_all(settings, todo)
    for stage in (build_stage, validate_stage, promote_stage):
        stage(settings, "run-1")
    publish_stage(settings)
    ledger = {f: (s, r) for f, s, r in q(settings.warehouse_path,
                                          "select source_file, status, reason from marts.ingest_ledger")}
    landed = {p.name for p in landing.iterdir()} | {"vanishing.txt"}
    assert set(ledger) == landed  # nothing silently skipped
    assert ledger["empty.txt"] == ("quarantined", "empty file")
    assert ledger["junk.bin"][0] == "quarantined" and "binary" in ledger["junk.bin"][1]
    assert ledger["really_text.pdf"][0] == "quarantined" and "not a pdf" in ledger["really_text.pdf"][1]
    assert ledger["truncated.docx"][0] == "quarantined" and "docx" in ledger["truncated.docx"][1]
    assert ledger["corrupt.pdf"][0] == "quarantined" and "pdf" in ledger["corrupt.pdf"][1]
    assert ledger["huge.txt"][0] == "quarantined" and "INGEST_MAX_BYTES" in ledger["huge.txt"][1]
    assert ledger["copy_of_gb18030.txt"] == ("duplicate", "same bytes as 000_2024_县老科协_工作总结_gb18030.txt")
    assert ledger["vanishing.txt"][0] == "quarantined" and "disappeared" in ledger["vanishing.txt"][1]
    statuses = [s for s, _ in ledger.values()]
    assert statuses.count("ingested") == 5 and len(statuses) == 13


def test_a_run_with_nothing_new_parses_nothing_and_keeps_the_warehouse(samples_run) -> None:
    settings, _ = samples_run
    before = q(settings.warehouse_path, "select metric_id, value from marts.fct_metric order by metric_id")
    lake = Lake(settings.lake_dir)
    parsed_files = {p: p.stat().st_mtime_ns for p in lake.table_dir("metrics").glob("*.parquet")}
    started = time.perf_counter()
    out = run_all(settings)
    print(f"no-op nightly: {time.perf_counter() - started:.1f}s")
    assert out.parsed == 0
    assert {p: p.stat().st_mtime_ns for p in lake.table_dir("metrics").glob("*.parquet")} == parsed_files
    assert q(settings.warehouse_path, "select metric_id, value from marts.fct_metric order by metric_id") == before


def test_a_new_extractor_version_parses_everything_again(samples_run, tmp_path) -> None:
    settings, _ = samples_run
    lake_dir = tmp_path / "lake"
    shutil.copytree(settings.lake_dir, lake_dir)
    from ingest.stage import discover

    again = discover(settings.landing_dir, Lake(lake_dir, extractor_version="999"), "run-x")
    same = discover(settings.landing_dir, Lake(lake_dir), "run-y")
    assert {f.status for f in again} == {"new"} and {f.status for f in same} == {"unchanged"}


def test_discover_reads_only_files_that_changed_since_the_last_run(tmp_path, monkeypatch) -> None:
    from ingest import stage

    landing = tmp_path / "landing"
    land_samples(landing)
    lake = Lake(tmp_path / "lake")
    first = stage.discover(landing, lake, "run-1")
    read: list[Path] = []
    real = stage.sha256_of
    monkeypatch.setattr(stage, "sha256_of", lambda path: read.append(path) or real(path))
    second = stage.discover(landing, lake, "run-2")
    assert read == [] and [(f.source_file, f.sha256) for f in second] == [(f.source_file, f.sha256) for f in first]

    # Other bytes of the same size with the old mtime put back: the ctime still gives the rewrite away.
    target = sorted(landing.glob("*.txt"))[0]
    before = target.stat()
    data = bytearray(target.read_bytes())
    data[-1] ^= 1
    target.write_bytes(bytes(data))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size and target.stat().st_mtime_ns == before.st_mtime_ns
    third = {f.source_file: f for f in stage.discover(landing, lake, "run-3")}
    assert read == [target]
    assert third[target.name].status == "new" and third[target.name].sha256 == real(target)
    assert {n: (f.sha256, f.status) for n, f in third.items() if n != target.name} == {
        f.source_file: (f.sha256, f.status) for f in second if f.source_file != target.name}


def test_a_reader_keeps_a_consistent_view_while_the_night_runs(tmp_path) -> None:
    landing = tmp_path / "landing"
    land_samples(landing)
    settings = settings_for(tmp_path, landing)
    run_all(settings)
    reader = duckdb.connect(str(settings.warehouse_path), read_only=True)
    before = reader.execute("select count(*) from marts.dim_report").fetchone()[0]
    (landing / "new.txt").write_text("新城区科协2024年工作总结\n一、工作成效\n全年举办科普讲座30场。\n", encoding="utf-8")
    run_all(settings)
    assert reader.execute("select count(*) from marts.dim_report").fetchone()[0] == before
    reader.close()
    assert q(settings.warehouse_path, "select count(*) from marts.dim_report")[0][0] == before + 1
    assert settings.warehouse_path.with_name("warehouse.previous.duckdb").exists()


def test_a_failed_build_leaves_the_last_good_warehouse(tmp_path) -> None:
    import pyarrow.parquet as pq

    from ingest.lake import write_atomic
    from pipeline.transform import DbtFailed

    landing = tmp_path / "landing"
    land_samples(landing)
    settings = settings_for(tmp_path, landing)
    run_all(settings)
    good = q(settings.warehouse_path, "select count(*) from marts.fct_metric")
    inode = settings.warehouse_path.stat().st_ino
    lake = Lake(settings.lake_dir)
    victim = next(p for p in lake.table_dir("metrics").glob("*.parquet") if pq.read_metadata(p).num_rows)
    table = pq.read_table(victim)
    starts = [s + 1 for s in table.column("char_start").to_pylist()]
    write_atomic(victim, table.set_column(table.schema.get_field_index("char_start"), "char_start", [starts]))
    # written so by the extractor (its checksum recorded with it): a bad parse, not a damaged file to heal
    sums_file = lake.checksum_dir / f"{victim.stem}.json"
    sums = json.loads(sums_file.read_text(encoding="utf-8"))
    sums["metrics"] = hashlib.sha256(victim.read_bytes()).hexdigest()
    sums_file.write_text(json.dumps(sums), encoding="utf-8")
    with pytest.raises(DbtFailed):
        run_all(settings)
    assert settings.warehouse_path.stat().st_ino == inode
    assert q(settings.warehouse_path, "select count(*) from marts.fct_metric") == good


def test_a_second_run_exits_with_a_clear_message(tmp_path) -> None:
    landing = tmp_path / "landing"
    land_samples(landing)
    settings = settings_for(tmp_path, landing)
    with run_lock(settings):
        proc = subprocess.run([str(BIN / "warehouse"), "run", "--quiet"], env=env_for(settings),
                              capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 75
    assert "another run is in progress" in proc.stderr


def _fingerprint(path: Path) -> dict:
    return {
        "metrics": sorted(q(path, "select source_file, char_start, number_text, value from marts.fct_metric")),
        "reports": sorted(q(path, "select source_file, report_seq, org_name from marts.dim_report")),
        "ledger": sorted(q(path, "select source_file, status from marts.ingest_ledger")),
        "checks": sorted(q(path, "select source_file, char_start, status from marts.fct_total_check")),
    }


@pytest.fixture(scope="module")
def clean_reference(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("clean_reference")
    land_samples(root / "landing", copies=8)
    settings = settings_for(root, root / "landing")
    run_all(settings)
    return _fingerprint(settings.warehouse_path)


def _kill_when(settings, ready, timeout: float = 120) -> None:
    proc = subprocess.Popen([str(BIN / "warehouse"), "run", "--quiet", "--workers", "2"], env=env_for(settings),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        while not ready():
            assert proc.poll() is None, "the run finished before it could be killed"
            assert time.monotonic() < deadline, "never reached the point to kill"
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        while True:  # the forked parsing workers die with the group; wait until none is left
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                break
            assert time.monotonic() < deadline + 30, "processes of the killed run are still alive"
            time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["ingest", "dbt"])
def test_sigkill_then_rerun_equals_a_clean_run(tmp_path, clean_reference, moment: str) -> None:
    landing = tmp_path / "landing"
    land_samples(landing, copies=8)
    settings = settings_for(tmp_path, landing)
    documents = Lake(settings.lake_dir).table_dir("documents")
    candidate = settings.warehouse_path.with_name("warehouse.candidate.duckdb")
    if moment == "ingest":  # 33 documents in 9 batches (2 workers): kill once 3 are committed (+ _empty)
        batches = len(plan_batches([{}] * 33, workers=2))
        _kill_when(settings, lambda: len(list(documents.glob("*.parquet"))) >= 4)
        assert len(list(documents.glob("*.parquet"))) < batches + 1, "killed too late: every batch was parsed"
    else:
        _kill_when(settings, candidate.exists)
        assert not settings.warehouse_path.exists(), "killed too late: the warehouse was published"
    out = run_all(settings)
    assert out.parsed > 0 or moment == "dbt"  # after a kill in dbt every document was already parsed
    assert _fingerprint(settings.warehouse_path) == clean_reference
