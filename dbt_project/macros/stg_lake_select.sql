{#-
The staging projection of each parsed lake table, over any relation with that table's columns: the staging
views apply it to the whole table; incremental models to a night's new files (macros/incremental_lake.sql).
One definition, so the two paths cannot drift apart.
-#}
{% macro stg_lake_select(table, relation) -%}
    {#- the parsed tables but documents take each document's current path from the ledger (parsed_rows
        references it on every path, so dbt records the dependency of the incremental models) -#}
    {%- set ledger = ref('stg_lake__ledger') if table != 'documents' else none -%}
    {%- if table == 'documents' -%}
select
    document_id,
    source_file,
    format,
    encoding,
    size_bytes,
    n_chars,
    n_reports,
    n_metrics,
    status,
    reason,
    extractor_version,
    ingested_at,
    parse_seconds,
    text,
    parse_filename(filename, true) as lake_file
from {{ relation }}
    {%- elif table == 'reports' -%}
select
    report_id,
    lake_rows.document_id,
    coalesce(current_paths.source_file, lake_rows.source_file) as source_file,
    cast(report_seq as integer) as report_seq,
    cast(char_start as bigint) as char_start,
    cast(char_end as bigint) as char_end,
    title,
    cast(title_char_start as bigint) as title_char_start,
    org_name,
    cast(report_year as integer) as report_year,
    cast(plan_year as integer) as plan_year,
    year_evidence,
    cast(title_report_year as integer) as title_report_year,
    cast(title_plan_year as integer) as title_plan_year,
    title_has_placeholder_year,
    n_sentences
from {{ relation }} as lake_rows
left join ({{ current_document_paths(ledger) }}) as current_paths
    on current_paths.document_id = lake_rows.document_id
    {%- elif table == 'metrics' -%}
select
    metric_id,
    report_id,
    lake_rows.document_id,
    coalesce(current_paths.source_file, lake_rows.source_file) as source_file,
    cast(char_start as bigint) as char_start,
    cast(char_end as bigint) as char_end,
    number_text,
    value,
    value_high,
    unit,
    nullif(classifier, '') as classifier,
    approx,
    kind,
    nullif(subject, '') as subject,
    section,
    period,
    is_plan_target,
    sentence,
    heading_path
from {{ relation }} as lake_rows
left join ({{ current_document_paths(ledger) }}) as current_paths
    on current_paths.document_id = lake_rows.document_id
    {%- elif table == 'relations' -%}
select
    check_id,
    report_id,
    lake_rows.document_id,
    coalesce(current_paths.source_file, lake_rows.source_file) as source_file,
    relation,
    total_metric_id,
    total_value,
    parts_sum,
    part_metric_ids,
    status,
    cast(char_start as bigint) as char_start,
    cast(char_end as bigint) as char_end,
    sentence,
    cue,
    tolerance
from {{ relation }} as lake_rows
left join ({{ current_document_paths(ledger) }}) as current_paths
    on current_paths.document_id = lake_rows.document_id
    {%- elif table == 'findings' -%}
select
    lake_rows.document_id,
    coalesce(current_paths.source_file, lake_rows.source_file) as source_file,
    report_id,
    check_name,
    severity,
    cast(char_start as bigint) as char_start,
    cast(char_end as bigint) as char_end,
    message,
    evidence
from {{ relation }} as lake_rows
left join ({{ current_document_paths(ledger) }}) as current_paths
    on current_paths.document_id = lake_rows.document_id
    {%- else -%}
        {{ exceptions.raise_compiler_error("no staging projection for lake table " ~ table) }}
    {%- endif -%}
{%- endmacro %}
