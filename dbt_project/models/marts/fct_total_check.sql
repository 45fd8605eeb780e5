-- Incremental by document, like fct_metric.
{{ config(
    materialized='incremental', incremental_strategy='append', on_schema_change='fail',
    post_hook="{{ delete_documents_not_in(ref('int_documents_current')) }}"
) }}

{%- set new_documents = documents_to_add(ref('int_documents_current')) %}

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
    relations.tolerance
from {{ parsed_rows('relations', new_documents) }} as relations
where relations.report_id in (select report_id from {{ ref('dim_report') }})
