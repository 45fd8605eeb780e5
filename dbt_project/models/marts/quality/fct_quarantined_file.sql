-- The landing report: every quarantined file (path and bytes) goes to the default owner and to the first
-- owner, by priority, whose pattern occurs in its path (a file that could not be read has no organisation).
with routed as (
    select
        ledger.source_file,
        ledger.sha256,
        ledger.reason,
        ledger.first_seen_at,
        owners.owner_name,
        row_number() over (
            partition by ledger.source_file, ledger.sha256, owners.is_default order by owners.priority asc
        ) as rank_for_file
    from {{ ref('ingest_ledger') }} as ledger
    inner join {{ ref('stg_lake__owners') }} as owners
        on owners.is_default or contains(ledger.source_file, owners.pattern)
    where ledger.status = 'quarantined'
)

select distinct
    owner_name,
    source_file,
    sha256,
    reason,
    first_seen_at
from routed
where rank_for_file = 1
