"""The lake: Parquet files that ingest writes and dbt reads. One file per document per table, written atomically.

Layout under LAKE_DIR:
    parsed/v<EXTRACTOR_VERSION>/<table>/<document_id>.parquet   what extraction read out of each document
    ledger/<run_id>.parquet                                     every file seen by every run (survives rebuilds)
    quality/<table>/<run_id>.parquet                            GX results and findings of each run
    config/owners.parquet                                       the owner mapping, as of the last run
Every table folder also holds `_empty.parquet` with the table's schema, so dbt can read a table before any
document has rows for it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

# Bump when extraction output changes: the next run parses everything again. 3: a sentence over 1,000
# characters is quoted in pieces, and clause / 分别 / 其中 look-backs are bounded (output changes only there).
EXTRACTOR_VERSION = "3"

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
        ("sentence", _STR),
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

    def document_path(self, table: str, document_id: str) -> Path:
        return self.table_dir(table) / f"{document_id}.parquet"

    def has_document(self, document_id: str) -> bool:
        return self.document_path("documents", document_id).exists()

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
    # snappy: per-document files are small and written 5 per document; zstd cost twice the time for
    # little gain (lake writes were as costly as extraction at 10,000 reports)
    _replace_atomically(path, lambda tmp: pq.write_table(table, tmp, compression="snappy"))


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
