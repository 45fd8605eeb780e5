-- Which numbers are disputed? Open data-quality findings about numbers, with the sentence to check.
select
    f.check_name,
    f.severity,
    f.org_name,
    f.report_year,
    f.expected,
    f.message,
    f.evidence
from {{ ref('fct_dq_finding') }} as f
where f.status <> 'resolved'
    and f.check_name in (
        'total_mismatch', 'subset_exceeds_total', 'repeated_metric_disagrees',
        'growth_rate_inconsistent', 'share_over_100', 'unit_implausible_for_subject'
    )
order by f.severity, f.org_name
