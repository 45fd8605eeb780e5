"""Benchmark the pipeline at one corpus size and print the figures as a table and as JSON.

    python bench/run.py --reports 1000 --json bench/out/bench-1000.json [--workers 2] [--skip-e2e]

Extraction throughput is measured on the decoded text of the generated corpus: one process, N worker
processes, the floor (a bare pass of the same text through the compiled number regex the parser scans with,
`QUANTITY_SCAN_RE`, after making the matching copy), and jionlp's
`extract_money` against ours on the same first 3 MB, timed in turns (the ratio is of the medians of three).
End to end runs `warehouse run` (`run_all`) in-process on a fresh lake and warehouse, then the nightly no-op
(nothing new) and a nightly with 1% new files (an incremental build and validation), each in a fresh
process as a real night runs.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import platform
import resource
import shutil
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402
from ingest.document import parse_text  # noqa: E402
from ingest.limits import Limits  # noqa: E402
from ingest.numbers import QUANTITY_SCAN_RE, to_matching_text  # noqa: E402
from ingest.readers import read_document  # noqa: E402


def decoded_texts(corpus: Path) -> list[str]:
    limits = Limits()
    return [read_document(p.read_bytes(), p.name, limits).text for p in sorted(corpus.iterdir())]


def generated_texts(reports: int, seed: int, folder: Path) -> list[str]:
    """The decoded texts of a corpus generated into `folder`, which is removed afterwards."""
    shutil.rmtree(folder, ignore_errors=True)
    generate(reports, seed, folder)
    try:
        return decoded_texts(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def corpus_parser(description: str, reports: int) -> argparse.ArgumentParser:
    """The arguments of a script measuring a generated scratch corpus: its size, seed, work folder and JSON."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--reports", type=int, default=reports)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--json", type=Path)
    return parser


def write_figures(figures: dict, json_path: Path | None, table: bool = True) -> None:
    """Print the figures as a two-column table (unless `table` is false) and write them to `json_path`."""
    if table:
        width = max(len(k) for k in figures)
        for key, value in figures.items():
            print(f"{key:<{width}}  {value}")
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")


def _parse_all(texts: list[str]) -> int:
    return sum(len(parse_text(t).mentions) for t in texts)


def throughput(texts: list[str], workers: int) -> dict:
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    chars = sum(len(t) for t in texts)
    started = time.perf_counter()
    mentions = _parse_all(texts)
    one = time.perf_counter() - started
    chunks = [texts[i::workers] for i in range(workers)]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        sum(pool.map(_parse_all, chunks))
    many = time.perf_counter() - started
    started = time.perf_counter()
    for t in texts:
        for _ in QUANTITY_SCAN_RE.finditer(to_matching_text(t)):
            pass
    floor = time.perf_counter() - started
    return {"text_mb": round(mb, 2), "text_chars": chars, "mentions": mentions,
            "extract_mb_per_s": round(mb / one, 3), "extract_chars_per_s": round(chars / one),
            "extract_reports_per_s": round(len(texts) / one, 1),
            "extract_workers": workers, "extract_workers_mb_per_s": round(mb / many, 3),
            "floor_mb_per_s": round(mb / floor, 3)}


def jionlp_throughput(texts: list[str], max_mb: float = 3.0, rounds: int = 3) -> dict:
    """jionlp's extract_money and our parse over the same (up to max_mb of) text, timed in turns.

    Both run in this one process, so each is timed in CPU seconds of the process: on a machine shared with other
    work, wall-clock time counts the waits for a core as well. Each round times ours then theirs back to back
    (the machine's speed still drifts), and the ratio is of the medians. None when jionlp is not installed."""
    try:  # jionlp 1.5 keeps extract_money in its NER package (older releases exported it at the top)
        from jionlp.algorithm.ner import extract_money
    except ImportError:
        return {"jionlp_mb_per_s": None}
    sample, mb = [], 0.0
    for t in texts:
        sample.append(t)
        mb += len(t.encode("utf-8")) / 1e6
        if mb >= max_mb:
            break
    extract_money(sample[0][:200])  # load its dictionaries before timing
    ours, theirs, found = [], [], 0
    for _ in range(rounds):
        started = time.process_time()
        _parse_all(sample)
        ours.append(time.process_time() - started)
        started = time.process_time()
        found = sum(len(extract_money(t)) for t in sample)
        theirs.append(time.process_time() - started)
    ours_s, theirs_s = statistics.median(ours), statistics.median(theirs)
    return {"jionlp_mb_per_s": round(mb / theirs_s, 3), "jionlp_sample_mb": round(mb, 2), "jionlp_money_found": found,
            "extract_on_jionlp_sample_mb_per_s": round(mb / ours_s, 3), "jionlp_rounds": rounds,
            "extract_vs_jionlp": round(theirs_s / ours_s, 3)}


def _rusage() -> tuple[float, float]:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    return cpu, max(me.ru_maxrss, kids.ru_maxrss) / 1024


# run_all's stage names → the names the benchmark reports them under.
STAGE_LABELS = {"repair": "lake check (repair)", "discover": "discover", "ingest": "ingest (read + extract + lake write)", "build": "dbt build",
                "validate": "gx + quality marts + docs", "promote": "promote", "publish": "reports"}


def _run_all(settings, run_id: str):  # type: ignore[no-untyped-def]
    """`run_all` in a worker process (a module-level function, so the pool can send it)."""
    from pipeline.stages import run_all

    return run_all(settings, run_id)


def end_to_end(corpus: Path, work: Path, workers: int, n_reports: int) -> dict:
    from pipeline.settings import Settings
    from pipeline.stages import run_all

    landing = work / "landing"
    shutil.copytree(corpus, landing)
    settings = replace(Settings.from_env(), landing_dir=landing, warehouse_path=work / "wh" / "warehouse.duckdb",
                       reports_dir=work / "reports", lake_dir=work / "lake", workers=workers, smtp_host=None)

    modes: dict[str, str] = {}  # run → full, incremental or skipped (the build stage's mode)

    def one_run(run_id: str, fresh_process: bool = False) -> tuple[float, dict]:
        """`warehouse run` itself (the no-op stops after a skipped build, as the DAG does), timed per stage.
        A night is a process of its own (cron or an Airflow task): `fresh_process` runs it in one, so its
        figure includes the imports (GX alone 3 s) that this process paid on the full run already."""
        started = time.perf_counter()
        if fresh_process:
            with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
                out = pool.submit(_run_all, settings, run_id).result()
        else:
            out = run_all(settings, run_id)
        wall = time.perf_counter() - started
        stages = {STAGE_LABELS[k]: v for k, v in out.timings.items()}
        for part in ("read", "extract", "write"):  # CPU seconds summed over the workers
            stages[f"ingest: {part} (summed over workers)"] = sum(p.get(f"{part}_seconds", 0.0) for p in out.ingest)
        if out.validate is not None:
            stages["validate: gx"] = out.validate.gx_seconds
            stages["validate: dbt quality marts"] = out.validate.dbt_seconds
            stages["validate: dbt docs"] = out.validate.dbt_docs_seconds
        modes[run_id] = out.build.mode or "skipped"
        return wall, {k: round(v, 2) for k, v in stages.items()}

    cpu0, _ = _rusage()
    full_s, stages = one_run("bench-full")
    cpu1, peak = _rusage()
    noop_s, noop_stages = one_run("bench-noop", fresh_process=True)
    new = max(1, n_reports // 100)
    plain = [p for p in sorted(corpus.iterdir()) if p.suffix == ".txt" and "_u16" not in p.name and "_gb" not in p.name]
    for i, src in enumerate(plain[:new]):  # re-published copies with one more sentence: new bytes to parse
        (landing / f"new_{i}_{src.name}").write_bytes(src.read_bytes() + f"\n备注{i}。\n".encode())
    one_pct_s, one_pct_stages = one_run("bench-1pct", fresh_process=True)
    return {"end_to_end_s": round(full_s, 2), "cpu_s": round(cpu1 - cpu0, 2), "peak_rss_mb": round(peak, 1),
            "stage_seconds": stages, "noop_run_s": round(noop_s, 2), "noop_stage_seconds": noop_stages,
            "one_percent_new_s": round(one_pct_s, 2), "one_percent_stage_seconds": one_pct_stages,
            "build_modes": modes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--skip-e2e", action="store_true", help="extraction figures only")
    parser.add_argument("--baseline", type=Path, help="the JSON of a run at another size: print growth exponents")
    args = parser.parse_args()
    work = args.work / f"run-{args.reports}"
    shutil.rmtree(work, ignore_errors=True)
    corpus = work / "corpus"
    truth = generate(args.reports, args.seed, corpus)
    texts = decoded_texts(corpus)
    figures = {"reports": args.reports, "date": datetime.now(UTC).strftime("%Y-%m-%d"),
               "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                           "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
               "planted_totals": sum(len(t["totals"]) for t in truth.values())}
    figures |= throughput(texts, args.workers)
    figures["floor_vs_extract"] = round(figures["floor_mb_per_s"] / figures["extract_mb_per_s"], 1)
    figures |= jionlp_throughput(texts)
    if not args.skip_e2e:
        figures |= end_to_end(corpus, work, args.workers, args.reports)
        figures["planted_mismatches_found"] = _mismatch_recall(work / "wh" / "warehouse.duckdb", truth)
    if args.baseline and not args.skip_e2e:
        figures["growth_exponents"] = growth_exponents(json.loads(args.baseline.read_text(encoding="utf-8")), figures)
    write_figures(figures, args.json)


def growth_exponents(small: dict, large: dict) -> dict:
    """log(cost ratio) / log(size ratio) between two runs, end to end and per stage (1.0 = linear)."""
    size = math.log(large["reports"] / small["reports"])
    pairs = {"end_to_end_s": (small["end_to_end_s"], large["end_to_end_s"]),
             "cpu_s": (small["cpu_s"], large["cpu_s"]), "peak_rss_mb": (small["peak_rss_mb"], large["peak_rss_mb"])}
    pairs |= {f"stage: {k}": (small["stage_seconds"].get(k), v) for k, v in large["stage_seconds"].items()}
    return {k: round(math.log(b / a) / size, 2) for k, (a, b) in pairs.items() if a and b and a > 0.05}


def _mismatch_recall(warehouse: Path, truth: dict) -> str:
    import duckdb

    planted = sum(1 for t in truth.values() for total in t["totals"] if total["status"] == "mismatch")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        found = con.execute("select count(*) from marts.fct_total_check where status = 'mismatch' "
                            "and relation = 'total_parts'").fetchone()[0]
    return f"{found}/{planted}"


if __name__ == "__main__":
    main()
