"""Smoke runs of the benchmark scripts (figures are printed by the scripts, never asserted as timings)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.run import growth_exponents
from pipeline.settings import PROJECT_ROOT


def test_generator_is_deterministic_and_writes_its_truth(tmp_path) -> None:
    for name in ("a", "b"):
        subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "generate.py"), "--reports", "6", "--seed", "3",
                        "--out", str(tmp_path / name)], check=True, capture_output=True)
    files_a = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files_a == sorted(p.name for p in (tmp_path / "b").iterdir()) and len(files_a) == 6
    for f in files_a:
        if f.endswith(".txt"):
            assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    truth = json.loads((tmp_path / "a.truth.json").read_text(encoding="utf-8"))
    assert set(truth) == set(files_a) and all("totals" in t for t in truth.values())


def test_run_script_writes_the_issue_keys(tmp_path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "run.py"), "--reports", "8", "--workers", "2",
                           "--json", str(out), "--work", str(tmp_path), "--skip-e2e"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    for key in ("extract_mb_per_s", "extract_workers_mb_per_s", "floor_mb_per_s", "jionlp_mb_per_s",
                "extract_on_jionlp_sample_mb_per_s", "extract_vs_jionlp"):
        assert figures[key] > 0, key
    assert figures["mentions"] > 100


@pytest.mark.slow
def test_run_script_end_to_end_smoke(tmp_path) -> None:
    """A tiny end-to-end benchmark: the full run, the nightly no-op (build skipped) and the 1% run."""
    small = tmp_path / "bench-4.json"
    proc = subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "run.py"), "--reports", "4", "--workers", "2",
                           "--json", str(small), "--work", str(tmp_path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures = json.loads(small.read_text(encoding="utf-8"))
    assert figures["end_to_end_s"] > 0 and figures["peak_rss_mb"] > 0 and figures["cpu_s"] > 0
    assert {"discover", "dbt build", "gx + quality marts + docs", "reports", "validate: gx"} <= set(figures["stage_seconds"])
    assert figures["stage_seconds"]["ingest: extract (summed over workers)"] > 0
    assert "gx + quality marts + docs" not in figures["noop_stage_seconds"]  # nothing new: no rebuild
    assert "gx + quality marts + docs" in figures["one_percent_stage_seconds"]  # one new file: rebuilt
    assert figures["planted_mismatches_found"].count("/") == 1


def test_growth_exponents_tell_linear_from_quadratic_growth() -> None:
    small = {"reports": 10, "end_to_end_s": 2.0, "cpu_s": 3.0, "peak_rss_mb": 100,
             "stage_seconds": {"dbt build": 1.0, "tiny": 0.01}}
    large = {"reports": 40, "end_to_end_s": 8.0, "cpu_s": 48.0, "peak_rss_mb": 100,
             "stage_seconds": {"dbt build": 16.0, "tiny": 5.0}}
    # 4x the reports: 4x the time is linear (1.0), 16x quadratic (2.0); a stage under 0.05 s gets no exponent
    assert growth_exponents(small, large) == {"end_to_end_s": 1.0, "cpu_s": 2.0, "peak_rss_mb": 0.0,
                                              "stage: dbt build": 2.0}


def test_shapes_script_parses_every_hostile_shape_and_prints_its_exponent(tmp_path) -> None:
    out = tmp_path / "shapes.json"
    proc = subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "shapes.py"), "--numbers", "50",
                           "--json", str(out)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    from bench.shapes import SHAPES
    assert set(figures) == set(SHAPES)
    assert all(f["seconds_4n"] > 0 and "exponent" in f for f in figures.values())
    assert "exponent" in proc.stdout.splitlines()[0]


def test_every_number_of_a_hostile_shape_is_read() -> None:
    # The look-back bounds that keep these shapes linear must not drop mentions: each shape has n numbers.
    from bench.shapes import SHAPES
    from ingest.document import parse_text
    for name, build in SHAPES.items():
        mentions = parse_text(build(300)).mentions
        assert len(mentions) >= 300, name


def test_lake_write_script_times_each_way_of_writing_and_each_lake_holds_the_same_rows(tmp_path) -> None:
    out = tmp_path / "lake-write.json"
    proc = subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "lake_write.py"), "--reports", "3",
                           "--work", str(tmp_path), "--json", str(out)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["documents"] == 3 and figures["variants_hold_the_same_rows"] is True
    for key in ("batched_ms", "as_ingest_ms", "no_fsync_ms", "fsync_after_all_ms", "arrow_tables_ms", "parquet_encode_ms",
                "create_and_write_files_ms", "create_10kb_file_in_lake_folder_ms"):
        assert figures[key] > 0, key
    assert not (tmp_path / "lake-write-3").exists()  # the scratch lakes and corpus are removed


def test_profile_script_counts_regex_calls_per_mention(tmp_path) -> None:
    out = tmp_path / "profile.json"
    proc = subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "profile_parse.py"), "--reports", "3",
                           "--top", "5", "--work", str(tmp_path), "--json", str(out)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["mentions"] > 50 and figures["regex_calls"]["search"] > 0 and figures["regex_calls"]["match"] > 0
    assert figures["regex_calls_per_mention"] == round(sum(figures["regex_calls"].values()) / figures["mentions"], 1)
    assert len(figures["top_own_time"]) == 5 and 0 < sum(r["own_share"] for r in figures["top_own_time"]) <= 1


def test_regex_prefix_script_lists_only_patterns_without_a_fast_start(tmp_path) -> None:
    from bench.regex_prefixes import has_fast_start, parser_patterns

    out = tmp_path / "prefixes.json"
    proc = subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "regex_prefixes.py"), "--reports", "2",
                           "--work", str(tmp_path), "--json", str(out)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    listed = {row["pattern"] for row in figures["without_fast_start"]}
    patterns = parser_patterns()
    assert listed and all(not has_fast_start(patterns[name]) for name in listed)
    assert "numbers.NUMBER_RE" in listed  # the plain number grammar, kept for parse_quantity
    assert not {"numbers.QUANTITY_SCAN_RE", "extract.ANY_KIND_CUE_RE", "extract.VERB_TAIL_RE"} & listed
    assert all(row["ns_per_char"] > 0 for row in figures["without_fast_start"])


def _ledger(*rows: tuple[str, str, str, str | None]) -> dict:
    from bench.faults import Mart

    metrics = Mart(("metric_id", "source_file"), tuple((f"m-{r[0]}", r[0]) for r in rows if r[2] == "ingested"))
    return {"ingest_ledger": Mart(("source_file", "sha256", "status", "reason"), tuple(sorted(rows))),
            "fct_metric": metrics, "fct_gx_result": Mart(("suite",), (("s",),))}


def test_the_fault_matrix_compares_every_ledger_row_a_clean_run_can_have() -> None:
    """Left out of the equality: a path no longer landed, and bytes a landed path held before its current ones.
    A landed path's current bytes are compared whatever their status (superseded there is a difference)."""
    from bench.faults import comparable

    landed = {"a.txt": "new-a", "b.txt": "b"}
    clean = _ledger(("a.txt", "new-a", "ingested", None), ("b.txt", "b", "ingested", None))
    trial = _ledger(("a.txt", "old-a", "superseded", None), ("a.txt", "new-a", "ingested", None),
                    ("b.txt", "b", "ingested", None), ("gone.txt", "g", "quarantined", "left the landing folder"))
    assert comparable(trial, landed, quality=False) == comparable(clean, landed, quality=False)
    wrong = _ledger(("a.txt", "new-a", "superseded", None), ("b.txt", "b", "ingested", None))
    assert comparable(wrong, landed, quality=False) != comparable(clean, landed, quality=False)
    assert "fct_gx_result" not in comparable(trial, landed, quality=False)
    assert "fct_gx_result" in comparable(trial, landed, quality=True)


def test_the_fault_matrix_names_what_is_lost() -> None:
    from bench.faults import nothing_lost

    landed = {"a.txt": "a", "b.txt": "b", "c.txt": "c"}
    clean = _ledger(("a.txt", "a", "ingested", None), ("b.txt", "b", "ingested", None), ("c.txt", "c", "ingested", None))
    assert nothing_lost(clean, landed, clean) == []
    trial = _ledger(("a.txt", "a", "pending", None), ("b.txt", "b", "quarantined", None))
    problems = nothing_lost(trial, landed, clean)
    assert any("not in the ledger: ['c.txt']" in p for p in problems)
    assert any("README does not list: ['pending']" in p for p in problems)
    assert any("without a reason: ['b.txt']" in p for p in problems)
    assert any("does not: ['a.txt', 'b.txt', 'c.txt']" in p for p in problems)
    assert any("metrics a clean run has and the trial lacks" in p for p in problems)


def test_the_fault_matrix_tells_the_stage_a_run_died_in_from_its_progress_lines() -> None:
    from bench.faults import stage_reached

    assert stage_reached([], lock_taken=False) == "startup"
    assert stage_reached([], lock_taken=True) == "discover"
    lines = ["discover: 3 new document(s) to parse", "parsing:  33%|", "parsing: 100%|"]
    assert stage_reached(lines, lock_taken=True) == "ingest"
    lines += ["ingest: 3 parsed, 0 quarantined", "build: full build done in 8.0s"]
    assert stage_reached(lines, lock_taken=True) == "validate"
    assert stage_reached([*lines, "validate: done in 9.0s"], lock_taken=True) == "promote"
    assert stage_reached([*lines, "validate: done in 9.0s", "promote: done in 0.0s"], lock_taken=True) == "publish"
    skipped = ["discover: 0 new document(s) to parse", "ingest: 0 parsed, 0 quarantined", "build: skipped, nothing"]
    assert stage_reached(skipped, lock_taken=True) == "publish"
    assert stage_reached([*skipped, "publish: finished the publication of run x, left undone"], True) == "after publish"
