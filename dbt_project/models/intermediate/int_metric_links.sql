-- Each mention's canonical metric: the alias contained in its subject that ends last wins (a Chinese noun phrase
-- ends with its head: 一般公共预算收入中的税收收入 is 税收收入), and of those the longest (研发投入强度 over 研发投入).
-- An alias is not the metric where the subject relates to it: a denominator or base (占国内生产总值比重,
-- 与GDP的比率, 单位国内生产总值用水量, 拉动固定资产投资), a whole the subject is part of (收入中的…), or a
-- source the subject is spent from (土地出让收入安排的支出).
-- Incremental by document, like fct_metric (a change of the alias seed rebuilds everything).
{{ config_incremental_by_document() }}

with mentions as (
    select
        metrics.metric_id,
        metrics.document_id,
        coalesce(metrics.subject, '') as subject
    from {{ ref('stg_lake__metrics') }} as metrics
    {%- if is_incremental() %}
    where metrics.document_id in ({{ documents_added() }})
    {%- else %}
    where metrics.document_id in (
            select current_documents.document_id from {{ ref('int_documents_current') }} as current_documents
        )
    {%- endif %}
),

occurrences as (
    -- the alias's last occurrence in the subject: the words before it and after it
    select
        mentions.metric_id,
        mentions.document_id,
        aliases.metric_code,
        aliases.alias,
        length(mentions.subject) - length(aliases.alias) + 2
        - strpos(reverse(mentions.subject), reverse(aliases.alias)) as alias_start,
        strpos(reverse(mentions.subject), reverse(aliases.alias)) - 1 as chars_after,
        mentions.subject
    from mentions
    inner join {{ ref('metric_aliases') }} as aliases on contains(mentions.subject, aliases.alias)
),

candidates as (
    select
        metric_id,
        document_id,
        metric_code,
        row_number() over (partition by metric_id order by chars_after asc, length(alias) desc, alias asc) as preference
    from occurrences
    where not regexp_matches(substring(subject, 1, alias_start - 1), '占|与|拉动|下拉|单位')
        and not regexp_matches(substring(subject, greatest(1, alias_start - 4), least(4, alias_start - 1)), '在')
        and not regexp_matches(substring(subject, alias_start + length(alias)), '^中|安排的?支出|安排的相关支出')
)

select
    metric_id,
    document_id,
    metric_code
from candidates
where preference = 1
