-- The documents whose bytes are what each landed path holds now: a path re-published with new bytes
-- supersedes its earlier version, and a duplicate (same bytes under another name) is parsed once.
with latest_per_path as (
    select
        source_file,
        sha256,
        status,
        row_number() over (partition by source_file order by seen_at desc, run_id desc) as recency
    from {{ ref('stg_lake__ledger') }}
)

select
    documents.document_id,
    documents.source_file,
    documents.format,
    documents.encoding,
    documents.size_bytes,
    documents.n_chars,
    documents.n_reports,
    documents.n_metrics,
    documents.status,
    documents.reason,
    documents.extractor_version,
    documents.ingested_at,
    documents.parse_seconds
from {{ ref('stg_lake__documents') }} as documents
where documents.status = 'ingested'
  and documents.document_id in (
      select sha256 from latest_per_path where recency = 1 and status in ('new', 'unchanged')
  )
