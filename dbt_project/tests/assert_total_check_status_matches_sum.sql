-- A relation marked consistent must not have parts exceeding its total beyond rounding.
select *
from {{ ref('fct_total_check') }}
where status = 'consistent' and parts_sum > total_value * (1 + {{ var('total_tolerance_share') }}) + 1
