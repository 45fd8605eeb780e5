"""The nightly run, stage by stage. The Airflow DAG and the `warehouse` CLI call exactly these functions.

landing → discover → ingest (in batches of documents, parallel) → lake → build (dbt into a candidate file)
→ validate (GX + finding lifecycle, dbt builds the quality marts) → promote (atomic rename) → publish
(owner reports, e-mail).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

import duckdb
import yaml

from ingest.lake import PARSED_TABLES, Lake, write_bytes_atomic
from ingest.stage import current_document_paths, discover, ingest_batch
from pipeline.settings import PROJECT_ROOT, Settings
from pipeline.transform import run_dbt

if TYPE_CHECKING:
    from expectations.validate import CarriedSuite
    from publish.delivery import Delivery
    from publish.owner_reports import OwnerReport

DQ_SELECTOR = "tag:dq"
# How a skipped build explains itself (the DAG's skip message and `make run` look for it).
UNCHANGED_REASON = "inputs unchanged since run"
# The code that turns the lake into the published warehouse: a change to any of it forces a rebuild.
BUILD_CODE_GLOBS = ("dbt_project/**/*.sql", "dbt_project/**/*.yml", "dbt_project/**/*.csv",
                    "expectations/**/*.json", "expectations/**/*.py", "publish/**/*.py", "publish/templates/*")
# The engines that run that code: an upgrade may change what the same SQL or suite produces.
BUILD_ENGINES = ("dbt-core", "dbt-duckdb", "duckdb", "great-expectations")
_T = TypeVar("_T")


class RunLocked(RuntimeError):
    """Another run holds the pipeline lock."""


# --- what each stage returns ----------------------------------------------------------------------------
# Plain dataclasses of simple fields: the CLI and the tests read them as attributes; the DAG hands them to
# XCom as dicts (`dataclasses.asdict`, in dags/), since Airflow deserializes only classes it is told to allow.

@dataclass(frozen=True, slots=True)
class LakeRepair:
    """The lake check before a run: the batches dropped for a file missing or damaged, and the documents
    they held (parsed again from the landed bytes)."""
    damaged_batches: int = 0
    damaged_files: int = 0
    documents: tuple[str, ...] = ()

    def describe(self) -> str:
        return (f"lake: {self.damaged_files} damaged or missing file(s) in {self.damaged_batches} batch(es) "
                f"dropped; their documents are parsed again from the landed bytes")


BuildMode = Literal["full", "incremental"]


@dataclass(frozen=True, slots=True)
class BuildResult:
    """The build stage: a candidate built in `mode`, or no build at all (`mode` None, `reason` says why)."""
    mode: BuildMode | None
    reason: str | None = None
    candidate: str | None = None
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)  # dbt status → nodes

    @property
    def skipped(self) -> bool:
        return self.mode is None


@dataclass(frozen=True, slots=True)
class ValidateResult:
    findings: int
    expectations: int
    failed_expectations: int
    # after an incremental build: suite → what it validated and what it carried from the published run
    carried_forward: dict[str, CarriedSuite]
    gx_seconds: float
    dbt_seconds: float
    dbt_docs_seconds: float
    dbt_docs_kept: bool  # the docs of the same build code were kept, not generated again
    data_docs: str
    dbt_docs: str


@dataclass(frozen=True, slots=True)
class PromoteResult:
    warehouse: str
    previous: str | None  # the warehouse it replaced, kept for a roll-back


@dataclass(frozen=True, slots=True)
class PublishResult:
    """What the publish stage paid of the debt the last promotion left (nothing: `published_run` None)."""
    published_run: str | None = None
    reports: tuple[OwnerReport, ...] = ()
    overview: str | None = None
    delivery: Delivery | None = None
    complete: bool = True


def new_run_id() -> str:
    return f"cli__{datetime.now(UTC).strftime('%Y-%m-%dT%H-%M-%S-%fZ')}"


def safe_run_id(run_id: str | None) -> str:
    """A run id usable in file names (Airflow's contain ':' and '+')."""
    if not run_id:
        return new_run_id()
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in run_id)


def lake_of(settings: Settings) -> Lake:
    return Lake(settings.lake_dir)


def candidate_path(settings: Settings) -> Path:
    """The file dbt builds into; promoted over the published warehouse only when everything passed."""
    return settings.warehouse_path.with_name(settings.warehouse_path.stem + ".candidate.duckdb")


@contextmanager
def run_lock(settings: Settings, wait_seconds: float = 0.0, shared: bool = False) -> Iterator[None]:
    """One run at a time per warehouse and per lake: a second run waits up to `wait_seconds`, then exits clearly.

    Two locks, always taken in this order: the warehouse file's and the lake's (a lake given to two
    warehouses, or a warehouse given two lakes, is still written by one run at a time).
    `shared`: for the parsing of a batch in an Airflow mapped task. Batches of one run parse side by side,
    but never while a run holds the lock exclusively (a CLI run, or a stage that reads or cleans the lake).
    """
    deadline = time.monotonic() + wait_seconds
    settings.lake_dir.mkdir(parents=True, exist_ok=True)
    with _file_lock(settings.warehouse_path.with_name(settings.warehouse_path.name + ".lock"), deadline, shared), \
            _file_lock(settings.lake_dir / "run.lock", deadline, shared):
        yield


@contextmanager
def _file_lock(path: Path, deadline: float, shared: bool) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        while True:
            try:
                fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise RunLocked(f"another run is in progress ({holder}); lock file {path}") from None
                time.sleep(0.5)
        if not shared:  # the holder's note is for the exclusive holder (shared holders would overwrite it)
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()} since {datetime.now(UTC).isoformat()}")
            handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- discover & ingest ----------------------------------------------------------------------------------

def write_owners(settings: Settings, lake: Lake) -> None:
    """Snapshot config/owners.yml into the lake so dbt can assign findings to owners."""
    config = yaml.safe_load(settings.owners_file.read_text(encoding="utf-8")) or {}
    default = config.get("default") or {"name": "unassigned", "email": None}
    rows = [{"priority": 10_000, "pattern": "", "owner_name": default["name"], "owner_email": default.get("email"),
             "is_default": True, "notify_clean": bool(default.get("notify_clean", False))}]
    for i, owner in enumerate(config.get("owners") or []):
        # an owner without patterns is listed (a pattern of null matches nothing): it may want clean reports
        for pattern in owner.get("patterns") or [None]:
            rows.append({"priority": i, "pattern": pattern, "owner_name": owner["name"],
                         "owner_email": owner.get("email"), "is_default": False,
                         "notify_clean": bool(owner.get("notify_clean", False))})
    lake.write_rows("owners", "owners", rows)


def repair_lake(settings: Settings) -> LakeRepair:
    """Check every committed batch of the lake against the checksums recorded when it was written; drop the
    damaged ones (a file missing, truncated or rotted), so the next discover parses their documents again
    from the landed bytes. Under the exclusive run lock. Returns what was dropped."""
    lake = lake_of(settings)
    lake.init()
    lake.drop_uncommitted()
    damaged = lake.damaged_batches()
    if not damaged:
        return LakeRepair()
    import pyarrow.parquet as pq

    documents: list[str] = []
    for batch, tables in damaged.items():
        if "documents" not in tables:
            documents += pq.read_table(lake.batch_path("documents", batch), columns=["document_id"]).column(0).to_pylist()
    lake.drop_batches(sorted(damaged))
    return LakeRepair(len(damaged), sum(len(t) for t in damaged.values()), tuple(sorted(documents)))


def discover_stage(settings: Settings, run_id: str, repair: bool = True) -> list[dict]:
    """Record every landed file in the ledger; return the documents to parse (new bytes). `repair`: check
    the lake first (`repair_lake`; `run_all` does it as its own step)."""
    lake = lake_of(settings)
    lake.init()
    if repair:
        repair_lake(settings)
    write_owners(settings, lake)
    files = discover(settings.landing_dir, lake, run_id)
    return [{"source_file": f.source_file, "sha256": f.sha256, "size_bytes": f.size_bytes}
            for f in files if f.status == "new"]


# A batch of documents is parsed into one lake file per table: at most this many documents or (past its
# first document) this many bytes of source files. Enough batches are planned to keep every worker busy.
BATCH_MAX_DOCUMENTS = 64
BATCH_MAX_BYTES = 16 * 1024 * 1024
BATCHES_PER_WORKER = 4


def plan_batches(documents: list[dict], workers: int = 1, max_batches: int | None = None) -> list[list[dict]]:
    """Split the documents to parse into batches, in their order.

    At least `workers * BATCHES_PER_WORKER` batches when there are that many documents (so the last batches
    do not leave workers idle), at most `max_batches` (Airflow maps one task per batch and refuses more than
    its `max_map_length`: the documents per batch grow instead).
    """
    if not documents:
        return []
    per_batch = max(1, min(BATCH_MAX_DOCUMENTS, len(documents) // max(1, workers * BATCHES_PER_WORKER)))
    batches = _greedy_batches(documents, per_batch, BATCH_MAX_BYTES)
    if max_batches is not None and len(batches) > max_batches:
        batches = _greedy_batches(documents, -(-len(documents) // max_batches), None)
    return batches


def _greedy_batches(documents: list[dict], per_batch: int, max_bytes: int | None) -> list[list[dict]]:
    batches: list[list[dict]] = []
    size = 0
    for doc in documents:
        doc_bytes = doc.get("size_bytes") or 0
        if not batches or len(batches[-1]) >= per_batch or (max_bytes is not None and size + doc_bytes > max_bytes):
            batches.append([])
            size = 0
        batches[-1].append(doc)
        size += doc_bytes
    return batches


def discover_batches(settings: Settings, run_id: str, max_batches: int | None = None) -> list[list[dict]]:
    """`discover_stage`, its documents planned into batches for Airflow's mapped ingest task."""
    return plan_batches(discover_stage(settings, run_id), settings.workers, max_batches)


def ingest_stage(settings: Settings, batch: list[dict]) -> list[dict]:
    """Parse one batch of documents into the lake (an Airflow mapped task; batches run side by side).

    Holds the run lock shared, so no run can clean the lake or parse the same documents meanwhile; documents
    a committed batch already holds are skipped (a retry, or a CLI run that parsed them in between).
    """
    with run_lock(settings, wait_seconds=600, shared=True):
        return ingest_batch(settings.landing_dir, lake_of(settings), batch, skip_parsed=True)


def _ingest_batch_unlocked(settings: Settings, batch: list[dict]) -> list[dict]:
    """`ingest_batch` for `ingest_all`, whose caller holds the run lock exclusively."""
    return ingest_batch(settings.landing_dir, lake_of(settings), batch)


def ingest_all(settings: Settings, documents: list[dict], workers: int | None = None,
               progress: Callable[[], None] | None = None) -> list[dict]:
    """Parse documents in batches in a process pool (the CLI's equivalent of Airflow's mapped ingest task).

    The caller holds the run lock. `progress` is called once per document, as its batch completes.
    """
    workers = max(1, workers or settings.workers)
    batches = plan_batches(documents, workers)
    results: list[dict] = []

    def done(batch_results: list[dict]) -> None:
        for result in batch_results:
            results.append(result)
            if progress:
                progress()

    if workers == 1 or len(batches) <= 1:
        for batch in batches:
            done(_ingest_batch_unlocked(settings, batch))
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_ingest_batch_unlocked, settings, b) for b in batches]
        for fut in as_completed(futures):
            done(fut.result())
    return results


# --- build, validate, promote ---------------------------------------------------------------------------

def build_inputs_fingerprint(settings: Settings, run_id: str) -> str:
    """A digest of everything the published warehouse is a function of.

    The parsed lake (each file's name, size and mtime: documents are written once, atomically), the state of
    every landed file in this run's ledger (path, bytes, status; not the time it was seen), and the build code
    with the owners file (`build_code_fingerprint`). Equal digests mean a rebuild would publish the same marts.
    """
    lake = lake_of(settings)
    return _inputs_digest(lake, run_id, _parsed_files(lake), build_code_fingerprint(settings))


def _inputs_digest(lake: Lake, run_id: str, parsed_files: ParsedFiles, code: str) -> str:
    """`build_inputs_fingerprint` from an already-walked lake and the build-code digest."""
    h = hashlib.sha256()
    for line in parsed_files.values():
        h.update(line)
    ledger = lake.table_dir("ledger") / f"{run_id}.parquet"
    if ledger.exists():
        import pyarrow.parquet as pq

        rows = pq.read_table(ledger, columns=["source_file", "sha256", "status", "reason"]).to_pylist()
        for r in sorted(rows, key=lambda r: (r["source_file"], r["sha256"] or "")):
            if r["status"] in ("new", "unchanged"):  # first sighting or not: the parsed lake tells the rest
                r["status"] = "current"
            h.update("\0".join(str(r[k]) for k in ("source_file", "sha256", "status", "reason")).encode() + b"\n")
    h.update(code.encode())
    return h.hexdigest()


# (table, file name) → a line of the file's path under the lake, size and mtime.
ParsedFiles = dict[tuple[str, str], bytes]


def _parsed_files(lake: Lake) -> ParsedFiles:
    """Every parsed lake file → a line of its name, size and mtime (documents are written once, atomically).

    One `os.scandir` per table folder, in path order, keyed by (table, name): the walk runs every night over
    every lake file (51,000 at 10,000 reports), where a `Path` object, `stat` and `relative_to` per file cost
    twice as much (docs/BENCHMARKS.md).
    """
    out: ParsedFiles = {}
    prefix = lake.parsed_dir.relative_to(lake.root).as_posix()
    if not lake.parsed_dir.is_dir():
        return out
    for table in sorted(e.name for e in os.scandir(lake.parsed_dir) if e.is_dir()):
        with os.scandir(lake.parsed_dir / table) as entries:
            files = sorted((e.name, e) for e in entries if e.name.endswith(".parquet") and e.is_file())
        for name, entry in files:
            st = entry.stat()
            out[(table, name)] = f"{prefix}/{table}/{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode()
    return out


def loaded_batches_digest(parsed_files: ParsedFiles, batches: list[str]) -> str:
    """A digest of the lake files of the given batches. An incremental build trusts that the files of the
    batches already in the published warehouse did not change since; this checks it (a file rewritten or
    lost in the lake forces a full build, which re-reads and re-tests everything)."""
    h = hashlib.sha256()
    for batch in batches:
        name = f"{batch}.parquet"
        for table in PARSED_TABLES:
            h.update(parsed_files.get((table, name), b"missing\n"))
    return h.hexdigest()


def _committed_batches(parsed_files: ParsedFiles) -> list[str]:
    """The batches parsed into the lake (their `documents` files, less the schema file)."""
    return sorted(name.removesuffix(".parquet") for table, name in parsed_files
                  if table == "documents" and not name.startswith("_"))


def build_code_fingerprint(settings: Settings) -> str:
    """A digest of what turns lake rows into warehouse rows: the dbt project, suites and report code, the
    owners file and the extractor version the lake was parsed with.

    Equal to the published build's → the night may build incrementally on a copy of the published file (rows
    already there are still right); different → everything is rebuilt from the lake.
    """
    from importlib.metadata import version

    h = hashlib.sha256(lake_of(settings).parsed_dir.name.encode())
    h.update(settings.owners_file.read_bytes() if settings.owners_file.exists() else b"")
    h.update(" ".join(f"{name}=={version(name)}" for name in BUILD_ENGINES).encode())
    for pattern in BUILD_CODE_GLOBS:
        for path in sorted(PROJECT_ROOT.glob(pattern)):
            if "/target/" not in path.as_posix() and path.is_file():
                h.update(path.relative_to(PROJECT_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


# The build state is kept inside the warehouse it describes (so a restored `.previous.duckdb` brings its own
# state back, and a skip check can never trust a record of another file).
STATE_TABLE = "pipeline_state.build_state"


def read_build_state(warehouse: Path) -> dict:
    """What the given warehouse file was built from ({} without a file or a state in it)."""
    if not warehouse.exists():
        return {}
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            row = con.execute(f"select state from {STATE_TABLE}").fetchone()
    except duckdb.Error:
        return {}
    try:
        return json.loads(row[0]) if row else {}
    except ValueError:
        return {}


def _write_build_state(database: Path, state: dict) -> None:
    with duckdb.connect(str(database)) as con:
        con.execute("create schema if not exists pipeline_state")
        con.execute(f"create or replace table {STATE_TABLE} as select ?::varchar as state", [json.dumps(state)])


def _published_paths(warehouse: Path) -> dict[str, str]:
    """document_id → source_file of the published warehouse's current documents."""
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return dict(con.execute("select document_id, source_file from marts.dim_document").fetchall())
    except duckdb.Error:
        return {}


def _inputs_path(candidate: Path) -> Path:
    return candidate.with_name(candidate.name + ".inputs.json")


def build_stage(settings: Settings, run_id: str, force: bool = False) -> BuildResult:
    """dbt build (models + tests, quality marts excluded) into a candidate file.

    When nothing the warehouse depends on changed since the published build (the nightly no-op), nothing
    is built: the result says `skipped` and the later stages leave the published warehouse as it is. When
    only the lake changed (new documents landed), the candidate starts as a copy of the published file and
    the incremental models add and drop documents (mode `incremental`); otherwise, or with `force`, it is
    built from scratch (mode `full`).
    """
    candidate = candidate_path(settings)
    lake = lake_of(settings)
    lake.drop_uncommitted()  # under the exclusive lock: no batch is being written
    parsed_files = _parsed_files(lake)  # one walk of the lake serves the fingerprint and both digests
    code = build_code_fingerprint(settings)
    fingerprint = _inputs_digest(lake, run_id, parsed_files, code)
    published = read_build_state(settings.warehouse_path)
    if not force and published.get("fingerprint") == fingerprint:
        return BuildResult(None, reason=f"{UNCHANGED_REASON} {published.get('run_id')}")
    candidate.parent.mkdir(parents=True, exist_ok=True)
    discard_candidate(settings)
    with _candidate_discarded_on_failure(settings):
        return _build_candidate(settings, run_id, lake, parsed_files, code, fingerprint, published, force)


def _build_candidate(settings: Settings, run_id: str, lake: Lake, parsed_files: ParsedFiles, code: str,
                     fingerprint: str, published: dict, force: bool) -> BuildResult:
    """`build_stage` past its skip check: the candidate, a copy of the published file or fresh, then dbt."""
    candidate = candidate_path(settings)
    incremental = (not force and bool(published) and published.get("build_code") == code
                   and published.get("batches_digest")
                   == loaded_batches_digest(parsed_files, published.get("batches", []))
                   and not _documents_moved(settings.warehouse_path, current_document_paths(lake)))
    mode: BuildMode = "incremental" if incremental else "full"
    if incremental:
        copy_atomic(settings.warehouse_path, candidate)
    batches = _committed_batches(parsed_files)
    _inputs_path(candidate).write_text(json.dumps({
        "fingerprint": fingerprint, "build_code": code, "run_id": run_id, "mode": mode,
        "batches": batches, "batches_digest": loaded_batches_digest(parsed_files, batches),
        "base_run_id": published.get("run_id") if incremental else None}), encoding="utf-8")
    result = run_dbt(["build", "--exclude", DQ_SELECTOR], settings.dbt_project_dir, candidate, lake)
    return BuildResult(mode, candidate=str(candidate), seconds=round(result.seconds, 2), statuses=result.statuses)


def discard_candidate(settings: Settings) -> None:
    """Delete the candidate and everything beside it (its WAL, its record, a half copy): a failed night must
    not leave a warehouse-sized file behind (on a full disk, it is what filled it)."""
    candidate = candidate_path(settings)
    for path in (candidate, Path(str(candidate) + ".wal"), _inputs_path(candidate),
                 candidate.with_name(candidate.name + ".partial")):
        path.unlink(missing_ok=True)


@contextmanager
def _candidate_discarded_on_failure(settings: Settings) -> Iterator[None]:
    """Run a stage that writes the candidate; if it fails, discard the candidate (a full disk is said so)."""
    from pipeline.transform import NoSpaceLeft, no_space_left

    try:
        yield
    except NoSpaceLeft:
        discard_candidate(settings)
        raise
    except OSError as exc:
        discard_candidate(settings)
        if exc.errno == errno.ENOSPC:
            raise no_space_left(Path(exc.filename).parent if exc.filename else settings.warehouse_path.parent,
                                str(exc)) from exc
        raise
    except BaseException:
        discard_candidate(settings)
        raise


def copy_atomic(source: Path, target: Path) -> None:
    """Copy a closed DuckDB file under a temporary name, then rename: a crash leaves no half-copied candidate."""
    import shutil

    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def _documents_moved(warehouse: Path, current: dict[str, str]) -> bool:
    """Whether a document of the published warehouse is now carried by another path (renamed, or a duplicate
    whose original changed): its rows there name the old path, so the night builds everything again."""
    return any(current.get(doc, path) != path for doc, path in _published_paths(warehouse).items())


def validate_stage(settings: Settings, run_id: str) -> ValidateResult:
    """GX over the candidate; store results and this run's findings in the lake; build the quality marts."""
    with _candidate_discarded_on_failure(settings):
        return _validate_candidate(settings, run_id)


def _validate_candidate(settings: Settings, run_id: str) -> ValidateResult:
    from expectations.validate import extraction_findings, validate_warehouse, with_finding_keys

    lake = lake_of(settings)
    candidate = candidate_path(settings)
    docs_dir = settings.reports_dir / "data_docs"
    inputs = _candidate_inputs(settings)
    drop_unpublished_quality(settings, run_id)
    started = time.perf_counter()
    outcome = validate_warehouse(candidate, run_id, docs_dir=docs_dir, baseline=validation_baseline(settings, inputs))
    run_at = datetime.now(UTC)
    findings = with_finding_keys(extraction_findings(candidate) + outcome.findings, run_id, run_at)
    lake.write_rows("gx_results", run_id, outcome.results)
    lake.write_rows("finding_history", run_id, findings)
    gx_seconds = time.perf_counter() - started
    result = run_dbt(["build", "--select", DQ_SELECTOR], settings.dbt_project_dir, candidate, lake)
    started = time.perf_counter()
    dbt_docs, docs_kept = generate_dbt_docs(settings, candidate, inputs.get("build_code"))
    docs_seconds = time.perf_counter() - started
    failed = [r for r in outcome.results if not r["success"]]
    return ValidateResult(
        findings=len(findings), expectations=len(outcome.results), failed_expectations=len(failed),
        carried_forward=outcome.carried, gx_seconds=round(gx_seconds, 2), dbt_seconds=round(result.seconds, 2),
        dbt_docs_seconds=round(docs_seconds, 2), dbt_docs_kept=docs_kept, data_docs=str(docs_dir / "index.html"),
        dbt_docs=str(dbt_docs))


def validation_baseline(settings: Settings, inputs: dict):  # type: ignore[no-untyped-def]
    """After an incremental build (`inputs`: what the build stage recorded about the candidate): the published
    warehouse and its run's GX results and findings, so the document- and row-scoped suites validate only what
    the build changed. None after a full build, or when the published run left no results in the lake (then
    everything is validated)."""
    from expectations.validate import Baseline

    base_run = inputs.get("base_run_id")
    lake = lake_of(settings)
    results, findings = (lake.table_dir(t) / f"{base_run}.parquet" for t in ("gx_results", "finding_history"))
    if inputs.get("mode") != "incremental" or not base_run or not results.exists() or not findings.exists():
        return None
    import pyarrow.parquet as pq

    return Baseline(settings.warehouse_path, pq.read_table(results).to_pylist(), pq.read_table(findings).to_pylist())


def _candidate_inputs(settings: Settings) -> dict:
    """What the build stage recorded about the candidate (mode, build code, documents); {} without one."""
    try:
        return json.loads(_inputs_path(candidate_path(settings)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def generate_dbt_docs(settings: Settings, database: Path, build_code: str | None = None) -> tuple[Path, bool]:
    """`dbt docs generate --static` against the candidate: one self-contained page under REPORTS_DIR/dbt_docs/.

    The docs describe models and columns only (dbt-duckdb's catalog has names, types and comments, no row
    counts), so docs generated from the same build code (project, suites, engine versions) are kept rather
    than regenerated: a dbt process less on most nights. Returns the page and whether it was kept.
    """
    import shutil

    out = settings.reports_dir / "dbt_docs"
    stamp, page = out / "build_code.txt", out / "index.html"
    files = [page, out / "manifest.json", out / "catalog.json"]
    if build_code and stamp.exists() and stamp.read_text(encoding="utf-8") == build_code and all(
            f.exists() for f in files):
        return page, True
    run_dbt(["docs", "generate", "--static"], settings.dbt_project_dir, database, lake_of(settings))
    out.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)  # stale until all three files are this build's
    target = database.parent / ".dbt" / "target"
    for source, dest in zip(("static_index.html", "manifest.json", "catalog.json"), files, strict=True):
        shutil.copyfile(target / source, dest)
    if build_code:
        stamp.write_text(build_code, encoding="utf-8")
    return page, False


def _publish_state_path(settings: Settings) -> Path:
    """The publication a promoted run still owes (its reports and e-mails); in the lake, beside the ledger."""
    return settings.lake_dir / "state" / "publish.json"


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
        return value if isinstance(value, dict) else {}
    except (OSError, ValueError):
        return {}


def promote_stage(settings: Settings, run_id: str) -> PromoteResult:
    """Move the candidate over the published warehouse in one rename, keeping the previous file.

    Readers holding the old file open keep reading it (the inode lives on); new readers see the new one.
    Before the rename the candidate gets its build state (what it was built from) and the lake a note
    that this run's reports are owed: a run killed after the rename has its publication finished by the next.
    """
    candidate = candidate_path(settings)
    if not candidate.exists():
        raise FileNotFoundError(f"no candidate warehouse at {candidate}: the build did not run or failed")
    inputs = _inputs_path(candidate)
    _write_build_state(candidate, _read_json(inputs) or {"run_id": run_id})
    write_bytes_atomic(_publish_state_path(settings), json.dumps({"run_id": run_id, "sent": []}).encode())
    published = settings.warehouse_path
    previous = published.with_name(published.stem + ".previous.duckdb")
    if published.exists():
        staging = previous.with_name(previous.name + ".tmp")
        staging.unlink(missing_ok=True)
        os.link(published, staging)  # a second name for the same inode: instant, no copy
        os.replace(staging, previous)
    os.replace(candidate, published)
    inputs.unlink(missing_ok=True)
    record_promoted(lake_of(settings), run_id)
    return PromoteResult(str(published), str(previous) if previous.exists() else None)


def record_promoted(lake: Lake, run_id: str) -> None:
    """Note in the lake that `run_id` was published: its GX results and findings are history from now on."""
    now = datetime.now(UTC)
    write_bytes_atomic(_notes_marker(lake), b"")
    lake.write_rows("runs", f"promoted-{run_id}", [{
        "run_id": run_id, "started_at": None, "finished_at": now, "status": "promoted", "n_new": None,
        "n_ingested": None, "n_quarantined": None, "seconds": None}])


def promoted_runs(settings: Settings) -> set[str] | None:
    """The runs whose quality results were published: noted in the lake at promotion, or held by the
    published warehouse (a run killed between the rename and the note). None when neither says anything
    (a lake from before the notes, its warehouse deleted): then every run of the lake counts."""
    import pyarrow.compute as pc

    runs = lake_of(settings).read_table("runs")
    noted = set(runs.filter(pc.equal(runs["status"], "promoted"))["run_id"].to_pylist())
    held: set[str] = set()
    if settings.warehouse_path.exists():
        try:
            with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
                held = {r[0] for r in con.execute("select distinct run_id from marts.fct_gx_result").fetchall()}
        except duckdb.Error:
            held = set()
    if not noted and not held and not _notes_marker(lake_of(settings)).exists():
        return None
    return noted | held


def _notes_marker(lake: Lake) -> Path:
    """Present when the lake notes every promotion (a lake from before the notes does not)."""
    return lake.root / "state" / "promotions_noted"


def drop_unpublished_quality(settings: Settings, run_id: str) -> list[str]:
    """Delete the GX results and findings of runs that validated but were never promoted (killed, or
    failed after validation): they must not count as history, or tonight's findings would read `open`.
    Call under the exclusive run lock. Returns the run ids dropped."""
    keep = promoted_runs(settings)
    lake = lake_of(settings)
    if keep is None:
        if not any(p for t in ("gx_results", "finding_history") for p in lake.table_dir(t).glob("[!_]*.parquet")):
            write_bytes_atomic(_notes_marker(lake), b"")  # a new lake: every promotion will be noted
        return []
    dropped: set[str] = set()
    for table in ("gx_results", "finding_history"):
        for path in lake.table_dir(table).glob("*.parquet"):
            if not path.name.startswith("_") and path.stem not in keep and path.stem != run_id:
                path.unlink(missing_ok=True)
                dropped.add(path.stem)
    return sorted(dropped)


def publish_stage(settings: Settings, smtp: dict | None = None) -> PublishResult:
    """Finish the publication the last promoted run owes: owner reports (HTML + CSV) from the published
    warehouse, the overview, and e-mail when SMTP is configured.

    A night is complete when its reports are written and its e-mails sent: until then the lake keeps the
    debt (`state/publish.json`), and the next run (even one that builds nothing) pays it, sending only the
    e-mails not yet sent. A newer promotion replaces an older debt (its reports supersede the older ones).
    """
    from publish.delivery import deliver
    from publish.overview import build_overview
    from publish.owner_reports import write_owner_reports

    state_path = _publish_state_path(settings)
    owed = _read_json(state_path)
    if not owed:
        return PublishResult()
    published_run = read_build_state(settings.warehouse_path).get("run_id")
    if owed.get("run_id") != published_run:  # the run that noted it was killed before its rename
        state_path.unlink(missing_ok=True)
        return PublishResult()
    reports = write_owner_reports(settings.warehouse_path, settings.reports_dir, published_run)
    overview = build_overview(settings.warehouse_path, settings.reports_dir, published_run)
    already = set(owed.get("sent") or [])
    delivery = deliver([r for r in reports if not r.email or r.email not in already],
                       smtp if smtp is not None else smtp_from_settings(settings))
    sent = sorted(already | set(delivery.sent))
    if delivery.failed:
        write_bytes_atomic(state_path, json.dumps({"run_id": published_run, "sent": sent}).encode())
    else:
        state_path.unlink(missing_ok=True)
    return PublishResult(published_run, tuple(reports), str(overview), delivery, complete=not delivery.failed)


def smtp_from_settings(settings: Settings) -> dict | None:
    if not settings.smtp_host:
        return None
    return {"host": settings.smtp_host, "port": settings.smtp_port, "user": settings.smtp_user,
            "password": settings.smtp_password, "sender": settings.smtp_sender}


# --- summary --------------------------------------------------------------------------------------------

SUMMARY_TABLES = ["dim_document", "dim_report", "fct_metric", "fct_plan_target", "fct_total_check",
                  "fct_plan_attainment", "fct_dq_finding", "agg_dq_by_owner", "fct_gx_result", "ingest_ledger"]


@dataclass(frozen=True, slots=True)
class CheckFindings:
    check: str
    severity: str
    open: int
    new: int
    resolved: int


@dataclass(frozen=True, slots=True)
class QuarantinedFile:
    file: str
    reason: str


@dataclass(frozen=True, slots=True)
class RunSummary:
    """Rows per mart, findings per check and where the warehouse and its reports are."""
    rows: dict[str, int]  # mart → rows
    findings: tuple[CheckFindings, ...]
    ledger: dict[str, int]  # ledger status → landed paths
    quarantined: tuple[QuarantinedFile, ...]
    linked_mentions: int  # metric mentions linked to a canonical metric
    mentions: int
    # `unclear` relations are no findings (the parts may cover the total only in part): counted here instead.
    total_checks: dict[str, int]  # consistent / mismatch / unclear → relations
    warehouse: str
    reports_dir: str
    quality_reports: str
    data_docs: str
    dbt_docs: str
    overview: str

    @property
    def linked_share(self) -> float | None:
        return round(self.linked_mentions / self.mentions, 4) if self.mentions else None


def summarize(settings: Settings) -> RunSummary:
    """Rows per mart, findings per check and the paths of what was built (read-only)."""
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in SUMMARY_TABLES}
        findings = con.execute(
            "select check_name, severity, count(*) filter (where status <> 'resolved') as open, "
            "count(*) filter (where status = 'new') as new, count(*) filter (where status = 'resolved') as resolved "
            "from marts.fct_dq_finding group by all order by check_name").fetchall()
        ledger = dict(con.execute("select status, count(*) from marts.ingest_ledger group by all").fetchall())
        linked, mentions = con.execute("select count(metric_code), count(*) from marts.fct_metric").fetchone()
        totals = dict(con.execute("select status, count(*) from marts.fct_total_check group by all").fetchall())
        quarantined = con.execute("select source_file, reason from marts.ingest_ledger where status = 'quarantined' "
                                  "order by source_file").fetchall()
    return RunSummary(
        rows=rows, findings=tuple(CheckFindings(*f) for f in findings), ledger=ledger,
        quarantined=tuple(QuarantinedFile(*q) for q in quarantined), linked_mentions=linked, mentions=mentions,
        total_checks={status: totals.get(status, 0) for status in ("consistent", "mismatch", "unclear")},
        warehouse=str(settings.warehouse_path), reports_dir=str(settings.reports_dir),
        quality_reports=str(settings.reports_dir / "quality"),
        data_docs=str(settings.reports_dir / "data_docs" / "index.html"),
        dbt_docs=str(settings.reports_dir / "dbt_docs" / "index.html"),
        overview=str(settings.reports_dir / "overview" / "index.html"))


def format_summary(summary: RunSummary) -> str:
    lines = ["Rows per mart:"]
    lines += [f"  marts.{t:<22} {n:>8}" for t, n in summary.rows.items()]
    lines.append("Ledger: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.ledger.items())))
    if summary.quarantined:
        lines.append("Quarantined files (not read; listed in the default owner's quality report):")
        lines += [f"  {q.file}: {q.reason}" for q in summary.quarantined]
    share = summary.linked_share
    lines.append(f"Canonical metrics: {summary.linked_mentions} of {summary.mentions} mentions linked"
                 + (f" ({share:.0%})" if share is not None else ""))
    checks = summary.total_checks
    lines.append(f"Totals with parts: {checks['consistent']} consistent, {checks['mismatch']} mismatch, "
                 f"{checks['unclear']} unclear (parts that may cover the total only in part; not findings)")
    lines.append("Findings per check (open / new / resolved):")
    lines += [f"  {f.check:<34} {f.severity:<8} {f.open:>5} {f.new:>5} {f.resolved:>5}"
              for f in summary.findings] or ["  (none)"]
    lines.append(f"Warehouse:       {summary.warehouse}")
    lines.append(f"Quality reports: {summary.quality_reports}")
    lines.append(f"GX Data Docs:    {summary.data_docs}")
    lines.append(f"dbt docs:        {summary.dbt_docs}")
    lines.append(f"Overview:        {summary.overview}")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class RunResult:
    """A whole run (`run_all`): each stage's result (None for a stage that did not run), their seconds, and the
    summary of the warehouse it left."""
    run_id: str
    timings: dict[str, float]  # stage → seconds, for the stages that ran
    lake_repair: LakeRepair
    ingest: tuple[dict, ...]  # one `documents` row per document parsed (status, reason, counts, seconds)
    build: BuildResult
    validate: ValidateResult | None
    promote: PromoteResult | None
    publish: PublishResult | None  # None when no publication was owed
    summary: RunSummary

    @property
    def parsed(self) -> int:
        return len(self.ingest)

    @property
    def quarantined(self) -> int:
        return sum(r["status"] == "quarantined" for r in self.ingest)

    @property
    def skipped(self) -> bool:
        return self.build.skipped


def reprocess(settings: Settings, progress: Callable[[str], None] | None = None,
              doc_progress: Callable[[int], None] | None = None) -> RunResult:
    """Parse every landed document again (after a grammar change without a version bump), then rebuild.

    The current parse is moved aside first and restored if the run fails, so a failed reprocess loses nothing.
    """
    import shutil

    parsed = lake_of(settings).parsed_dir
    aside = parsed.with_name(parsed.name + f".before-reprocess-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}")
    with run_lock(settings):
        if parsed.exists():
            os.replace(parsed, aside)
    try:
        out = run_all(settings, progress=progress, doc_progress=doc_progress, force=True)
    except BaseException:
        if aside.exists():
            shutil.rmtree(parsed, ignore_errors=True)
            os.replace(aside, parsed)
        raise
    shutil.rmtree(aside, ignore_errors=True)
    return out


def describe_carried(carried: dict[str, CarriedSuite]) -> str:
    """One line on what an incremental validation checked and what it took from the published run."""
    parts = []
    for suite, c in sorted(carried.items()):
        if c.validated_whole is not None:
            parts.append(f"{suite} whole ({c.validated_whole})")
        else:
            parts.append(f"{suite} {c.validated} {c.unit} (+{c.removed} removed)")
    kept = sum(c.carried_findings for c in carried.values())
    return f"only changes validated: {', '.join(parts)}; {kept} findings carried from the published run"


def run_all(settings: Settings, run_id: str | None = None, progress: Callable[[str], None] | None = None,
            doc_progress: Callable[[int], None] | None = None, force: bool = False) -> RunResult:
    """The whole nightly run without Airflow (the `warehouse run` command; the benchmark times it too).

    `progress` gets one line as each stage ends; `doc_progress` the number of documents to parse, once per
    document parsed."""
    run_id = run_id or new_run_id()
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}

    def timed(stage: str, fn: Callable[..., _T], *args: object, **kwargs: object) -> _T:
        started = time.perf_counter()
        out = fn(*args, **kwargs)
        timings[stage] = time.perf_counter() - started
        return out

    validated: ValidateResult | None = None
    promoted: PromoteResult | None = None
    with run_lock(settings):
        repair = timed("repair", repair_lake, settings)
        if repair.damaged_batches:
            say(repair.describe())
        todo = timed("discover", discover_stage, settings, run_id, repair=False)
        say(f"discover: {len(todo)} new document(s) to parse")
        parsed = timed("ingest", ingest_all, settings, todo,
                       progress=(lambda: doc_progress(len(todo))) if doc_progress else None)
        quarantined = sum(p["status"] == "quarantined" for p in parsed)
        say(f"ingest: {len(parsed) - quarantined} parsed, {quarantined} quarantined")
        built = timed("build", build_stage, settings, run_id, force=force)
        if built.skipped:
            say(f"build: skipped, {built.reason}: the published warehouse and reports stay as they are")
        else:
            say(f"build: {built.mode} build done in {timings['build']:.1f}s")
            validated = timed("validate", validate_stage, settings, run_id)
            say(f"validate: done in {timings['validate']:.1f}s")
            if validated.carried_forward:
                say(f"validate: {describe_carried(validated.carried_forward)}")
            promoted = timed("promote", promote_stage, settings, run_id)
            say(f"promote: done in {timings['promote']:.1f}s")
        published = timed("publish", publish_stage, settings)  # also what an earlier run left undone
        if published.published_run == run_id:
            say(f"publish: done in {timings['publish']:.1f}s")
        elif published.published_run:
            say(f"publish: finished the publication of run {published.published_run}, left undone")
        if not published.complete:
            say(f"publish: {len(published.delivery.failed)} e-mail(s) failed; the next run sends them again")
    return RunResult(run_id=run_id, timings=timings, lake_repair=repair, ingest=tuple(parsed), build=built,
                     validate=validated, promote=promoted,
                     publish=published if published.published_run else None, summary=summarize(settings))
