-- Each report's data owner: the first owner (by priority) whose pattern occurs in the organisation name,
-- else the default owner of config/owners.yml. Incremental by document (a change of owners.yml rebuilds
-- everything: the pipeline counts it as build code).
{{ config_incremental_by_document() }}

with reports as (
    select reports.*
    from {{ ref('stg_lake__reports') }} as reports
    {%- if is_incremental() %}
    where reports.document_id in ({{ documents_added() }})
    {%- else %}
    where reports.document_id in (
            select current_documents.document_id from {{ ref('int_documents_current') }} as current_documents
        )
    {%- endif %}
),

matches as (
    select
        reports.report_id,
        owners.owner_name,
        owners.owner_email,
        row_number() over (partition by reports.report_id order by owners.priority) as rank_in_report
    from reports
    inner join {{ ref('stg_lake__owners') }} as owners
        on not owners.is_default and contains(coalesce(reports.org_name, ''), owners.pattern)
),

default_owner as (
    select
        owner_name,
        owner_email
    from {{ ref('stg_lake__owners') }}
    where is_default
    order by priority limit 1
)

select
    reports.*,
    coalesce(matches.owner_name, default_owner.owner_name, 'unassigned') as owner_name,
    coalesce(matches.owner_email, default_owner.owner_email) as owner_email
from reports
left join matches on reports.report_id = matches.report_id and matches.rank_in_report = 1
left join default_owner on true
