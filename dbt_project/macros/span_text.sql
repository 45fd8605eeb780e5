{#
  The text at each metric's span, read in time linear in the size of the documents.

  substring(text, start, n) walks the UTF-8 from the start of the text to find code point `start`, so
  checking every span against its document's text cost (mentions x characters): 10.7 s for the 2.4 M spans of
  10,000 reports, and 68 s for the 70,000 spans of one 2 MB stop-less table. Each document is instead cut
  once into 100-character pieces (one regexp pass; RE2 allows no longer repetition), each piece carries the
  first 30 characters of the next, and a span is read from the piece it starts in: 3.5 s at 10,000 reports,
  0.1 s for the table. A span longer than 30 characters (not a number the grammar writes) is read directly.
  expectations/suites/fct_metric.json reads spans the same way (GX queries cannot call macros).

  documents: a relation with document_id and text; document_filter: a predicate choosing the documents.
  The metrics joined with span_windows_join need document_id, char_start and char_end.
#}
{% macro span_windows_cte(documents, document_filter='true') %}
span_windows as (
    select
        document_id,
        chunk_no,
        chunk || coalesce(left(lead(chunk) over (partition by document_id order by chunk_no), 30), '') as window_text
    from (
        select document_id, unnest(pieces) as chunk, generate_subscripts(pieces, 1) - 1 as chunk_no
        from (
            select document_id, regexp_extract_all(text, '(?s).{1,100}') as pieces
            from {{ documents }}
            where {{ document_filter }}
        )
    )
)
{% endmacro %}

{% macro span_windows_join(metrics_alias, windows_alias) %}
left join span_windows as {{ windows_alias }}
    on {{ windows_alias }}.document_id = {{ metrics_alias }}.document_id
    and {{ windows_alias }}.chunk_no = {{ metrics_alias }}.char_start // 100
{% endmacro %}

{% macro span_text(metrics_alias, documents_alias, windows_alias) %}
case
    when {{ metrics_alias }}.char_end - {{ metrics_alias }}.char_start <= 30
        then substring({{ windows_alias }}.window_text,
                       {{ metrics_alias }}.char_start - {{ windows_alias }}.chunk_no * 100 + 1,
                       {{ metrics_alias }}.char_end - {{ metrics_alias }}.char_start)
    else substring({{ documents_alias }}.text, {{ metrics_alias }}.char_start + 1,
                   {{ metrics_alias }}.char_end - {{ metrics_alias }}.char_start)
end
{% endmacro %}
