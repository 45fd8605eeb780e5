"""Where parsing spends its time: cProfile of `parse_text` over a generated corpus, a benchmark, not a test.

    python bench/profile_parse.py --reports 120 [--top 15] [--json FILE]

Prints the mentions found, the regex calls made per mention (by method: search, match, sub, finditer …) and
the functions with the most time of their own. The profiler slows Python code more than the regex engine,
so read the shares, not the seconds; throughput without the profiler is `bench/run.py`'s figure.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import corpus_parser, generated_texts, write_figures  # noqa: E402
from ingest.document import parse_text  # noqa: E402

REGEX_METHODS = ("search", "match", "fullmatch", "sub", "subn", "finditer", "findall", "split")


def profile(texts: list[str]) -> tuple[int, pstats.Stats]:
    profiler = cProfile.Profile()
    profiler.enable()
    mentions = sum(len(parse_text(t).mentions) for t in texts)
    profiler.disable()
    return mentions, pstats.Stats(profiler)


def regex_calls(stats: pstats.Stats) -> dict[str, int]:
    """Calls of each compiled-pattern method (cProfile names them `<method 'search' of 're.Pattern' objects>`)."""
    calls = dict.fromkeys(REGEX_METHODS, 0)
    for (_file, _line, name), (_cc, ncalls, *_rest) in stats.stats.items():  # type: ignore[attr-defined]
        for method in REGEX_METHODS:
            if name == f"<method '{method}' of 're.Pattern' objects>":
                calls[method] += ncalls
    return {k: v for k, v in calls.items() if v}


def top_functions(stats: pstats.Stats, n: int) -> list[dict]:
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:n]  # type: ignore[attr-defined]
    return [{"function": f"{Path(file).name}:{line}({name})", "calls": ncalls, "own_share": round(tt / total, 3)}
            for (file, line, name), (_cc, ncalls, tt, _ct, _callers) in rows]


def main() -> None:
    parser = corpus_parser(__doc__.split("\n")[0], reports=120)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    texts = generated_texts(args.reports, args.seed, args.work / f"profile-{args.reports}")
    mentions, stats = profile(texts)
    calls = regex_calls(stats)
    figures = {"reports": len(texts), "chars": sum(map(len, texts)), "mentions": mentions,
               "regex_calls": calls, "regex_calls_per_mention": round(sum(calls.values()) / max(mentions, 1), 1),
               "top_own_time": top_functions(stats, args.top)}
    for key in ("reports", "chars", "mentions", "regex_calls", "regex_calls_per_mention"):
        print(f"{key:<24}  {figures[key]}")
    print(f"{'own share':>9}  {'calls':>9}  function")
    for row in figures["top_own_time"]:
        print(f"{row['own_share']:>9.1%}  {row['calls']:>9}  {row['function']}")
    write_figures(figures, args.json, table=False)


if __name__ == "__main__":
    main()
