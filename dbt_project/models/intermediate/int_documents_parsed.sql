-- Every document parsed into the lake (ingested or quarantined), without its text. Incremental: a night adds
-- the documents parsed since the last build; the lake keeps every parse, so nothing is ever removed here.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

{%- set new_documents = parsed_documents_to_add() %}

-- The staging columns of documents but the text (dim_document reads the text of current documents only).
select * exclude (text)
from {{ parsed_rows('documents', new_documents) }}
