{{ config(tags=['dq']) }}
-- Findings per owner, run and check: the trend chart of each owner's report.
select
    history.owner_name as owner,
    history.run_id,
    min(history.run_at) as run_at,
    history.check_name,
    count(*) as n_findings
from {{ ref('stg_lake__finding_history') }} as history
group by history.owner_name, history.run_id, history.check_name
