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

STATUS_COLOUR = {"met": "#27ae60", "missed": "#e67e22", "no_actual_reported": "#95a5a6"}


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def build_overview(warehouse: Path, reports_dir: Path, run_id: str, top_metrics: int = 6) -> Path:
    """Write REPORTS_DIR/overview/<date>/index.html (and a copy as overview/index.html); return its path."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        top = _rows(con, f"""
            select metric_code, any_value(name_zh) as name_zh, any_value(unit) as unit, count(*) as n
            from marts.v_metric_by_org_year where value is not null
            group by metric_code order by n desc, metric_code limit {int(top_metrics)}""")
        values = _rows(con, "select org_name, report_year, metric_code, value from marts.v_metric_by_org_year "
                            "where value is not null order by report_year")
        attainment = _rows(con, "select org_name, coalesce(metric_code, subject) as metric, plan_year, "
                                "attainment_ratio, status from marts.fct_plan_attainment order by org_name, metric")
        by_owner = _rows(con, "select owner, run_id, run_at, n_findings from marts.agg_dq_by_owner order by run_at")
        linked = con.execute("select count(metric_code), count(*) from marts.fct_metric").fetchone()
    metric_charts = []
    for m in top:
        series: dict[str, list[tuple[str, float]]] = {}
        for v in values:
            if v["metric_code"] == m["metric_code"]:
                series.setdefault(v["org_name"] or "—", []).append((str(v["report_year"]), float(v["value"])))
        metric_charts.append({"title": f"{m['name_zh']} ({m['metric_code']}, {m['unit']})",
                              "svg": line_chart(series, label=m["metric_code"])})
    bars = [(f"{a['org_name']} · {a['metric']} ({a['plan_year']})", round(float(a["attainment_ratio"] or 0) * 100, 1),
             STATUS_COLOUR.get(a["status"], PALETTE[0])) for a in attainment]
    owners: dict[str, list[tuple[str, float]]] = {}
    for row in by_owner:
        owners.setdefault(row["owner"], []).append((str(row["run_at"])[:16], float(row["n_findings"])))
    html = Environment(loader=PackageLoader("publish", "templates"), autoescape=select_autoescape(["html", "j2"])) \
        .get_template("overview.html.j2").render(
            run_id=run_id, generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            metric_charts=metric_charts, attainment_svg=bar_chart(bars, unit="%", label="plan attainment", reference=100.0),
            attainment=attainment, owners_svg=line_chart(owners, label="findings per owner"),
            linked=linked[0], mentions=linked[1])
    out_dir = reports_dir / "overview" / datetime.now(UTC).strftime("%Y-%m-%d")
    out_dir.mkdir(parents=True, exist_ok=True)
    page = out_dir / "index.html"
    page.write_text(html, encoding="utf-8")
    shutil.copyfile(page, reports_dir / "overview" / "index.html")
    return page
