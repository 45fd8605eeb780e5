{#-
The quality marts over the finding history (one lake file per validated run, kept for good).

Rebuilt from the whole history, their cost would grow with every night (docs/BENCHMARKS.md, fourth round).
On an incremental night they start from the published warehouse's marts and add only the
runs that came after the last run those hold: usually tonight's, more after a night that validated but
did not publish. A full build (new build code, a rebuilt lake) reads the whole history as before.
-#}

{#- Every run of the history in order, numbered from 1 (reads two columns of each file). -#}
{% macro history_runs() -%}
    select run_id, run_at, row_number() over (order by run_at, run_id) as run_no
    from (select run_id, min(run_at) as run_at from {{ ref('stg_lake__finding_history') }} group by run_id)
{%- endmacro %}

{#- The runs after the one `last_run_query` names (the last run a quality mart holds), oldest first. None on
    a full build, or when the mart holds no run of the history (empty, or its run left the lake): then the
    mart is computed from the whole history. -#}
{% macro history_runs_after(last_run_query) -%}
    {%- if not (execute and is_incremental()) -%}{{ return(none) }}{%- endif -%}
    {%- set last -%}
        with runs as ({{ history_runs() }})
        select run_no from runs where run_id = ({{ last_run_query }})
    {%- endset -%}
    {%- set last_no = run_query(last).columns[0].values() | list -%}
    {%- if last_no | length == 0 -%}{{ return(none) }}{%- endif -%}
    {%- set later -%}
        with runs as ({{ history_runs() }})
        select run_id from runs where run_no > {{ last_no[0] }} order by run_no
    {%- endset -%}
    {{ return(run_query(later).columns[0].values() | list) }}
{%- endmacro %}
