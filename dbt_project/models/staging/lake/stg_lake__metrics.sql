-- A document's rows carry the path that holds it now (stg_lake__document_paths), not the one it was parsed
-- under.
select
    lake_rows.metric_id,
    lake_rows.report_id,
    lake_rows.document_id,
    coalesce(current_paths.source_file, lake_rows.source_file) as source_file,
    cast(lake_rows.char_start as bigint) as char_start,
    cast(lake_rows.char_end as bigint) as char_end,
    lake_rows.number_text,
    lake_rows.value,
    lake_rows.value_high,
    lake_rows.unit,
    nullif(lake_rows.classifier, '') as classifier,
    lake_rows.approx,
    lake_rows.kind,
    nullif(lake_rows.subject, '') as subject,
    lake_rows.section,
    lake_rows.period,
    lake_rows.is_plan_target,
    lake_rows.sentence,
    lake_rows.heading_path
from {{ source('lake', 'metrics') }} as lake_rows
left join {{ ref('stg_lake__document_paths') }} as current_paths
    on lake_rows.document_id = current_paths.document_id
