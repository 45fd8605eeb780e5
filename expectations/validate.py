"""quality: validate the built warehouse with Great Expectations and turn failures into findings.

The suites are GX's own JSON files in `expectations/suites/`. Each suite's `meta` says which rows to load
(`query`, run on the warehouse opened read-only into pandas: GX's SQL path on DuckDB is unreliable) and
which column identifies a row; each expectation's `meta` names the check it implements and how to word a
finding. Every unexpected row becomes a finding with the source sentence as evidence.
"""

from __future__ import annotations

import hashlib
import json
import os
import string
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from expectations.data_docs_offline import make_offline
from ingest.findings import CHECKS
from ingest.lake import SCHEMAS
from publish.display import readable

SUITES_DIR = Path(__file__).resolve().parent / "suites"
# Thresholds the suites share with the dbt models are dbt vars, defined once in the dbt project.
DBT_PROJECT_FILE = Path(__file__).resolve().parents[1] / "dbt_project" / "dbt_project.yml"

EXTRACTION_FINDINGS_SQL = """
select document_id, source_file, report_id, check_name, severity, char_start, char_end, message, evidence,
       expected, org_name, report_year, owner_name, owner_email
from intermediate.int_extraction_findings
"""
# The fields of a finding as `validate_warehouse` returns it: a finding_history row less the run and key.
FINDING_FIELDS = tuple(n for n in SCHEMAS["finding_history"].names if n not in ("run_id", "run_at", "finding_key"))
REPORT_OWNERS_SQL = "select report_id, document_id, org_name, report_year, owner_name, owner_email from intermediate.int_report_owners"


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    query: str
    id_column: str
    span_columns: tuple[str, str]
    raw: dict
    evidence_query: str | None = None  # fetches the sentence of failing rows only, for suites over big marts
    batch_rows: int | None = None  # validate a stream of batches of this many rows (row-level expectations only)
    # Each row is judged on its own, so after an incremental build only what changed is validated and the rest
    # carried forward from the published run. `document`: rows belong to one document (a `document_id`
    # column) and change with it; `row`: rows of cross-document marts, a row changed when its content did.
    scope: str | None = None

    @property
    def key_column(self) -> str:
        """The column the changed rows are selected by."""
        return "document_id" if self.scope == "document" else self.id_column

    def sql(self, keys: list[str] | None = None) -> str:
        """The suite's query, over the rows whose key column is in `keys` (all rows when None).

        A query may say `{documents_in_scope}` where the document filter must act early (before the texts
        are cut into pieces, say): it becomes `document_id in (…)` for a document-scoped run, else `true`.
        """
        ids = None if keys is None else ", ".join("'" + k.replace("'", "''") + "'" for k in keys) or "null"
        in_scope = f"document_id in ({ids})" if ids is not None and self.scope == "document" else "true"
        query = self.query.replace("{documents_in_scope}", in_scope)
        if ids is None:
            return query
        return f"select * from ({query}) as suite_rows where suite_rows.{self.key_column} in ({ids})"


def dbt_vars() -> dict:
    """The vars of the dbt project (dbt_project.yml)."""
    import yaml

    return yaml.safe_load(DBT_PROJECT_FILE.read_text(encoding="utf-8")).get("vars") or {}


def _resolved(value: object, variables: dict, where: str) -> object:
    """An expectation argument written `{"dbt_var": name}` is that var of the dbt project."""
    if isinstance(value, dict) and set(value) == {"dbt_var"}:
        if value["dbt_var"] not in variables:
            raise ValueError(f"{where}: no dbt var {value['dbt_var']!r} in {DBT_PROJECT_FILE.name}")
        return variables[value["dbt_var"]]
    return value


def load_suites() -> list[SuiteSpec]:
    """Every suite file, checked against the registry of checks so a typo cannot invent a check, its dbt vars
    filled in."""
    suites = []
    variables = dbt_vars()
    for path in sorted(SUITES_DIR.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        meta = raw.get("meta", {})
        for exp in raw["expectations"]:
            name = exp.get("meta", {}).get("check_name")
            if name not in CHECKS:
                raise ValueError(f"{path.name}: expectation {exp['type']} names unknown check {name!r}")
            exp["kwargs"] = {k: _resolved(v, variables, path.name) for k, v in exp["kwargs"].items()}
        spec = SuiteSpec(raw["name"], meta["query"], meta["id_column"],
                         tuple(meta.get("span_columns", ["char_start", "char_end"])), raw,
                         meta.get("evidence_query"), meta.get("batch_rows"), meta.get("scope"))
        if spec.scope is not None:
            _check_row_wise(path.name, raw)
        suites.append(spec)
    return suites


SCOPES = ("document", "row")


def _check_row_wise(name: str, raw: dict) -> None:
    """Carrying totals forward needs a known scope, each expectation found by its check name, and a pass/fail
    that follows from the counts (no `mostly`)."""
    scope = raw["meta"]["scope"]
    if scope not in SCOPES:
        raise ValueError(f"{name}: unknown scope {scope!r} (one of {', '.join(SCOPES)})")
    checks = [exp["meta"]["check_name"] for exp in raw["expectations"]]
    if len(set(checks)) != len(checks):
        raise ValueError(f"{name}: a {scope}-scoped suite needs one expectation per check name")
    if any("mostly" in exp["kwargs"] for exp in raw["expectations"]):
        raise ValueError(f"{name}: a {scope}-scoped suite cannot use `mostly`")


class _RowFormatter(string.Formatter):
    """str.format, plus the spec `amount`: the value as people read it in the row's `unit` and `classifier`
    (`{parts_sum:amount}` → `142.12亿元`), by the one display rule of the reports."""

    def __init__(self, row: dict) -> None:
        self.row = row

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec == "amount":
            return readable(None if value == "" else value, self.row.get("unit"), self.row.get("classifier"))
        return super().format_field(value, format_spec)


def _format(template: str | None, row: dict) -> str | None:
    if not template:
        return None
    try:
        return _RowFormatter(row).format(template, **{k: ("" if v is None else v) for k, v in row.items()})
    except (KeyError, ValueError, TypeError):
        return template


def _context(docs_dir: Path | None):  # type: ignore[no-untyped-def]
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir is not None:
        ctx.add_data_docs_site(site_name="local", site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    return ctx


@dataclass(frozen=True, slots=True)
class CarriedSuite:
    """How a document- or row-scoped suite was validated after an incremental build: the documents (rows) the
    build added or changed were validated, those it removed subtracted, and the findings of the rest carried
    from the published run; or, when that run could not be trusted, the whole suite (`validated_whole` says
    why)."""
    unit: str  # "documents" or "rows"
    validated: int = 0
    removed: int = 0
    carried_findings: int = 0
    validated_whole: str | None = None


@dataclass
class ValidationOutcome:
    results: list[dict]
    findings: list[dict]
    carried: dict[str, CarriedSuite] = field(default_factory=dict)  # suite → what was validated, what carried


class BaselineMismatch(ValueError):
    """The published run's findings do not match the published warehouse; validate the suite whole."""


@dataclass(frozen=True)
class Baseline:
    """The published warehouse and what its run's validation found. Given to `validate_warehouse` after an
    incremental build: a document- or row-scoped suite then validates only the documents (rows) the build
    added, takes the findings of the ones it kept from here, and moves the counts by the added and removed."""
    warehouse: Path
    results: list[dict]  # that run's gx_results rows
    findings: list[dict]  # that run's finding_history rows


def validate_warehouse(database: Path, run_id: str, docs_dir: Path | None = None,
                       baseline: Baseline | None = None) -> ValidationOutcome:
    """Run every suite against `database` (opened read-only); return GX results and findings."""
    ctx = _context(docs_dir)
    source = ctx.data_sources.add_pandas("warehouse")
    outcome = ValidationOutcome([], [])
    now = datetime.now(UTC)
    with duckdb.connect(str(database), read_only=True) as con, _published(baseline) as published:
        owners = _records_by(con.execute(REPORT_OWNERS_SQL).df(), "report_id")
        documents = _delta(con, published, "select document_id from marts.dim_document") if published else None
        # A removed row's findings are subtracted by value, so they are rebuilt with the published owners.
        published_owners = _records_by(published.execute(REPORT_OWNERS_SQL).df(), "report_id") if published else {}
        # Removed rows are validated in a context of their own, so Data Docs show only this warehouse's runs.
        published_source = _context(None).data_sources.add_pandas("published") if published else None
        for spec in load_suites():
            checkpoint = _checkpoint(ctx, source, spec)
            previous = _previous_results(baseline, spec) if published and spec.scope else None
            if previous is None:
                results, findings = _run_suite(checkpoint, con, spec, owners, run_id, now)
            else:
                delta = documents if spec.scope == "document" else _delta(
                    con, published, f"select {spec.id_column}, hash(suite_rows) from ({spec.sql()}) as suite_rows")
                what = "documents" if spec.scope == "document" else "rows"
                try:
                    results, findings, kept = _run_suite_incrementally(
                        (checkpoint, _checkpoint(published_source.data_context, published_source, spec)),
                        con, published, spec, (owners, published_owners), run_id, now, baseline, delta, previous)
                    outcome.carried[spec.name] = CarriedSuite(what, len(delta[0]), len(delta[1]), kept)
                except BaselineMismatch as mismatch:
                    results, findings = _run_suite(checkpoint, con, spec, owners, run_id, now)
                    outcome.carried[spec.name] = CarriedSuite(what, validated_whole=str(mismatch))
            outcome.results += results
            outcome.findings += findings
        if docs_dir is not None:
            ctx.build_data_docs()  # once, for every suite's results (not once per checkpoint)
            make_offline(docs_dir)
    return outcome


def _run_suite(checkpoint, con: duckdb.DuckDBPyConnection, spec: SuiteSpec, owners: dict,  # type: ignore[no-untyped-def]
               run_id: str, now: datetime, keys: list[str] | None = None) -> tuple[list[dict], list[dict]]:
    """One suite over the warehouse (or over the rows whose `spec.key_column` is in `keys`): its results and
    findings."""
    per_expectation: dict[int, dict] = {}
    failing: list[tuple[tuple[dict, dict], object]] = []  # ((expectation meta, its arguments), failing row id)
    failing_rows = []
    for frame in _frames(con, spec, keys):
        run = checkpoint.run(batch_parameters={"dataframe": frame})
        batch_failing = []
        for suite_result in run.run_results.values():
            for n, r in enumerate(suite_result.results):
                _add_result(per_expectation, n, r, spec.name, run_id, now)
                expectation = (r.expectation_config.meta or {}, r.expectation_config.kwargs)
                batch_failing += [(expectation, index[spec.id_column])
                                  for index in r.result.get("unexpected_index_list") or []]
        # Keep only the failing rows, found in one pass (row-by-row lookups cost minutes on big marts).
        failing_rows.append(frame[frame[spec.id_column].isin({i for _, i in batch_failing})])
        failing += batch_failing
    rows = _records_by(pd.concat(failing_rows), spec.id_column)
    found = [_finding(expectation, rows[i], spec, owners) | {"_id": i} for expectation, i in failing]
    return list(per_expectation.values()), _with_evidence(con, spec, found)


def _run_suite_incrementally(checkpoints, con: duckdb.DuckDBPyConnection,  # type: ignore[no-untyped-def]
                             published: duckdb.DuckDBPyConnection, spec: SuiteSpec, owners: tuple[dict, dict],
                             run_id: str,
                             now: datetime, baseline: Baseline, delta: tuple[set[str], set[str]],
                             previous: dict[str, dict]) -> tuple[list[dict], list[dict], int]:
    """A document- or row-scoped suite after an incremental build, with the same totals and findings as
    validating every row: validate the added documents (rows) here and the removed ones in the published
    file, then published counts + added − removed; findings of the kept ones come from the published run.
    `checkpoints` and `owners`: the suite's checkpoint and the report owners for the candidate, then for the
    published file. Returns the results, the findings and how many of them were carried forward."""
    added, removed = delta
    checkpoint, published_checkpoint = checkpoints
    candidate_owners, published_owners = owners
    results, findings = _run_suite(checkpoint, con, spec, candidate_owners, run_id, now, sorted(added))
    gone, gone_findings = _run_suite(published_checkpoint, published, spec, published_owners, run_id, now,
                                     sorted(removed))
    gone_by_check = {r["check_name"]: r for r in gone}
    for r in results:
        before, out = previous[r["check_name"]], gone_by_check[r["check_name"]]
        for count in ("element_count", "unexpected_count"):
            r[count] += before[count] - out[count]
        r["success"] = r["unexpected_count"] == 0
    before = [{k: f[k] for k in FINDING_FIELDS} for f in baseline.findings if f["check_name"] in previous]
    per_check = Counter(f["check_name"] for f in before)
    for check, result in previous.items():  # one finding per unexpected row, or the findings are not that run's
        if per_check[check] != result["unexpected_count"]:
            raise BaselineMismatch(f"{check}: the published run found {result['unexpected_count']} rows but "
                                   f"its history holds {per_check[check]} findings")
    kept = _without(before, gone_findings)
    return results, findings + kept, len(kept)


def _without(findings: list[dict], gone: list[dict]) -> list[dict]:
    """`findings` less one equal finding per finding in `gone` (a multiset difference)."""
    remaining = Counter(_finding_tuple(f) for f in gone)
    kept = []
    for f in findings:
        key = _finding_tuple(f)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            kept.append(f)
    if +remaining:  # a removed row's finding the published run did not report: it cannot be carried from
        raise BaselineMismatch(f"{sum(remaining.values())} finding(s) of removed rows are not in the published run")
    return kept


def _finding_tuple(f: dict) -> tuple:
    return tuple(f.get(k) for k in FINDING_FIELDS)


@contextmanager
def _published(baseline: Baseline | None) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """The published warehouse, read-only, when validating against a baseline."""
    if baseline is None:
        yield None
        return
    with duckdb.connect(str(baseline.warehouse), read_only=True) as published:
        yield published


def _delta(con: duckdb.DuckDBPyConnection, published: duckdb.DuckDBPyConnection,
           query: str) -> tuple[set[str], set[str]]:
    """(keys of the rows `query` returns in the candidate and not in the published warehouse, keys of the rows
    the other way round); the key is the first column. Documents are compared by id; the rows of a row-scoped
    suite by id and a hash of everything the suite reads, so a changed row is both removed and added."""
    now, before = set(con.execute(query).fetchall()), set(published.execute(query).fetchall())
    return {r[0] for r in now - before}, {r[0] for r in before - now}


def _previous_results(baseline: Baseline, spec: SuiteSpec) -> dict[str, dict] | None:
    """The published run's result per check of this suite; None when it has none for every expectation."""
    rows = {r["check_name"]: r for r in baseline.results if r["suite"] == spec.name}
    wanted = {exp["meta"]["check_name"] for exp in spec.raw["expectations"]}
    return rows if set(rows) == wanted else None


def _checkpoint(ctx, source, spec: SuiteSpec):  # type: ignore[no-untyped-def]
    """The suite's checkpoint over a whole-dataframe batch; results in COMPLETE format with the row ids."""
    import great_expectations as gx

    batch = source.add_dataframe_asset(spec.name).add_batch_definition_whole_dataframe("all")
    suite = ctx.suites.add(gx.ExpectationSuite(**{k: v for k, v in spec.raw.items() if k != "meta"},
                                               meta=spec.raw.get("meta", {})))
    definition = ctx.validation_definitions.add(gx.ValidationDefinition(name=spec.name, data=batch, suite=suite))
    return ctx.checkpoints.add(gx.Checkpoint(
        name=f"nightly_{spec.name}", validation_definitions=[definition], actions=[],
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [spec.id_column]},
    ))


def _frames(con: duckdb.DuckDBPyConnection, spec: SuiteSpec,
            keys: list[str] | None = None) -> Iterator[pd.DataFrame]:
    """The suite's rows (those whose key column is in `keys`, when given) as pandas frames: one, or a stream of
    `batch_rows`-row batches of one query when the suite sets it (fct_metric has millions of rows at 10,000
    reports: one frame would hold them all in memory). Every expectation of a batched suite must judge rows one
    at a time."""
    query = spec.sql(keys)
    if not spec.batch_rows:
        yield con.execute(query).df()
        return
    reader = con.sql(query).to_arrow_reader(spec.batch_rows)
    yielded = False
    for batch in reader:
        yielded = True
        yield batch.to_pandas()
    if not yielded:  # an empty mart still gets validated (and reported with zero rows)
        yield reader.schema.empty_table().to_pandas()


def _add_result(per_expectation: dict[int, dict], n: int, r, suite: str, run_id: str,  # type: ignore[no-untyped-def]
                now: datetime) -> None:
    """Fold one batch's result of expectation `n` into the suite's result: counts add up, all must pass."""
    cfg = r.expectation_config
    seen = per_expectation.setdefault(n, {
        "run_id": run_id, "suite": suite, "expectation": cfg.type, "check_name": (cfg.meta or {}).get("check_name"),
        "column_name": cfg.kwargs.get("column") or f"{cfg.kwargs.get('column_A')},{cfg.kwargs.get('column_B')}",
        "success": True, "element_count": 0, "unexpected_count": 0, "validated_at": now,
    })
    seen["success"] = seen["success"] and bool(r.success)
    seen["element_count"] += int(r.result.get("element_count") or 0)
    seen["unexpected_count"] += int(r.result.get("unexpected_count") or 0)


def _records_by(frame: pd.DataFrame, column: str) -> dict:
    """Rows as plain dicts (NaN/NaT as None) keyed by `column`; the first row wins on duplicates."""
    clean = frame.drop_duplicates(column).astype(object)
    clean = clean.where(clean.notna(), None)
    return {r[column]: r for r in clean.to_dict("records")}


def _with_evidence(con: duckdb.DuckDBPyConnection, spec: SuiteSpec, found: list[dict]) -> list[dict]:
    """Fill in the source sentence of the failing rows when the suite's query left it out (big marts)."""
    if spec.evidence_query and found:
        ids = sorted({f["_id"] for f in found})
        evidence = dict(con.execute(spec.evidence_query, {"ids": ids}).fetchall())
        for f in found:
            f["evidence"] = f["evidence"] or evidence.get(f["_id"])
    return [{k: v for k, v in f.items() if k != "_id"} for f in found]


def _finding(expectation: tuple[dict, dict], row: dict, spec: SuiteSpec, owners: dict[str, dict]) -> dict:
    """A finding of a failing row; its message and expected text may name the row's columns and the
    expectation's arguments (`{max_value:.0%}`)."""
    meta, arguments = expectation
    owner = owners.get(row.get("report_id"))
    context = {**arguments, **row}
    check = meta["check_name"]
    start_col, end_col = spec.span_columns
    return {
        "document_id": row.get("document_id") if row.get("document_id") is not None else (owner["document_id"] if owner else None),
        "source_file": row.get("source_file"), "report_id": row.get("report_id"),
        "check_name": check, "severity": CHECKS[check].severity,
        "char_start": None if row.get(start_col) is None else int(row[start_col]),
        "char_end": None if row.get(end_col) is None else int(row[end_col]),
        "message": _format(meta.get("message"), context) or CHECKS[check].description,
        "evidence": row.get("evidence") or row.get("sentence"),
        "expected": _format(meta.get("expected"), context),
        "org_name": owner["org_name"] if owner else row.get("org_name"),
        "report_year": None if not owner or owner["report_year"] is None else int(owner["report_year"]),
        "owner_name": owner["owner_name"] if owner else None,
        "owner_email": owner["owner_email"] if owner else None,
    }


def extraction_findings(database: Path) -> list[dict]:
    """The extraction-time findings of the current documents, as built into the warehouse."""
    with duckdb.connect(str(database), read_only=True) as con:
        frame = con.execute(EXTRACTION_FINDINGS_SQL).df()
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict("records")


def with_finding_keys(findings: list[dict], run_id: str, run_at: datetime) -> list[dict]:
    """Add the stable finding key: check, file, the sentence, the message and the occurrence among equals.

    Offsets are left out on purpose: a corrected re-publication shifts them, and the findings it did not
    touch must keep their identity (and their first_seen_run).
    """
    seen: dict[str, int] = {}
    out = []
    for f in sorted(findings, key=lambda f: (f["source_file"] or "", f["char_start"] or 0, f["check_name"])):
        base = "\x1f".join(str(f.get(k) or "") for k in ("check_name", "source_file", "evidence", "message"))
        n = seen.get(base, 0)
        seen[base] = n + 1
        key = hashlib.sha1(f"{base}\x1f{n}".encode()).hexdigest()[:20]
        out.append({**f, "run_id": run_id, "run_at": run_at, "finding_key": key})
    return out

