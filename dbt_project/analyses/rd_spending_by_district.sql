-- How did R&D spending develop across districts? One row per organisation and year, with the growth rate.
select
    org_name,
    report_year,
    value / 1e8 as rd_spending_yi_yuan,
    growth_rate
from {{ ref('v_metric_by_org_year') }}
where metric_code = 'rd_spending'
order by org_name, report_year
