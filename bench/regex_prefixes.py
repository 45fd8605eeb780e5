"""Which compiled patterns of the parser the regex engine must try at every character, and what each costs.

    python bench/regex_prefixes.py [--reports 60] [--json FILE]

Python's regex engine skips ahead in C to the next character that can start a match when the pattern begins
with a literal, a character class, or an alternation of literals (the compiled pattern's INFO block then
holds a prefix or a charset). A pattern that begins with a lookbehind, an optional group, a repeat or an
alternation of classes gets neither, and the engine runs the whole pattern at every character. This lists
the parser's patterns without a fast start and times one `finditer` pass of each over generated reports,
to show which are worth writing the other way (a benchmark, not a test). Patterns anchored with `^` are
left out; one the parser only ever calls `.match` on (ORG_RE, DATED_SENTENCE_START_RE) is listed all the
same, though it too is tried at one place only: read the list against the call sites.
"""

from __future__ import annotations

import re
import re._compiler as sre_compile  # private, but stable on the pinned Python 3.11
import re._constants as sre_constants
import re._parser as sre_parse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import corpus_parser, generated_texts, write_figures  # noqa: E402


def has_fast_start(rx: re.Pattern[str]) -> bool:
    """Whether the engine can skip to the next possible start (a literal prefix or a charset in INFO)."""
    code = sre_compile._code(sre_parse.parse(rx.pattern, rx.flags), rx.flags)
    if code[0] != sre_constants.INFO:
        return False
    return bool(code[2] & (sre_constants.SRE_INFO_PREFIX | sre_constants.SRE_INFO_CHARSET))


def parser_patterns() -> dict[str, re.Pattern[str]]:
    """Every module-level compiled pattern of the parsing modules, by `module.NAME`."""
    from ingest import extract, findings, metadata, numbers, segment

    found = {}
    for module in (numbers, segment, metadata, extract, findings):
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found.setdefault(value.pattern, f"{module.__name__.removeprefix('ingest.')}.{name}")
    for i, event in enumerate(metadata.dated_events()):
        found.setdefault(event.pattern.pattern, f"dated_events[{i}]")
    return {name: re.compile(pattern) for pattern, name in found.items()}


def main() -> None:
    parser = corpus_parser(__doc__.split("\n")[0], reports=60)
    args = parser.parse_args()
    texts = generated_texts(args.reports, args.seed, args.work / f"prefixes-{args.reports}")
    chars = sum(map(len, texts))
    rows = []
    for name, rx in parser_patterns().items():
        if has_fast_start(rx) or rx.pattern.startswith("^"):
            continue
        started = time.perf_counter()
        for text in texts:
            for _ in rx.finditer(text):
                pass
        rows.append({"pattern": name, "ns_per_char": round((time.perf_counter() - started) / chars * 1e9, 1)})
    rows.sort(key=lambda r: r["ns_per_char"], reverse=True)
    print(f"{'ns/char':>8}  pattern without a fast start (one pass over {chars:,} characters)")
    for row in rows:
        print(f"{row['ns_per_char']:>8}  {row['pattern']}")
    write_figures({"chars": chars, "without_fast_start": rows}, args.json, table=False)


if __name__ == "__main__":
    main()
