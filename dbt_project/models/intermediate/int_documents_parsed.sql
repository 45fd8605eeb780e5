-- Every document parsed into the lake (ingested or quarantined), without its text, with the lake batch it
-- is in. Incremental: a night adds the batches parsed since the last build; the lake keeps every parse, so
-- nothing is ever removed here.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

{%- set new_batches = parsed_batches_to_add() %}

-- The staging columns of documents but the text (dim_document reads the text of current documents only).
select * exclude (text)
from {{ batch_rows('documents', new_batches) }}
