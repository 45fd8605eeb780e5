select
    report_id,
    document_id,
    source_file,
    cast(report_seq as integer) as report_seq,
    cast(char_start as bigint) as char_start,
    cast(char_end as bigint) as char_end,
    title,
    cast(title_char_start as bigint) as title_char_start,
    org_name,
    cast(report_year as integer) as report_year,
    cast(plan_year as integer) as plan_year,
    year_evidence,
    cast(title_report_year as integer) as title_report_year,
    cast(title_plan_year as integer) as title_plan_year,
    title_has_placeholder_year,
    n_sentences
from {{ source('lake', 'reports') }}
