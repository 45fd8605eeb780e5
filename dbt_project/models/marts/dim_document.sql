select
    document_id,
    source_file,
    format,
    encoding,
    size_bytes,
    n_chars,
    n_reports,
    n_metrics,
    extractor_version,
    ingested_at,
    text
from {{ ref('int_documents_current') }}
