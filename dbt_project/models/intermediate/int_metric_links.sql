-- Each mention's canonical metric: the longest alias contained in its subject wins (研发投入强度 over 研发投入).
-- Incremental by document, like fct_metric (a change of the alias seed rebuilds everything).
{{ config(
    materialized='incremental', incremental_strategy='append', on_schema_change='fail',
    post_hook="{{ delete_documents_not_in(ref('int_documents_current')) }}"
) }}

{%- set new_documents = documents_to_add(ref('int_documents_current')) %}

with mentions as (
    select metric_id, document_id, coalesce(subject, '') as subject
    from {{ parsed_rows('metrics', new_documents) }} as metrics
    where metrics.document_id in (select document_id from {{ ref('int_documents_current') }})
),

candidates as (
    select
        mentions.metric_id,
        mentions.document_id,
        aliases.metric_code,
        row_number() over (partition by mentions.metric_id order by length(aliases.alias) desc, aliases.alias)
            as preference
    from mentions
    inner join {{ ref('metric_aliases') }} as aliases on contains(mentions.subject, aliases.alias)
)

select metric_id, document_id, metric_code from candidates where preference = 1
