-- The projection lives in macros/stg_lake_select.sql: incremental models apply it to a night's new files.
{{ stg_lake_select('reports', source('lake', 'reports')) }}
