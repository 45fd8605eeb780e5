"""Planted breaks: does the warehouse catch a total whose parts were changed, and only that one?

    python bench/planted_breaks.py TEXTS_DIR [TEXTS_DIR ...] [--work DIR] [--direction up|down|both]
                                   [--all-parts] [--json OUT.json]

1. Builds a warehouse from the texts (`warehouse run` in-process: ingest, dbt, GX) and reads the relations of
   marts.fct_total_check.
2. For each that adds up (relation `total_parts`: a subset stays consistent while its part stays within the
   whole), plants a break in a copy of its document's stored text: one part's leading digit goes up by one
   (`362466万元` → `462466万元`; a 9 goes down) or down by one (`up`, `down` or `both`, one copy each), so the
   number keeps its length and every other offset stays put (`--digit 2` changes the second significant digit
   instead: a smaller but still visible change). By default the largest part is changed; `--all-parts` plants
   one copy per part.
3. Builds a second warehouse from the unchanged stored texts and all the planted copies, and reports per copy
   whether the planted total is now a `mismatch` (caught), `unclear` or still `consistent` (missed), and every
   `mismatch` at another total of the copy that is no mismatch in the unchanged text and holds no changed
   number (a new false alarm).

The figures go to stdout (and to --json): consistent totals found, breaks planted, caught, unclear, missed,
new false alarms, with the misses listed by sentence.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FULLWIDTH_DIGITS = "０１２３４５６７８９"


@dataclass(frozen=True)
class Break:
    copy_name: str  # the planted copy's file name
    source: str  # the unchanged copy's file name
    total_start: int
    total_end: int
    part_start: int
    part_end: int
    old_text: str
    new_text: str
    direction: str
    sentence: str
    cue: str
    # spans of every relation (total and parts) the changed number belongs to: a mismatch there is expected
    affected: tuple[tuple[int, int], ...]


def digit_value(ch: str) -> int | None:
    if ch.isascii() and ch.isdigit():
        return int(ch)
    if ch in FULLWIDTH_DIGITS:
        return FULLWIDTH_DIGITS.index(ch)
    return None


def with_digit(ch: str, value: int) -> str:
    return FULLWIDTH_DIGITS[value] if ch in FULLWIDTH_DIGITS else str(value)


def changed(number_text: str, direction: str, digit: int = 1) -> str | None:
    """The number with its `digit`-th significant digit (1: the leading one) one up (`up`; a 9 goes down) or one
    down (`down`; a leading 1 lowers the next digit instead, `13500` → `12500`), same length; None when the number
    has no such digit."""
    positions = [i for i, ch in enumerate(number_text) if digit_value(ch) is not None]
    while positions and digit_value(number_text[positions[0]]) == 0:
        positions = positions[1:]  # `0.35亿元`: the significant digits start at 3
    if len(positions) < digit:
        return None
    positions = positions[digit - 1:]
    lead = positions[0]
    d = digit_value(number_text[lead])
    assert d is not None
    if direction == "up" or (d == 0 and digit > 1):  # a 0 cannot go down: it goes up
        return number_text[:lead] + with_digit(number_text[lead], d + 1 if d < 9 else d - 1) + number_text[lead + 1:]
    if d >= 2 or (d == 1 and digit > 1):
        return number_text[:lead] + with_digit(number_text[lead], d - 1) + number_text[lead + 1:]
    # A leading 1 (or 0 in 0.5) cannot go down without changing the length: lower the next digit.
    for pos in positions[1:]:
        nd = digit_value(number_text[pos])
        if nd is not None and nd >= 1:
            return number_text[:pos] + with_digit(number_text[pos], nd - 1) + number_text[pos + 1:]
    return None


def build(landing: Path, work: Path, workers: int) -> Path:
    """`warehouse run` over `landing` into `work` (fresh lake, warehouse and reports); the warehouse path."""
    from pipeline.settings import Settings
    from pipeline.stages import run_all

    shutil.rmtree(work, ignore_errors=True)
    settings = replace(Settings.from_env(), landing_dir=landing, warehouse_path=work / "warehouse.duckdb",
                       reports_dir=work / "reports", lake_dir=work / "lake", workers=workers, smtp_host=None)
    run_all(settings, "planted-breaks")
    return settings.warehouse_path


def parse_checks(folder: Path) -> tuple[dict[str, str], list[tuple], dict[str, tuple[int, int, str]]]:
    """What read_checks returns, from parsing every file of the folder in-process (no warehouse): the same
    relations the lake would hold, for quick iterations (`--parse-only`)."""
    from ingest.document import parse_text
    from ingest.limits import Limits
    from ingest.readers import read_document

    texts: dict[str, str] = {}
    checks: list[tuple] = []
    metrics: dict[str, tuple[int, int, str]] = {}
    for path in sorted(folder.iterdir()):
        text = read_document(path.read_bytes(), path.name, Limits()).text
        texts[path.name] = text
        parsed = parse_text(text)
        for m in parsed.mentions:
            metrics[f"{path.name}:{m.char_start}-{m.char_end}"] = (m.char_start, m.char_end, m.number_text)
        for r in parsed.relations:
            t = parsed.mentions[r.total_index]
            part_ids = [f"{path.name}:{parsed.mentions[i].char_start}-{parsed.mentions[i].char_end}"
                        for i in r.part_indexes]
            checks.append((path.name, r.status, t.char_start, t.char_end, part_ids, getattr(r, "cue", ""), t.sentence,
                           r.relation))
    return texts, checks, metrics


def read_checks(warehouse: Path) -> tuple[dict[str, str], list[tuple], dict[str, tuple[int, int, str]]]:
    """(stored text per file, relations, metric spans and texts by id) of a built warehouse."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        texts = dict(con.execute("select source_file, text from marts.dim_document").fetchall())
        checks = con.execute(
            "select source_file, status, char_start, char_end, part_metric_ids, cue, sentence, relation "
            "from marts.fct_total_check order by source_file, char_start").fetchall()
        metrics = {mid: (s, e, t) for mid, s, e, t in con.execute(
            "select metric_id, char_start, char_end, number_text from marts.fct_metric").fetchall()}
    return texts, checks, metrics


def plan_breaks(texts: dict[str, str], checks: list[tuple], metrics: dict[str, tuple[int, int, str]],
                directions: list[str], all_parts: bool, digit: int = 1) -> tuple[list[Break], dict[str, str]]:
    """The planted copies (each one number changed) and the unchanged copies, by file name."""
    originals: dict[str, str] = {}
    breaks: list[Break] = []
    by_file: dict[str, list[tuple]] = {}
    planted: set[tuple[str, int, str]] = set()  # a copy planted twice would land as a duplicate and be skipped
    for c in checks:
        by_file.setdefault(c[0], []).append(c)
    for k, (source_file, text) in enumerate(sorted(texts.items())):
        stem = f"d{k:03d}_{Path(source_file).stem}"
        original = f"{stem}.txt"
        originals[original] = text
        file_checks = by_file.get(source_file, [])
        spans_of = [((c[2], c[3]), [metrics[p][:2] for p in c[4] if p in metrics]) for c in file_checks]
        for c in file_checks:
            _, status, t_start, t_end, part_ids, cue, sentence, relation = c
            if status != "consistent" or relation != "total_parts":
                continue  # a subset stays consistent under any change that keeps the part within its whole
            parts = [metrics[p] for p in part_ids if p in metrics]
            if not all_parts:
                parts = sorted(parts, key=lambda p: -_magnitude(p[2]))[:1]
            for p_start, p_end, p_text in parts:
                affected = tuple(span for (total, part_spans) in spans_of
                                 if (p_start, p_end) == total or (p_start, p_end) in part_spans
                                 for span in [total])
                for direction in directions:
                    new = changed(p_text, direction, digit)
                    if new is None or new == p_text or (original, p_start, new) in planted:
                        continue  # (`up` from a 9 goes down: the same copy as `down`)
                    planted.add((original, p_start, new))
                    name = f"{stem}__b{len(breaks):05d}.txt"
                    breaks.append(Break(name, original, t_start, t_end, p_start, p_end, p_text, new, direction,
                                        sentence, cue or "", affected))
    return breaks, originals


def _magnitude(number_text: str) -> float:
    from ingest.numbers import parse_quantity

    q = parse_quantity(number_text)
    return abs(q.value) if q is not None else 0.0


def write_landing(landing: Path, breaks: list[Break], originals: dict[str, str]) -> None:
    landing.mkdir(parents=True, exist_ok=True)
    for name, text in originals.items():
        (landing / name).write_text(text, encoding="utf-8")
    for b in breaks:
        text = originals[b.source]
        assert text[b.part_start:b.part_end] == b.old_text, (b.copy_name, text[b.part_start:b.part_end], b.old_text)
        (landing / b.copy_name).write_text(text[:b.part_start] + b.new_text + text[b.part_end:], encoding="utf-8")


def judge(rows: list[tuple[str, str, int, int]], breaks: list[Break]) -> dict:
    """Caught, unclear, missed and new false alarms of the planted copies, from the second build's relations
    (source_file, status, char_start, char_end)."""
    by_file: dict[str, list[tuple[str, int, int]]] = {}
    for f, status, s, e in rows:
        by_file.setdefault(Path(f).name, []).append((status, s, e))
    figures = {"breaks": len(breaks), "caught": 0, "unclear": 0, "missed": 0, "new_false_alarms": 0}
    per_direction: dict[str, dict[str, int]] = {}
    misses, false_alarms = [], []
    for b in breaks:
        got = by_file.get(b.copy_name, [])
        at_total = {status for status, s, e in got if max(s, b.total_start) < min(e, b.total_end)}
        verdict = "caught" if "mismatch" in at_total else "unclear" if "unclear" in at_total else "missed"
        figures[verdict] += 1
        d = per_direction.setdefault(b.direction, {"breaks": 0, "caught": 0, "unclear": 0, "missed": 0})
        d["breaks"] += 1
        d[verdict] += 1
        if verdict != "caught":
            misses.append({"file": b.source, "direction": b.direction, "part": f"{b.old_text} -> {b.new_text}",
                           "cue": b.cue, "verdict": verdict, "sentence": b.sentence[:160]})
        before = {(s, e) for status, s, e in by_file.get(b.source, []) if status == "mismatch"}
        for status, s, e in got:
            if status != "mismatch" or (s, e) in before:
                continue
            if max(s, b.total_start) < min(e, b.total_end) or (s, e) in b.affected:
                continue
            if max(s, b.part_start) < min(e, b.part_end):
                continue  # the changed number is this relation's total
            figures["new_false_alarms"] += 1
            false_alarms.append({"file": b.source, "part": f"{b.old_text} -> {b.new_text}", "at": [s, e]})
    n = figures["breaks"]
    figures["caught_share"] = round(figures["caught"] / n, 4) if n else None
    return {"figures": figures, "per_direction": per_direction, "misses": misses, "false_alarms": false_alarms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("texts", nargs="+", type=Path, help="folders of landed texts (any format the pipeline reads)")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a new temporary one)")
    parser.add_argument("--direction", choices=("up", "down", "both"), default="both")
    parser.add_argument("--all-parts", action="store_true", help="one break per part, not only the largest")
    parser.add_argument("--digit", type=int, default=1,
                        help="which significant digit changes: 1 (default) moves a part by 10-50%%, 2 by 1-10%%")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--parse-only", action="store_true",
                        help="parse in-process instead of building warehouses (the same relations, much faster)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="planted-breaks-"))
    landing = work / "landing-original"
    shutil.rmtree(landing, ignore_errors=True)
    landing.mkdir(parents=True)
    for folder in args.texts:
        for path in sorted(folder.iterdir()):
            if path.is_file():
                shutil.copy(path, landing / f"{folder.name}__{path.name}")
    if args.parse_only:
        texts, checks, metrics = parse_checks(landing)
    else:
        texts, checks, metrics = read_checks(build(landing, work / "original", args.workers))
    directions = ["up", "down"] if args.direction == "both" else [args.direction]
    breaks, originals = plan_breaks(texts, checks, metrics, directions, args.all_parts, args.digit)
    consistent = sum(1 for c in checks if c[1] == "consistent" and c[7] == "total_parts")
    planted = work / "landing-planted"
    shutil.rmtree(planted, ignore_errors=True)
    write_landing(planted, breaks, originals)
    if args.parse_only:
        rows = [(c[0], c[1], c[2], c[3]) for c in parse_checks(planted)[1]]
    else:
        with duckdb.connect(str(build(planted, work / "planted", args.workers)), read_only=True) as con:
            rows = con.execute("select source_file, status, char_start, char_end from marts.fct_total_check").fetchall()
    out = judge(rows, breaks)
    out["figures"] = {"documents": len(texts), "relations": len(checks), "consistent_totals": consistent,
                      "mismatch_before": sum(1 for c in checks if c[1] == "mismatch"),
                      "unclear_before": sum(1 for c in checks if c[1] == "unclear"), **out["figures"]}
    for key, value in out["figures"].items():
        print(f"{key}: {value}")
    for direction, d in sorted(out["per_direction"].items()):
        print(f"  {direction}: {d['caught']} of {d['breaks']} caught, {d['unclear']} unclear, {d['missed']} missed")
    for m in out["misses"]:
        print(f"  {m['verdict']}: {m['file']} [{m['cue']}] {m['part']} ({m['direction']}) | {m['sentence']}")
    for fa in out["false_alarms"]:
        print(f"  new false alarm: {fa['file']} at {fa['at']} after {fa['part']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
