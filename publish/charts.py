"""Charts drawn by matplotlib as inline SVG: no scripts, no external assets, so pages work offline and as
attachments.

The SVG keeps its text as text (`svg.fonttype: none`): the browser draws the Chinese labels with its own CJK
font, and the page stays small (CJK glyphs as paths would add ~10 KB per label). matplotlib still lays the
labels out, for which it uses a CJK font when the machine has one (Debian's fonts-noto-cjk, which
`make test-tools` installs beside Chromium): without one the layout measures Chinese labels as boxes of the
same width, and the browser still shows them.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable
from functools import cache

from markupsafe import Markup

from publish.display import readable

PALETTE = ["#c0392b", "#e67e22", "#2980b9", "#27ae60", "#8e44ad", "#16a085", "#7f8c8d", "#d35400"]
# Families tried in order, in matplotlib's layout and in the SVG the browser reads.
CJK_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC",
                "Heiti SC", "SimHei"]
_SVG_START = re.compile(r"<svg\b")


@cache
def cjk_family() -> str | None:
    """The first CJK family matplotlib can use here, registering the system's CJK fonts if its font cache
    predates them (the cache is built once, at the first import); None when the machine has none."""
    from matplotlib import font_manager

    def known() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((family for family in CJK_FAMILIES if family in names), None)

    if (found := known()) is not None:
        return found
    for path in font_manager.findSystemFonts():
        if re.search(r"cjk|wqy|sourcehan|simhei|yahei|pingfang", path, re.IGNORECASE):
            font_manager.fontManager.addfont(path)
    return known()


def _figure(width: float, height: float):  # type: ignore[no-untyped-def]
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100)


def _svg(fig, label: str) -> Markup:  # type: ignore[no-untyped-def]
    """The figure as an inline <svg> element (no XML prolog), labelled for screen readers."""
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": label}), warnings.catch_warnings():
        # without a CJK font matplotlib warns once per Chinese character; the text is in the SVG all the same
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
        buf = io.StringIO()
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    text = text[_SVG_START.search(text).start():]
    # the browser picks the CJK font from this list (matplotlib names only the one it laid the text out with)
    families = ", ".join(f"'{f}'" for f in CJK_FAMILIES) + ", sans-serif"
    text = re.sub(r"font-family: [^;\"]+", f"font-family: {families}", text)
    return Markup(text.replace("<svg ", f'<svg role="img" aria-label="{Markup.escape(label)}" ', 1))


def _style(ax, value_axis: str, value_label: Callable[[float], str], integer: bool) -> None:  # type: ignore[no-untyped-def]
    """Values on `value_axis` ("x" or "y") in readable units (whole ticks for counts), a light grid along it,
    no top/right frame."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis = getattr(ax, f"{value_axis}axis")
    axis.set_major_locator(MaxNLocator(nbins=6, integer=integer))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: value_label(v)))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis=value_axis, color="#eee")
    ax.set_axisbelow(True)


def _rc() -> dict:
    family = cjk_family()
    return {"font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"], "font.size": 9,
            "axes.unicode_minus": False,
            "text.parse_math": False}  # a `$` in an organisation's name is text, not mathtext


def value_range(values: list[float]) -> tuple[float, float]:
    """The value axis: from 0 (or below it, for negative values) to a little above the largest, so that the
    dots at the top are not cut in half by the frame."""
    low, high = min([0.0, *values]), max([0.0, *values])
    pad = (high - low) * 0.08 or 1.0
    return (low - pad if low < 0 else 0.0), high + pad


def no_data(label: str) -> Markup:
    return Markup('<p class="no-data" aria-label="{}">no data yet</p>').format(label)


def line_chart(series: dict[str, list[tuple[str, float]]], unit: str | None = None, label: str = "chart",
               targets: dict[str, list[tuple[str, float]]] | None = None, width: float = 6.4,
               height: float = 2.6) -> Markup:
    """One line (with a dot per point) per series over shared, sorted x labels (years, run times), legend
    below; `targets` of a series drawn dashed in its colour; values on the axis as people read them
    (`5.27万亿元`)."""
    import matplotlib

    targets = targets or {}
    xs = sorted({x for points in [*series.values(), *targets.values()] for x, _ in points})
    if not xs:
        return no_data(label)
    with matplotlib.rc_context(_rc()):
        fig = _figure(width, height)
        ax = fig.add_subplot()
        for k, (name, points) in enumerate(series.items()):
            ordered = sorted(points)
            ax.plot([xs.index(x) for x, _ in ordered], [v for _, v in ordered], marker="o", markersize=4,
                    linewidth=1.8, color=PALETTE[k % len(PALETTE)], label=name)
            if planned := sorted(targets.get(name, [])):
                ax.plot([xs.index(x) for x, _ in planned], [v for _, v in planned], marker="o", markersize=5,
                        markerfacecolor="white", linestyle="--", linewidth=1.2, color=PALETTE[k % len(PALETTE)],
                        label=f"{name} · 目标 target")
        ax.set_xticks(range(len(xs)), xs, rotation=30 if len(xs) > 6 else 0)
        ax.set_xlim(-0.5, len(xs) - 0.5)
        _style(ax, "y", lambda v: readable(v, unit), integer=unit not in ("percent", "pp"))
        ax.set_ylim(*value_range([v for points in [*series.values(), *targets.values()] for _, v in points]))
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=min(3, len(series)), frameon=False,
                  fontsize=8)
        return _svg(fig, label)


def bar_chart(bars: list[tuple[str, float, str]], unit: str | None = None, label: str = "chart",
              reference: float | None = None, width: float = 6.4) -> Markup:
    """Horizontal bars (label, value, colour), each with its value written at its end; an optional reference
    line (e.g. 100% of the target)."""
    import matplotlib

    if not bars:
        return no_data(label)
    with matplotlib.rc_context(_rc()):
        fig = _figure(width, 0.6 + 0.28 * len(bars))
        ax = fig.add_subplot()
        rows = list(range(len(bars)))[::-1]
        ax.barh(rows, [v for _, v, _ in bars], color=[c for _, _, c in bars], height=0.7)
        ax.set_yticks(rows, [name for name, _, _ in bars])
        for row, (_, value, _) in zip(rows, bars, strict=True):
            ax.annotate(readable(value, unit), (value, row), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
        if reference is not None:
            ax.axvline(reference, color="#333", linestyle="--", linewidth=1)
        _style(ax, "x", lambda v: readable(v, unit), integer=unit not in ("percent", "pp"))
        ax.margins(x=0.15)
        return _svg(fig, label)
