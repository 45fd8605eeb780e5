{{ config(
    tags=['dq'], materialized='incremental', incremental_strategy='delete+insert', unique_key='finding_id',
    on_schema_change='fail'
) }}
-- Every finding any run has seen, with its lifecycle: `new` in the latest run, `open` when seen before and
-- still seen, `resolved` when the latest run no longer sees it (e.g. the owner re-published the report).
-- Incremental by run (macros/finding_history.sql): a night merges its own findings into the published
-- lifecycle instead of re-reading every night's; a full build reads the whole history.
{%- set new_runs = history_runs_after('select any_value(run_id) from ' ~ this) %}

with runs as (
    {{ history_runs() }}
),

latest_run as (
    select
        max(run_no) as run_no,
        arg_max(run_id, run_no) as run_id
    from runs
),

history as (
    select
        history.*,
        runs.run_no
    from {{ ref('stg_lake__finding_history') }} as history
    inner join runs on history.run_id = runs.run_id
    where {{ in_list('history.run_id', new_runs) }}
),

per_key as (
    select
        finding_key,
        max(run_no) as last_no,
        arg_min(run_id, run_no) as first_seen_run,
        arg_max(run_id, run_no) as last_seen_run
    from history
    group by finding_key
),

latest_row as (
    select history.*
    from history
    inner join per_key on history.finding_key = per_key.finding_key and history.run_id = per_key.last_seen_run
    qualify row_number() over (partition by history.finding_key order by history.char_start) = 1
),

lifecycle as (
    select
        latest_row.finding_key as finding_id,
        latest_row.check_name,
        latest_row.severity,
        latest_row.report_id,
        latest_row.document_id,
        latest_row.source_file,
        latest_row.char_start,
        latest_row.char_end,
        latest_row.message,
        latest_row.evidence,
        latest_row.expected,
        latest_row.org_name,
        latest_row.report_year,
        latest_row.owner_name as owner,
        latest_row.owner_email,
        {%- if new_runs is none %}
        per_key.first_seen_run,
        {%- else %}
        coalesce(published.first_seen_run, per_key.first_seen_run) as first_seen_run,
        {%- endif %}
        per_key.last_seen_run,
        per_key.last_no
    from latest_row
    inner join per_key on latest_row.finding_key = per_key.finding_key
    {%- if new_runs is not none %}
    left join {{ this }} as published on published.finding_id = latest_row.finding_key

    union all

    -- published findings no run since has seen: as they were
    select
        published.finding_id,
        published.check_name,
        published.severity,
        published.report_id,
        published.document_id,
        published.source_file,
        published.char_start,
        published.char_end,
        published.message,
        published.evidence,
        published.expected,
        published.org_name,
        published.report_year,
        published.owner,
        published.owner_email,
        published.first_seen_run,
        published.last_seen_run,
        runs.run_no as last_no
    from {{ this }} as published
    left join runs on runs.run_id = published.last_seen_run
    where published.finding_id not in (select finding_key from per_key)
    {%- endif %}
)

select
    lifecycle.finding_id,
    latest_run.run_id,
    lifecycle.check_name,
    lifecycle.severity,
    lifecycle.report_id,
    lifecycle.document_id,
    lifecycle.source_file,
    lifecycle.char_start,
    lifecycle.char_end,
    lifecycle.message,
    lifecycle.evidence,
    lifecycle.expected,
    lifecycle.org_name,
    lifecycle.report_year,
    lifecycle.owner,
    lifecycle.owner_email,
    lifecycle.first_seen_run,
    lifecycle.last_seen_run,
    case
        when lifecycle.last_seen_run <> latest_run.run_id then 'resolved'
        when lifecycle.first_seen_run = latest_run.run_id then 'new'
        else 'open'
    end as status,
    coalesce(lifecycle.last_seen_run <> latest_run.run_id and lifecycle.last_no = latest_run.run_no - 1, false)
        as resolved_in_latest_run
from lifecycle
cross join latest_run
