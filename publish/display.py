"""Numbers as people read them in a Chinese report: `5.27万亿元`, `142.12亿元`, `1,892人次`, `6.5%`.

The one formatting rule for every number a person reads (overview, owner pages, finding texts, the display
columns of the CSVs); the warehouse and the CSVs' value columns keep the raw value in base units.
"""

from __future__ import annotations

import math

# (threshold, divisor, prefix) from the largest: amounts of money go up to 万亿, everything else to 亿. Below
# the smallest threshold the number is written out (`32,012元`, `26,000人`), as reports write it.
_MONEY_SCALES = ((1e12, 1e12, "万亿"), (1e8, 1e8, "亿"), (1e6, 1e4, "万"))
_SCALES = ((1e8, 1e8, "亿"), (1e5, 1e4, "万"))
# Unit codes of the contract (ingest/numbers.py UNITS) → the word written after the number.
_UNIT_WORDS = {"CNY": "元", "person": "人", "person_time": "人次", "mu": "亩", "km": "公里", "kw": "千瓦",
               "m3": "立方米", "hour": "小时", "month": "个月", "day": "天", "year": "年"}


def plain(value: float, decimals: int = 2) -> str:
    """`1,892`, `3.1`, `0.25`: thousands separators, at most `decimals` decimals, no trailing zeros."""
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _scaled(value: float, scales: tuple[tuple[float, float, str], ...], word: str) -> str:
    for threshold, divisor, prefix in scales:
        if abs(value) >= threshold:
            return f"{plain(value / divisor)}{prefix}{word}"
    return f"{plain(value)}{word}"


def readable(value: float | int | None, unit: str | None = None, classifier: str | None = None) -> str:
    """A value in base units (yuan, kg, m², …) as a person reads it; `—` when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    value = float(value)
    if unit == "CNY":
        return _scaled(value, _MONEY_SCALES, "元")
    if unit == "percent":
        return f"{plain(value)}%"
    if unit == "pp":
        return f"{plain(value)}个百分点"
    if unit == "kg":  # reports weigh harvests in 吨 and 万吨
        return _scaled(value / 1000, _SCALES, "吨") if abs(value) >= 1000 else f"{plain(value)}公斤"
    if unit == "m2":
        return _scaled(value / 1e6, _SCALES, "平方公里") if abs(value) >= 1e6 else _scaled(value, _SCALES, "平方米")
    if unit == "count":
        return _scaled(value, _SCALES, classifier or "")
    if unit in _UNIT_WORDS:
        return _scaled(value, _SCALES, _UNIT_WORDS[unit])
    return _scaled(value, _SCALES, f" {unit}" if unit else "")
