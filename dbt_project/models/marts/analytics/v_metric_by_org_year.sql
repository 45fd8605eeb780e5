{{ config(materialized='view') }}
-- Tidy: one row per organisation, report year and canonical metric, with the actual value as reported (the
-- first level mention, from the results section when there is one; growth rates separately). For spreadsheets
-- and the overview's charts. Every mention that is not a plan target counts: a report whose sections were not
-- recognised (all `other`) still has its actuals; targets are in fct_plan_target.
with linked as (
    select
        metrics.org_name,
        metrics.report_year,
        metrics.metric_code,
        metrics.kind,
        metrics.unit,
        metrics.value,
        metrics.char_start,
        metrics.section,
        metrics.metric_id
    from {{ ref('fct_metric') }} as metrics
    where metrics.metric_code is not null and not metrics.is_plan_target and metrics.section <> 'plan'
)

select
    linked.org_name,
    linked.report_year,
    linked.metric_code,
    catalog.name_zh,
    catalog.name_en,
    -- the results section first, a stock (level, total, share) before a flow (what was added), the first written
    arg_min(
        linked.value,
        struct_pack(
            elsewhere := linked.section <> 'result', flow := linked.kind = 'increment', pos := linked.char_start
        )
    ) filter (
        where linked.kind in ('level', 'cumulative', 'share', 'increment') and linked.unit = catalog.unit
    ) as value,
    catalog.unit,
    arg_min(linked.value, struct_pack(elsewhere := linked.section <> 'result', pos := linked.char_start)) filter (
        where linked.kind = 'growth_rate'
    ) as growth_rate,
    count(*) as n_mentions
from linked
inner join {{ ref('dim_metric') }} as catalog on linked.metric_code = catalog.metric_code
group by all
