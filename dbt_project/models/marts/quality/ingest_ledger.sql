-- Every file that ever landed, one row per (path, bytes): ingested, duplicate (same bytes under another
-- name), superseded (the path later held new bytes) or quarantined (with the reason).
with sightings as (
    select
        source_file,
        sha256,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at,
        arg_max(status, seen_at) as last_discover_status,
        arg_max(reason, seen_at) as discover_reason,
        arg_max(extractor_version, seen_at) as extractor_version
    from {{ ref('stg_lake__ledger') }}
    group by source_file, sha256
),

latest_per_path as (
    select
        source_file,
        arg_max(sha256, seen_at) as sha256
    from {{ ref('stg_lake__ledger') }}
    group by source_file
)

select
    sightings.source_file,
    sightings.sha256,
    case
        when coalesce(sightings.sha256, '') <> coalesce(latest_per_path.sha256, '') then 'superseded'
        when sightings.last_discover_status = 'duplicate' then 'duplicate'
        when sightings.last_discover_status = 'quarantined' then 'quarantined'
        when documents.status = 'quarantined' then 'quarantined'
        when documents.status = 'ingested' then 'ingested'
        else 'pending'
    end as status,
    coalesce(documents.reason, sightings.discover_reason) as reason,
    coalesce(documents.extractor_version, sightings.extractor_version) as extractor_version,
    documents.format,
    documents.encoding,
    coalesce(documents.size_bytes, 0) as size_bytes,
    coalesce(documents.n_reports, 0) as n_reports,
    coalesce(documents.n_metrics, 0) as n_metrics,
    sightings.first_seen_at,
    sightings.last_seen_at,
    documents.ingested_at
from sightings
left join latest_per_path on sightings.source_file = latest_per_path.source_file
left join {{ ref('int_documents_parsed') }} as documents on sightings.sha256 = documents.document_id
