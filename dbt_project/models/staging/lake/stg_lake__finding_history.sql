select
    run_id,
    run_at,
    finding_key,
    check_name,
    severity,
    document_id,
    source_file,
    report_id,
    cast(char_start as bigint) as char_start,
    cast(char_end as bigint) as char_end,
    message,
    evidence,
    expected,
    org_name,
    cast(report_year as integer) as report_year,
    owner_name,
    owner_email
from {{ source('lake', 'finding_history') }}
