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
    select * from {{ ref('fct_plan_target') }}
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
    inner join {{ ref('dim_report') }} as reports on reports.report_id = metrics.report_id
    where not metrics.is_plan_target and {{ in_list('reports.org_name', organisations) }}
),

next_year_reports as (
    select distinct org_name, report_year from {{ ref('dim_report') }}
    where {{ in_list('org_name', organisations) }}
),

matched as (
    select
        targets.metric_id as target_metric_id,
        actuals.metric_id as actual_metric_id,
        actuals.value as actual_value,
        row_number() over (
            partition by targets.metric_id
            order by abs(actuals.value - targets.value), actuals.char_start, actuals.metric_id
        ) as closeness
    from targets
    inner join actuals
        on actuals.org_name = targets.org_name
        and actuals.actual_year = targets.plan_year
        -- the canonical metric when both link to one, else the subject as written
        and coalesce(actuals.metric_code, actuals.subject) = coalesce(targets.metric_code, targets.subject)
        and actuals.unit = targets.unit
        and actuals.kind = targets.kind
)

select
    targets.org_name,
    targets.subject,
    targets.metric_code,
    targets.plan_year,
    targets.value as target_value,
    matched.actual_value,
    targets.unit,
    case when targets.value <> 0 then matched.actual_value / targets.value end as attainment_ratio,
    case
        when matched.actual_metric_id is null then 'no_actual_reported'
        when matched.actual_value >= targets.value then 'met'
        else 'missed'
    end as status,
    targets.metric_id as target_metric_id,
    matched.actual_metric_id
from targets
inner join next_year_reports
    on next_year_reports.org_name = targets.org_name and next_year_reports.report_year = targets.plan_year
left join matched on matched.target_metric_id = targets.metric_id and matched.closeness = 1
