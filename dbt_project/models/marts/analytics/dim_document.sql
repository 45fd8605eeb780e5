-- Incremental by document: a night adds the documents that became current and drops those that stopped
-- being current; loaded_at says which build added a document (tests check only the latest batch's spans).
{{ config_incremental_by_document() }}

select
    current_documents.document_id,
    current_documents.source_file,
    current_documents.format,
    current_documents.encoding,
    current_documents.size_bytes,
    current_documents.n_chars,
    current_documents.n_reports,
    current_documents.n_metrics,
    current_documents.extractor_version,
    current_documents.ingested_at,
    current_documents.loaded_at,
    documents.text
from {{ ref('int_documents_current') }} as current_documents
inner join {{ ref('stg_lake__documents') }} as documents
    on current_documents.document_id = documents.document_id
{%- if is_incremental() %}
where current_documents.loaded_at = {{ build_started_at() }}
{%- endif %}
