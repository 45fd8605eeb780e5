"""reports: a static overview per run for people who would rather look than read.

Metrics by organisation and year for the most reported canonical metrics, plan attainment per organisation,
findings per owner over time. Inline SVG only, so it opens offline.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape

from publish.charts import PALETTE, bar_chart, line_chart
from publish.db import records

STATUS_COLOUR = {"met": "#27ae60", "missed": "#e67e22", "no_actual_reported": "#95a5a6"}
# A chart is for looking at: past a handful of lines or a few dozen bars it is neither readable nor cheap
# (at 10,000 reports the page drew 2,000 lines per chart and 33,000 bars: 17 MB, 6 s). The full data stays
# one query away in the warehouse; the captions say what was left out.
MAX_LINES = len(PALETTE)
MAX_BARS = 30
MAX_RUNS = 30


def most_reported(series: dict[str, list[tuple[str, float]]], n: int) -> dict[str, list[tuple[str, float]]]:
    """The n series with the most points (ties by name), in name order."""
    keep = sorted(series, key=lambda name: (-len(series[name]), name))[:n]
    return {name: series[name] for name in sorted(keep)}


def build_overview(warehouse: Path, reports_dir: Path, run_id: str, top_metrics: int = 6) -> Path:
    """Write REPORTS_DIR/overview/<date>/index.html (and a copy as overview/index.html); return its path."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        top = records(con, f"""
            select metric_code, any_value(name_zh) as name_zh, any_value(unit) as unit, count(*) as n
            from marts.v_metric_by_org_year where value is not null
            group by metric_code order by n desc, metric_code limit {int(top_metrics)}""")
        values = records(con, "select org_name, report_year, metric_code, value from marts.v_metric_by_org_year "
                            "where value is not null order by report_year")
        attainment = records(con, "select org_name, coalesce(metric_code, subject) as metric, plan_year, "
                                "attainment_ratio, status from marts.fct_plan_attainment order by org_name, metric")
        by_owner = records(con, "select owner, run_id, run_at, n_findings from marts.agg_dq_by_owner order by run_at")
        linked = con.execute("select count(metric_code), count(*) from marts.fct_metric").fetchone()
    by_metric: dict[str, dict[str, list[tuple[str, float]]]] = {}
    for v in values:
        by_metric.setdefault(v["metric_code"], {}).setdefault(v["org_name"] or "—", []).append(
            (str(v["report_year"]), float(v["value"])))
    metric_charts = []
    for m in top:
        series = by_metric.get(m["metric_code"], {})
        shown = most_reported(series, MAX_LINES)
        note = f" · {len(shown)} of {len(series)} organisations, most years reported" if len(shown) < len(series) else ""
        metric_charts.append({"title": f"{m['name_zh']} ({m['metric_code']}, {m['unit']}){note}",
                              "svg": line_chart(shown, label=m["metric_code"])})
    status_counts = {s: sum(a["status"] == s for a in attainment) for s in STATUS_COLOUR}
    shortfalls = sorted((a for a in attainment if a["status"] == "missed"),
                        key=lambda a: (float(a["attainment_ratio"] or 0), a["org_name"] or "", a["metric"] or ""))
    shown_bars = attainment if len(attainment) <= MAX_BARS else shortfalls[:MAX_BARS]
    bars = [(f"{a['org_name']} · {a['metric']} ({a['plan_year']})", round(float(a["attainment_ratio"] or 0) * 100, 1),
             STATUS_COLOUR.get(a["status"], PALETTE[0])) for a in shown_bars]
    owners: dict[str, list[tuple[str, float]]] = {}
    for row in by_owner:
        owners.setdefault(row["owner"], []).append((str(row["run_at"])[:16], float(row["n_findings"])))
    owners = {name: points[-MAX_RUNS:] for name, points in owners.items()}
    html = Environment(loader=PackageLoader("publish", "templates"), autoescape=select_autoescape(["html", "j2"])) \
        .get_template("overview.html.j2").render(
            run_id=run_id, generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            metric_charts=metric_charts, attainment_svg=bar_chart(bars, unit="%", label="plan attainment", reference=100.0),
            attainment_total=len(attainment), attainment_shown=len(shown_bars), status_counts=status_counts,
            status_svg=bar_chart([(s, float(n), STATUS_COLOUR[s]) for s, n in status_counts.items()],
                                 label="plan targets by status"),
            owners_svg=line_chart(owners, label="findings per owner"), max_runs=MAX_RUNS,
            linked=linked[0], mentions=linked[1])
    out_dir = reports_dir / "overview" / datetime.now(UTC).strftime("%Y-%m-%d")
    out_dir.mkdir(parents=True, exist_ok=True)
    page = out_dir / "index.html"
    page.write_text(html, encoding="utf-8")
    shutil.copyfile(page, reports_dir / "overview" / "index.html")
    return page
