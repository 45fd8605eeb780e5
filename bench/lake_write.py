"""What writing a parsed document into the lake costs, and which part of it: a benchmark, not a test.

    python bench/lake_write.py --reports 300 [--work DIR] [--json FILE]

Parses a generated corpus once, then writes every document's five lake tables four ways: `batched_ms`
as ingest writes them since the seventh round (batches of up to 64 documents, one file per table per batch,
through `Lake.write_rows`); and one document per file, as ingest wrote them before: `as_ingest_ms` through
`Lake.write_rows` (each file written to a temporary name, fsynced, renamed), `no_fsync_ms` (the same without
the fsync) and `fsync_after_all_ms` (all five files written, then synced, then renamed). All in ms per
document. Then the parts of the one-file-per-document write: building the Arrow tables, Parquet encoding
in memory, creating and writing the files, the renames. Last, the cost of creating and writing one 10 KB
file in the lake's folder and, for comparison, in /dev/shm (memory). Each variant's lake is read back and
must hold the same rows as the first.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import corpus_parser, generated_texts, write_figures  # noqa: E402
from ingest.document import parse_text, rows_for_lake  # noqa: E402
from ingest.lake import SCHEMAS, Lake  # noqa: E402
from ingest.stage import batch_name  # noqa: E402
from pipeline.stages import BATCH_MAX_DOCUMENTS  # noqa: E402

# The order ingest writes a document's tables in: `documents` last, as the mark that it is complete.
TABLES = ("reports", "metrics", "relations", "findings", "documents")
Document = tuple[str, dict[str, list[dict]]]


def lake_rows(texts: list[str]) -> list[Document]:
    """Every document's rows per lake table, as ingest builds them (text kept in `documents`)."""
    out = []
    for i, text in enumerate(texts):
        document_id = f"{i:064x}"
        rows = rows_for_lake(document_id, f"doc-{i}.txt", parse_text(text))
        rows["documents"] = [{"document_id": document_id, "source_file": f"doc-{i}.txt", "status": "ingested",
                              "n_chars": len(text), "text": text}]
        out.append((document_id, rows))
    return out


def _staged(lake: Lake, table: str, document_id: str) -> tuple[Path, Path]:
    target = lake.batch_path(table, document_id)  # a document as a batch of one, as ingest wrote before batches
    return target.with_name(f".{target.name}.{os.getpid()}.tmp"), target


def write_as_ingest(lake: Lake, document_id: str, rows: dict[str, list[dict]]) -> None:
    for table in TABLES:
        lake.write_rows(table, document_id, rows[table])


def write_without_fsync(lake: Lake, document_id: str, rows: dict[str, list[dict]]) -> None:
    for table in TABLES:
        tmp, target = _staged(lake, table, document_id)
        pq.write_table(pa.Table.from_pylist(rows[table], schema=SCHEMAS[table]), tmp, compression="snappy")
        os.replace(tmp, target)


def write_then_fsync_all(lake: Lake, document_id: str, rows: dict[str, list[dict]]) -> None:
    staged = []
    for table in TABLES:
        tmp, target = _staged(lake, table, document_id)
        pq.write_table(pa.Table.from_pylist(rows[table], schema=SCHEMAS[table]), tmp, compression="snappy")
        staged.append((tmp, target))
    for tmp, _ in staged:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for tmp, target in staged:
        os.replace(tmp, target)


def write_batched(lake: Lake, documents: list[Document]) -> None:
    """As `ingest_batch` writes: the rows of up to 64 documents per file, the documents file last."""
    for first in range(0, len(documents), BATCH_MAX_DOCUMENTS):
        batch = documents[first:first + BATCH_MAX_DOCUMENTS]
        name = batch_name([document_id for document_id, _ in batch])
        for table in TABLES:
            lake.write_rows(table, name, [row for _, rows in batch for row in rows[table]])


def _per_document(write: Callable[[Lake, str, dict[str, list[dict]]], None]) -> Callable[[Lake, list[Document]], None]:
    def write_all(lake: Lake, documents: list[Document]) -> None:
        for document_id, rows in documents:
            write(lake, document_id, rows)
    return write_all


VARIANTS: dict[str, Callable[[Lake, list[Document]], None]] = {
    "batched_ms": write_batched, "as_ingest_ms": _per_document(write_as_ingest),
    "no_fsync_ms": _per_document(write_without_fsync), "fsync_after_all_ms": _per_document(write_then_fsync_all),
}


def _row_counts(lake: Lake) -> dict[str, int]:
    return {table: lake.read_table(table).num_rows for table in TABLES}


def time_variants(documents: list[Document], work: Path) -> tuple[dict[str, float], bool]:
    """ms per document for each way of writing, and whether every way left the same rows in its lake."""
    figures, counts = {}, []
    for name, write in VARIANTS.items():
        lake = Lake(work / name)
        lake.init()
        started = time.perf_counter()
        write(lake, documents)
        figures[name] = round((time.perf_counter() - started) / len(documents) * 1e3, 3)
        counts.append(_row_counts(lake))
        shutil.rmtree(lake.root)
    return figures, all(c == counts[0] for c in counts)


def time_parts(documents: list[Document], work: Path) -> dict[str, float]:
    """ms per document for each part of a write without fsync."""
    lake = Lake(work / "parts")
    lake.init()
    spent = dict.fromkeys(("arrow_tables_ms", "parquet_encode_ms", "create_and_write_files_ms", "renames_ms"), 0.0)
    for document_id, rows in documents:
        for table in TABLES:
            t0 = time.perf_counter()
            arrow = pa.Table.from_pylist(rows[table], schema=SCHEMAS[table])
            t1 = time.perf_counter()
            buffer = io.BytesIO()
            pq.write_table(arrow, buffer, compression="snappy")
            t2 = time.perf_counter()
            tmp, target = _staged(lake, table, document_id)
            tmp.write_bytes(buffer.getvalue())
            t3 = time.perf_counter()
            os.replace(tmp, target)
            t4 = time.perf_counter()
            for key, seconds in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                spent[key] += seconds
    shutil.rmtree(lake.root)
    return {k: round(v / len(documents) * 1e3, 3) for k, v in spent.items()}


def file_creation_ms(folder: Path, files: int = 500) -> float:
    """ms to create and write one 10 KB file in `folder` (a fresh sub-folder, removed afterwards)."""
    data = os.urandom(10_000)
    scratch = Path(tempfile.mkdtemp(dir=folder))
    try:
        started = time.perf_counter()
        for i in range(files):
            (scratch / f"f{i}.parquet").write_bytes(data)
        return round((time.perf_counter() - started) / files * 1e3, 4)
    finally:
        shutil.rmtree(scratch)


def main() -> None:
    parser = corpus_parser(__doc__.split("\n")[0], reports=300)
    args = parser.parse_args()
    work = args.work / f"lake-write-{args.reports}"
    shutil.rmtree(work, ignore_errors=True)
    documents = lake_rows(generated_texts(args.reports, args.seed, work / "corpus"))
    variants, same_rows = time_variants(documents, work)
    figures = {"documents": len(documents), **variants, "variants_hold_the_same_rows": same_rows,
               **time_parts(documents, work), "create_10kb_file_in_lake_folder_ms": file_creation_ms(work)}
    if Path("/dev/shm").is_dir():
        figures["create_10kb_file_in_memory_ms"] = file_creation_ms(Path("/dev/shm"))
    shutil.rmtree(work, ignore_errors=True)
    write_figures(figures, args.json)


if __name__ == "__main__":
    main()
