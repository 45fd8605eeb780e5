"""Size limits that keep a hostile or broken file from exhausting memory. Each is an environment variable."""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass

from ingest.errors import LimitExceeded


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 32 * 1024 * 1024  # INGEST_MAX_BYTES: bytes read from one file
    max_inflated: int = 256 * 1024 * 1024  # INGEST_MAX_INFLATED: total uncompressed size of a docx
    max_zip_parts: int = 2000  # INGEST_MAX_ZIP_PARTS: parts in a docx package
    max_pdf_pages: int = 2000  # INGEST_MAX_PDF_PAGES
    max_chars: int = 60_000_000  # INGEST_MAX_CHARS: characters of decoded text
    max_parse_seconds: float = 120.0  # INGEST_MAX_PARSE_SECONDS: reading and extracting one document

    @classmethod
    def from_env(cls) -> Limits:
        d = cls()
        return cls(
            max_bytes=_env_int("INGEST_MAX_BYTES", d.max_bytes),
            max_inflated=_env_int("INGEST_MAX_INFLATED", d.max_inflated),
            max_zip_parts=_env_int("INGEST_MAX_ZIP_PARTS", d.max_zip_parts),
            max_pdf_pages=_env_int("INGEST_MAX_PDF_PAGES", d.max_pdf_pages),
            max_chars=_env_int("INGEST_MAX_CHARS", d.max_chars),
            max_parse_seconds=float(os.environ.get("INGEST_MAX_PARSE_SECONDS", d.max_parse_seconds)),
        )

    def check_bytes(self, size: int) -> None:
        if size > self.max_bytes:
            raise LimitExceeded(f"file is {size} bytes, over INGEST_MAX_BYTES={self.max_bytes}")

    def check_zip(self, data: bytes) -> None:
        """Refuse a zip bomb before inflating it: the central directory states every part's size."""
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                infos = zf.infolist()
        except zipfile.BadZipFile as exc:
            raise LimitExceeded(f"corrupt docx: {exc}") from exc
        if len(infos) > self.max_zip_parts:
            raise LimitExceeded(f"docx has {len(infos)} parts, over INGEST_MAX_ZIP_PARTS={self.max_zip_parts}")
        inflated = sum(i.file_size for i in infos)
        if inflated > self.max_inflated:
            raise LimitExceeded(f"docx inflates to {inflated} bytes, over INGEST_MAX_INFLATED={self.max_inflated}")
