"""reports: a static overview per run for people who would rather look than read.

The most reported canonical metrics per organisation across the years (with their plan targets), plan
against actual per target (target, actual, met or missed), findings per owner over time. Each chart has the
table of its numbers under it, every number written as people read it (publish/display.py), and the same
rows as CSV beside the page (raw values plus a display column). Inline SVG only, so it opens offline.
"""

from __future__ import annotations

import codecs
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape

from publish.charts import PALETTE, bar_chart, line_chart
from publish.db import records
from publish.display import readable
from publish.owner_reports import csv_cell_sql

STATUS_COLOUR = {"met": "#27ae60", "missed": "#e67e22", "no_actual_reported": "#95a5a6",
                 "awaiting_report": "#bdc3c7"}
STATUS_LABEL = {"met": "met 达成", "missed": "missed 未达成", "no_actual_reported": "no actual reported 未报实际值",
                "awaiting_report": "awaiting the plan year's report 待报告"}
# A chart is for looking at: past a handful of lines or a few dozen bars it is neither readable nor cheap
# (every line and bar is SVG in the page; docs/BENCHMARKS.md has the size it reached). The full data stays
# one query away in the warehouse and in the CSVs; the captions say what was left out.
MAX_LINES = len(PALETTE)
TOP_METRICS = 6  # charts of the most reported canonical metrics
MAX_BARS = 30
MAX_RUNS = 30
MAX_TABLE_ROWS = 60

# Actual values: one per organisation, year and canonical metric (v_metric_by_org_year).
VALUES_SQL = """
select org_name, report_year as year, metric_code, name_zh, unit, value, growth_rate
from marts.v_metric_by_org_year where value is not null
"""
# Plan targets on canonical metrics in the catalogue's unit, to draw beside the actuals.
TARGETS_SQL = """
select t.org_name, t.plan_year as year, t.metric_code, arg_min(t.value, t.char_start) as target
from marts.fct_plan_target t join marts.dim_metric m using (metric_code)
where t.org_name is not null and t.plan_year is not null and t.unit = m.unit and t.kind = m.kind
group by all
"""
# Every plan target with its actual: attained, or waiting for the plan year's report (the targets
# fct_plan_attainment leaves out, so that a warehouse of plans only still shows them).
PLAN_SQL = """
with targets as (
    select t.metric_id, t.org_name, coalesce(m.name_zh, t.subject) as metric, t.plan_year, t.value as target_value,
           t.unit, t.classifier
    from marts.fct_plan_target t left join marts.dim_metric m using (metric_code)
)
select t.org_name, t.metric, t.plan_year, t.unit, t.classifier, t.target_value, a.actual_value, a.attainment_ratio,
       coalesce(a.status, 'awaiting_report') as status
from targets t left join marts.fct_plan_attainment a on a.target_metric_id = t.metric_id
"""


def most_reported(series: dict[str, list[tuple[str, float]]], n: int) -> dict[str, list[tuple[str, float]]]:
    """The n series with the most points (ties by name), in name order."""
    keep = sorted(series, key=lambda name: (-len(series[name]), name))[:n]
    return {name: series[name] for name in sorted(keep)}


def _percent(ratio: float | None) -> str:
    return "—" if ratio is None else readable(ratio * 100, "percent")


def metric_sections(values: list[dict], targets: list[dict], top_metrics: int) -> list[dict]:
    """Per canonical metric (the most reported first): a chart of each organisation's actuals over the years,
    its targets dashed, and the table of both."""
    by_metric: dict[str, list[dict]] = {}
    for v in values:
        by_metric.setdefault(v["metric_code"], []).append(v)
    ranked = sorted(by_metric, key=lambda code: (-len(by_metric[code]), code))[:top_metrics]
    sections = []
    for code in ranked:
        first = by_metric[code][0]
        unit = first["unit"]
        actual = {(v["org_name"] or "—", str(v["year"])): v for v in by_metric[code]}
        target = {(t["org_name"], str(t["year"])): float(t["target"]) for t in targets if t["metric_code"] == code}
        series: dict[str, list[tuple[str, float]]] = {}
        for (org, year), v in sorted(actual.items()):
            series.setdefault(org, []).append((year, float(v["value"])))
        shown = most_reported(series, MAX_LINES)
        planned = {org: sorted((year, value) for (o, year), value in target.items() if o == org) for org in shown}
        note = f" · {len(shown)} of {len(series)} organisations, most years reported" if len(shown) < len(series) else ""
        keys = sorted(set(actual) | {k for k in target if k[0] in series})
        table = [{"org": org, "year": year,
                  "actual": readable(actual[(org, year)]["value"], unit) if (org, year) in actual else "—",
                  "target": readable(target[(org, year)], unit) if (org, year) in target else "",
                  "growth": readable(actual[(org, year)]["growth_rate"], "percent")
                  if (org, year) in actual and actual[(org, year)]["growth_rate"] is not None else ""}
                 for org, year in keys]
        sections.append({"code": code, "title": f"{first['name_zh']} ({code}){note}",
                         "svg": line_chart(shown, unit=unit, label=first["name_zh"],
                                           targets={k: p for k, p in planned.items() if p}),
                         "rows": table[:MAX_TABLE_ROWS], "n_rows": len(table)})
    return sections


def plan_section(plan: list[dict]) -> dict:
    """Targets by status, and the targets that have an actual: attainment bars (largest shortfalls first when
    there are many) and the table of target, actual and status."""
    counts = {s: sum(p["status"] == s for p in plan) for s in STATUS_COLOUR}
    compared = sorted((p for p in plan if p["attainment_ratio"] is not None),
                      key=lambda p: (float(p["attainment_ratio"]), p["org_name"] or "", p["metric"] or ""))
    shown = compared[:MAX_BARS]
    bars = [(f"{p['org_name'] or '—'} · {p['metric']} ({p['plan_year']})", float(p["attainment_ratio"]) * 100,
             STATUS_COLOUR[p["status"]]) for p in shown]

    def row(p: dict) -> dict:
        return {"org": p["org_name"] or "—", "metric": p["metric"] or "—", "year": p["plan_year"],
                "target": readable(p["target_value"], p["unit"], p["classifier"]),
                "actual": readable(p["actual_value"], p["unit"], p["classifier"]),
                "attainment": _percent(p["attainment_ratio"]), "status": p["status"]}

    ordered = sorted(plan, key=lambda p: (list(STATUS_COLOUR).index(p["status"]), p["org_name"] or "",
                                          p["plan_year"] or 0, p["metric"] or ""))
    return {"status_svg": bar_chart([(STATUS_LABEL[s], float(n), STATUS_COLOUR[s]) for s, n in counts.items()],
                                    label="plan targets by status"),
            "counts": [{"status": STATUS_LABEL[s], "n": readable(n, "count")} for s, n in counts.items()],
            "attainment_svg": bar_chart(bars, unit="percent", label="plan attainment", reference=100.0),
            "n_compared": len(compared), "n_shown": len(shown), "n_targets": len(plan),
            "rows": [row(p) for p in ordered[:MAX_TABLE_ROWS]]}


def owners_section(by_owner: list[dict]) -> dict:
    owners: dict[str, list[tuple[str, float]]] = {}
    for r in by_owner:
        owners.setdefault(r["owner"], []).append((str(r["run_at"])[:16], float(r["n_findings"])))
    owners = {name: points[-MAX_RUNS:] for name, points in owners.items()}
    latest = [{"owner": name, "run_at": points[-1][0], "n": readable(points[-1][1], "count")}
              for name, points in sorted(owners.items())]
    return {"svg": line_chart(most_reported(owners, MAX_LINES), label="findings per owner"), "rows": latest}


def write_csvs(con: duckdb.DuckDBPyConnection, out_dir: Path) -> dict[str, str]:
    """The overview's numbers as CSV (UTF-8 with a BOM for spreadsheets): raw values and how the page shows
    them, text cells neutralised like the owner CSVs."""
    con.create_function("readable", readable, ["DOUBLE", "VARCHAR", "VARCHAR"], "VARCHAR", null_handling="special")
    text = ["org_name", "metric_code", "name_zh", "metric", "unit", "status"]

    def cells(columns: list[str]) -> str:
        return ", ".join(csv_cell_sql(c) if c in text else c for c in columns)

    queries = {
        "metrics.csv": f"""select {cells(["org_name", "year", "metric_code", "name_zh", "unit", "value"])},
                              readable(value, unit, null) as value_display, growth_rate
                           from ({VALUES_SQL}) order by metric_code, org_name, year""",
        "plan_vs_actual.csv": f"""select {cells(["org_name", "metric", "plan_year", "unit", "target_value"])},
                                     readable(target_value, unit, classifier) as target_display, actual_value,
                                     readable(actual_value, unit, classifier) as actual_display,
                                     attainment_ratio, status
                                  from ({PLAN_SQL}) order by org_name, plan_year, metric""",
    }
    written = {}
    for name, sql in queries.items():
        path = out_dir / name
        body = path.with_name(name + ".body")
        con.execute(f"copy ({sql}) to '{str(body).replace(chr(39), chr(39) * 2)}' (format csv, header)")
        with open(path, "wb") as out, open(body, "rb") as rows:
            out.write(codecs.BOM_UTF8)
            shutil.copyfileobj(rows, out)
        body.unlink()
        written[name] = path.name
    return written


def build_overview(warehouse: Path, reports_dir: Path, run_id: str) -> Path:
    """Write REPORTS_DIR/overview/<date>/index.html and its CSVs (and a copy as overview/); return the page."""
    out_dir = reports_dir / "overview" / datetime.now(UTC).strftime("%Y-%m-%d")
    out_dir.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        values = records(con, VALUES_SQL)
        targets = records(con, TARGETS_SQL)
        plan = records(con, PLAN_SQL)
        by_owner = records(con, "select owner, run_id, run_at, n_findings from marts.agg_dq_by_owner order by run_at")
        linked = con.execute("select count(metric_code), count(*) from marts.fct_metric").fetchall()[0]
        csvs = write_csvs(con, out_dir)
    html = Environment(loader=PackageLoader("publish", "templates"), autoescape=select_autoescape(["html", "j2"])) \
        .get_template("overview.html.j2").render(
            run_id=run_id, generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            metrics=metric_sections(values, targets, TOP_METRICS), plan=plan_section(plan),
            owners=owners_section(by_owner), max_runs=MAX_RUNS, csvs=csvs,
            linked=readable(linked[0], "count"), mentions=readable(linked[1], "count"))
    page = out_dir / "index.html"
    page.write_text(html, encoding="utf-8")
    for path in [page, *(out_dir / name for name in csvs.values())]:
        shutil.copyfile(path, reports_dir / "overview" / path.name)
    return page
