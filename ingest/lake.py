"""The lake: Parquet files that ingest writes and dbt reads, each written atomically.

Layout under LAKE_DIR:
    parsed/v<EXTRACTOR_VERSION>/<table>/<batch>.parquet         what extraction read out of a batch of documents
    ledger/<run_id>.parquet                                     every file seen by every run (survives rebuilds)
    quality/<table>/<run_id>.parquet                            GX results and findings of each run
    config/owners.parquet                                       the owner mapping, as of the last run
Every table folder also holds `_empty.parquet` with the table's schema, so dbt can read a table before any
document has rows for it.

Parsed documents are written in batches, one file per table per batch: creating a file and DuckDB's scan of
one each cost per file, so one file per document (five per document) made the file count the largest cost of
ingest's writes and of a full dbt build (docs/BENCHMARKS.md, "the lake in batches"). A batch is committed when
its `documents` file exists: that file is written last, so the files of a batch killed half-way are
orphans, which `drop_uncommitted` deletes before the next run reads the lake. Lakes written one document
per file (batches of one, named by the document) read the same way.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

# Bump when extraction output changes: the next run parses everything again. 6: report structure read from
# front matter, headings and paragraph purpose; real-report number grammar; totals and parts found by structure.
EXTRACTOR_VERSION = "7"

_STR, _INT, _F64, _BOOL = pa.string(), pa.int64(), pa.float64(), pa.bool_()
_TS = pa.timestamp("us", tz="UTC")

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([
        ("document_id", _STR), ("source_file", _STR), ("format", _STR), ("encoding", _STR),
        ("size_bytes", _INT), ("n_chars", _INT), ("n_reports", _INT), ("n_metrics", _INT), ("status", _STR),
        ("reason", _STR), ("extractor_version", _STR), ("ingested_at", _TS), ("parse_seconds", _F64), ("text", _STR),
    ]),
    "reports": pa.schema([
        ("report_id", _STR), ("document_id", _STR), ("source_file", _STR), ("report_seq", _INT),
        ("char_start", _INT), ("char_end", _INT), ("title", _STR), ("title_char_start", _INT), ("org_name", _STR),
        ("report_year", _INT), ("plan_year", _INT), ("year_evidence", _STR), ("title_report_year", _INT),
        ("title_plan_year", _INT), ("title_has_placeholder_year", _BOOL), ("n_sentences", _INT),
    ]),
    "metrics": pa.schema([
        ("metric_id", _STR), ("report_id", _STR), ("document_id", _STR), ("source_file", _STR),
        ("report_seq", _INT), ("char_start", _INT), ("char_end", _INT), ("number_text", _STR), ("value", _F64),
        ("value_high", _F64), ("unit", _STR), ("classifier", _STR), ("approx", _STR), ("kind", _STR),
        ("subject", _STR), ("section", _STR), ("period", _STR), ("is_plan_target", _BOOL), ("sentence", _STR),
        ("heading_path", _STR),
    ]),
    "relations": pa.schema([
        ("check_id", _STR), ("report_id", _STR), ("document_id", _STR), ("source_file", _STR),
        ("relation", _STR), ("total_metric_id", _STR), ("total_value", _F64), ("parts_sum", _F64),
        ("part_metric_ids", pa.list_(_STR)), ("status", _STR), ("char_start", _INT), ("char_end", _INT),
        ("sentence", _STR), ("cue", _STR), ("tolerance", _F64), ("reading", _STR),
    ]),
    "findings": pa.schema([
        ("document_id", _STR), ("source_file", _STR), ("report_id", _STR), ("check_name", _STR),
        ("severity", _STR), ("char_start", _INT), ("char_end", _INT), ("message", _STR), ("evidence", _STR),
    ]),
    "ledger": pa.schema([
        ("run_id", _STR), ("source_file", _STR), ("sha256", _STR), ("size_bytes", _INT), ("status", _STR),
        ("reason", _STR), ("extractor_version", _STR), ("seen_at", _TS),
    ]),
    "gx_results": pa.schema([
        ("run_id", _STR), ("suite", _STR), ("expectation", _STR), ("check_name", _STR), ("column_name", _STR),
        ("success", _BOOL), ("element_count", _INT), ("unexpected_count", _INT), ("validated_at", _TS),
    ]),
    "finding_history": pa.schema([
        ("run_id", _STR), ("run_at", _TS), ("finding_key", _STR), ("check_name", _STR), ("severity", _STR),
        ("document_id", _STR), ("source_file", _STR), ("report_id", _STR), ("char_start", _INT),
        ("char_end", _INT), ("message", _STR), ("evidence", _STR), ("expected", _STR), ("org_name", _STR),
        ("report_year", _INT), ("owner_name", _STR), ("owner_email", _STR),
    ]),
    "runs": pa.schema([
        ("run_id", _STR), ("started_at", _TS), ("finished_at", _TS), ("status", _STR), ("n_new", _INT),
        ("n_ingested", _INT), ("n_quarantined", _INT), ("seconds", _F64),
    ]),
    "owners": pa.schema([
        ("priority", _INT), ("pattern", _STR), ("owner_name", _STR), ("owner_email", _STR), ("is_default", _BOOL),
        ("notify_clean", _BOOL),
    ]),
}

PARSED_TABLES = ("documents", "reports", "metrics", "relations", "findings")


class Lake:
    """Paths and atomic writes of the lake rooted at `root`."""

    def __init__(self, root: Path, extractor_version: str = EXTRACTOR_VERSION) -> None:
        self.root = Path(root)
        self.extractor_version = extractor_version

    @property
    def parsed_dir(self) -> Path:
        return self.root / "parsed" / f"v{self.extractor_version}"

    def table_dir(self, table: str) -> Path:
        if table in PARSED_TABLES:
            return self.parsed_dir / table
        if table == "ledger":
            return self.root / "ledger"
        if table == "owners":
            return self.root / "config"
        return self.root / "quality" / table

    def init(self) -> None:
        """Create every table folder with its `_empty.parquet` schema file (idempotent)."""
        for table, schema in SCHEMAS.items():
            d = self.table_dir(table)
            empty = d / "_empty.parquet"
            if not empty.exists():
                d.mkdir(parents=True, exist_ok=True)
                write_atomic(empty, schema.empty_table())

    def batch_path(self, table: str, batch: str) -> Path:
        return self.table_dir(table) / f"{batch}.parquet"

    def committed_batches(self) -> set[str]:
        """The batches whose `documents` file exists (their other tables' files were written before it)."""
        folder = self.table_dir("documents")
        if not folder.is_dir():
            return set()
        return {e.name.removesuffix(".parquet") for e in os.scandir(folder)
                if e.name.endswith(".parquet") and not e.name.startswith("_")}

    def parsed_document_ids(self) -> set[str]:
        """Every document of a committed batch (ingested or quarantined), read from the documents files."""
        files = [self.batch_path("documents", b) for b in sorted(self.committed_batches())]
        if not files:
            return set()
        import pyarrow.dataset as ds

        ids = ds.dataset(files, format="parquet", schema=SCHEMAS["documents"]).to_table(columns=["document_id"])
        return set(ids.column("document_id").to_pylist())

    def drop_uncommitted(self) -> list[Path]:
        """Delete the parsed files of batches that have no `documents` file (a run killed while writing them)
        and temporary files left by a killed write. Call only while no ingest can be writing (under the
        pipeline's exclusive run lock): a batch being written is uncommitted until its last file lands."""
        committed = self.committed_batches()
        dropped: list[Path] = []
        if self.checksum_dir.is_dir():  # checksums of a batch killed before its commit
            for entry in os.scandir(self.checksum_dir):
                if entry.name.removesuffix(".json") not in committed:
                    Path(entry.path).unlink(missing_ok=True)
                    dropped.append(Path(entry.path))
        for table in PARSED_TABLES:
            folder = self.table_dir(table)
            if not folder.is_dir():
                continue
            for entry in os.scandir(folder):
                name = entry.name
                orphan = (table != "documents" and name.endswith(".parquet") and not name.startswith("_")
                          and name.removesuffix(".parquet") not in committed)
                if orphan or (name.startswith(".") and name.endswith(".tmp")):
                    Path(entry.path).unlink(missing_ok=True)
                    dropped.append(Path(entry.path))
        return dropped

    @property
    def checksum_dir(self) -> Path:
        """`<batch>.json` per committed batch: the sha256 of each of its files, recorded as they were written."""
        return self.parsed_dir / "_checksums"

    def write_batch(self, batch: str, tables: dict[str, list[dict]]) -> None:
        """A batch's files, each atomically, with their checksums; the `documents` file last (it commits the
        batch). The checksums are written before the commit, so every committed batch has them."""
        blobs = {table: encode_rows(table, tables.get(table, [])) for table in PARSED_TABLES}
        for table in PARSED_TABLES:
            if table != "documents":
                write_bytes_atomic(self.batch_path(table, batch), blobs[table])
        sums = {table: hashlib.sha256(blob).hexdigest() for table, blob in blobs.items()}
        write_bytes_atomic(self.checksum_dir / f"{batch}.json", json.dumps(sums).encode())
        write_bytes_atomic(self.batch_path("documents", batch), blobs["documents"])

    def damaged_batches(self) -> dict[str, list[str]]:
        """Committed batches whose files are missing or differ from the checksums recorded at write
        (batch → the damaged tables). Batches written before checksums are checked for missing files only."""
        damaged: dict[str, list[str]] = {}
        for batch in sorted(self.committed_batches()):
            try:
                sums = json.loads((self.checksum_dir / f"{batch}.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                sums = {}
            bad = []
            for table in PARSED_TABLES:
                path = self.batch_path(table, batch)
                if not path.exists() or (table in sums and _sha256_file(path) != sums[table]):
                    bad.append(table)
            if bad:
                damaged[batch] = bad
        return damaged

    def drop_batches(self, batches: list[str]) -> None:
        """Delete every file of the given batches, the commit (`documents`) first: their documents are parsed
        again from the landed bytes by the next discover."""
        for batch in batches:
            for table in ("documents", *[t for t in PARSED_TABLES if t != "documents"]):
                self.batch_path(table, batch).unlink(missing_ok=True)
            (self.checksum_dir / f"{batch}.json").unlink(missing_ok=True)

    def write_rows(self, table: str, name: str, rows: list[dict]) -> Path:
        path = self.table_dir(table) / f"{name}.parquet"
        write_atomic(path, pa.Table.from_pylist(rows, schema=SCHEMAS[table]))
        return path

    def read_table(self, table: str) -> pa.Table:
        files = sorted(self.table_dir(table).glob("*.parquet"))
        if not files:
            return SCHEMAS[table].empty_table()
        return pa.concat_tables([pq.read_table(f, schema=SCHEMAS[table]) for f in files])

    def glob(self, table: str) -> str:
        """The glob dbt reads a table from."""
        return str(self.table_dir(table) / "*.parquet")


def write_atomic(path: Path, table: pa.Table) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over the target."""
    # snappy: zstd took far longer to write for little saving in size (docs/BENCHMARKS.md)
    _replace_atomically(path, lambda tmp: pq.write_table(table, tmp, compression="snappy"))


def encode_rows(table: str, rows: list[dict]) -> bytes:
    """A table's rows as the bytes of a Parquet file (see `write_atomic` for the compression)."""
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMAS[table]), sink, compression="snappy")
    return sink.getvalue()


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """`write_atomic` for a small state file."""
    _replace_atomically(path, lambda tmp: Path(tmp).write_bytes(data))


def _replace_atomically(path: Path, write: Callable[[str], object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
