"""`warehouse`: run the nightly pipeline without Airflow, and query the warehouse read-only.

    warehouse run --landing DIR --warehouse FILE     the same stages as the Airflow DAG
    warehouse sql "SELECT …"                         a query against the published warehouse, read-only
    warehouse schema                                 the marts and their columns
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import typer

from pipeline.settings import Settings
from pipeline.stages import RunLocked, format_summary, run_all, summarize
from pipeline.transform import NoSpaceLeft

app = typer.Typer(help="The annual-reports warehouse: landing → ingest → lake → dbt → quality → reports.",
                  no_args_is_help=True, add_completion=False)

LandingOpt = typer.Option(None, "--landing", help="Landing folder (default: $LANDING_DIR or data/samples).")
WarehouseOpt = typer.Option(None, "--warehouse", help="Warehouse file (default: $WAREHOUSE_PATH or warehouse/warehouse.duckdb).")
ReportsOpt = typer.Option(None, "--reports", help="Reports folder (default: $REPORTS_DIR or reports/).")
LakeOpt = typer.Option(None, "--lake", help="Lake folder (default: $LAKE_DIR; beside --warehouse when that is given, x.duckdb → x.lake; else data/lake).")


class ParsingBar:
    """A progress bar over the documents a run parses (to stderr; nothing when quiet or nothing to parse).
    Documents are counted as their batch completes. The bar is the parse stage's line: `stage_line` closes it
    before any later stage reports, so its rate is the parse's and the stages that follow get lines of their
    own."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar = None
        self.last_line_at = time.time()

    def stage_line(self, message: str) -> None:
        """A stage's one line (`build: full build done in 8.0s`), after the parsing bar is closed."""
        self.close()
        if not self.quiet:
            typer.echo(message, err=True)
        self.last_line_at = time.time()

    def update(self, total: int) -> None:
        """One more document parsed, of `total`."""
        if self.quiet:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(desc="parsing", unit="doc", total=total, file=sys.stderr)
            # parsing began when the stage before it reported (the first batch only now completes): time the
            # bar from then, or its rate is of the last batch alone
            self.bar.start_t = self.last_line_at
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _settings(landing: Path | None = None, warehouse: Path | None = None, reports: Path | None = None,
              lake: Path | None = None) -> Settings:
    return Settings.from_env().with_paths(landing_dir=landing, warehouse_path=warehouse, reports_dir=reports,
                                          lake_dir=lake)


@app.command()
def run(landing: Path | None = LandingOpt, warehouse: Path | None = WarehouseOpt,
        reports: Path | None = ReportsOpt, lake: Path | None = LakeOpt,
        workers: int = typer.Option(0, help="Parallel parsing processes (0: one per core)."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the summary."),
        force: bool = typer.Option(False, "--force", help="Rebuild even when no input changed since the last build.")) -> None:
    """Ingest what is new in the landing folder, rebuild the warehouse, run the checks, write the reports.

    When nothing changed since the published build (no new file, same code and owners), the build is skipped.
    """
    settings = _settings(landing, warehouse, reports, lake)
    if workers:
        settings = replace(settings, workers=workers)

    bar = ParsingBar(quiet)
    try:
        out = run_all(settings, progress=bar.stage_line, doc_progress=bar.update, force=force)
    except RunLocked as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=75) from exc
    except FileNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    except NoSpaceLeft as exc:
        typer.echo(f"error: {exc.strerror}", err=True)
        raise typer.Exit(code=1) from exc
    finally:
        bar.close()
    typer.echo(f"run {out.run_id}: parsed {out.parsed} document(s), {out.quarantined} quarantined"
               + ("; nothing changed, the published warehouse was kept" if out.skipped else ""))
    if out.lake_repair.damaged_batches:
        typer.echo(out.lake_repair.describe())
    if out.publish and not out.publish.complete:
        typer.echo(f"publish: {len(out.publish.delivery.failed)} e-mail(s) failed; the next run sends them again")
    typer.echo(format_summary(out.summary))


@app.command()
def reprocess(landing: Path | None = LandingOpt, warehouse: Path | None = WarehouseOpt,
              reports: Path | None = ReportsOpt, lake: Path | None = LakeOpt) -> None:
    """Parse every landed document again with the current extractor, then rebuild the warehouse."""
    from pipeline.stages import reprocess as reprocess_all

    settings = _settings(landing, warehouse, reports, lake)
    bar = ParsingBar(quiet=False)
    try:
        out = reprocess_all(settings, progress=bar.stage_line, doc_progress=bar.update)
    except RunLocked as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=75) from exc
    finally:
        bar.close()
    typer.echo(f"reprocessed: parsed {out.parsed} document(s), {out.quarantined} quarantined")
    typer.echo(format_summary(out.summary))


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """The published warehouse, read-only, with no access to files or extensions beyond it; `marts` is the
    default schema (`from dim_report`), the others are named (`staging.stg_lake__reports`)."""
    if not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `warehouse run` (or `make run`) first")
    con = duckdb.connect(str(path), read_only=True, config={
        "enable_external_access": False,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    })
    con.execute("SET search_path = 'marts,main'")
    con.execute("SET lock_configuration = true")
    return con


def is_refusal(exc: duckdb.Error) -> bool:
    """Whether DuckDB refused the statement (a write to the read-only warehouse, a file or extension outside
    it, a change of the locked settings) rather than failed on it (a typo, a missing table or column)."""
    return isinstance(exc, duckdb.PermissionException) or (
        isinstance(exc, duckdb.InvalidInputException)
        and ("read-only mode" in str(exc) or "configuration has been locked" in str(exc)))


# Table output is for reading on a terminal: a cell longer than this (a document's whole text) is cut, with
# an ellipsis; csv and json always hold every character.
MAX_CELL_WIDTH = 60


def table_cell(value: object, max_width: int) -> str:
    """A value as one line of at most `max_width` display columns (0: no limit)."""
    text = "" if value is None else " ".join(str(value).split("\n"))
    if max_width <= 0 or _width(text) <= max_width:
        return text
    out, width = [], 0
    for ch in text:
        width += _width(ch)
        if width > max_width - 1:
            break
        out.append(ch)
    return "".join(out) + "…"


def render(columns: list[str], rows: list[tuple], fmt: str, max_width: int = MAX_CELL_WIDTH) -> str:
    if fmt == "json":
        return json.dumps([dict(zip(columns, r, strict=True)) for r in rows], ensure_ascii=False, default=str, indent=1)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return buf.getvalue().rstrip("\n")
    cells = [[table_cell(v, max_width) for v in r] for r in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = [" | ".join(_pad(c, w) for c, w in zip(columns, widths, strict=True)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(_pad(v, w) for v, w in zip(r, widths, strict=True)) for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if "\u1100" <= ch and (ch <= "\u115f" or "\u2e80" <= ch <= "\ua4cf" or "\uac00" <= ch <= "\ud7a3"
                                        or "\uf900" <= ch <= "\ufaff" or "\ufe30" <= ch <= "\ufe4f"
                                        or "\uff00" <= ch <= "\uff60" or "\uffe0" <= ch <= "\uffe6") else 1
               for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


@app.command()
def sql(query: str = typer.Argument(..., help="The SQL to run, e.g. \"select * from marts.dim_report\"."),
        warehouse: Path | None = WarehouseOpt,
        fmt: str = typer.Option("table", "--format", help="table, csv or json."),
        max_width: int = typer.Option(MAX_CELL_WIDTH, "--max-width",
                                      help="Table output: cut cells past this many columns (0: never).")) -> None:
    """Print a query's result from the warehouse, opened read-only (`marts` is the default schema)."""
    if fmt not in ("table", "csv", "json"):
        raise typer.BadParameter("--format must be table, csv or json")
    settings = _settings(warehouse=warehouse)
    try:
        with connect_read_only(settings.warehouse_path) as con:
            cur = con.execute(query)
            if cur.description is None:
                typer.echo("(no result)")
                return
            columns = [d[0] for d in cur.description]
            rows = cur.fetchall()
    except FileNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    except duckdb.Error as exc:
        if is_refusal(exc):
            typer.echo(f"refused: the warehouse is read-only and files outside it are off limits: {exc}", err=True)
            raise typer.Exit(code=3) from exc
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from exc
    typer.echo(render(columns, rows, fmt, max_width))


@app.command()
def schema(warehouse: Path | None = WarehouseOpt) -> None:
    """List the marts and their columns."""
    settings = _settings(warehouse=warehouse)
    with connect_read_only(settings.warehouse_path) as con:
        rows = con.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' order by table_name, ordinal_position").fetchall()
    current = None
    for table, column, dtype in rows:
        if table != current:
            typer.echo(f"marts.{table}")
            current = table
        typer.echo(f"  {column:<28} {dtype}")


@app.command()
def export(table: str = typer.Option(..., "--table", help="A mart, e.g. fct_metric or marts.fct_metric."),
           to: Path = typer.Option(..., "--to", help="Output file: .csv or .parquet (the suffix decides)."),
           warehouse: Path | None = WarehouseOpt) -> None:
    """Write one mart to a CSV or Parquet file."""
    settings = _settings(warehouse=warehouse)
    name = table.removeprefix("marts.")
    fmt = {".csv": "csv", ".parquet": "parquet"}.get(to.suffix.lower())
    if fmt is None:
        raise typer.BadParameter("--to must end in .csv or .parquet")
    with connect_read_only(settings.warehouse_path) as con:
        marts = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
        if name not in marts:
            typer.echo(f"error: no mart named {name!r}; marts: {', '.join(sorted(marts))}", err=True)
            raise typer.Exit(code=2)
        # The name is one of the marts listed above, so quoting it is safe; the file is written by Arrow,
        # outside DuckDB, whose own file access stays disabled.
        arrow = con.sql(f'select * from marts."{name}"').to_arrow_table()
    to.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(arrow, to)
    else:
        import pyarrow.csv as pacsv

        pacsv.write_csv(arrow, to)
    typer.echo(f"wrote {arrow.num_rows} rows of marts.{name} to {to}")


@app.command()
def summary(warehouse: Path | None = WarehouseOpt, reports: Path | None = ReportsOpt) -> None:
    """Rows per mart and findings per check of the published warehouse."""
    typer.echo(format_summary(summarize(_settings(warehouse=warehouse, reports=reports))))


if __name__ == "__main__":
    app()
