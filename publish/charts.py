"""Small inline SVG charts: no scripts, no external assets, so pages work offline and as attachments."""

from __future__ import annotations

from markupsafe import Markup

PALETTE = ["#c0392b", "#e67e22", "#2980b9", "#27ae60", "#8e44ad", "#16a085", "#7f8c8d", "#d35400"]


def line_chart(series: dict[str, list[tuple[str, float]]], width: int = 640, height: int = 170,
               label: str = "chart") -> Markup:
    """One line (with a dot per point) per series over shared x labels, legend on the right."""
    xs: list[str] = []
    for points in series.values():
        for x, _ in points:
            if x not in xs:
                xs.append(x)
    if not xs:
        return Markup('<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="40" role="img" aria-label="{}">'
                      '<text x="4" y="24" font-size="12">no data yet</text></svg>').format(width, label)
    top = max([1.0] + [v for pts in series.values() for _, v in pts])
    left, bottom, plot_w, plot_h = 44, height - 26, width - 210, height - 44
    step = plot_w / max(1, len(xs) - 1)
    out = [Markup('<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img" aria-label="{}">').format(
        width, height, label),
        Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999"/>').format(left, bottom, left + plot_w, bottom),
        Markup('<text x="4" y="{}" font-size="10">{:g}</text>').format(bottom - plot_h + 4, top),
        Markup('<text x="4" y="{}" font-size="10">0</text>').format(bottom)]
    for k, (name, points) in enumerate(series.items()):
        color = PALETTE[k % len(PALETTE)]
        coords = [(left + xs.index(x) * step, bottom - plot_h * v / top, x, v) for x, v in points]
        out.append(Markup('<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>').format(
            color, " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy, _, _ in coords)))
        for cx, cy, x, v in coords:
            out.append(Markup('<circle cx="{:.1f}" cy="{:.1f}" r="3" fill="{}"><title>{}: {:g}</title></circle>').format(
                cx, cy, color, x, v))
        out.append(Markup('<text x="{}" y="{}" font-size="11" fill="{}">{}</text>').format(
            left + plot_w + 10, 16 + 14 * k, color, name))
    out.append(Markup('<text x="{}" y="{}" font-size="10">{}</text>').format(
        left, height - 8, f"{xs[0]} … {xs[-1]}" if len(xs) > 1 else xs[0]))
    out.append(Markup("</svg>"))
    return Markup("").join(out)


def bar_chart(bars: list[tuple[str, float, str]], width: int = 640, unit: str = "", label: str = "chart",
              reference: float | None = None) -> Markup:
    """Horizontal bars (label, value, colour); an optional reference line (e.g. 100% of the target)."""
    if not bars:
        return Markup('<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="40" role="img" aria-label="{}">'
                      '<text x="4" y="24" font-size="12">no data yet</text></svg>').format(width, label)
    row, left = 22, 220
    height = row * len(bars) + 16
    top = max([reference or 0.0] + [v for _, v, _ in bars]) or 1.0
    plot_w = width - left - 70
    out = [Markup('<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img" aria-label="{}">').format(
        width, height, label)]
    for i, (name, value, color) in enumerate(bars):
        y = 8 + i * row
        w = max(1.0, plot_w * value / top)
        out.append(Markup('<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>').format(left - 6, y + 13, name))
        out.append(Markup('<rect x="{}" y="{}" width="{:.1f}" height="{}" fill="{}"><title>{}: {:g}{}</title></rect>').format(
            left, y + 2, w, row - 6, color, name, value, unit))
        out.append(Markup('<text x="{:.1f}" y="{}" font-size="10">{:g}{}</text>').format(left + w + 4, y + 13, value, unit))
    if reference is not None:
        x = left + plot_w * reference / top
        out.append(Markup('<line x1="{:.1f}" y1="0" x2="{:.1f}" y2="{}" stroke="#333" stroke-dasharray="3,3"/>').format(
            x, x, height))
    out.append(Markup("</svg>"))
    return Markup("").join(out)
