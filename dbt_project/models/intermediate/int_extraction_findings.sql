-- Findings seen in the text at extraction, for the current documents, with their report's owner.
-- Incremental by document (macros/incremental_lake.sql).
{{ config_incremental_by_document() }}

select
    findings.document_id,
    findings.source_file,
    findings.report_id,
    findings.check_name,
    findings.severity,
    findings.char_start,
    findings.char_end,
    findings.message,
    findings.evidence,
    cast(null as varchar) as expected,
    reports.org_name,
    reports.report_year,
    reports.owner_name,
    reports.owner_email
from {{ ref('stg_lake__findings') }} as findings
inner join {{ ref('int_report_owners') }} as reports on findings.report_id = reports.report_id
{%- if is_incremental() %}
where findings.document_id in ({{ documents_added() }})
{%- endif %}
