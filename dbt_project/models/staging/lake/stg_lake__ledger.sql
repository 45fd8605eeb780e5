select
    run_id,
    source_file,
    nullif(sha256, '') as sha256,
    size_bytes,
    status,
    reason,
    extractor_version,
    seen_at
from {{ source('lake', 'ledger') }}
