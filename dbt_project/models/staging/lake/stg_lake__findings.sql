-- A document's rows carry the path that holds it now (stg_lake__document_paths), not the one it was parsed
-- under.
select
    lake_rows.document_id,
    coalesce(current_paths.source_file, lake_rows.source_file) as source_file,
    lake_rows.report_id,
    lake_rows.check_name,
    lake_rows.severity,
    cast(lake_rows.char_start as bigint) as char_start,
    cast(lake_rows.char_end as bigint) as char_end,
    lake_rows.message,
    lake_rows.evidence
from {{ source('lake', 'findings') }} as lake_rows
left join {{ ref('stg_lake__document_paths') }} as current_paths
    on lake_rows.document_id = current_paths.document_id
