-- Each current document with the path that carries it now: the latest sighting per landed path in the ledger,
-- when that sighting was parsed or already known (not quarantined, not a duplicate of another path).
-- Discover gives a document's bytes to one path at a time (ingest/stage.py), so a document's rows take this
-- path, not the one it was parsed under: a file renamed, or a duplicate whose original changed, keeps its
-- data under the path that holds it now.
with latest_sightings as (
    select
        source_file,
        sha256,
        status,
        seen_at,
        run_id,
        row_number() over (partition by source_file order by seen_at desc, run_id desc) as recency
    from {{ ref('stg_lake__ledger') }}
)

select
    sha256 as document_id,
    arg_max(source_file, (seen_at, run_id)) as source_file
from latest_sightings
where recency = 1 and status in ('new', 'unchanged')
group by sha256
