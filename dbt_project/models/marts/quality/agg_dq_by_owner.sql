{{ config(tags=['dq'], materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}
-- depends_on: {{ ref('fct_dq_finding') }}  (when a finding was first seen, on incremental runs)
-- Findings per owner and run: severity counts of what each run saw, and what was new or resolved in it.
-- Incremental by run (macros/finding_history.sql): a night adds the rows of the runs after the last one
-- this holds, reading those runs and the one before; a full build reads the whole history.
{%- set new_runs = history_runs_after('select arg_max(run_id, run_at) from ' ~ this) %}

with runs as (
    {{ history_runs() }}
),

{%- if new_runs is none %}

history as (
    select * from {{ ref('stg_lake__finding_history') }}
),

{%- else %}

added as (
    select * from runs where {{ in_list('run_id', new_runs) }}
),

-- the added runs and the run before them (what "resolved in a run" compares with)
history as (
    select history.*
    from {{ ref('stg_lake__finding_history') }} as history
    inner join runs on runs.run_id = history.run_id
    where runs.run_no >= (select min(run_no) - 1 from added)
),

{%- endif %}

seen as (
    select distinct
        history.finding_key,
        history.owner_name,
        runs.run_no,
        history.severity
    from history inner join runs on history.run_id = runs.run_id
),

{%- if new_runs is none %}

firsts as (
    select
        finding_key,
        min(run_no) as first_no
    from seen
    group by finding_key
),

owner_runs as (
    select distinct
        seen.owner_name,
        runs.run_no,
        runs.run_id,
        runs.run_at
    from (select distinct owner_name from seen) as seen
    cross join runs
),

{%- else %}

firsts as (
    select findings.finding_id as finding_key, runs.run_no as first_no
    from {{ ref('fct_dq_finding') }} as findings
    inner join runs on runs.run_id = findings.first_seen_run
),

known_owners as (
    select distinct owner as owner_name from {{ this }}
),

owners as (
    select owner_name from known_owners
    union
    select distinct owner_name from seen inner join added on added.run_no = seen.run_no
),

owner_runs as (
    select owners.owner_name, added.run_no, added.run_id, added.run_at
    from owners cross join added
    union all
    -- an owner first seen in an added run gets a row for every earlier run too, as on a full build
    select new_owners.owner_name, runs.run_no, runs.run_id, runs.run_at
    from (select owner_name from owners except select owner_name from known_owners) as new_owners
    cross join runs
    where runs.run_no < (select min(run_no) from added)
),

{%- endif %}

counts as (
    select
        owner_runs.owner_name,
        owner_runs.run_id,
        owner_runs.run_at,
        count(seen.finding_key) as n_findings,
        count(seen.finding_key) filter (where seen.severity = 'error') as n_error,
        count(seen.finding_key) filter (where seen.severity = 'warning') as n_warning,
        count(seen.finding_key) filter (where seen.severity = 'info') as n_info,
        count(seen.finding_key) filter (where firsts.first_no = owner_runs.run_no) as n_new
    from owner_runs
    left join seen on owner_runs.owner_name = seen.owner_name and owner_runs.run_no = seen.run_no
    left join firsts on seen.finding_key = firsts.finding_key
    group by all
),

resolved as (
    select
        owner_runs.owner_name,
        owner_runs.run_id,
        count(*) as n_resolved
    from owner_runs
    inner join seen as before
        on owner_runs.owner_name = before.owner_name and before.run_no = owner_runs.run_no - 1
    where not exists (
            select 1 from seen as now
            where now.finding_key = before.finding_key and now.run_no = owner_runs.run_no
        )
    group by all
)

select
    counts.owner_name as owner,
    counts.run_id,
    counts.run_at,
    counts.n_findings,
    counts.n_error,
    counts.n_warning,
    counts.n_info,
    counts.n_new,
    coalesce(resolved.n_resolved, 0) as n_resolved
from counts
left join resolved on counts.owner_name = resolved.owner_name and counts.run_id = resolved.run_id
