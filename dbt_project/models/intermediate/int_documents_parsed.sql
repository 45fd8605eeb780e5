-- Every document parsed into the lake (ingested or quarantined), without its text, with the lake batch it
-- is in. Incremental by batch: a night adds the batches parsed since the last build; the lake keeps every
-- parse, so nothing is ever removed here.
{{ config(
    materialized='incremental', incremental_strategy='delete+insert', unique_key='lake_file',
    on_schema_change='fail'
) }}

-- The staging columns of documents but the text (dim_document reads the text of current documents only).
select * exclude (text)
from {{ ref('stg_lake__documents') }}
{%- if is_incremental() %}
where lake_file not in (select lake_file from {{ this }})
{%- endif %}
