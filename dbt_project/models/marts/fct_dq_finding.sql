{{ config(tags=['dq']) }}
-- Every finding any run has seen, with its lifecycle: `new` in the latest run, `open` when seen before and
-- still seen, `resolved` when the latest run no longer sees it (e.g. the owner re-published the report).
with history as (
    select * from {{ ref('stg_lake__finding_history') }}
),

runs as (
    select run_id, row_number() over (order by run_at, run_id) as run_no
    from (select run_id, min(run_at) as run_at from history group by run_id)
),

latest_run as (
    select max(run_no) as run_no, arg_max(run_id, run_no) as run_id from runs
),

per_key as (
    select
        history.finding_key,
        min(runs.run_no) as first_no,
        max(runs.run_no) as last_no,
        arg_min(history.run_id, runs.run_no) as first_seen_run,
        arg_max(history.run_id, runs.run_no) as last_seen_run
    from history
    inner join runs on runs.run_id = history.run_id
    group by history.finding_key
),

latest_row as (
    select history.*
    from history
    inner join per_key on per_key.finding_key = history.finding_key and per_key.last_seen_run = history.run_id
    qualify row_number() over (partition by history.finding_key order by history.char_start) = 1
)

select
    latest_row.finding_key as finding_id,
    latest_run.run_id,
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
    per_key.first_seen_run,
    per_key.last_seen_run,
    case
        when per_key.last_no < latest_run.run_no then 'resolved'
        when per_key.first_no = latest_run.run_no then 'new'
        else 'open'
    end as status,
    case when per_key.last_no < latest_run.run_no then per_key.last_no = latest_run.run_no - 1 else false end
        as resolved_in_latest_run
from latest_row
inner join per_key on per_key.finding_key = latest_row.finding_key
cross join latest_run
