"""reports: one quality report per data owner and run (an HTML page and a CSV), from the published warehouse.

Everything quoted from a report is untrusted text: the HTML is rendered with autoescaping and the CSV
neutralises cells a spreadsheet would execute. Each owner's files hold only that owner's findings.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import yaml
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from publish.charts import line_chart

SEVERITIES = ("error", "warning", "info")
# Rows an owner's HTML page shows per list (errors first); the CSV always holds every finding. A page of
# 40,000 rows helps nobody and took most of the publish stage at 10,000 reports.
MAX_HTML_ROWS = 500
CSV_COLUMNS = ["status", "severity", "check_name", "org_name", "report_year", "source_file", "char_start",
               "char_end", "message", "expected", "evidence", "first_seen_run", "finding_id"]

# The order of a page (errors first); the span text (a substring of the document, which costs a scan of its
# text) is cut only for the rows a page shows.
PAGE_ORDER = "severity_rank, check_name, source_file, char_start, finding_id"
FINDINGS_SQL = f"""
with listed as (
    select *, case severity when 'error' then 0 when 'warning' then 1 else 2 end as severity_rank
    from marts.fct_dq_finding
    where status <> 'resolved' or resolved_in_latest_run
),
ranked as (
    select *, row_number() over (partition by coalesce(owner, 'unassigned'), status = 'resolved'
                                 order by {PAGE_ORDER}) as page_row
    from listed
)
select f.finding_id, f.check_name, f.severity, f.status, f.report_id, f.source_file, f.char_start, f.char_end,
       f.message, f.evidence, f.expected, f.org_name, f.report_year, f.owner, f.owner_email,
       f.first_seen_run, f.last_seen_run,
       case when f.page_row <= {MAX_HTML_ROWS}
            then substring(d.text, f.char_start + 1, f.char_end - f.char_start) end as span_text
from ranked f
left join marts.dim_document d on d.document_id = f.document_id
order by {PAGE_ORDER}
"""
TREND_SQL = """
select h.owner_name as owner, h.run_id, min(h.run_at) as run_at, h.check_name, count(*) as n
from staging.stg_lake__finding_history h
group by all
"""


@dataclass(frozen=True)
class OwnerReport:
    owner: str
    email: str | None
    html_path: str
    csv_path: str
    n_findings: int
    n_new: int
    n_resolved: int
    counts: dict[str, int]
    notify_clean: bool


def neutralise_csv_cell(value: object) -> object:
    """A text cell starting with = + - @ (or a tab/CR) is prefixed with ' so spreadsheets show it as text."""
    if isinstance(value, str) and value and value[0] in "=+-@\t\r":
        try:
            float(value)
            return value  # a plain negative number stays a number
        except ValueError:
            return "'" + value
    return value


def highlight(sentence: str | None, span_text: str | None) -> Markup:
    """The sentence with the offending text marked; both parts escaped, only <mark> is ours."""
    sentence = sentence or ""
    if span_text and span_text in sentence:
        i = sentence.index(span_text)
        return Markup("{}<mark>{}</mark>{}").format(sentence[:i], span_text, sentence[i + len(span_text):])
    return Markup(escape(sentence))


def trend_svg(points: list[dict], checks: list[str]) -> Markup:
    """Findings per check over the last ten runs, as an inline SVG line chart."""
    first_seen: dict[str, object] = {}
    for p in points:
        first_seen[p["run_id"]] = min(p["run_at"], first_seen.get(p["run_id"], p["run_at"]))
    order = sorted(first_seen.items(), key=lambda kv: kv[1])[-10:]
    runs = [r for r, _ in order]
    counts = {(p["run_id"], p["check_name"]): p["n"] for p in points}
    series = {c: [(r, float(counts.get((r, c), 0))) for r in runs] for c in checks}
    return line_chart(series, label="findings per check over the last runs")


def _env() -> Environment:
    return Environment(loader=PackageLoader("publish", "templates"), autoescape=select_autoescape(["html", "j2"]))


def _owner_config(owners_file: Path) -> dict[str, dict]:
    config = yaml.safe_load(owners_file.read_text(encoding="utf-8")) or {}
    out = {}
    default = config.get("default") or {}
    if default:
        out[default["name"]] = {"email": default.get("email"), "notify_clean": bool(default.get("notify_clean"))}
    for o in config.get("owners") or []:
        out[o["name"]] = {"email": o.get("email"), "notify_clean": bool(o.get("notify_clean"))}
    return out


def _safe_name(owner: str) -> str:
    cleaned = re.sub(r"[^\w\-]+", "_", owner, flags=re.UNICODE).strip("_")
    return cleaned[:80] or "owner"


def write_owner_reports(warehouse: Path, reports_dir: Path, run_id: str, owners_file: Path) -> list[OwnerReport]:
    """Write every owner's HTML and CSV for this run; return what was written, per owner."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cur = con.execute(FINDINGS_SQL)
        cols = [d[0] for d in cur.description]
        findings = [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
        cur = con.execute(TREND_SQL)
        cols = [d[0] for d in cur.description]
        trend = [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    owners = _owner_config(owners_file)
    for f in findings:
        owners.setdefault(f["owner"] or "unassigned", {"email": f["owner_email"], "notify_clean": False})
    run_date = datetime.now(UTC).strftime("%Y-%m-%d")
    out_dir = reports_dir / "quality" / run_date
    out_dir.mkdir(parents=True, exist_ok=True)
    template = _env().get_template("owner_report.html.j2")
    written = []
    for owner, info in sorted(owners.items()):
        mine = [f for f in findings if (f["owner"] or "unassigned") == owner]
        current = [f for f in mine if f["status"] != "resolved"]
        resolved = [f for f in mine if f["status"] == "resolved"]
        counts = {s: sum(1 for f in current if f["severity"] == s) for s in SEVERITIES}
        points = [p for p in trend if (p["owner"] or "unassigned") == owner]
        checks = sorted({p["check_name"] for p in points})
        shown = current[:MAX_HTML_ROWS]
        for f in shown:
            f["sentence_html"] = highlight(f["evidence"], f["span_text"])
        base = out_dir / _safe_name(owner)
        html_path, csv_path = base.with_suffix(".html"), base.with_suffix(".csv")
        html = template.render(
            owner=owner, run_id=run_id, run_date=run_date, counts=counts, n_new=sum(f["status"] == "new" for f in current),
            n_resolved=len(resolved), findings=shown, n_findings=len(current), resolved=resolved[:MAX_HTML_ROWS],
            chart=trend_svg(points, checks), csv_name=csv_path.name,
            generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )
        html_path.write_text(html, encoding="utf-8")
        with open(csv_path, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for f in current + resolved:
                writer.writerow({k: neutralise_csv_cell(f.get(k)) for k in CSV_COLUMNS})
        written.append(OwnerReport(owner, info.get("email"), str(html_path), str(csv_path), len(current),
                                   sum(f["status"] == "new" for f in current), len(resolved), counts,
                                   bool(info.get("notify_clean"))))
    return written
