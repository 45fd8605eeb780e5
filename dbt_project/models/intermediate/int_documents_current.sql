-- The documents whose bytes are what each landed path holds now: a path re-published with new bytes
-- supersedes its earlier version, and a duplicate (same bytes under another name) is parsed once.
-- Incremental: a build adds the documents that became current (stamped with its loaded_at, which tells every
-- incremental model downstream which documents to add) and drops those that stopped being current.
{{ config(
    materialized='incremental', incremental_strategy='delete+insert', unique_key='document_id',
    on_schema_change='fail', post_hook="{{ delete_documents_not_in(ref('stg_lake__document_paths')) }}"
) }}

select
    documents.document_id,
    current_paths.source_file,
    documents.format,
    documents.encoding,
    documents.size_bytes,
    documents.n_chars,
    documents.n_reports,
    documents.n_metrics,
    documents.status,
    documents.reason,
    documents.extractor_version,
    documents.ingested_at,
    documents.parse_seconds,
    {{ build_started_at() }} as loaded_at
from {{ ref('int_documents_parsed') }} as documents
inner join {{ ref('stg_lake__document_paths') }} as current_paths
    on documents.document_id = current_paths.document_id
where documents.status = 'ingested'
{%- if is_incremental() %}
  and documents.document_id not in (select document_id from {{ this }})
{%- endif %}
