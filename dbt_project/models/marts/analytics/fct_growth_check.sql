-- A stated growth rate against the two levels it relates: this year's level (the one the rate follows in
-- its sentence) and last year's (the same organisation's previous report, same subject and unit).
-- Incremental by organisation (macros/incremental_lake.sql): every input row of a check is of one
-- organisation, so a night recomputes the organisations it touched (3% of them for 1% new reports).
-- depends_on: {{ ref('int_documents_current') }}  (organisations_to_rebuild reads it on incremental runs)
{{ config(
    materialized='incremental', incremental_strategy='append', on_schema_change='fail',
    pre_hook="{{ delete_organisations_to_rebuild(growth_check_metric_columns()) }}"
) }}

{%- set organisations = organisations_to_rebuild(growth_check_metric_columns()) %}

with metrics as (
    select
        metrics.*,
        reports.org_name as report_org,
        reports.report_year as year_of_report
    from {{ ref('fct_metric') }} as metrics
    inner join {{ ref('dim_report') }} as reports on metrics.report_id = reports.report_id
    where {{ in_list('reports.org_name', organisations) }}
),

growth as (
    -- GDP and value added grow at comparable prices (按可比价格计算) while their levels are at current prices:
    -- two levels cannot check such a rate.
    select * from metrics
    where kind = 'growth_rate' and unit = 'percent' and not is_plan_target and report_org is not null
        and not regexp_matches(coalesce(subject, ''), '生产总值|增加值|GDP')
),

level_now as (
    select
        growth.metric_id as growth_metric_id,
        levels.metric_id as level_metric_id,
        levels.value as level_value,
        levels.subject,
        levels.unit,
        row_number()
            over (partition by growth.metric_id order by levels.char_start desc, levels.metric_id asc)
            as nearest
    from growth
    inner join metrics as levels
        on growth.report_id = levels.report_id
            and growth.sentence = levels.sentence
            and growth.char_start >= levels.char_end
            and levels.kind in ('level', 'cumulative')
            and levels.unit not in ('percent', 'pp', 'rank')
),

level_before as (
    select
        level_now.growth_metric_id,
        previous.metric_id as previous_metric_id,
        previous.value as previous_value,
        row_number() over (partition by level_now.growth_metric_id order by previous.char_start, previous.metric_id)
            as first_match
    from level_now
    inner join growth on level_now.growth_metric_id = growth.metric_id
    inner join metrics as previous
        on growth.report_org = previous.report_org
            and previous.year_of_report = growth.year_of_report - 1
            and level_now.subject = previous.subject
            and level_now.unit = previous.unit
            and previous.kind in ('level', 'cumulative')
            and not previous.is_plan_target
    where level_now.nearest = 1
)

select
    growth.metric_id as growth_metric_id,
    growth.report_id,
    growth.document_id,
    growth.source_file,
    growth.report_org as org_name,
    growth.subject,
    growth.value as stated_rate,
    level_now.level_metric_id,
    level_now.level_value,
    level_before.previous_metric_id,
    level_before.previous_value,
    round((level_now.level_value - level_before.previous_value) / level_before.previous_value * 100, 4)
        as computed_rate,
    case
        when abs(
                (level_now.level_value - level_before.previous_value) / level_before.previous_value * 100 - growth.value
            )
            <= {{ var('growth_tolerance_points') }} + {{ var('growth_tolerance_share') }} * abs(growth.value)
            then 'consistent'
        else 'inconsistent'
    end as status,
    growth.char_start,
    growth.char_end,
    growth.sentence
from growth
inner join level_now on growth.metric_id = level_now.growth_metric_id and level_now.nearest = 1
inner join level_before on growth.metric_id = level_before.growth_metric_id and level_before.first_match = 1
where level_before.previous_value <> 0
