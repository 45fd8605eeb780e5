select
    catalog.metric_code,
    catalog.name_zh,
    catalog.name_en,
    catalog.unit,
    catalog.kind,
    (
        select count(*) from {{ ref('metric_aliases') }} as aliases
        where aliases.metric_code = catalog.metric_code)
        as n_aliases
from {{ ref('metric_catalog') }} as catalog
