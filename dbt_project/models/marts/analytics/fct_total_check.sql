-- Incremental by document, like fct_metric.
{{ config_incremental_by_document() }}

select
    relations.check_id,
    relations.report_id,
    relations.document_id,
    relations.source_file,
    relations.relation,
    relations.total_metric_id,
    relations.total_value,
    relations.parts_sum,
    relations.part_metric_ids,
    relations.status,
    relations.char_start,
    relations.char_end,
    relations.sentence,
    relations.cue,
    relations.tolerance,
    relations.reading
from {{ ref('stg_lake__relations') }} as relations
where relations.report_id in (select reports.report_id from {{ ref('dim_report') }} as reports)
{%- if is_incremental() %}
    and relations.document_id in ({{ documents_added() }})
{%- endif %}
