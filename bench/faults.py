"""Fault matrix: break the nightly run on purpose and check that nothing is lost and the result equals a clean run.

    python bench/faults.py [--reports 8] [--seed 23] [--trials 3] [--work /tmp/faults] [--json out.json]

Experiments (deterministic seeds; a generated corpus from bench/generate.py):
  kill:<stage>   `warehouse run` is SIGKILLed at a random moment inside a stage (discover, ingest, build,
                 validate, promote, publish), then run again; fresh (nothing published yet) and incremental
                 (half the corpus published, the other half landed) nights alternate over the trials.
  concurrent     two `warehouse run` over the same warehouse and lake, the second started a random moment
                 after the first, then one more run.
  mutation       files renamed, rewritten, deleted and appended to at a random moment while a run parses, then
                 one more run.
  corruption     after a clean run: a lake file rotted in place (one bit, same size), another deleted; then a run.

A kill trial counts only when its kill landed inside the stage: the run was ended by the SIGKILL (not by
itself), the stage had begun (the progress line of the stage before it, or the run lock taken for discover)
and had not reported its end. A kill that misses (the stage ended first) is printed as a miss and the trial is
tried again from the same starting state, the moment drawn from a shorter span.

Per experiment: trials, trials with nothing lost (every landed file in the ledger with a README status, every
quarantined row with a reason, every file a clean run ingests ingested with its metrics) and trials equal to a
clean run over the same landing: every mart but the quality ones (rows compared whole, less the columns that
name a run or a time), the ledger rows a clean run can have, and for kill and concurrent trials the quality
marts (findings with their status, GX results and per-owner counts: an extra validated run shows as extra rows).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate import generate  # noqa: E402
from ingest.lake import Lake  # noqa: E402

BIN = Path(sys.executable).parent
STAGES = ["discover", "ingest", "build", "validate", "promote", "publish"]
# The stderr progress line of `warehouse run` that says a stage ended (the next stage begins right after it;
# discover begins when the run holds its lock).
ENDS = {"discover": "discover:", "ingest": "ingest:", "build": "build:", "validate": "validate: done",
        "promote": "promote: done", "publish": "publish:"}
README_STATUSES = {"ingested", "duplicate", "superseded", "quarantined"}
QUALITY_MARTS = {"fct_dq_finding", "fct_gx_result", "agg_dq_by_owner", "agg_dq_by_owner_check"}
# Columns that name a run or a moment: two clean runs over the same landing differ only in these.
VOLATILE = {"run_id", "run_at", "first_seen_run", "last_seen_run", "validated_at", "ingested_at", "loaded_at",
            "first_seen_at", "last_seen_at", "parse_seconds"}
MAX_ATTEMPTS = 5


def say(line: str) -> None:
    print(line, flush=True)


def stage_reached(lines: list[str], lock_taken: bool) -> str:
    """The stage a run is in after printing `lines`: the first whose end line it has not printed ("startup"
    before it holds its lock; a skipped build runs neither validate nor promote)."""
    if not lock_taken:
        return "startup"
    skipped = any(line.startswith("build: skipped") for line in lines)
    for stage in STAGES:
        if skipped and stage in ("validate", "promote"):
            continue
        if not any(line.startswith(ENDS[stage]) for line in lines):
            return stage
    return "after publish"


def env_for(root: Path, landing: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "AIRFLOW", "LAKE_", "WAREHOUSE_"))}
    env.update({"LANDING_DIR": str(landing), "WAREHOUSE_PATH": str(root / "warehouse.duckdb"),
                "REPORTS_DIR": str(root / "reports"), "LAKE_DIR": str(root / "lake"), "INGEST_WORKERS": "2"})
    return env


def run(root: Path, landing: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "warehouse"), "run"], env=env_for(root, landing), capture_output=True,
                          text=True, check=False, timeout=1800)


class Watched:
    """A `warehouse run` child whose progress lines are read as they come, each with the moment it was read."""

    def __init__(self, root: Path, landing: Path) -> None:
        self.proc = subprocess.Popen([str(BIN / "warehouse"), "run"], env=env_for(root, landing),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True)
        self.lock_file = root / "lake" / "run.lock"
        self.lock_at: float | None = None
        self.lines: list[tuple[float, str]] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:  # text mode: the parsing bar's carriage returns end lines too
            self.lines.append((time.monotonic(), line))

    def lock_taken(self) -> bool:
        """The run holds the lake's lock (the holder's note names this process): its first stage has begun."""
        try:
            return self.lock_file.read_text().startswith(f"pid {self.proc.pid} ")
        except OSError:
            return False

    def poll_lock(self) -> None:
        if self.lock_at is None and self.lock_taken():
            self.lock_at = time.monotonic()

    def seen(self, marker: str) -> float | None:
        return next((t for t, line in list(self.lines) if line.startswith(marker)), None)

    def started(self, stage: str) -> float | None:
        i = STAGES.index(stage)
        return self.lock_at if i == 0 else self.seen(ENDS[STAGES[i - 1]])

    def stage_now(self) -> str:
        """The stage the run is in, from its lines so far (after `finish`: the stage it ended in)."""
        return stage_reached([line for _, line in list(self.lines)], self.lock_at is not None or self.lock_taken())

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def finish(self) -> int:
        """Wait for the run (and its forked parsing workers) to end and every line to be read."""
        code = self.proc.wait()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        self.reader.join(timeout=30)
        return code


def timed_run(root: Path, landing: Path) -> dict[str, float]:
    """An unbroken run; the seconds each stage took (from its start to its end line)."""
    w = Watched(root, landing)
    while w.proc.poll() is None:
        w.poll_lock()
        time.sleep(0.002)
    code = w.finish()
    if code != 0:
        raise SystemExit(f"the clean run failed ({code}):\n{''.join(line for _, line in w.lines)[-3000:]}")
    seconds = {}
    for stage in STAGES:
        start, end = w.started(stage), w.seen(ENDS[stage])
        seconds[stage] = max(0.01, end - start) if start is not None and end is not None else 0.01
    return seconds


@dataclass
class Attempt:
    target: str
    landed: str  # the stage the run was in when the SIGKILL ended it; "" when the run ended by itself
    delay: float  # the moment drawn, in seconds after the stage began
    at: float | None  # when the signal went, in seconds after the stage began (None: before it began)
    code: int

    def describe(self) -> str:
        if not self.landed:
            return f"the run ended (exit {self.code}) before the kill moment ({self.delay:.2f} s into {self.target})"
        when = f"{self.at:.2f} s into {self.target}" if self.at is not None else f"before {self.target} began"
        if self.landed == self.target:
            return f"SIGKILL {when}: landed"
        return f"SIGKILL {when} (drawn: {self.delay:.2f} s): missed, the run was in {self.landed}"


def kill_in(root: Path, landing: Path, stage: str, seconds: float, rng: random.Random) -> Attempt:
    """Start a run and SIGKILL it at a moment drawn by `rng` within the first 90% of `seconds` after `stage`
    began; say in which stage the kill landed (from the lines the run printed before it died)."""
    delay = rng.uniform(0.02, 0.9) * seconds
    w = Watched(root, landing)
    began: float | None = None
    while w.proc.poll() is None:
        w.poll_lock()
        began = began if began is not None else w.started(stage)
        if began is not None and (time.monotonic() >= began + delay or w.seen(ENDS[stage]) is not None):
            break  # the moment, or the stage already over (a miss: no use waiting for the rest of the run)
        time.sleep(0.002)
    at = time.monotonic() - began if began is not None else None
    w.kill()
    code = w.finish()
    return Attempt(stage, w.stage_now() if code == -signal.SIGKILL else "", delay, at, code)


def q(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return sorted(con.execute(sql, params or []).fetchall(), key=repr)


@dataclass(frozen=True)
class Mart:
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]

    def column(self, name: str) -> list:
        i = self.columns.index(name)
        return [r[i] for r in self.rows]

    def where(self, keep: Callable[[dict], bool]) -> Mart:
        return Mart(self.columns, tuple(r for r in self.rows if keep(dict(zip(self.columns, r, strict=True)))))


def marts(warehouse: Path) -> dict[str, Mart]:
    """Every mart's rows (sorted), less the columns that name a run or a moment."""
    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for (table,) in q(con, "select table_name from information_schema.tables where table_schema = 'marts'"):
            cols = tuple(c for (c,) in con.execute("select column_name from information_schema.columns where "
                                                   "table_schema = 'marts' and table_name = ? order by ordinal_position",
                                                   [table]).fetchall() if c not in VOLATILE)
            quoted = ", ".join(f'"{c}"' for c in cols)
            out[table] = Mart(cols, tuple(q(con, f"select {quoted} from marts.{table}")))
    return out


def landed_now(landing: Path) -> dict[str, str]:
    """path → sha256 of what the landing folder holds now."""
    return {p.relative_to(landing).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(landing.rglob("*")) if p.is_file()}


def comparable(tables: dict[str, Mart], landed: dict[str, str], quality: bool) -> dict[str, Mart]:
    """What a clean run over `landed` must equal. Ledger rows a clean run over the landing as it is cannot
    have are left out: a path no longer landed, and bytes a landed path held before the ones it holds now
    (superseded). A landed path's current bytes are always compared, whatever their status."""
    out = {t: m for t, m in tables.items() if quality or t not in QUALITY_MARTS}
    out["ingest_ledger"] = tables["ingest_ledger"].where(lambda r: landed.get(r["source_file"]) == r["sha256"])
    return out


def nothing_lost(tables: dict[str, Mart], landed: dict[str, str], reference: dict[str, Mart]) -> list[str]:
    """What is lost or untrue in the trial's warehouse; empty when nothing is."""
    ledger = tables["ingest_ledger"]
    problems = []
    if missing := sorted(set(landed) - set(ledger.column("source_file"))):
        problems.append(f"landed but not in the ledger: {missing}")
    if odd := sorted(set(ledger.column("status")) - README_STATUSES):
        problems.append(f"statuses the README does not list: {odd}")
    if silent := sorted(ledger.where(lambda r: r["status"] == "quarantined" and not r["reason"]).column("source_file")):
        problems.append(f"quarantined without a reason: {silent}")
    ingested = set(ledger.where(lambda r: r["status"] == "ingested").column("source_file"))
    want = set(reference["ingest_ledger"].where(lambda r: r["status"] == "ingested").column("source_file"))
    if lost := sorted(want - ingested):
        problems.append(f"a clean run ingests these, the trial does not: {lost}")
    if lost := sorted(set(reference["fct_metric"].column("source_file")) - set(tables["fct_metric"].column("source_file"))):
        problems.append(f"files whose metrics a clean run has and the trial lacks: {lost}")
    return problems


@dataclass
class Experiment:
    name: str
    quality: bool
    trials: int = 0
    missed: int = 0
    lost: int = 0
    equal_core: int = 0
    equal_quality: int = 0
    notes: list[str] = field(default_factory=list)

    def record(self, label: str, root: Path, landed: dict[str, str], reference: dict[str, Mart], work: Path) -> None:
        """Count a trial whose last run ended; keep its folder when it lost anything or differs."""
        rows = marts(root / "warehouse.duckdb")
        self.trials += 1
        problems = nothing_lost(rows, landed, reference)
        self.lost += not problems
        mine, want = comparable(rows, landed, self.quality), comparable(reference, landed, self.quality)
        core_diff = sorted(t for t in want if t not in QUALITY_MARTS and mine.get(t) != want[t])
        quality_diff = sorted(t for t in want if t in QUALITY_MARTS and mine.get(t) != want[t])
        self.equal_core += not core_diff
        self.equal_quality += self.quality and not quality_diff
        verdict = "nothing lost" if not problems else "; ".join(problems)
        verdict += ", equal to a clean run" if not core_diff and not quality_diff else \
            f", differs from a clean run in {core_diff + quality_diff}"
        say(f"  {label}: {verdict}")
        if problems or core_diff or quality_diff:
            self.notes.append(f"{label}: {verdict}")
            keep = work / f"failed-{label.replace(' ', '-').replace(':', '-')}"
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(root, keep)
            self.notes.append(f"    kept in {keep}")

    def fail(self, label: str, why: str) -> None:
        self.trials += 1
        self.notes.append(f"{label}: {why}")
        say(f"  {label}: {why}")

    def row(self) -> dict:
        return {"experiment": self.name, "trials": self.trials, "missed_kills": self.missed,
                "nothing_lost": self.lost, "equal_core": self.equal_core,
                "equal_quality": self.equal_quality if self.quality else None, "notes": self.notes}


class Bench:
    """One trial folder (`work/trial`), restored before each trial from a template built at the same path (the
    warehouse's views name the lake by its absolute path)."""

    def __init__(self, work: Path, corpus: Path, files: list[str]) -> None:
        self.work, self.corpus, self.files = work, corpus, files
        self.root, self.landing = work / "trial", work / "trial" / "landing"
        self.half = files[: len(files) // 2]

    def restore(self, template: str | None) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        if template is None:
            self.landing.mkdir(parents=True)
            for f in self.files:
                shutil.copy(self.corpus / f, self.landing / f)
        else:
            shutil.copytree(self.work / template, self.root)

    def land_rest(self) -> None:
        for f in self.files[len(self.files) // 2:]:
            shutil.copy(self.corpus / f, self.landing / f)

    def templates(self) -> dict[str, tuple[dict, dict[str, float]]]:
        """The fresh and incremental starting states, each with its clean reference and stage seconds."""
        self.restore(None)
        fresh_seconds = timed_run(self.root, self.landing)
        fresh = marts(self.root / "warehouse.duckdb")
        shutil.rmtree(self.root)
        self.landing.mkdir(parents=True)
        for f in self.half:
            shutil.copy(self.corpus / f, self.landing / f)
        if run(self.root, self.landing).returncode != 0:
            raise SystemExit("the first incremental night failed")
        shutil.rmtree(self.work / "template-incremental", ignore_errors=True)
        shutil.copytree(self.root, self.work / "template-incremental")
        self.land_rest()
        incremental_seconds = timed_run(self.root, self.landing)
        incremental = marts(self.root / "warehouse.duckdb")
        for mode, seconds in (("fresh", fresh_seconds), ("incremental", incremental_seconds)):
            say(f"clean {mode} night, seconds per stage: " + ", ".join(f"{s} {v:.2f}" for s, v in seconds.items()))
        return {"fresh": (fresh, fresh_seconds), "incremental": (incremental, incremental_seconds)}


def kill_experiments(bench: Bench, trials: int, rng: random.Random, refs: dict) -> list[Experiment]:
    out = []
    for stage in STAGES:
        exp = Experiment(f"kill:{stage}", quality=True)
        for trial in range(trials):
            mode = "incremental" if trial % 2 else "fresh"
            reference, seconds = refs[mode]
            label = f"kill:{stage} trial {trial + 1} ({mode})"
            span = seconds[stage]
            for attempt in range(1, MAX_ATTEMPTS + 1):
                bench.restore("template-incremental" if mode == "incremental" else None)
                if mode == "incremental":
                    bench.land_rest()
                hit = kill_in(bench.root, bench.landing, stage, span, rng)
                say(f"{label} attempt {attempt}: {hit.describe()}")
                if hit.landed == stage:
                    break
                exp.missed += 1
                span /= 2  # the stage ran faster than in the clean night: draw from a shorter span
            else:
                exp.notes.append(f"{label}: no kill landed in {stage} in {MAX_ATTEMPTS} attempts (not counted)")
                continue
            proc = run(bench.root, bench.landing)
            if proc.returncode != 0:
                exp.fail(label, f"the run after the kill failed: {proc.stderr[-500:]}")
                continue
            exp.record(label, bench.root, landed_now(bench.landing), reference, bench.work)
        out.append(exp)
    return out


def concurrent_experiment(bench: Bench, trials: int, rng: random.Random, reference: dict) -> Experiment:
    exp = Experiment("concurrent", quality=True)
    for trial in range(trials):
        label = f"concurrent trial {trial + 1}"
        bench.restore(None)
        first = Watched(bench.root, bench.landing)
        gap = rng.uniform(0.0, 3.0)
        time.sleep(gap)
        second = Watched(bench.root, bench.landing)
        codes = [first.finish(), second.finish()]
        say(f"{label}: second run started {gap:.2f} s after the first; exit codes {codes}")
        if sorted(codes) not in ([0, 0], [0, 75]):
            exp.fail(label, f"exit codes {codes}")
            continue
        run(bench.root, bench.landing)
        exp.record(label, bench.root, landed_now(bench.landing), reference, bench.work)
    return exp


def text_encoding(name: str) -> str:
    """The encoding bench/generate.py wrote a text report in (named by its suffix)."""
    return "gb18030" if name.endswith("_gb.txt") else "utf-16" if name.endswith("_u16.txt") else "utf-8"


def appended_encoding(name: str) -> str:
    """Bytes appended to a report in its own encoding (UTF-16 without a second byte-order mark)."""
    return "utf-16-le" if text_encoding(name) == "utf-16" else text_encoding(name)


def mutation_experiment(bench: Bench, trials: int, rng: random.Random, ingest_seconds: float) -> Experiment:
    """Files renamed, rewritten, deleted and grown at a random moment while a run parses; the run after it must
    equal a clean run over the landing as it is then, plus a deleted file whose bytes the lake committed before
    it went (the lake keeps what landed). Core marts only: the quality history rightly holds the first run."""
    exp = Experiment("mutation", quality=False)
    texts = sorted(f for f in bench.files if f.endswith(".txt"))
    if len(texts) < 4:
        raise SystemExit(f"the mutation experiment needs 4 text reports, the corpus has {len(texts)}: use more --reports")
    for trial in range(trials):
        label = f"mutation trial {trial + 1}"
        bench.restore(None)
        renamed, rewritten, deleted, grown = rng.sample(texts, 4)
        delay = rng.uniform(0.0, 0.9 * ingest_seconds)
        deleted_bytes = (bench.landing / deleted).read_bytes()
        w = Watched(bench.root, bench.landing)
        while w.proc.poll() is None and w.seen(ENDS["discover"]) is None:
            time.sleep(0.002)
        time.sleep(delay)
        parsing = w.seen(ENDS["ingest"]) is None and w.proc.poll() is None
        (bench.landing / renamed).rename(bench.landing / f"moved_{renamed}")
        other = (bench.corpus / texts[0]).read_bytes().decode(text_encoding(texts[0]))
        (bench.landing / rewritten).write_bytes((other + "\n补充说明：另举办讲座3场。\n").encode(text_encoding(rewritten)))
        (bench.landing / deleted).unlink()
        with open(bench.landing / grown, "ab") as f:
            f.write("\n附：全年培训农民120人次。\n".encode(appended_encoding(grown)))
        code = w.finish()
        kept = hashlib.sha256(deleted_bytes).hexdigest() in Lake(bench.root / "lake").parsed_document_ids()
        say(f"{label}: renamed {renamed}, rewrote {rewritten}, deleted {deleted}, grew {grown} {delay:.2f} s into "
            f"ingest ({'while it parsed' if parsing else 'after it parsed'}); the run exited {code}; the deleted "
            f"file's bytes {'were' if kept else 'were not'} committed to the lake before it went")
        run(bench.root, bench.landing)
        clean_landing = bench.work / "clean" / "landing"
        shutil.rmtree(clean_landing.parent, ignore_errors=True)
        shutil.copytree(bench.landing, clean_landing)
        if kept:
            (clean_landing / deleted).write_bytes(deleted_bytes)
        clean = run(clean_landing.parent, clean_landing)
        if clean.returncode != 0:
            raise SystemExit(f"the clean run failed:\n{clean.stderr[-3000:]}")
        reference = marts(clean_landing.parent / "warehouse.duckdb")
        # the deleted path, when the lake keeps its bytes, is compared as a clean run that has it holds it
        exp.record(label, bench.root, landed_now(clean_landing), reference, bench.work)
    return exp


def corruption_experiment(bench: Bench, trials: int, rng: random.Random, reference: dict) -> Experiment:
    """After a clean run a lake file rots in place and another goes; the next run must heal from the landed bytes.
    Core marts only: the healing night is a second validated run, which the clean reference has not."""
    exp = Experiment("corruption", quality=False)
    for trial in range(trials):
        label = f"corruption trial {trial + 1}"
        bench.restore(None)
        run(bench.root, bench.landing)
        batches = sorted(p for p in (bench.root / "lake" / "parsed").glob("v*/*/batch-*.parquet"))
        rot, gone = rng.sample(batches, 2)
        rotted = bytearray(rot.read_bytes())
        at = rng.randrange(len(rotted))
        rotted[at] ^= 1 << rng.randrange(8)
        rot.write_bytes(bytes(rotted))
        gone.unlink()
        say(f"{label}: flipped a bit at byte {at} of {rot.relative_to(bench.root)}, deleted {gone.relative_to(bench.root)}")
        proc = run(bench.root, bench.landing)
        if proc.returncode != 0:
            exp.fail(label, f"the run after the damage failed: {proc.stderr[-500:]}")
            continue
        exp.record(label, bench.root, landed_now(bench.landing), reference, bench.work)
    return exp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=8)
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--trials", type=int, default=3, help="trials per experiment (kill: fresh and incremental alternate)")
    parser.add_argument("--kill-trials", type=int, help="trials per kill stage (default: --trials)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/faults"))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", nargs="*", choices=["kill", "concurrent", "mutation", "corruption"],
                        help="run only these experiments (default: all)")
    args = parser.parse_args()
    chosen = set(args.only or ["kill", "concurrent", "mutation", "corruption"])
    shutil.rmtree(args.work, ignore_errors=True)
    corpus = args.work / "corpus"
    generate(args.reports, args.seed, corpus)
    bench = Bench(args.work, corpus, sorted(p.name for p in corpus.iterdir()))
    started = time.perf_counter()
    refs = bench.templates()
    experiments: list[Experiment] = []
    # one generator per experiment: a subset run (--only) draws the same moments as the whole matrix
    if "kill" in chosen:
        experiments += kill_experiments(bench, args.kill_trials or args.trials, random.Random(args.seed), refs)
    if "concurrent" in chosen:
        experiments.append(concurrent_experiment(bench, args.trials, random.Random(args.seed + 1), refs["fresh"][0]))
    if "mutation" in chosen:
        experiments.append(mutation_experiment(bench, args.trials, random.Random(args.seed + 2),
                                               refs["fresh"][1]["ingest"]))
    if "corruption" in chosen:
        experiments.append(corruption_experiment(bench, args.trials, random.Random(args.seed + 3), refs["fresh"][0]))
    rows = [e.row() for e in experiments]
    say("")
    say(f"{'experiment':<16} {'trials':>6} {'missed kills':>12} {'nothing lost':>13} {'= clean (core)':>15} "
        f"{'= clean (quality)':>18}")
    for r in rows:
        quality_cell = "n/a" if r["equal_quality"] is None else str(r["equal_quality"])
        say(f"{r['experiment']:<16} {r['trials']:>6} {r['missed_kills']:>12} {r['nothing_lost']:>13} "
            f"{r['equal_core']:>15} {quality_cell:>18}")
        for note in r["notes"]:
            say(f"    {note}")
    say(f"{args.reports} reports, seed {args.seed}, {time.perf_counter() - started:.0f} s, "
        f"load {os.getloadavg()[0]:.1f} at the end")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
