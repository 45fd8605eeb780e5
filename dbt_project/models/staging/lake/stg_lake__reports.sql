-- A document's rows carry the path that holds it now (stg_lake__document_paths), not the one it was parsed
-- under.
select
    lake_rows.report_id,
    lake_rows.document_id,
    coalesce(current_paths.source_file, lake_rows.source_file) as source_file,
    cast(lake_rows.report_seq as integer) as report_seq,
    cast(lake_rows.char_start as bigint) as char_start,
    cast(lake_rows.char_end as bigint) as char_end,
    lake_rows.title,
    cast(lake_rows.title_char_start as bigint) as title_char_start,
    lake_rows.org_name,
    cast(lake_rows.report_year as integer) as report_year,
    cast(lake_rows.plan_year as integer) as plan_year,
    lake_rows.year_evidence,
    cast(lake_rows.title_report_year as integer) as title_report_year,
    cast(lake_rows.title_plan_year as integer) as title_plan_year,
    lake_rows.title_has_placeholder_year,
    lake_rows.n_sentences
from {{ source('lake', 'reports') }} as lake_rows
left join {{ ref('stg_lake__document_paths') }} as current_paths
    on lake_rows.document_id = current_paths.document_id
