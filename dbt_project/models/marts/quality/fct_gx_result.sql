{{ config(tags=['dq']) }}
-- Great Expectations results of every run: one row per expectation per run.
select * from {{ ref('stg_lake__gx_results') }}
