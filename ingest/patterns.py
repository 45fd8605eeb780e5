"""Regular expressions defined once, as one would write them, with a faster spelling derived in code.

Python's regex engine skips in C to the next place a match can start when a pattern begins with a literal
character, a character class, or an alternation whose every alternative begins with a literal character.
A pattern that begins with a lookbehind (`(?<!统)计`), a repeated group (`(?:a|b)+`) or an alternation of
classes (`\\d+|[一二]+`) gets no such start, and the engine tries all of it at every character of the text.

The builders here take a pattern's parts as written and return an `Rx` holding two spellings that match the
same text in the same way: `plain`, the pattern as one reads it, and `fast`, the same pattern rewritten so
that it starts with a literal (a lookbehind moved after the text it guards, `x+` as `x x*`, alternations
told apart by their first character behind one class). The parser compiles `fast`; the tests hold it to
`plain`. A cue word is changed in one place, and both spellings change with it.

A `str` part is a pattern fragment used as written (an alternation must be given with `one_of`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One character class: bracketed, without nested brackets (`[统设会审估预]`, `[\d第]`), or `\d`, `\w`, `\s`.
_CLASS_RE = re.compile(r"\[(?:[^\[\]\\]|\\.)+\]|\\[dDwWsS]")


@dataclass(frozen=True)
class Rx:
    """One pattern in its two spellings (see the module's docstring)."""

    plain: str
    fast: str
    alternation: bool = False  # a top-level `a|b`: grouped before anything is put after it

    def __add__(self, other: Rx | str) -> Rx:
        return seq(self, other)

    def __radd__(self, other: str) -> Rx:
        return seq(other, self)

    def compile(self) -> re.Pattern[str]:
        """The fast spelling, compiled: what the parser runs."""
        return re.compile(self.fast)


def _lift(part: Rx | str) -> Rx:
    return part if isinstance(part, Rx) else Rx(part, part)


def _atom(fragment: str) -> str:
    """`fragment` as one unit that a quantifier or a lookbehind can take whole."""
    if len(fragment) == 1 and fragment.isalnum() or _CLASS_RE.fullmatch(fragment):
        return fragment
    return f"(?:{fragment})"


def _word(fragment: str) -> str:
    """`fragment` as a unit to write next to another: a run of letters stays as it is."""
    return fragment if fragment.isalnum() else _atom(fragment)


def seq(*parts: Rx | str) -> Rx:
    """The parts one after the other."""
    rxs = [_lift(p) for p in parts]
    grouped = len(rxs) > 1
    return Rx("".join(f"(?:{r.plain})" if r.alternation and grouped else r.plain for r in rxs),
              "".join(f"(?:{r.fast})" if r.alternation and grouped else r.fast for r in rxs))


def one_of(*alternatives: Rx | str) -> Rx:
    """The alternatives in order, as one flat alternation (a group around each would hide its first
    characters from the engine)."""
    rxs = [_lift(a) for a in alternatives]
    return Rx("|".join(r.plain for r in rxs), "|".join(r.fast for r in rxs), alternation=True)


def capture(part: Rx | str, name: str | None = None) -> Rx:
    """`part` as a capturing group, named when `name` is given."""
    rx = _lift(part)
    opening = f"(?P<{name}>" if name else "("
    return Rx(f"{opening}{rx.plain})", f"{opening}{rx.fast})")


def not_after(word: str, *before: str) -> Rx:
    """`word` where none of `before` ends right before it. Plain `(?<!完成)(?<!增长)率`; fast
    `率(?<!完成率)(?<!增长率)`, the lookbehind taking the word in, so the match starts at the word's first
    character. `word` and each of `before` must have a fixed length and `word` must not capture."""
    unit = _word(word)
    return Rx("".join(f"(?<!{b})" for b in before) + unit,
              unit + "".join(f"(?<!{_word(b)}{unit})" for b in before))


def only_after(word: str, before: str) -> Rx:
    """`word` right after `before`: plain `(?<=\\d)[，,]`, fast `[，,](?<=\\d[，,])` (see `not_after`)."""
    unit = _word(word)
    return Rx(f"(?<={before}){unit}", f"{unit}(?<={_word(before)}{unit})")


def _quantifier(least: int, most: int | None) -> str:
    if most is None:
        return {0: "*", 1: "+"}.get(least, f"{{{least},}}")
    if (least, most) == (0, 1):
        return "?"
    return "" if least == most == 1 else f"{{{least}}}" if least == most else f"{{{least},{most}}}"


def repeated(part: Rx | str, least: int = 1, most: int | None = None) -> Rx:
    """`part` at least `least` (1 or more) and at most `most` times (no bound when None), greedy.
    Plain `(?:a|b)+`, `[一二]{1,2}`; fast `(?:a|b)(?:a|b)*`, `[一二][一二]?`: the first time written out."""
    if least < 1:
        raise ValueError("a part that may be absent gives the pattern no first character")
    if most is not None and most < least:
        raise ValueError(f"at most {most} is fewer than at least {least}")
    rx = _lift(part)
    plain, fast = _atom(rx.plain), _atom(rx.fast)
    rest = "" if most == 1 else fast + _quantifier(least - 1, None if most is None else most - 1)
    return Rx(plain + _quantifier(least, most), fast + rest)


def one_of_by_first_character(*alternatives: tuple[str, str]) -> Rx:
    """Alternatives each given as (the characters it may start with, as a class body; the rest of it).
    Plain `[\\d]\\d*|[一二]`; fast `[\\d一二](?:(?<=[\\d])\\d*|(?<=[一二]))`: one class for the engine to
    jump to, then the rest of each alternative where its first character was read, in the same order."""
    union = "".join(first for first, _rest in alternatives)
    return Rx("|".join(f"[{first}]{rest}" for first, rest in alternatives),
              f"[{union}](?:{'|'.join(f'(?<=[{first}]){rest}' for first, rest in alternatives)})",
              alternation=True)


def one_of_then(words: tuple[str, ...], rest: str) -> Rx:
    """One of the words, then `rest`. Plain `(?:表示|致以)的?感谢`; fast `表示的?感谢|致以的?感谢`: the
    words' alternation put in front of each, so every alternative starts with its word's first character
    and the order of the tries is the same. Each word must be a literal and `rest` must not capture (it is
    written once per word)."""
    return Rx(f"(?:{'|'.join(words)}){rest}", "|".join(f"{word}{rest}" for word in words), alternation=True)
