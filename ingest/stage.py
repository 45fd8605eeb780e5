"""The ingest stage: find what landed, then parse the new documents into the lake, a batch at a time.

`discover` is the single writer of the run's ledger file; `ingest_batch` writes only its own batch's files
(named by the batch's documents), so any number of batches can be parsed at once (Airflow mapped tasks or a
process pool).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingest.document import parse_text, rows_for_lake
from ingest.errors import Unreadable
from ingest.findings import Finding
from ingest.lake import PARSED_TABLES, Lake, write_bytes_atomic
from ingest.limits import Limits
from ingest.readers import UTF8_CUT, read_document

SKIPPED_NAME_PREFIXES = (".", "~$")
SKIPPED_NAME_SUFFIXES = (".tmp", ".part", ".crdownload", ".swp")


@dataclass(frozen=True)
class LandedFile:
    source_file: str  # path relative to the landing folder, with forward slashes
    sha256: str
    size_bytes: int
    status: str  # new | unchanged | duplicate | quarantined
    reason: str | None = None


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def _stat_key(st: os.stat_result) -> list[int]:
    """What changes whenever a file's bytes may have: size, mtime, inode and ctime. ctime cannot be set back
    from user space (unlike mtime with `touch -d`), so a same-size rewrite that restores the mtime is still seen."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _hash_cache_path(lake: Lake) -> Path:
    return lake.root / "state" / "landing_hashes.json"


def _read_hash_cache(lake: Lake) -> dict[str, list]:
    """path → [size, mtime_ns, ctime_ns, inode, sha256] from the last discover; {} when missing or unreadable."""
    try:
        cache = json.loads(_hash_cache_path(lake).read_text(encoding="utf-8"))
        return cache if isinstance(cache, dict) else {}
    except (OSError, ValueError):
        return {}


def _landed_paths(landing: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(landing, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(SKIPPED_NAME_PREFIXES) or name.endswith(SKIPPED_NAME_SUFFIXES):
                continue
            out.append(Path(dirpath) / name)
    return out


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve(strict=True).relative_to(root.resolve())
        return True
    except (ValueError, OSError):
        return False


# Ledger statuses of a path whose bytes are (or were, before it left the landing folder) its document.
CURRENT_STATUSES = ("new", "unchanged")


def discover(landing: Path, lake: Lake, run_id: str) -> list[LandedFile]:
    """Every file in the landing folder with its status for this run; writes the run's ledger file.

    `new` files are the ones to parse: bytes never parsed by this extractor version. Bytes held by several
    paths now are parsed once, under one of them (the path that already carried them, else the first landed
    path); the others are `duplicate` of it. Only what the landing folder holds now decides this: bytes seen
    before but never parsed, or held before by a path that now holds other bytes, are parsed again.
    A path that left the landing folder keeps its document (the lake keeps what landed) unless its bytes
    landed again under another path: then that path carries them and the vanished one becomes its duplicate.
    """
    landing = Path(landing)
    if not landing.is_dir():
        raise FileNotFoundError(f"landing folder {landing} does not exist (set LANDING_DIR or --landing)")
    lake.init()
    lake.drop_uncommitted()  # a run killed while writing a batch: its documents are parsed again below
    history = latest_sightings(lake)
    parsed = lake.parsed_document_ids()
    cached, hashed = _read_hash_cache(lake), {}
    files: list[LandedFile] = []
    present: list[tuple[str, str, int]] = []
    listed: set[str] = set()
    for path in _landed_paths(landing):
        rel = path.relative_to(landing).as_posix()
        listed.add(rel)
        if path.is_symlink() and not _inside(path, landing):
            files.append(LandedFile(rel, "", 0, "quarantined", "symlink pointing outside the landing folder (not followed)"))
            continue
        try:  # a file unchanged since the last discover keeps its digest: every landed byte is not read each night
            key = _stat_key(path.stat())
            entry = cached.get(rel)
            digest = entry[-1] if entry and entry[:-1] == key else sha256_of(path)
            hashed[rel] = [*key, digest]
        except OSError as exc:
            files.append(LandedFile(rel, "", 0, "quarantined", f"cannot read: {exc.strerror or exc}"))
            continue
        present.append((rel, digest, key[0]))
    holders: dict[str, list[str]] = {}
    for rel, digest, _ in present:
        holders.setdefault(digest, []).append(rel)
    primary = {digest: _primary(paths, digest, history) for digest, paths in holders.items()}
    for rel, digest, size in present:
        if primary[digest] != rel:
            files.append(LandedFile(rel, digest, size, "duplicate", f"same bytes as {primary[digest]}"))
        else:
            files.append(LandedFile(rel, digest, size, "unchanged" if digest in parsed else "new"))
    for rel, (digest, status) in sorted(history.items()):  # vanished paths whose bytes landed again elsewhere
        if rel not in listed and status in CURRENT_STATUSES and digest in primary:
            files.append(LandedFile(rel, digest, 0, "duplicate", f"same bytes as {primary[digest]}"))
    now = datetime.now(UTC)
    lake.write_rows("ledger", run_id, [
        {"run_id": run_id, "source_file": f.source_file, "sha256": f.sha256, "size_bytes": f.size_bytes,
         "status": f.status, "reason": f.reason, "extractor_version": lake.extractor_version, "seen_at": now}
        for f in files
    ])
    write_bytes_atomic(_hash_cache_path(lake), json.dumps(hashed).encode())
    return files


def _primary(paths: list[str], digest: str, history: dict[str, tuple[str, str]]) -> str:
    """Which of the paths holding the same bytes carries them: the one that carried them at its last
    sighting (so a new copy never takes them over), else the first in landing order."""
    for rel in paths:
        last_digest, last_status = history.get(rel, ("", ""))
        if last_digest == digest and last_status in CURRENT_STATUSES:
            return rel
    return paths[0]


def latest_sightings(lake: Lake) -> dict[str, tuple[str, str]]:
    """path → (sha256, status) of its latest sighting in every run's ledger (by time, then run id: the
    order `current_document_ids` in dbt uses)."""
    folder = lake.table_dir("ledger")
    if not any(folder.glob("*.parquet")):
        return {}
    import duckdb

    with duckdb.connect() as con:
        rows = con.execute(
            "select source_file, arg_max(coalesce(sha256, ''), (seen_at, run_id)), arg_max(status, (seen_at, run_id)) "
            "from read_parquet(?, union_by_name = true) group by source_file",
            [str(folder / "*.parquet")]).fetchall()
    return {path: (digest, status) for path, digest, status in rows}


def current_document_paths(lake: Lake) -> dict[str, str]:
    """document_id → the path that carries it now (dbt's `current_document_paths`, from the same ledger)."""
    return {digest: rel for rel, (digest, status) in sorted(latest_sightings(lake).items())
            if status in CURRENT_STATUSES and digest}


def batch_name(document_ids: list[str]) -> str:
    """A batch's file name, from its documents: a retried batch overwrites its own files, never adds a copy."""
    return "batch-" + hashlib.sha256("\n".join(sorted(document_ids)).encode()).hexdigest()[:32]


def ingest_batch(landing: Path, lake: Lake, documents: list[dict], limits: Limits | None = None,
                 skip_parsed: bool = False) -> list[dict]:
    """Parse a batch of landed documents (`source_file`, `sha256`) into one lake file per table.

    A bad file ends quarantined with its reason and never stops the batch. The `documents` file is written
    last: it commits the batch, so a batch killed half-way leaves orphans that the next discover drops, and
    its documents are parsed again. `skip_parsed` leaves out documents a committed batch already holds
    (an Airflow retry, or another run that parsed them meanwhile). Returns one result per document, the
    batch's write time shared out among its documents.
    """
    limits = limits or Limits.from_env()
    if skip_parsed:
        done = lake.parsed_document_ids()
        documents = [d for d in documents if d["sha256"] not in done]
    tables: dict[str, list[dict]] = {t: [] for t in PARSED_TABLES}
    results: list[dict] = []
    for doc in documents:
        result, rows = _parse_one(landing, lake, doc["source_file"], doc["sha256"], limits)
        results.append(result)
        for table, table_rows in rows.items():
            tables[table].extend(table_rows)
    if not tables["documents"]:
        return results  # nothing to commit (every document failed transiently)
    started = time.perf_counter()
    in_batch = [row["document_id"] for row in tables["documents"]]  # not the transient failures
    batch = batch_name(in_batch)
    lake.write_batch(batch, tables)  # documents last: its file commits the batch
    written = {"batch": batch, "write_seconds": (time.perf_counter() - started) / len(in_batch)}
    return [r | written if r["document_id"] in in_batch else r for r in results]


def ingest_document(landing: Path, lake: Lake, source_file: str, sha256: str,
                    limits: Limits | None = None) -> dict:
    """Parse one landed document into the lake (a batch of one); never raises for a bad file."""
    return ingest_batch(landing, lake, [{"source_file": source_file, "sha256": sha256}], limits)[0]


def _parse_one(landing: Path, lake: Lake, source_file: str, sha256: str,
               limits: Limits) -> tuple[dict, dict[str, list[dict]]]:
    """One document's result and its rows per parsed table (none for a transient failure)."""
    started = time.perf_counter()
    path = Path(landing) / source_file
    base = {"document_id": sha256, "source_file": source_file, "extractor_version": lake.extractor_version}
    try:
        size = path.stat().st_size
        limits.check_bytes(size)
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise Unreadable("file changed while the run was reading it; it will be ingested next run")
        with time_limit(limits.max_parse_seconds):
            decoded = read_document(data, path.name, limits)
            read_done = time.perf_counter()
            parsed = parse_text(decoded.text)
    except ParseTimeLimit:
        return _quarantine(base, size, f"parse time limit: over INGEST_MAX_PARSE_SECONDS={limits.max_parse_seconds:g}",
                           started)
    except FileNotFoundError:
        return _transient(lake, base, "file disappeared before it could be read; it will be ingested if it lands again")
    except Unreadable as exc:
        if str(exc).startswith("file changed while"):
            return _transient(lake, base, str(exc))
        return _quarantine(base, path.stat().st_size if path.exists() else 0, str(exc), started)
    except (RecursionError, MemoryError, ValueError, IndexError, KeyError, TypeError, AssertionError) as exc:
        # a parser fault on hostile bytes: this document is quarantined, the rest of the batch lands
        return _quarantine(base, size, f"parser error: {type(exc).__name__}: {exc}"[:500], started)
    if decoded.encoding == UTF8_CUT and parsed.reports:
        parsed.findings.append(cut_off_finding(decoded.text, parsed.reports[-1][0].seq, len(data)))
    rows = rows_for_lake(sha256, source_file, parsed)
    doc = {**base, "format": decoded.format, "encoding": decoded.encoding, "size_bytes": len(data),
           "n_chars": len(decoded.text), "n_reports": len(rows["reports"]), "n_metrics": len(rows["metrics"]),
           "status": "ingested", "reason": None, "ingested_at": datetime.now(UTC),
           "parse_seconds": time.perf_counter() - started, "text": decoded.text}
    rows["documents"] = [doc]
    timings = {"read_seconds": read_done - started, "extract_seconds": time.perf_counter() - read_done,
               "write_seconds": 0.0}
    return {k: v for k, v in doc.items() if k not in ("text", "ingested_at")} | timings, rows


class ParseTimeLimit(Exception):
    """A document took longer than INGEST_MAX_PARSE_SECONDS to read and extract."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ParseTimeLimit in this block after `seconds` (a real-time timer: only in a main thread, where
    the parsing workers and Airflow tasks run; elsewhere the block runs unlimited)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise ParseTimeLimit

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def cut_off_finding(text: str, report_seq: int, size: int) -> Finding:
    """The finding of a UTF-8 file cut inside its last character, on the last line that was read."""
    last = text.rstrip().rsplit("\n", 1)[-1]
    end = len(text.rstrip())
    return Finding("text_cut_off", report_seq, end - len(last), end,
                   f"the file ({size} bytes) ends inside a UTF-8 character: read up to the cut, the incomplete "
                   "character dropped; the file may be truncated", last)


def _transient(lake: Lake, base: dict, reason: str) -> tuple[dict, dict[str, list[dict]]]:
    """A failure that says nothing about the bytes: record it in the ledger, not as a parsed document, so
    the same bytes are tried again when they land again."""
    now = datetime.now(UTC)
    lake.write_rows("ledger", f"ingest-{base['document_id']}-{now.strftime('%Y%m%dT%H%M%S%f')}", [{
        "run_id": "ingest", "source_file": base["source_file"], "sha256": base["document_id"], "size_bytes": 0,
        "status": "quarantined", "reason": reason, "extractor_version": lake.extractor_version, "seen_at": now}])
    return {**base, "format": None, "encoding": None, "size_bytes": 0, "n_chars": 0, "n_reports": 0,
            "n_metrics": 0, "status": "quarantined", "reason": reason, "parse_seconds": 0.0}, {}


def _quarantine(base: dict, size: int, reason: str, started: float) -> tuple[dict, dict[str, list[dict]]]:
    doc = {**base, "format": None, "encoding": None, "size_bytes": size, "n_chars": 0, "n_reports": 0,
           "n_metrics": 0, "status": "quarantined", "reason": reason, "ingested_at": datetime.now(UTC),
           "parse_seconds": time.perf_counter() - started, "text": None}
    return {k: v for k, v in doc.items() if k not in ("text", "ingested_at")}, {"documents": [doc]}
