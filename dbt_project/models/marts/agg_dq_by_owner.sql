{{ config(tags=['dq']) }}
-- Findings per owner and run: severity counts of what each run saw, and what was new or resolved in it.
with history as (
    select * from {{ ref('stg_lake__finding_history') }}
),

runs as (
    select run_id, run_at, row_number() over (order by run_at, run_id) as run_no
    from (select run_id, min(run_at) as run_at from history group by run_id)
),

seen as (
    select distinct history.finding_key, history.owner_name, runs.run_no, history.severity
    from history inner join runs on runs.run_id = history.run_id
),

firsts as (
    select finding_key, min(run_no) as first_no from seen group by finding_key
),

owner_runs as (
    select distinct seen.owner_name, runs.run_no, runs.run_id, runs.run_at
    from (select distinct owner_name from seen) as seen
    cross join runs
),

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
    left join seen on seen.owner_name = owner_runs.owner_name and seen.run_no = owner_runs.run_no
    left join firsts on firsts.finding_key = seen.finding_key
    group by all
),

resolved as (
    select owner_runs.owner_name, owner_runs.run_id, count(*) as n_resolved
    from owner_runs
    inner join seen as before
        on before.owner_name = owner_runs.owner_name and before.run_no = owner_runs.run_no - 1
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
left join resolved on resolved.owner_name = counts.owner_name and resolved.run_id = counts.run_id
