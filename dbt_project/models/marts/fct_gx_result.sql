{{ config(tags=['dq']) }}
-- Great Expectations results of every run: one row per expectation per run.
select
    run_id,
    suite,
    expectation,
    check_name,
    column_name,
    success,
    element_count,
    unexpected_count,
    validated_at
from {{ ref('stg_lake__gx_results') }}
