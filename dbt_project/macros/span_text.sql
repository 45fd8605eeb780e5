{#
  The text at each metric's span, read so that a big document costs linear time.

  substring(text, start, n) walks the UTF-8 from the start of the text to find code point `start`, so
  checking every span of a document against its text cost (mentions x characters): a 2 MB stop-less table
  of 70,000 numbers took 68 s. Documents above `big_document_chars` are therefore cut once into 100-character
  pieces (one regexp pass) and each span is read from its piece and the next; smaller documents, all real
  reports, keep the direct substring. A span longer than a piece (not a number the grammar writes) is read
  directly. expectations/suites/fct_metric.json reads spans the same way (GX queries cannot call macros).

  metrics: a relation with document_id, char_start, char_end; documents: one with document_id, n_chars,
  text; document_filter: a predicate on the documents that are checked.
#}
{% macro span_windows_cte(documents, document_filter='true', big_document_chars=50000) %}
span_windows as (
    select
        document_id,
        chunk_no,
        chunk || coalesce(lead(chunk) over (partition by document_id order by chunk_no), '') as window_text
    from (
        select document_id, unnest(pieces) as chunk, generate_subscripts(pieces, 1) - 1 as chunk_no
        from (
            select document_id, regexp_extract_all(text, '(?s).{1,100}') as pieces
            from {{ documents }}
            where n_chars > {{ big_document_chars }} and ({{ document_filter }})
        )
    )
)
{% endmacro %}

{% macro span_text(metrics_alias, documents_alias, windows_alias, big_document_chars=50000) %}
case
    when {{ documents_alias }}.n_chars > {{ big_document_chars }}
        and {{ metrics_alias }}.char_end - {{ metrics_alias }}.char_start <= 100
        then substring({{ windows_alias }}.window_text,
                       {{ metrics_alias }}.char_start - {{ windows_alias }}.chunk_no * 100 + 1,
                       {{ metrics_alias }}.char_end - {{ metrics_alias }}.char_start)
    else substring({{ documents_alias }}.text, {{ metrics_alias }}.char_start + 1,
                   {{ metrics_alias }}.char_end - {{ metrics_alias }}.char_start)
end
{% endmacro %}

{% macro span_windows_join(metrics_alias, windows_alias) %}
left join span_windows as {{ windows_alias }}
    on {{ windows_alias }}.document_id = {{ metrics_alias }}.document_id
    and {{ windows_alias }}.chunk_no = {{ metrics_alias }}.char_start // 100
{% endmacro %}
