-- Every metric's span must hold exactly its number_text in the stored document text (offsets are code
-- points, end exclusive). A row here means an offset bug: the span an analyst follows shows other text.
-- Checked for the latest batch of documents (all of them after a full build): a document's rows and text
-- never change once loaded (both come from its immutable lake files), so earlier batches were checked when
-- they were loaded, and a nightly build of 1% new documents does not re-read every text. Spans are read by
-- the span_text macro: linear in the size of the texts, where a plain substring per span was quadratic.
with latest_documents as (
    select document_id, text
    from {{ ref('dim_document') }}
    where loaded_at = (select max(loaded_at) from {{ ref('dim_document') }})
),
{{ span_windows_cte('latest_documents') }}
select
    metrics.metric_id,
    metrics.number_text,
    {{ span_text('metrics', 'documents', 'windows') }} as text_at_span
from {{ ref('fct_metric') }} as metrics
inner join latest_documents as documents on documents.document_id = metrics.document_id
{{ span_windows_join('metrics', 'windows') }}
where {{ span_text('metrics', 'documents', 'windows') }} is distinct from metrics.number_text
