select
    document_id,
    source_file,
    report_id,
    check_name,
    severity,
    cast(char_start as bigint) as char_start,
    cast(char_end as bigint) as char_end,
    message,
    evidence
from {{ source('lake', 'findings') }}
