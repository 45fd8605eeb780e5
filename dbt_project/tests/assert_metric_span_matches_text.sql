-- Every metric's span must hold exactly its number_text in the stored document text (offsets are code
-- points, end exclusive). A row here means an offset bug: the span an analyst follows shows other text.
-- Checked for the latest batch of documents (all of them after a full build): a document's rows and text
-- never change once loaded (both come from its immutable lake files), so earlier batches were checked when
-- they were loaded, and a nightly build of 1% new documents does not re-read every text.
select
    metrics.metric_id,
    metrics.number_text,
    substring(documents.text, metrics.char_start + 1, metrics.char_end - metrics.char_start) as text_at_span
from {{ ref('fct_metric') }} as metrics
inner join {{ ref('dim_document') }} as documents on documents.document_id = metrics.document_id
where documents.loaded_at = (select max(loaded_at) from {{ ref('dim_document') }})
  and substring(documents.text, metrics.char_start + 1, metrics.char_end - metrics.char_start)
    is distinct from metrics.number_text
