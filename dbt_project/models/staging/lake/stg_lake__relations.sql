select
    check_id,
    report_id,
    document_id,
    source_file,
    relation,
    total_metric_id,
    total_value,
    parts_sum,
    part_metric_ids,
    status,
    cast(char_start as bigint) as char_start,
    cast(char_end as bigint) as char_end,
    sentence,
    cue,
    tolerance
from {{ source('lake', 'relations') }}
