-- Which plan targets were met? Target against the next year's actual of the same organisation.
select
    org_name,
    plan_year,
    coalesce(metric_code, subject) as metric,
    target_value,
    actual_value,
    unit,
    round(attainment_ratio, 3) as attainment_ratio,
    status
from {{ ref('fct_plan_attainment') }}
order by org_name, plan_year, status, metric
