-- The data owners of config/owners.yml (as snapshotted into the lake by the run): who receives a report.
select
    owner_name,
    arg_min(owner_email, priority) as owner_email,
    bool_or(notify_clean) as notify_clean,
    bool_or(is_default) as is_default
from {{ ref('stg_lake__owners') }}
group by owner_name
