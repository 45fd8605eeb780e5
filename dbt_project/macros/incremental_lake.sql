{#-
Incremental builds over the parsed lake, with dbt's own incremental materialization.

The pipeline builds a night's warehouse on a copy of the published one when only the lake changed (see
pipeline/stages.py: build_stage). The models over documents are `materialized='incremental'` with
`incremental_strategy='delete+insert'` and `unique_key='document_id'` (config_incremental_by_document);
`is_incremental()` keeps the rows of the documents this build made current (documents_added). A document's rows are a function of its batch's
lake files alone (written once), so rows already in the warehouse never need rebuilding.

What dbt's materialization cannot do is kept here, each with its reason:
- delete_documents_not_in: delete+insert and merge only replace the keys the new rows carry; a document that
  stopped being current (its path re-published with other bytes, or quarantined) brings no new row, so
  its rows are deleted by this post-hook.
- organisations_to_rebuild: the marts that relate an organisation's reports across years recompute whole
  organisations. Which ones depends on the model's own rows (rows pointing at a mention that left), so the
  set is read once before the pre-hook deletes them, and an organisation whose recomputation yields no row
  must still lose its old rows: delete+insert on org_name would keep them.
The quality marts are incremental by run (macros/finding_history.sql).
-#}

{#- The documents this build added to int_documents_current: they carry this build's loaded_at. -#}
{% macro documents_added() -%}
    select document_id from {{ ref('int_documents_current') }} where loaded_at = {{ build_started_at() }}
{%- endmacro %}

{#- When this dbt invocation started (UTC), as a timestamp: the loaded_at of every row it adds. -#}
{% macro build_started_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
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
        -- one anti-join of every id the rows hold (a `not in` per column scans fct_metric once per column)
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

{#- The config of a model incremental by document: its rows are replaced per document_id, and the rows of
    documents that stopped being current are deleted after the insert. -#}
{% macro config_incremental_by_document() -%}
    {{ config(
        materialized='incremental', incremental_strategy='delete+insert', unique_key='document_id',
        on_schema_change='fail', post_hook="{{ delete_documents_not_in(ref('int_documents_current')) }}"
    ) }}
{%- endmacro %}
