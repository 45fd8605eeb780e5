{{ config(materialized='view') }}
-- Wide: one row per organisation and report year, one column per frequently reported canonical metric.
select
    org_name,
    report_year,
    max(value) filter (where metric_code = 'gdp') as gdp_cny,
    max(value) filter (where metric_code = 'general_budget_revenue') as general_budget_revenue_cny,
    max(value) filter (where metric_code = 'rd_spending') as rd_spending_cny,
    max(value) filter (where metric_code = 'high_tech_enterprises') as high_tech_enterprises,
    max(value) filter (where metric_code = 'urban_new_jobs') as urban_new_jobs,
    max(value) filter (where metric_code = 'disposable_income') as disposable_income_cny
from {{ ref('v_metric_by_org_year') }}
group by all
