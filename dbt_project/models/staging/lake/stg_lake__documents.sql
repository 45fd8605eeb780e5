select
    document_id,
    source_file,
    format,
    encoding,
    size_bytes,
    n_chars,
    n_reports,
    n_metrics,
    status,
    reason,
    extractor_version,
    ingested_at,
    parse_seconds,
    text,
    parse_filename(filename, true) as lake_file
from {{ source('lake', 'documents') }}
