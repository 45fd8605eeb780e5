-- A target from year N's plan against the actual in the same organisation's report on year N. Only targets
-- whose organisation has a report on the plan year take part: until then there is nothing to compare.
-- Incremental by organisation, like fct_growth_check (macros/incremental_lake.sql).
-- depends_on: {{ ref('int_documents_current') }}  (organisations_to_rebuild reads it on incremental runs)
{{ config(
    materialized='incremental', incremental_strategy='append', on_schema_change='fail',
    pre_hook="{{ delete_organisations_to_rebuild(plan_attainment_metric_columns(), plan_attainment_also()) }}"
) }}

{%- set organisations = organisations_to_rebuild(plan_attainment_metric_columns(), plan_attainment_also()) %}

with targets as (
    select
        *,
        -- a ceiling (`控制在5.5%左右`, `3%以内`, a price rise, a deficit) is met from below, a floor from above,
        -- an `about` target of either kind within a tolerance of it
        case
            when approx = 'at_most' then 'at_most'
            -- a planned fall (`下降3.4%以上`, `二氧化硫排放下降3%`) is met by falling at least as far
            when value < 0 then case when approx = 'about' then 'about_at_most' else 'at_most' end
            when approx in ('at_least', 'more_than') then 'at_least'
            when regexp_matches(subject, '{{ var("ceiling_subjects") }}')
                then
                    case when approx = 'about' then 'about_at_most' else 'at_most' end
            when approx = 'about' then 'about_at_least'
            else 'at_least'
        end as target_direction
    from {{ ref('fct_plan_target') }}
    where org_name is not null and plan_year is not null and {{ in_list('org_name', organisations) }}
),

actuals as (
    select
        metrics.metric_id,
        metrics.subject,
        metrics.metric_code,
        metrics.value,
        metrics.unit,
        metrics.kind,
        metrics.char_start,
        reports.org_name,
        reports.report_year as actual_year
    from {{ ref('fct_metric') }} as metrics
    inner join {{ ref('dim_report') }} as reports on metrics.report_id = reports.report_id
    -- the reviewed year's outcomes only: a target quoted in the review or a figure of another part is no actual
    where not metrics.is_plan_target and metrics.section = 'result'
        and {{ in_list('reports.org_name', organisations) }}
),

next_year_reports as (
    select distinct
        org_name,
        report_year
    from {{ ref('dim_report') }}
    where {{ in_list('org_name', organisations) }}
),

matched as (
    select
        targets.metric_id as target_metric_id,
        actuals.metric_id as actual_metric_id,
        actuals.value as actual_value,
        -- the review's first statement of the metric is its headline figure (`国内生产总值增长6.9%`)
        row_number() over (
            partition by targets.metric_id
            order by actuals.char_start, actuals.metric_id
        ) as closeness
    from targets
    inner join actuals
        on targets.org_name = actuals.org_name
            and actuals.actual_year = targets.plan_year
            -- the canonical metric when both link to one, else the subject as written (long enough to name a thing)
            and (
                targets.metric_code = actuals.metric_code
                or (
                    actuals.metric_code is null and targets.metric_code is null
                    and targets.subject = actuals.subject
                    and length(targets.subject) >= {{ var('attainment_min_subject_chars') }}
                )
            )
            and targets.unit = actuals.unit
            and targets.kind = actuals.kind
)

select
    targets.org_name,
    targets.subject,
    targets.metric_code,
    targets.plan_year,
    targets.value as target_value,
    matched.actual_value,
    targets.unit,
    targets.target_direction,
    case when targets.value <> 0 then matched.actual_value / targets.value end as attainment_ratio,
    case
        when matched.actual_metric_id is null then 'no_actual_reported'
        when targets.target_direction = 'at_most' and matched.actual_value <= targets.value then 'met'
        when targets.target_direction = 'at_least' and matched.actual_value >= targets.value then 'met'
        when targets.target_direction = 'about_at_most'
            and matched.actual_value <= targets.value + abs(targets.value) * {{ var('about_target_tolerance') }}
            then 'met'
        when targets.target_direction = 'about_at_least'
            and matched.actual_value >= targets.value - abs(targets.value) * {{ var('about_target_tolerance') }}
            then 'met'
        else 'missed'
    end as status,
    targets.metric_id as target_metric_id,
    matched.actual_metric_id
from targets
inner join next_year_reports
    on targets.org_name = next_year_reports.org_name and targets.plan_year = next_year_reports.report_year
left join matched on targets.metric_id = matched.target_metric_id and matched.closeness = 1
