-- Plan targets: metric mentions in a plan section or a sentence with 计划/力争/目标/预计/拟, dated to the
-- report's plan year.
select
    metrics.metric_id,
    metrics.report_id,
    metrics.source_file,
    reports.org_name,
    reports.plan_year,
    metrics.subject,
    metrics.metric_code,
    metrics.number_text,
    metrics.value,
    metrics.value_high,
    metrics.unit,
    metrics.classifier,
    metrics.approx,
    metrics.kind,
    metrics.char_start,
    metrics.char_end,
    metrics.sentence
from {{ ref('fct_metric') }} as metrics
inner join {{ ref('dim_report') }} as reports on metrics.report_id = reports.report_id
where metrics.is_plan_target
