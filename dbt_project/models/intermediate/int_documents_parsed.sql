-- Every document parsed into the lake (ingested or quarantined), without its text. Incremental: a night adds
-- the documents parsed since the last build; the lake keeps every parse, so nothing is ever removed here.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

{%- set new_documents = parsed_documents_to_add() %}

select
    document_id,
    source_file,
    format,
    encoding,
    size_bytes,
    n_chars,
    n_reports,
    n_metrics,
    status,
    reason,
    extractor_version,
    ingested_at,
    parse_seconds
from {{ parsed_rows('documents', new_documents) }}
