-- Every metric's span must hold exactly its number_text in the stored document text. A row here means an
-- offset bug: the span an analyst follows shows other text. int_metric_spans reads the spans (incremental:
-- a night reads the spans of its new documents only).
select
    metric_id,
    number_text,
    text_at_span
from {{ ref('int_metric_spans') }}
where text_at_span is distinct from number_text
