"""Text whose characters stand apart, separated by spaces: what a PDF's text layer often gives
(`1 2 3 . 4  亿  元`, `同  比  增  长`). The number grammar cannot read it, so such lines are read with their
spaces removed, and every offset found in that compacted copy is mapped back to the stored text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.patterns import only_after

HORIZONTAL_SPACE = " \t\u3000\u00a0"
_GAP = f"[{HORIZONTAL_SPACE}]"
_GAP_RE = re.compile(f"{_GAP}+")
# Five characters each followed by a gap: a text without one has no spaced-out line (one scan in C, so a
# normal text costs next to nothing). Written from the first gap, the character before it a lookbehind: the
# engine then skips from gap to gap (a pattern opening with `[^\s]` is tried at every character).
_SPACED_RUN = only_after(_GAP, r"[^\s]") + f"{_GAP}*" + rf"[^\s]{_GAP}+" * 3 + r"[^\s]"
_SPACED_RUN_RE = _SPACED_RUN.compile()
# A line is spaced out when it holds at least this many characters and at least this share of the places
# between two of them hold a gap (a sentence with a few spaces between words is not).
MIN_CHARACTERS = 6
SPACED_SHARE = 0.6


@dataclass(frozen=True)
class Despaced:
    """The compacted copy of a text, where each of its characters came from, and the spaced-out lines."""

    text: str
    origin: list[int]  # origin[i]: offset in the stored text of the copy's character i
    lines: list[tuple[int, int]]  # (start, end) in the stored text of each spaced-out line

    def start(self, i: int) -> int:
        """The stored text's offset for a start offset into the copy."""
        return self.origin[i] if i < len(self.origin) else self.origin[-1] + 1

    def end(self, i: int) -> int:
        """The stored text's offset for an end offset (exclusive) into the copy."""
        return self.origin[i - 1] + 1 if i > 0 else 0


def _is_spaced(content: str) -> bool:
    gaps = len(_GAP_RE.findall(content))
    characters = len(content) - sum(len(g) for g in _GAP_RE.findall(content))
    return characters >= MIN_CHARACTERS and gaps >= SPACED_SHARE * (characters - 1)


def _kept_gap(content: str, gap: re.Match[str], usual: int) -> bool:
    """A gap wider than the line's usual one between two Latin letters or digits separates two words or
    numbers (`1 2 3    4 5 6` is 123 and 456); every other gap is the spacing between characters."""
    before, after = content[gap.start() - 1], content[gap.end()]
    return len(gap.group(0)) > usual and before.isascii() and before.isalnum() and after.isascii() and after.isalnum()


def despace(text: str) -> Despaced | None:
    """The text with the gaps of its spaced-out lines removed, or None when no line is spaced out."""
    if _SPACED_RUN_RE.search(text) is None:
        return None
    pieces: list[str] = []
    origin: list[int] = []
    lines: list[tuple[int, int]] = []
    copied_to = 0  # the stored text before this offset is in `pieces` already
    line_start = 0
    while line_start < len(text):
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end < 0 else line_end
        lead = len(text[line_start:line_end]) - len(text[line_start:line_end].lstrip(HORIZONTAL_SPACE))
        content = text[line_start + lead:line_end].rstrip(HORIZONTAL_SPACE + "\r")
        if content and _is_spaced(content):
            first = line_start + lead
            pieces.append(text[copied_to:first])
            origin.extend(range(copied_to, first))
            usual = Counter(len(g.group(0)) for g in _GAP_RE.finditer(content)).most_common(1)[0][0]
            position = 0
            for gap in _GAP_RE.finditer(content):
                pieces.append(content[position:gap.start()])
                origin.extend(range(first + position, first + gap.start()))
                if _kept_gap(content, gap, usual):
                    pieces.append(" ")
                    origin.append(first + gap.start())
                position = gap.end()
            pieces.append(content[position:])
            origin.extend(range(first + position, first + len(content)))
            copied_to = first + len(content)
            lines.append((first, copied_to))
        line_start = line_end + 1
    if not lines:
        return None
    pieces.append(text[copied_to:])
    origin.extend(range(copied_to, len(text)))
    return Despaced("".join(pieces), origin, lines)
