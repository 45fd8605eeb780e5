"""The ledger tells the truth under faults (issue 23): each test breaks one promise on purpose — a lake
shared by two warehouses, duplicates whose original changes, bytes seen but never parsed, a rolled-back
warehouse, a hostile HTML file, a lake on another filesystem, a failed publish, a damaged lake file, a full
disk, a run killed before promotion."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from pipeline.settings import Settings
from pipeline.stages import RunLocked, run_lock
from tests.conftest import BIN, SAMPLES, env_for, settings_for


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


README_STATUSES = {"ingested", "duplicate", "superseded", "quarantined"}


def _report(org: str, n: int) -> str:
    return f"{org}2024年工作总结\n一、工作成效\n全年举办科普讲座{n}场，培训农民{n * 10}人次。\n"


def _metrics_by_file(warehouse: Path) -> list[tuple]:
    return sorted(q(warehouse, "select source_file, number_text, value from marts.fct_metric"))


def _clean_run(tmp_path: Path, landing: Path) -> Path:

    from pipeline.stages import run_all

    copy = tmp_path / "clean_landing"
    shutil.copytree(landing, copy)
    settings = settings_for(tmp_path / "clean", copy)
    run_all(settings)
    return settings.warehouse_path


def test_duplicates_renames_and_unparsed_bytes_keep_their_data(tmp_path) -> None:
    """a.txt and b.txt hold the same bytes, then a.txt changes: b.txt carries them. c.txt is renamed between
    runs: its data moves with it. d.txt is seen by a run killed after discover, then renamed: it is parsed.
    The result equals a clean run over the same landing, with only the README's ledger statuses."""
    from pipeline.stages import discover_stage, run_all

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "a.txt").write_text(_report("甲县科协", 11), encoding="utf-8")
    (landing / "b.txt").write_text(_report("甲县科协", 11), encoding="utf-8")
    (landing / "c.txt").write_text(_report("丙县科协", 33), encoding="utf-8")
    (landing / "empty1.txt").write_bytes(b"")
    (landing / "empty2.txt").write_bytes(b"")
    settings = settings_for(tmp_path / "nightly", landing)
    run_all(settings)
    ledger = dict(((f, (s, r)) for f, s, r in q(settings.warehouse_path,
                                               "select source_file, status, reason from marts.ingest_ledger")))
    assert ledger["b.txt"] == ("duplicate", "same bytes as a.txt")
    assert ledger["empty2.txt"] == ("duplicate", "same bytes as empty1.txt")  # not "empty file"

    (landing / "a.txt").write_text(_report("乙县科协", 22), encoding="utf-8")
    (landing / "c.txt").rename(landing / "c_renamed.txt")
    (landing / "d.txt").write_text(_report("丁县科协", 44), encoding="utf-8")
    discover_stage(settings, "killed-after-discover")  # the run dies here
    (landing / "d.txt").rename(landing / "d_renamed.txt")
    run_all(settings)

    metrics = _metrics_by_file(settings.warehouse_path)
    files = {m[0] for m in metrics}
    assert {"a.txt", "b.txt", "c_renamed.txt", "d_renamed.txt"} <= files
    assert not files & {"c.txt", "d.txt"}
    statuses = dict(q(settings.warehouse_path, "select status, count(*) from marts.ingest_ledger group by all"))
    assert set(statuses) <= README_STATUSES
    current = dict(q(settings.warehouse_path, "select source_file, status from marts.ingest_ledger "
                                               "where status <> 'superseded'"))
    assert current["b.txt"] == "ingested" and current["d_renamed.txt"] == "ingested"
    clean = _clean_run(tmp_path, landing)
    assert metrics == _metrics_by_file(clean)
    assert sorted(q(settings.warehouse_path, "select source_file, document_id from marts.dim_document")) == sorted(
        q(clean, "select source_file, document_id from marts.dim_document"))


def test_a_restored_warehouse_is_rebuilt_not_skipped(tmp_path) -> None:
    """The README's rollback (copy `.previous.duckdb` back): the next run must not trust a record of the
    warehouse it replaced and say "nothing changed" over a warehouse missing a landed file."""

    from pipeline.stages import run_all

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "one.txt").write_text(_report("甲县科协", 11), encoding="utf-8")
    settings = settings_for(tmp_path, landing)
    run_all(settings)
    (landing / "two.txt").write_text(_report("乙县科协", 22), encoding="utf-8")
    run_all(settings)
    shutil.copy(settings.warehouse_path.with_name("warehouse.previous.duckdb"), settings.warehouse_path)
    assert q(settings.warehouse_path, "select count(*) from marts.dim_document") == [(1,)]
    again = run_all(settings)
    assert again.skipped is False
    assert sorted(q(settings.warehouse_path, "select source_file from marts.dim_document")) == [("one.txt",), ("two.txt",)]


def test_publishing_left_undone_is_finished_by_the_next_run(tmp_path, monkeypatch) -> None:
    """A publish that fails after promotion (the reports, then the e-mails) is finished by the next runs,
    though nothing else changed; e-mails already sent are not sent twice."""
    from dataclasses import replace as with_

    import publish.delivery
    import publish.owner_reports
    from pipeline.stages import run_all

    landing = tmp_path / "landing"
    landing.mkdir()
    shutil.copy(SAMPLES / "2024_示范区科技局_工作总结及2025年工作计划.txt", landing)  # has findings
    settings = with_(settings_for(tmp_path, landing), smtp_host="smtp.invalid")
    real_reports = publish.owner_reports.write_owner_reports

    def disk_error(*_args: object, **_kwargs: object) -> None:
        raise OSError("the reports folder went away")

    monkeypatch.setattr(publish.owner_reports, "write_owner_reports", disk_error)
    with pytest.raises(OSError, match="went away"):
        run_all(settings)
    first_run = q(settings.warehouse_path, "select max(run_id) from marts.fct_gx_result")[0][0]
    monkeypatch.setattr(publish.owner_reports, "write_owner_reports", real_reports)

    sent: list[str] = []
    down = {"smtp": True}

    def send(msg, _smtp) -> None:  # type: ignore[no-untyped-def]
        if down["smtp"] and msg["To"] == "czj-data@example.org":  # notify_clean: always sent
            raise OSError("connection refused")
        sent.append(msg["To"])

    monkeypatch.setattr(publish.delivery, "_send", send)
    monkeypatch.setattr(publish.delivery.time, "sleep", lambda _s: None)
    second = run_all(settings)
    assert second.skipped is True
    assert second.publish.published_run == first_run and second.publish.complete is False
    assert list((settings.reports_dir / "quality").glob("*/科技创新局数据专员.html"))
    assert sent == ["kjcxj-data@example.org"]  # the other went out
    others = list(sent)
    down["smtp"] = False
    third = run_all(settings)
    assert third.publish.complete is True
    assert sent[len(others):] == ["czj-data@example.org"]  # only what was still owed
    assert run_all(settings).publish is None  # nothing owed any more


def test_deeply_nested_html_reads_in_linear_time() -> None:
    """20,000 nested divs (220 KB, under every size limit): the densest-block search called get_text on
    every div, quadratic in the depth (10,000 took 22 s); one pass over the tree takes about a second."""
    import time

    from ingest.readers import read_html

    depth = 20_000
    data = ("<html><body>" + "<div>" * depth + "县科协2024年工作总结，全年举办讲座30场。" + "</div>" * depth
            + "</body></html>").encode()
    started = time.perf_counter()
    text = read_html(data).text
    assert time.perf_counter() - started < 20
    assert text == "县科协2024年工作总结，全年举办讲座30场。"


def test_a_document_over_the_parse_time_limit_is_quarantined_and_its_batch_lands(tmp_path, monkeypatch) -> None:
    import time

    from ingest import stage
    from ingest.lake import Lake
    from ingest.limits import Limits

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "slow.txt").write_text(_report("甲县科协", 11), encoding="utf-8")
    (landing / "good.txt").write_text(_report("乙县科协", 22), encoding="utf-8")
    real = stage.read_document

    def read(data: bytes, name: str, limits: Limits):  # type: ignore[no-untyped-def]
        if name == "slow.txt":
            time.sleep(30)  # stands for a parse that never ends
        return real(data, name, limits)

    monkeypatch.setattr(stage, "read_document", read)
    lake = Lake(tmp_path / "lake")
    todo = [{"source_file": f.source_file, "sha256": f.sha256} for f in stage.discover(landing, lake, "run-1")]
    started = time.perf_counter()
    results = {r["source_file"]: r for r in stage.ingest_batch(landing, lake, todo, Limits(max_parse_seconds=1))}
    assert time.perf_counter() - started < 15
    assert results["slow.txt"]["status"] == "quarantined"
    assert results["slow.txt"]["reason"].startswith("parse time limit")
    assert results["good.txt"]["status"] == "ingested" and results["good.txt"]["n_metrics"] > 0
    assert lake.parsed_document_ids() == {r["document_id"] for r in results.values()}


def test_a_docx_or_pdf_whose_bytes_are_plain_text_is_quarantined() -> None:
    from ingest.errors import Unreadable
    from ingest.limits import Limits
    from ingest.readers import read_document

    text = "县科协2024年工作总结\n全年举办科普讲座30场。\n".encode()
    for name in ("report.pdf", "report.docx"):
        with pytest.raises(Unreadable, match="bytes are not a"):
            read_document(text, name, Limits())
    assert read_document(text, "report.txt", Limits()).format == "txt"


def test_a_lake_on_another_filesystem_than_the_warehouse(tmp_path) -> None:
    """docs/SCALING.md's layout: renaming state from the warehouse's folder into the lake failed with
    `Errno 18 Invalid cross-device link` after every promotion."""
    import uuid

    from pipeline.stages import run_all

    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second filesystem (/dev/shm) on this machine")
    lake = shm / f"reliab-lake-{uuid.uuid4().hex}"
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "one.txt").write_text(_report("甲县科协", 11), encoding="utf-8")
    settings = replace(settings_for(tmp_path, landing), lake_dir=lake)
    try:
        out = run_all(settings)
        assert out.publish.complete is True
        assert q(settings.warehouse_path, "select count(*) from marts.dim_document") == [(1,)]
        assert run_all(settings).skipped is True  # the state of the build was kept
    finally:
        shutil.rmtree(lake, ignore_errors=True)


# Mounts a 3 MB tmpfs on $1, runs the rest of the arguments there and lists what they left on it (a marker line
# first: the mount worked). In a mount namespace of its own, so the tmpfs goes when the command ends.
_ON_A_SMALL_DISK = """
mount -t tmpfs -o size=3m tmpfs "$1" || exit 97
echo "--- mounted"
disk="$1"; shift
"$@"; code=$?
echo "--- left on the disk:"; ls -A "$disk"
exit $code
"""


def _run_on_a_small_disk(disk: Path, command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """`command` with `disk` a 3 MB filesystem. Any user may mount a tmpfs in a user namespace of their own
    (`unshare --user --map-root-user --mount`); where user namespaces are off, root mounts it in a mount
    namespace. Neither possible: the test fails saying what it needs (a full disk cannot be faked honestly)."""
    attempts = [["unshare", "--user", "--map-root-user", "--mount"]]
    if os.geteuid() == 0:
        attempts.append(["unshare", "--mount"])
    errors = []
    for wrapper in attempts:
        proc = subprocess.run([*wrapper, "sh", "-c", _ON_A_SMALL_DISK, "sh", str(disk), *command], env=env,
                              capture_output=True, text=True, check=False, timeout=600)
        if "--- mounted" in proc.stdout:
            return proc
        errors.append(f"{' '.join(wrapper)}: {proc.stderr.strip()[-300:]}")
    pytest.fail("a full disk needs a 3 MB tmpfs: allow user namespaces (`unshare --user --map-root-user --mount "
                "true` must work) or run as root with CAP_SYS_ADMIN; tried " + "; ".join(errors))


def test_a_full_disk_is_named_and_the_candidate_cleaned_up(tmp_path) -> None:
    """The warehouse on a 3 MB filesystem: the run fails saying so (not with dbt's truncated JSON) and leaves
    neither the candidate nor its WAL on the full disk."""
    disk = tmp_path / "small_disk"
    disk.mkdir()
    landing = tmp_path / "landing"
    landing.mkdir()
    shutil.copy(SAMPLES / "2024_示范区科技局_工作总结及2025年工作计划.txt", landing)
    settings = replace(settings_for(tmp_path, landing), warehouse_path=disk / "warehouse.duckdb")
    proc = _run_on_a_small_disk(disk, [str(BIN / "warehouse"), "run", "--workers", "2"], env_for(settings))
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert f"error: no space left on the filesystem of {disk}" in proc.stderr, proc.stderr[-2000:]
    assert "JSONDecodeError" not in proc.stderr and "Traceback" not in proc.stderr
    left = proc.stdout.split("--- left on the disk:\n", 1)[1].split()
    assert [name for name in left if not name.endswith(".lock") and name != ".dbt"] == []


def test_a_run_killed_after_validation_leaves_no_trace_in_the_quality_marts(tmp_path) -> None:
    """Killed between validation (its GX results and findings written to the lake) and promotion: the next
    run's findings are `new` (not `open`) and fct_gx_result holds one run, as after a clean run."""
    from pipeline.stages import build_stage, discover_stage, ingest_all, run_all, validate_stage

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "one.txt").write_text(_report("甲县科协", 11) + "宣传资料XX份。\n", encoding="utf-8")
    settings = settings_for(tmp_path, landing)
    ingest_all(settings, discover_stage(settings, "killed"))
    build_stage(settings, "killed")
    validate_stage(settings, "killed")  # the run dies here, before promotion
    out = run_all(settings)
    assert q(settings.warehouse_path, "select distinct run_id from marts.fct_gx_result") == [(out.run_id,)]
    statuses = q(settings.warehouse_path, "select distinct status from marts.fct_dq_finding")
    assert statuses == [("new",)]
    assert q(settings.warehouse_path, "select distinct run_id from marts.agg_dq_by_owner") == [(out.run_id,)]


def test_a_run_killed_after_its_warehouse_was_renamed_into_place_keeps_its_quality_history(tmp_path,
                                                                                          monkeypatch) -> None:
    """Killed inside promotion, after the rename and before the lake notes the run: the published warehouse
    holds the run, so its GX results and findings are history. The next run finishes its publication; the
    night after, with a file more, equals a clean two-night history (one finding `open`, two runs)."""
    import pipeline.stages
    from pipeline.stages import run_all

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "one.txt").write_text(_report("甲县科协", 11) + "宣传资料XX份。\n", encoding="utf-8")
    settings = settings_for(tmp_path, landing)

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # the run dies here: the warehouse renamed into place, the lake not told

    monkeypatch.setattr(pipeline.stages, "record_promoted", killed)
    with pytest.raises(KeyboardInterrupt):
        run_all(settings)
    monkeypatch.undo()
    first = q(settings.warehouse_path, "select distinct run_id from marts.fct_gx_result")
    assert len(first) == 1  # it was published
    finishing = run_all(settings)
    assert finishing.skipped is True and finishing.publish.published_run == first[0][0]
    (landing / "two.txt").write_text(_report("乙县科协", 22), encoding="utf-8")
    run_all(settings)

    clean_landing = tmp_path / "clean" / "landing"
    clean_landing.mkdir(parents=True)
    shutil.copy(landing / "one.txt", clean_landing)
    clean = settings_for(tmp_path / "clean", clean_landing)
    run_all(clean)
    shutil.copy(landing / "two.txt", clean_landing)
    run_all(clean)
    for sql in ("select check_name, source_file, message, status from marts.fct_dq_finding order by all",
                "select count(distinct run_id) from marts.fct_gx_result",
                "select owner, n_findings, n_new, n_resolved from marts.agg_dq_by_owner order by all"):
        assert q(settings.warehouse_path, sql) == q(clean.warehouse_path, sql), sql
    assert q(settings.warehouse_path, "select distinct status from marts.fct_dq_finding") == [("open",)]


def test_a_damaged_or_missing_lake_file_heals_from_the_landed_bytes(tmp_path) -> None:
    """A lake file rotted in place (same size, other bytes) and another deleted: the next run sees both
    against the checksums recorded at write, parses their documents again and says so."""
    import pyarrow.parquet as pq

    from ingest.lake import Lake
    from pipeline.stages import run_all

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "one.txt").write_text(_report("甲县科协", 11), encoding="utf-8")
    (landing / "two.txt").write_text(_report("乙县科协", 22), encoding="utf-8")
    settings = settings_for(tmp_path, landing)
    run_all(settings)
    before = _metrics_by_file(settings.warehouse_path)
    lake = Lake(settings.lake_dir)
    metrics = sorted(p for p in lake.table_dir("metrics").glob("batch-*.parquet") if pq.read_metadata(p).num_rows)
    assert len(metrics) == 2
    rotted = bytearray(metrics[0].read_bytes())
    at = rotted.index("讲座".encode())  # a byte of the data, not of the footer: the file still reads
    rotted[at] ^= 0x01
    metrics[0].write_bytes(bytes(rotted))
    lake.batch_path("relations", metrics[1].stem).unlink()
    out = run_all(settings)
    assert out.lake_repair.damaged_batches == 2 and out.parsed == 2
    assert _metrics_by_file(settings.warehouse_path) == before
    assert lake.damaged_batches() == {}
