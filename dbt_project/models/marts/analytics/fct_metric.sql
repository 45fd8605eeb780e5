-- Incremental by document (macros/incremental_lake.sql): a night adds the mentions of the documents that
-- became current and drops those of documents that stopped being current.
{{ config_incremental_by_document() }}

select
    metrics.metric_id,
    metrics.report_id,
    metrics.document_id,
    metrics.source_file,
    metrics.char_start,
    metrics.char_end,
    metrics.number_text,
    metrics.value,
    metrics.value_high,
    metrics.unit,
    metrics.classifier,
    metrics.approx,
    metrics.kind,
    metrics.subject,
    metrics.section,
    metrics.period,
    metrics.is_plan_target,
    metrics.sentence,
    metrics.heading_path,
    reports.org_name,
    reports.report_year,
    links.metric_code
from {{ ref('stg_lake__metrics') }} as metrics
inner join {{ ref('int_report_owners') }} as reports on metrics.report_id = reports.report_id
left join {{ ref('int_metric_links') }} as links on metrics.metric_id = links.metric_id
{%- if is_incremental() %}
where metrics.document_id in ({{ documents_added() }})
{%- endif %}
