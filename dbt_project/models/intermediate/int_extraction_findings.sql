-- Findings seen in the text at extraction, for the current documents, with their report's owner.
-- Incremental by document.
{{ config(
    materialized='incremental', incremental_strategy='append', on_schema_change='fail',
    post_hook="{{ delete_documents_not_in(ref('int_documents_current')) }}"
) }}

{%- set new_documents = documents_to_add(ref('int_documents_current')) %}

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
from {{ parsed_rows('findings', new_documents) }} as findings
inner join {{ ref('int_report_owners') }} as reports on reports.report_id = findings.report_id
