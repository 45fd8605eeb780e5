-- Every metric's span must hold exactly its number_text in the stored document text (offsets are code
-- points, end exclusive). A row here means an offset bug: the span an analyst follows shows other text.
select
    metrics.metric_id,
    metrics.number_text,
    substring(documents.text, metrics.char_start + 1, metrics.char_end - metrics.char_start) as text_at_span
from {{ ref('fct_metric') }} as metrics
inner join {{ ref('dim_document') }} as documents on documents.document_id = metrics.document_id
where substring(documents.text, metrics.char_start + 1, metrics.char_end - metrics.char_start)
    is distinct from metrics.number_text
