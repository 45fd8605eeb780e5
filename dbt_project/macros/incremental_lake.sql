{#-
Incremental builds over the parsed lake.

The pipeline builds a night's warehouse on a copy of the published one when only the lake changed (see
pipeline/stages.py: build_stage); the big models then add the rows of the documents that became current and
drop those of documents that are no longer current. A document's rows are a function of its batch's lake
files alone (written once, named by the batch's documents), so rows already in the warehouse never need
rebuilding.

The new documents' files are read by name (the files of their batches): the staging views' glob opens every
file of a table to find the few it needs (1.5 s per table at 10,000 one-document files; a list of 100 names
costs 0.02 s).

The marts that relate an organisation's reports across years are incremental by organisation instead
(organisations_to_rebuild, below); the quality marts are incremental by run (macros/finding_history.sql).
-#}

{#- The documents this build added to int_documents_current (they carry this build's loaded_at); none on a
    full build (read everything through staging). -#}
{% macro documents_to_add(current) -%}
    {%- if not (execute and is_incremental()) -%}{{ return(none) }}{%- endif -%}
    {%- set query -%}
        select document_id from {{ current }} where loaded_at = {{ build_started_at() }} order by 1
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}

{#- When this dbt invocation started (UTC), as a timestamp: the loaded_at of every row it adds. -#}
{% macro build_started_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}

{#- The ids of the documents each landed path holds now: the latest sighting per path in the ledger, when
    that sighting was parsed or already known (not quarantined, not a duplicate of another path). -#}
{% macro current_document_ids(ledger) -%}
    select document_id from ({{ current_document_paths(ledger) }})
{%- endmacro %}

{#- Each current document with the path that carries it now (discover gives a document's bytes to one path
    at a time: ingest/stage.py). A document's rows take this path, not the one it was parsed under: a file
    renamed, or a duplicate whose original changed, keeps its data under the path that holds it now. -#}
{% macro current_document_paths(ledger) -%}
    select sha256 as document_id, arg_max(source_file, (seen_at, run_id)) as source_file
    from (
        select
            source_file,
            sha256,
            status,
            seen_at,
            run_id,
            row_number() over (partition by source_file order by seen_at desc, run_id desc) as recency
        from {{ ledger }}
    )
    where recency = 1 and status in ('new', 'unchanged')
    group by sha256
{%- endmacro %}

{#- Batches in the lake that this model does not hold yet (the documents table's file names: a batch is in
    the lake once its documents file is; see ingest/lake.py). -#}
{% macro parsed_batches_to_add() -%}
    {%- if not (execute and is_incremental()) -%}{{ return(none) }}{%- endif -%}
    {%- set query -%}
        select parse_filename(file, true) as lake_file
        from glob('{{ lake_parsed_dir() }}/documents/*.parquet')
        where not starts_with(parse_filename(file), '_')
        except
        select lake_file from {{ this }}
        order by 1
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}

{% macro lake_parsed_dir() -%}
    {{ env_var('LAKE_PARSED_DIR', '../data/lake/parsed/v6') }}
{%- endmacro %}

{#- The files of `table` for the given batches (the table's empty schema file when there are none). The
    documents files are read with their file name: int_documents_parsed keeps each document's batch. -#}
{% macro lake_files(table, batches) -%}
    {%- set folder = lake_parsed_dir() ~ '/' ~ table -%}
    {#- union_by_name: every file's row count in the plan's estimate (see _lake__sources.yml) -#}
    {%- set with_name = (', filename=true' if table == 'documents' else '') ~ ', union_by_name=true' -%}
    {%- if batches | length == 0 -%}
        read_parquet('{{ folder }}/_empty.parquet'{{ with_name }})
    {%- else -%}
        read_parquet([
            {%- for batch in batches %}'{{ folder }}/{{ batch }}.parquet'{{ ", " if not loop.last }}{% endfor -%}
        ]{{ with_name }})
    {%- endif -%}
{%- endmacro %}

{#- The lake batches holding the given documents. -#}
{% macro batches_of(document_ids, documents_parsed) -%}
    {%- if document_ids | length == 0 -%}{{ return([]) }}{%- endif -%}
    {%- set query -%}
        select distinct lake_file from {{ documents_parsed }} where {{ in_list('document_id', document_ids) }}
        order by 1
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}

{#- Rows of a parsed lake table, shaped as its staging model: all of them (the staging view) when `batches`
    is none (a full build), or those of the given batches' files. -#}
{% macro batch_rows(table, batches) -%}
    {%- if batches is none -%}
        {{ ref('stg_lake__' ~ table) }}
    {%- else -%}
        ({{ stg_lake_select(table, lake_files(table, batches)) }})
    {%- endif -%}
{%- endmacro %}

{#- Rows of a parsed lake table, shaped as its staging model: all of them on a full build, or only those of
    `document_ids` on an incremental one (read from the files of their batches: a batch may also hold
    documents the model has or must not have). -#}
{% macro parsed_rows(table, document_ids) -%}
    {#- referenced on every path, so dbt records the dependency when it parses the model -#}
    {%- set documents_parsed = ref('int_documents_parsed') -%}
    {%- set ledger = ref('stg_lake__ledger') -%}
    {%- if document_ids is none -%}
        {{ batch_rows(table, none) }}
    {%- else -%}
        (select * from {{ batch_rows(table, batches_of(document_ids, documents_parsed)) }}
         where {{ in_list('document_id', document_ids) }})
    {%- endif -%}
{%- endmacro %}

{#- On an incremental build: delete the rows of documents that are no longer current (their path now holds
    other bytes, or the file left the landing folder's ledger). A post-hook; a no-op on a full build.
    `current` is a relation or a query with a document_id column. -#}
{% macro delete_documents_not_in(current) -%}
    {%- if is_incremental() -%}
        {%- set current_ids = current if current is string else 'select document_id from ' ~ current %}
        delete from {{ this }} where document_id not in ({{ current_ids }})
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- Models that relate an organisation's reports across years (fct_growth_check, fct_plan_attainment) are
    incremental by organisation: a night recomputes the organisations whose rows may have changed and
    keeps the rest. An organisation may have changed when this build added one of its reports, or when a
    row of the model points at a mention that is no longer in fct_metric (its document stopped being
    current, e.g. re-published with other bytes). None on a full build (compute every organisation).
    `metric_id_columns` are the model's columns that hold fct_metric ids; `also` is a query of further
    organisations to recompute (what else a model's rows depend on). -#}
{% macro organisations_to_rebuild(metric_id_columns, also=none) -%}
    {%- if not (execute and is_incremental()) -%}{{ return(none) }}{%- endif -%}
    {%- set query -%}
        select reports.org_name
        from {{ ref('dim_report') }} as reports
        inner join {{ ref('int_documents_current') }} as documents on documents.document_id = reports.document_id
        where documents.loaded_at = {{ build_started_at() }} and reports.org_name is not null
        union
        -- one anti-join of every id the rows hold (0.07 s at 10,000 reports; a `not in` per column, 0.35 s)
        select pointers.org_name
        from (
            select org_name, unnest([{{ metric_id_columns | join(', ') }}]) as metric_id from {{ this }}
        ) as pointers
        anti join {{ ref('fct_metric') }} as metrics on metrics.metric_id = pointers.metric_id
        where pointers.metric_id is not null
        {%- if also %}
        union
        {{ also }}
        {%- endif %}
        order by 1
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}

{#- `column in (…values…)` for a list of strings; true when values is none (a full build: every row). -#}
{% macro in_list(column, values) -%}
    {%- if values is none -%}
        true
    {%- elif values | length == 0 -%}
        false
    {%- else -%}
        {{ column }} in (
            {%- for value in values %}'{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
        )
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of an organisation-scoped model: delete the rows of the organisations it is about to recompute. -#}
{% macro delete_organisations_to_rebuild(metric_id_columns, also=none) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ in_list('org_name', organisations_to_rebuild(metric_id_columns, also)) }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- The arguments of organisations_to_rebuild for each organisation-scoped model (its config's pre-hook
    and its body must ask for the same organisations). -#}
{% macro growth_check_metric_columns() -%}
    {{ return(['growth_metric_id', 'level_metric_id', 'previous_metric_id']) }}
{%- endmacro %}

{% macro plan_attainment_metric_columns() -%}
    {{ return(['target_metric_id', 'actual_metric_id']) }}
{%- endmacro %}

{#- A target is compared once its organisation has a report on the plan year: a night that removed that
    report (and with it no mention the row points at) must drop the row too. -#}
{% macro plan_attainment_also() -%}
    {%- set query -%}
        select attainment.org_name
        from {{ this }} as attainment
        where not exists (
            select 1 from {{ ref('dim_report') }} as reports
            where reports.org_name = attainment.org_name and reports.report_year = attainment.plan_year
        )
    {%- endset -%}
    {{ return(query) }}
{%- endmacro %}
