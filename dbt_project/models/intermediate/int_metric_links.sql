-- Each mention's canonical metric: the longest alias contained in its subject wins (研发投入强度 over 研发投入).
with mentions as (
    select metric_id, coalesce(subject, '') as subject from {{ ref('stg_lake__metrics') }}
),

candidates as (
    select
        mentions.metric_id,
        aliases.metric_code,
        row_number() over (partition by mentions.metric_id order by length(aliases.alias) desc, aliases.alias)
            as preference
    from mentions
    inner join {{ ref('metric_aliases') }} as aliases on contains(mentions.subject, aliases.alias)
)

select metric_id, metric_code from candidates where preference = 1
