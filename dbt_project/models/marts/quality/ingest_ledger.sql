-- Every file that ever landed, one row per (path, bytes): ingested, duplicate (same bytes under another
-- name), superseded (the path later held new bytes) or quarantined (with the reason; bytes seen once but
-- gone from the landing folder before they could be parsed are quarantined too, saying so).
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
        arg_max(sha256, (seen_at, run_id)) as sha256
    from {{ ref('stg_lake__ledger') }}
    group by source_file
),

judged as (
    select
        sightings.*,
        documents.status as parse_status,
        documents.reason as parse_reason,
        documents.extractor_version as parse_extractor_version,
        documents.format,
        documents.encoding,
        documents.size_bytes,
        documents.n_reports,
        documents.n_metrics,
        documents.ingested_at,
        case
            when coalesce(sightings.sha256, '') <> coalesce(latest_per_path.sha256, '') then 'superseded'
            when sightings.last_discover_status = 'duplicate' then 'duplicate'
            when sightings.last_discover_status = 'quarantined' then 'quarantined'
            when documents.status = 'quarantined' then 'quarantined'
            when documents.status = 'ingested' then 'ingested'
            else 'quarantined'
        end as status
    from sightings
    left join latest_per_path on sightings.source_file = latest_per_path.source_file
    left join {{ ref('int_documents_parsed') }} as documents on sightings.sha256 = documents.document_id
)

select
    source_file,
    sha256,
    status,
    case
        when last_discover_status in ('duplicate', 'quarantined') then discover_reason
        when status = 'quarantined' and parse_status is null then 'left the landing folder before it could be parsed'
        else coalesce(parse_reason, discover_reason)
    end as reason,
    coalesce(parse_extractor_version, extractor_version) as extractor_version,
    format,
    encoding,
    coalesce(size_bytes, 0) as size_bytes,
    coalesce(n_reports, 0) as n_reports,
    coalesce(n_metrics, 0) as n_metrics,
    first_seen_at,
    last_seen_at,
    ingested_at
from judged
