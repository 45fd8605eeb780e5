"""reports: one quality report per data owner and run (an HTML page and a CSV), from the published warehouse.

Everything quoted from a report is untrusted text: the HTML is rendered with autoescaping and the CSV
neutralises cells a spreadsheet would execute. Each owner's files hold only that owner's findings.
"""

from __future__ import annotations

import codecs
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from publish.charts import line_chart
from publish.db import records

SEVERITIES = ("error", "warning", "info")
# Rows an owner's HTML page shows per list (errors first); the CSV always holds every finding. A page of
# tens of thousands of rows helps nobody, and rendering it was most of the publish stage.
MAX_HTML_ROWS = 500

# The order of a page and of a CSV (errors first); the span text (a substring of the document, which costs a
# scan of its text) is cut only for the rows a page shows.
PAGE_ORDER = "severity_rank, check_name, source_file, char_start, finding_id"
# This run's findings of every owner (open, and resolved in this run), numbered per owner and list.
LISTED_SQL = f"""
create temp table listed as
with listed as (
    select *, coalesce(owner, 'unassigned') as owner_key, status = 'resolved' as is_resolved,
           case severity when 'error' then 0 when 'warning' then 1 else 2 end as severity_rank
    from marts.fct_dq_finding
    where status <> 'resolved' or resolved_in_latest_run
)
select *, row_number() over (partition by owner_key, is_resolved order by {PAGE_ORDER}) as page_row
from listed
"""
# What the pages show: each owner's first MAX_HTML_ROWS rows per list, with their span text.
PAGE_ROWS_SQL = f"""
select f.finding_id, f.check_name, f.severity, f.status, f.report_id, f.document_id, f.source_file, f.char_start, f.char_end,
       f.message, f.evidence, f.expected, f.org_name, f.report_year, f.owner, f.owner_email,
       f.first_seen_run, f.last_seen_run, f.owner_key,
       substring(d.text, f.char_start + 1, f.char_end - f.char_start) as span_text
from listed f
left join marts.dim_document d on d.document_id = f.document_id
where f.page_row <= ?  -- MAX_HTML_ROWS
order by {PAGE_ORDER}
"""
# The sentences holding the parts of a total that does not add up, when they are not the total's own sentence
# (`…119场。其中科普讲座58场、…`): the page shows them under the total's, so the owner sees every number.
PART_SENTENCES_SQL = """
with shown as (
    select document_id, char_start, char_end,
           case check_name when 'total_mismatch' then 'total_parts' else 'subset' end as relation
    from listed
    where check_name in ('total_mismatch', 'subset_exceeds_total') and page_row <= ?  -- MAX_HTML_ROWS
),
parts as (
    select c.document_id, c.char_start, c.char_end, c.relation, m.sentence, min(m.char_start) as position
    from marts.fct_total_check c
    semi join shown using (document_id, char_start, char_end, relation)
    cross join unnest(c.part_metric_ids) as u(part_metric_id)
    join marts.fct_metric m on m.metric_id = u.part_metric_id
    where m.sentence <> c.sentence
    group by all
)
select document_id, char_start, char_end,
       case relation when 'total_parts' then 'total_mismatch' else 'subset_exceeds_total' end as check_name,
       list(sentence order by position) as sentences
from parts
group by all
"""
# Per owner: how many of this run's findings are open (per severity), new, and resolved.
COUNTS_SQL = """
select owner_key, any_value(owner_email) as owner_email,
       count(*) filter (where not is_resolved) as n_findings,
       count(*) filter (where status = 'new') as n_new,
       count(*) filter (where is_resolved) as n_resolved,
       count(*) filter (where not is_resolved and severity = 'error') as n_error,
       count(*) filter (where not is_resolved and severity = 'warning') as n_warning,
       count(*) filter (where not is_resolved and severity = 'info') as n_info
from listed
group by owner_key
"""
CSV_COLUMNS = ["status", "severity", "check_name", "org_name", "report_year", "source_file", "char_start",
               "char_end", "message", "expected", "evidence", "first_seen_run", "finding_id"]
# The number columns among them; every other column is text, where a cell may start like a formula.
_NUMBER_CSV_COLUMNS = {"report_year", "char_start", "char_end"}


def csv_cell_sql(column: str) -> str:
    """The column as a CSV cell: a text starting with = + - @ (or a tab/CR) that is not a number gets a
    leading ' so spreadsheets show it as text. In SQL, so DuckDB writes the CSVs (`COPY … TO`, faster than
    Python's csv module row by row)."""
    if column in _NUMBER_CSV_COLUMNS:
        return column
    starts_like_formula = f"regexp_matches({column}, '^[-=+@\t\r]') and try_cast({column} as double) is null"
    return f"case when {starts_like_formula} then chr(39) || {column} else {column} end as {column}"


# One owner's CSV: every finding of the run, open ones first, each list in page order.
CSV_SQL = f"""
select {", ".join(csv_cell_sql(c) for c in CSV_COLUMNS)}
from listed
where owner_key = ?
order by is_resolved, {PAGE_ORDER}
"""
# The landing report: files that could not be read, routed to owners by the mart.
QUARANTINED_SQL = """
select distinct owner_name as owner_key, source_file, reason, first_seen_at
from marts.fct_quarantined_file
order by owner_key, source_file
"""
TREND_SQL = """
select coalesce(owner, 'unassigned') as owner_key, run_id, run_at, check_name, n_findings as n
from marts.agg_dq_by_owner_check
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
    n_quarantined: int = 0  # landed files of this owner's that could not be read (the landing report)


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
    counts = {(p["run_id"], p["check_name"]): p["n"] for p in points}
    # each run by when it ran (its id is long and says less); the chart orders these labels
    series = {c: [(str(at)[:19], float(counts.get((r, c), 0))) for r, at in order] for c in checks}
    return line_chart(series, label="findings per check over the last runs")


def _env() -> Environment:
    return Environment(loader=PackageLoader("publish", "templates"), autoescape=select_autoescape(["html", "j2"]))


OWNERS_SQL = "select owner_name, owner_email, notify_clean from marts.dim_owner"


def _safe_name(owner: str) -> str:
    cleaned = re.sub(r"[^\w\-]+", "_", owner, flags=re.UNICODE).strip("_")
    return cleaned[:80] or "owner"


def write_owner_reports(warehouse: Path, reports_dir: Path, run_id: str) -> list[OwnerReport]:
    """Write every owner's HTML and CSV for this run; return what was written, per owner."""
    run_date = datetime.now(UTC).strftime("%Y-%m-%d")
    out_dir = reports_dir / "quality" / run_date
    out_dir.mkdir(parents=True, exist_ok=True)
    template = _env().get_template("owner_report.html.j2")
    written = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        owners = {r["owner_name"]: {"email": r["owner_email"], "notify_clean": r["notify_clean"]}
                  for r in records(con, OWNERS_SQL)}
        con.execute(LISTED_SQL)
        counts = {r["owner_key"]: r for r in records(con, COUNTS_SQL)}
        page_rows = records(con, PAGE_ROWS_SQL, [MAX_HTML_ROWS])
        part_sentences = {(r["document_id"], r["char_start"], r["char_end"], r["check_name"]): r["sentences"]
                          for r in records(con, PART_SENTENCES_SQL, [MAX_HTML_ROWS])}
        trend = records(con, TREND_SQL)
        quarantined = records(con, QUARANTINED_SQL)
        for owner, row in counts.items():
            owners.setdefault(owner, {"email": row["owner_email"], "notify_clean": False})
        for owner, info in sorted(owners.items()):
            mine = counts.get(owner, {})
            n_findings, n_new, n_resolved = (mine.get(k, 0) for k in ("n_findings", "n_new", "n_resolved"))
            severity_counts = {s: mine.get(f"n_{s}", 0) for s in SEVERITIES}
            rows = [f for f in page_rows if f["owner_key"] == owner]
            shown = [f for f in rows if f["status"] != "resolved"]
            for f in shown:
                f["sentence_html"] = highlight(f["evidence"], f["span_text"])
                f["part_sentences"] = part_sentences.get(
                    (f["document_id"], f["char_start"], f["char_end"], f["check_name"]), [])
            points = [p for p in trend if p["owner_key"] == owner]
            landing = [q for q in quarantined if q["owner_key"] == owner]
            base = out_dir / _safe_name(owner)
            html_path, csv_path = base.with_suffix(".html"), base.with_suffix(".csv")
            html = template.render(
                owner=owner, run_id=run_id, run_date=run_date, counts=severity_counts, n_new=n_new,
                n_resolved=n_resolved, findings=shown, n_findings=n_findings,
                resolved=[f for f in rows if f["status"] == "resolved"],
                chart=trend_svg(points, sorted({p["check_name"] for p in points})), csv_name=csv_path.name,
                generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), quarantined=landing,
            )
            html_path.write_text(html, encoding="utf-8")
            _write_csv(con, owner, csv_path)
            written.append(OwnerReport(owner, info.get("email"), str(html_path), str(csv_path), n_findings, n_new,
                                       n_resolved, severity_counts, bool(info.get("notify_clean")), len(landing)))
    return written


def _write_csv(con: duckdb.DuckDBPyConnection, owner: str, path: Path) -> None:
    """Every finding of the owner's run as CSV, in UTF-8 with a BOM (spreadsheets need it to read Chinese)."""
    body = path.with_name(path.name + ".body")
    target = str(body).replace("'", "''")
    con.execute(f"copy ({CSV_SQL}) to '{target}' (format csv, header)", [owner])
    with open(path, "wb") as out, open(body, "rb") as rows:
        out.write(codecs.BOM_UTF8)
        shutil.copyfileobj(rows, out)
    body.unlink()
