select
    run_id,
    suite,
    expectation,
    check_name,
    column_name,
    success,
    element_count,
    unexpected_count,
    validated_at
from {{ source('lake', 'gx_results') }}
