-- The text at each metric's span (offsets are code points, end exclusive): the one span check, read by the
-- dbt test assert_metric_span_matches_text and by the Great Expectations suite fct_metric.
-- Incremental by document, like fct_metric: a document's text and mentions never change once loaded.
--
-- substring(text, start, n) walks the UTF-8 from the start of the text, so a substring per span costs
-- (mentions x characters). Each document is instead cut once into 100-character pieces (one regexp pass;
-- RE2 allows no longer repetition), each piece carries the first 30 characters of the next, and a span is
-- read from the piece it starts in. A span longer than 30 characters (not a number the grammar writes) is
-- read directly.
{{ config_incremental_by_document() }}

with documents as (
    select
        document_id,
        text
    from {{ ref('dim_document') }}
    {%- if is_incremental() %}
    where loaded_at = {{ build_started_at() }}
    {%- endif %}
),

pieces as (
    select
        document_id,
        unnest(pieces) as chunk,
        generate_subscripts(pieces, 1) - 1 as chunk_no
    from (
        select
            document_id,
            regexp_extract_all(text, '(?s).{1,100}') as pieces
        from documents
    ) as cut
),

windows as (
    select
        document_id,
        chunk_no,
        chunk || coalesce(left(lead(chunk) over (partition by document_id order by chunk_no), 30), '') as window_text
    from pieces
)

select
    metrics.metric_id,
    metrics.document_id,
    metrics.number_text,
    case
        when metrics.char_end - metrics.char_start <= 30
            then substring(
                    windows.window_text, metrics.char_start - windows.chunk_no * 100 + 1,
                    metrics.char_end - metrics.char_start
                )
        else substring(documents.text, metrics.char_start + 1, metrics.char_end - metrics.char_start)
    end as text_at_span
from {{ ref('fct_metric') }} as metrics
inner join documents on metrics.document_id = documents.document_id
left join windows on metrics.document_id = windows.document_id and windows.chunk_no = metrics.char_start // 100
