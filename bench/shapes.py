"""Parse time of hostile document shapes as they grow: each must stay linear in its size.

Real reports are short sentences in short paragraphs; a scraped file can be one comma-less run of numbers (a
flattened table), thousands of 其中 sentences, thousands of headings. The parser bounds every look-back (a
clause, a 分别 list, a 其中 total) so that no shape costs quadratic time. This prints, per shape, the parse
time at n and 4n numbers and the growth exponent between them (1.0 is linear).

    python bench/shapes.py [--numbers 8000] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.document import parse_text  # noqa: E402

CN_ORDINALS = "一二三四五六七八九十"

# Each builds a document with n numbers.
SHAPES: dict[str, Callable[[int], str]] = {
    "short_sentences": lambda n: "".join(f"2024年新增企业{i}家，" for i in range(n)) + "。",
    "comma_less_list": lambda n: "".join(f"分别新增企业{i}家、" for i in range(n)) + "。",
    "qizhong_sentences": lambda n: "共有企业100家。" + "".join(f"其中新增企业{i}家。" for i in range(n)),
    "qizhong_list": lambda n: "共有企业100家，其中" + "、".join(f"甲{i}企业{i}家" for i in range(n)) + "。",
    "parts_then_total": lambda n: "、".join(f"会员{i}人" for i in range(n)) + "，会员合计100人。",
    "headings": lambda n: "".join(f"{CN_ORDINALS[i % 10]}、工作{i}\n新增企业{i}家。\n" for i in range(n)),
    "numbered_lines": lambda n: "".join(f"{i}.新增企业{i}家。\n" for i in range(n)),
}


def measure(numbers: int) -> dict[str, dict[str, float]]:
    figures = {}
    for name, build in SHAPES.items():
        seconds = []
        for n in (numbers, 4 * numbers):
            text = build(n)
            started = time.perf_counter()
            parse_text(text)
            seconds.append(time.perf_counter() - started)
        exponent = math.log(max(seconds[1], 1e-6) / max(seconds[0], 1e-6)) / math.log(4)
        figures[name] = {"n": numbers, "seconds_n": round(seconds[0], 3), "seconds_4n": round(seconds[1], 3),
                         "exponent": round(exponent, 2)}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=8000, help="numbers in the smaller document of each shape")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    figures = measure(args.numbers)
    print(f"{'shape':20} {'n':>7} {'s at n':>8} {'s at 4n':>8} {'exponent':>9}")
    for name, f in figures.items():
        print(f"{name:20} {f['n']:>7} {f['seconds_n']:>8} {f['seconds_4n']:>8} {f['exponent']:>9}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
