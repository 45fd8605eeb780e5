"""Fault matrix: break the nightly run on purpose and check that nothing is lost and the result equals a clean run.

    python bench/faults.py [--reports 12] [--seed 23] [--trials 1] [--work /tmp/faults] [--json out.json]

Experiments (deterministic for a seed; a generated corpus from bench/generate.py):
  kill:<stage>   `warehouse run` is SIGKILLed at a random moment of a stage (discover, ingest, build, validate,
                 promote, publish), then run again; fresh (nothing published yet) and incremental (half the
                 corpus published, the other half landed) alternate over the trials.
  concurrent     two `warehouse run` at once over the same warehouse and lake, then one more run.
  mutation       files renamed, rewritten, deleted and appended to while a run parses, then one more run.
  corruption     after a clean run: a lake file rotted in place (same size), another deleted; then a run.
Per experiment: trials, trials with nothing lost (every landed file in the ledger with a README status,
every file a clean run ingests ingested with its metrics) and trials equal to a clean run over the same
landing (core marts, and quality marts: findings with their status, runs validated, per-owner counts).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate import generate  # noqa: E402

BIN = Path(sys.executable).parent
STAGES = ["discover", "ingest", "build", "validate", "promote", "publish"]
# The progress line a run prints when the stage before the named one is done (stderr of `warehouse run`).
STAGE_STARTS_AFTER = {"discover": None, "ingest": "discover:", "build": "ingest:", "validate": "build:",
                      "promote": "validate: done", "publish": "promote: done"}
README_STATUSES = {"ingested", "duplicate", "superseded", "quarantined"}


def env_for(root: Path, landing: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "AIRFLOW", "LAKE_", "WAREHOUSE_"))}
    env.update({"LANDING_DIR": str(landing), "WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
                "REPORTS_DIR": str(root / "reports"), "LAKE_DIR": str(root / "lake"), "INGEST_WORKERS": "2"})
    return env


def run(root: Path, landing: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "warehouse"), "run"], env=env_for(root, landing), capture_output=True,
                          text=True, check=False, timeout=900)


def start(root: Path, landing: Path) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "warehouse"), "run"], env=env_for(root, landing), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_for(proc: subprocess.Popen, marker: str) -> bool:
    """Read the run's progress until a line starts with `marker`, then drain the rest in the background (a
    full pipe would stall the run). False when the run ended first."""
    assert proc.stderr is not None
    found = False
    for line in proc.stderr:
        if line.startswith(marker):
            found = True
            break
    threading.Thread(target=proc.stderr.read, daemon=True).start()
    return found


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the forked parsing workers die with the group
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def kill_during(root: Path, landing: Path, stage: str, rng: random.Random) -> bool:
    """Start a run, wait for `stage` to begin, SIGKILL it a random moment later. False when the run ended
    before the kill (the trial then checks an unbroken run)."""
    proc = start(root, landing)
    marker = STAGE_STARTS_AFTER[stage]
    if marker is not None and not wait_for(proc, marker):
        proc.wait()
        return False
    time.sleep(rng.uniform(0.0, 0.6 if stage in ("discover", "promote", "publish") else 3.0))
    finished = proc.poll() is not None
    kill_group(proc)
    return not finished


def q(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return sorted(con.execute(sql).fetchall(), key=repr)


def core(warehouse: Path, landed: set[str]) -> dict:
    # the ledger rows of what the landed paths hold now (a path's superseded bytes are its history, which a
    # clean run over the final landing cannot have)
    ledger = [r for r in q(warehouse, "select source_file, sha256, status, reason from marts.ingest_ledger "
                                      "where status <> 'superseded'") if r[0] in landed]
    return {
        "metrics": q(warehouse, "select source_file, char_start, number_text, value, unit, subject from marts.fct_metric"),
        "reports": q(warehouse, "select source_file, report_seq, org_name, report_year from marts.dim_report"),
        "documents": q(warehouse, "select source_file, document_id from marts.dim_document"),
        "checks": q(warehouse, "select source_file, char_start, relation, status from marts.fct_total_check"),
        "ledger": ledger,
    }


def quality(warehouse: Path) -> dict:
    return {
        "findings": q(warehouse, "select check_name, source_file, message, status from marts.fct_dq_finding"),
        "runs": q(warehouse, "select count(distinct run_id) from marts.fct_gx_result"),
        "gx": q(warehouse, "select suite, expectation, success, element_count, unexpected_count from marts.fct_gx_result"),
        "owners": q(warehouse, "select owner, n_error, n_warning, n_info, n_new, n_resolved from marts.agg_dq_by_owner"),
    }


def nothing_lost(warehouse: Path, landing: Path, reference: dict) -> bool:
    landed = {p.relative_to(landing).as_posix() for p in landing.rglob("*") if p.is_file()}
    rows = q(warehouse, "select source_file, status from marts.ingest_ledger")
    seen = {f for f, _ in rows}
    statuses = {s for _, s in rows}
    ingested = {f for f, s in rows if s == "ingested"}
    want = {r[0] for r in reference["ledger"] if r[2] == "ingested"}
    metrics_files = {r[0] for r in q(warehouse, "select distinct source_file from marts.fct_metric")}
    want_metrics = {r[0] for r in reference["metrics"]}
    return landed <= seen and statuses <= README_STATUSES and want <= ingested and want_metrics <= metrics_files


class Experiment:
    def __init__(self, name: str) -> None:
        self.name, self.trials, self.lost, self.equal_core, self.equal_quality, self.notes = name, 0, 0, 0, 0, []

    def record(self, warehouse: Path, landing: Path, reference: dict, reference_quality: dict | None) -> None:
        landed = {p.relative_to(landing).as_posix() for p in landing.rglob("*") if p.is_file()}
        self.trials += 1
        ok = nothing_lost(warehouse, landing, reference)
        self.lost += ok
        same_core = core(warehouse, landed) == reference
        self.equal_core += same_core
        if reference_quality is not None:
            self.equal_quality += quality(warehouse) == reference_quality
        if not (ok and same_core):
            self.notes.append(f"trial {self.trials}: nothing lost {ok}, core equal {same_core}")

    def row(self) -> dict:
        return {"experiment": self.name, "trials": self.trials, "nothing_lost": self.lost,
                "equal_core": self.equal_core, "equal_quality": self.equal_quality, "notes": self.notes}


def clean_reference(work: Path, landing: Path, name: str) -> tuple[dict, dict]:
    root = work / f"clean-{name}"
    shutil.rmtree(root, ignore_errors=True)
    copy = root / "landing"
    shutil.copytree(landing, copy)
    proc = run(root, copy)
    if proc.returncode != 0:
        raise SystemExit(f"the clean run failed:\n{proc.stderr[-3000:]}")
    landed = {p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file()}
    return core(root / "warehouse.duckdb", landed), quality(root / "warehouse.duckdb")


def fresh_root(work: Path, name: str, corpus: Path, files: list[str]) -> tuple[Path, Path]:
    root = work / name
    shutil.rmtree(root, ignore_errors=True)
    landing = root / "landing"
    landing.mkdir(parents=True)
    for f in files:
        shutil.copy(corpus / f, landing / f)
    return root, landing


def kill_experiments(work: Path, corpus: Path, files: list[str], trials: int, rng: random.Random,
                     reference: tuple[dict, dict], incremental_reference: tuple[dict, dict]) -> list[Experiment]:
    out = []
    for stage in STAGES:
        exp = Experiment(f"kill:{stage}")
        for trial in range(trials):
            incremental = trial % 2 == 1
            root, landing = fresh_root(work, f"kill-{stage}-{trial}", corpus, files[: len(files) // 2] if incremental else files)
            if incremental:  # half published, the other half landed: the killed run is an incremental night
                run(root, landing)
                for f in files[len(files) // 2:]:
                    shutil.copy(corpus / f, landing / f)
            killed = kill_during(root, landing, stage, rng)
            if not killed:
                exp.notes.append(f"trial {trial}: the run ended before the kill")
            proc = run(root, landing)
            if proc.returncode != 0:
                exp.trials += 1
                exp.notes.append(f"trial {trial}: the run after the kill failed: {proc.stderr[-500:]}")
                continue
            ref_core, ref_quality = incremental_reference if incremental else reference
            exp.record(root / "warehouse.duckdb", landing, ref_core, ref_quality)
        out.append(exp)
    return out


def concurrent_experiment(work: Path, corpus: Path, files: list[str], reference: tuple[dict, dict]) -> Experiment:
    exp = Experiment("concurrent")
    root, landing = fresh_root(work, "concurrent", corpus, files)
    first, second = start(root, landing), start(root, landing)
    for proc in (first, second):
        threading.Thread(target=proc.stderr.read, daemon=True).start()  # type: ignore[union-attr]
    codes = sorted([first.wait(), second.wait()])
    if codes not in ([0, 0], [0, 75]):
        exp.notes.append(f"exit codes {codes}")
    run(root, landing)
    exp.record(root / "warehouse.duckdb", landing, *reference)
    return exp


def mutation_experiment(work: Path, corpus: Path, files: list[str], rng: random.Random) -> Experiment:
    """Files renamed, rewritten, deleted and grown while a run parses; the run after it must equal a clean run
    over the landing as it is then (core marts; the quality history legitimately holds the first run)."""
    exp = Experiment("mutation")
    root, landing = fresh_root(work, "mutation", corpus, files)
    proc = start(root, landing)
    wait_for(proc, "discover:")
    texts = sorted(f for f in files if f.endswith(".txt") and "_" not in f)
    renamed, rewritten, deleted, grown = rng.sample(texts, 4)
    (landing / renamed).rename(landing / f"moved_{renamed}")
    (landing / rewritten).write_bytes((corpus / texts[0]).read_bytes() + "\n补充说明：另举办讲座3场。\n".encode())
    (landing / deleted).unlink()
    with open(landing / grown, "ab") as f:
        f.write("\n附：全年培训农民120人次。\n".encode())
    proc.wait()
    run(root, landing)
    ref_core, _ = clean_reference(work, landing, "mutation")
    exp.record(root / "warehouse.duckdb", landing, ref_core, None)
    return exp


def corruption_experiment(work: Path, corpus: Path, files: list[str], reference: tuple[dict, dict]) -> Experiment:
    exp = Experiment("corruption")
    root, landing = fresh_root(work, "corruption", corpus, files)
    run(root, landing)
    parsed = sorted((root / "lake" / "parsed").glob("v*/metrics/batch-*.parquet"))
    relations = sorted((root / "lake" / "parsed").glob("v*/relations/batch-*.parquet"))
    rotted = bytearray(parsed[0].read_bytes())
    rotted[len(rotted) // 3] ^= 0x01
    parsed[0].write_bytes(bytes(rotted))
    relations[-1].unlink()
    proc = run(root, landing)
    if proc.returncode != 0:
        exp.trials += 1
        exp.notes.append(f"the run after the damage failed: {proc.stderr[-500:]}")
        return exp
    ref_core, _ = reference
    # the damaged night is a second validated run: compare the quality marts' current findings only
    exp.record(root / "warehouse.duckdb", landing, ref_core, None)
    return exp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=12)
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--trials", type=int, default=2, help="kill trials per stage (fresh and incremental alternate)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/faults"))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", nargs="*", choices=["kill", "concurrent", "mutation", "corruption"],
                        help="run only these experiments (default: all)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    chosen = set(args.only or ["kill", "concurrent", "mutation", "corruption"])
    shutil.rmtree(args.work, ignore_errors=True)
    corpus = args.work / "corpus"
    generate(args.reports, args.seed, corpus)
    files = sorted(p.name for p in corpus.iterdir())
    started = time.perf_counter()
    experiments: list[Experiment] = []
    if chosen & {"kill", "concurrent", "corruption"}:
        reference = clean_reference(args.work, corpus, "all")
    if "kill" in chosen:
        # the incremental reference: half published by one run, the rest by a second (two validated runs)
        root, landing = fresh_root(args.work, "incremental-reference", corpus, files[: len(files) // 2])
        run(root, landing)
        for f in files[len(files) // 2:]:
            shutil.copy(corpus / f, landing / f)
        run(root, landing)
        incremental_reference = (core(root / "warehouse.duckdb", set(files)), quality(root / "warehouse.duckdb"))
        experiments += kill_experiments(args.work, corpus, files, args.trials, rng, reference, incremental_reference)
    if "concurrent" in chosen:
        experiments.append(concurrent_experiment(args.work, corpus, files, reference))
    if "mutation" in chosen:
        experiments.append(mutation_experiment(args.work, corpus, files, random.Random(args.seed + 1)))
    if "corruption" in chosen:
        experiments.append(corruption_experiment(args.work, corpus, files, reference))
    rows = [e.row() for e in experiments]
    print(f"{'experiment':<16} {'trials':>6} {'nothing lost':>13} {'= clean (core)':>15} {'= clean (quality)':>18}")
    for r in rows:
        quality_cell = str(r["equal_quality"]) if r["experiment"] not in ("mutation", "corruption") else "n/a"
        print(f"{r['experiment']:<16} {r['trials']:>6} {r['nothing_lost']:>13} {r['equal_core']:>15} {quality_cell:>18}")
        for note in r["notes"]:
            print(f"    {note}")
    print(f"{args.reports} reports, seed {args.seed}, {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
