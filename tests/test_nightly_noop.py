"""The nightly no-op: when nothing the warehouse depends on changed, the build is skipped and nothing moves."""

from __future__ import annotations

import shutil

from pipeline.stages import build_inputs_fingerprint, discover_stage, run_all
from tests.conftest import SAMPLES, settings_for


def _landing_with(tmp_path, names: list[str]):
    landing = tmp_path / "landing"
    landing.mkdir()
    for name in names:
        shutil.copy(SAMPLES / name, landing / name)
    return landing


def test_second_run_with_nothing_new_keeps_the_published_warehouse(tmp_path) -> None:
    names = sorted(p.name for p in SAMPLES.iterdir() if p.suffix == ".txt")
    landing = _landing_with(tmp_path, names[:1])
    settings = settings_for(tmp_path, landing)
    first = run_all(settings)
    assert first.skipped is False and first.parsed == 1
    before = settings.warehouse_path.stat()

    again = run_all(settings)
    assert again.skipped is True and again.parsed == 0
    assert "validate" not in again.timings and again.publish is None
    after = settings.warehouse_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert again.summary.rows == first.summary.rows

    shutil.copy(SAMPLES / names[1], landing / names[1])  # one new file: a real build again
    third = run_all(settings)
    assert third.skipped is False and third.parsed == 1
    assert third.summary.rows["dim_document"] == first.summary.rows["dim_document"] + 1


def test_fingerprint_changes_with_owners_and_landed_files_but_not_with_the_clock(tmp_path) -> None:
    landing = _landing_with(tmp_path, [next(p.name for p in SAMPLES.iterdir() if p.suffix == ".txt")])
    settings = settings_for(tmp_path, landing)
    owners = tmp_path / "owners.yml"
    shutil.copy(settings.owners_file, owners)
    settings = settings.__class__(**{**settings.__dict__, "owners_file": owners})
    discover_stage(settings, "night-1")
    first = build_inputs_fingerprint(settings, "night-1")
    discover_stage(settings, "night-2")
    assert build_inputs_fingerprint(settings, "night-2") == first  # seen again, same bytes: same inputs
    owners.write_text(owners.read_text(encoding="utf-8") + "\n# reassigned\n", encoding="utf-8")
    assert build_inputs_fingerprint(settings, "night-2") != first
    (landing / "gone.txt").write_bytes(b"\xff\xfe broken")
    discover_stage(settings, "night-3")
    assert build_inputs_fingerprint(settings, "night-3") != build_inputs_fingerprint(settings, "night-2")
