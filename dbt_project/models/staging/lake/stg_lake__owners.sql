select
    cast(priority as integer) as priority,
    pattern,
    owner_name,
    owner_email,
    is_default,
    notify_clean
from {{ source('lake', 'owners') }}
